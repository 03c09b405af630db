// discover(): what the walk keeps, skips and reports, on real trees.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { compileExcludes, discover, isTestPath, readBytes, readBytesShared, readFiltered, UNKNOWN_SIZE } from '../../src/scan/discover.js';
import { makeTree, removeTree } from '../cli/helpers.js';

test('keeps Python and deployment files, skips VCS, dependency, cache and virtualenv directories', (t) => {
  const dir = makeTree({
    'app/views.py': 'x = 1\n',
    'app/static/app.js': 'x',
    'README.md': '# hi\n',
    'deploy/nginx.conf': 'server {}\n',
    Dockerfile: 'FROM python\n',
    'docker-compose.yml': 'services: {}\n',
    '.git/hooks/post.py': 'x = 1\n',
    'node_modules/pkg/setup.py': 'x = 1\n',
    'app/__pycache__/views.cpython-311.py': 'x = 1\n',
    '.venv/lib/python3.11/site-packages/django/views.py': 'x = 1\n',
    // A virtualenv under an unusual name is recognised by its pyvenv.cfg.
    'py311/pyvenv.cfg': 'home = /usr/bin\n',
    'py311/lib/python3.11/site-packages/six.py': 'x = 1\n',
    'app/locale/fr/LC_MESSAGES/django.po': 'msgid ""\n',
    'app/locale/fr/formats.py': 'DATE_FORMAT = "j F Y"\n',
  });
  t.after(() => removeTree(dir));
  const { files, errors } = discover(dir);
  assert.deepEqual(errors, []);
  assert.deepEqual(files.map((f) => `${f.kind} ${f.path}`).sort(), ['config Dockerfile', 'config deploy/nginx.conf', 'config docker-compose.yml', 'python app/locale/fr/formats.py', 'python app/views.py']);
  const views = files.find((f) => f.path === 'app/views.py')!;
  // Python files are all read next, so the walk does not stat them; configs it does.
  assert.equal(views.size, UNKNOWN_SIZE);
  assert.equal(files.find((f) => f.path === 'deploy/nginx.conf')!.size, 'server {}\n'.length);
  assert.equal(views.abs, join(dir, 'app', 'views.py'));
});

test('a symlinked file inside the root keeps its own path (it may be the module Django imports); a symlinked directory is not walked twice', (t) => {
  const dir = makeTree({ 'proj/settings_prod.py': 'DEBUG = False\n', 'app/views.py': 'x = 1\n' });
  t.after(() => removeTree(dir));
  symlinkSync('settings_prod.py', join(dir, 'proj', 'settings.py'));
  symlinkSync('app', join(dir, 'app_current'));
  const { files, errors } = discover(dir);
  assert.deepEqual(errors, []);
  assert.deepEqual(files.map((f) => f.path).sort(), ['app/views.py', 'proj/settings.py', 'proj/settings_prod.py']);
});

test('a symlink given as the root is scanned (its target is the root)', (t) => {
  const dir = makeTree({ 'real/app/views.py': 'x = 1\n' });
  t.after(() => removeTree(dir));
  symlinkSync('real', join(dir, 'link'));
  const { files, errors } = discover(join(dir, 'link'));
  assert.deepEqual(errors, []);
  assert.deepEqual(
    files.map((f) => f.path),
    ['app/views.py'],
  );
  assert.equal(files[0].abs, join(dir, 'link', 'app', 'views.py'));
});

test('test paths: tests.py, test_*.py, *_test.py, conftest.py and tests/ are tests; test/ packages and names containing "test" are not', () => {
  for (const p of ['tests.py', 'app/tests.py', 'app/test_views.py', 'app/views_test.py', 'conftest.py', 'app/tests/helpers.py', 'tests/x/y.py']) assert.equal(isTestPath(p), true, p);
  for (const p of ['app/views.py', 'app/latest.py', 'app/contest.py', 'django/test/client.py', 'app/testing.py', 'app/attest/views.py']) assert.equal(isTestPath(p), false, p);
});

test('exclude globs: by name at any depth without a slash, by path from the root with one, trailing slash = directories only', () => {
  const ex = compileExcludes(['migrations', '*_old.py', 'legacy/**', 'build/']);
  assert.equal(ex.dir('app/migrations', 'migrations'), true);
  assert.equal(ex.file('app/views_old.py', 'views_old.py'), true);
  assert.equal(ex.file('app/views.py', 'views.py'), false);
  assert.equal(ex.dir('legacy', 'legacy'), true);
  assert.equal(ex.dir('app/legacy', 'legacy'), false);
  assert.equal(ex.dir('build', 'build'), true);
  assert.equal(ex.dir('app/build', 'build'), true);
  assert.equal(ex.file('build', 'build'), false);
  const none = compileExcludes([]);
  assert.equal(none.dir('x', 'x') || none.file('x', 'x'), false);
});

test('readFiltered decodes only wanted files, and gives the raw bytes and, on demand, the bytes as latin-1 so ASCII patterns match as in the decoded text', (t) => {
  const dir = makeTree({ 'a.py': "# café\nKEY = 'SSL_CLIENT_CERT'\n", 'b.py': '# café\nx = 1\n' });
  t.after(() => removeTree(dir));
  const want = (_b: Buffer, latin1: () => string) => /SSL_CLIENT/.test(latin1());
  assert.deepEqual(readFiltered(join(dir, 'a.py'), want), { ok: true, text: "# café\nKEY = 'SSL_CLIENT_CERT'\n" });
  assert.deepEqual(readFiltered(join(dir, 'b.py'), want), { ok: true, text: null });
  let seen = '';
  let raw: Buffer | null = null;
  readFiltered(join(dir, 'b.py'), (b, latin1) => ((raw = b), (seen = latin1()), false));
  assert.equal(seen, Buffer.from('# café\nx = 1\n').toString('latin1'));
  assert.deepEqual(raw, Buffer.from('# café\nx = 1\n'));
});

test('a Python file read without a size from the walk: whole when small, measured and held to the limit when large', (t) => {
  const small = 'x = 1\n'.repeat(10);
  const big = '# pad\n'.repeat(60_000); // 360 kB: more than the read buffer
  const dir = makeTree({ 'small.py': small, 'big.py': big });
  t.after(() => removeTree(dir));
  const s = readBytes(join(dir, 'small.py'), undefined, true);
  assert.ok(s.ok && s.buf.toString() === small);
  const b = readBytes(join(dir, 'big.py'), undefined, true);
  assert.ok(b.ok && b.buf.toString() === big);
  const limited = readBytes(join(dir, 'big.py'), 300_000, true);
  assert.deepEqual(limited, { ok: false, message: 'file too large (0.3 MiB > 0.3 MiB limit): skipped' });
  // Two reads in a row do not share memory.
  const again = readBytes(join(dir, 'small.py'), undefined, true);
  assert.ok(again.ok && s.ok && again.buf !== s.buf && s.buf.toString() === small);
});

test('readBytesShared reads a walked file into the shared buffer (a view valid until the next read); a large file gets a buffer of its own', (t) => {
  const small = 'x = 1\n'.repeat(10);
  const other = 'y = 2\n'.repeat(10);
  const big = '# pad\n'.repeat(60_000);
  const dir = makeTree({ 'small.py': small, 'other.py': other, 'big.py': big });
  t.after(() => removeTree(dir));
  const a = readBytesShared(join(dir, 'small.py'));
  assert.ok(a.ok && a.buf.toString() === small);
  const b = readBytesShared(join(dir, 'other.py'));
  assert.ok(b.ok && b.buf.toString() === other);
  // The same memory: the first view now shows the second file.
  assert.equal(a.buf.buffer, b.buf.buffer);
  assert.equal(a.buf.toString(), other);
  const l = readBytesShared(join(dir, 'big.py'));
  assert.ok(l.ok && l.buf.toString() === big && l.buf.buffer !== b.buf.buffer);
  assert.deepEqual(readBytesShared(join(dir, 'big.py'), 300_000), { ok: false, message: 'file too large (0.3 MiB > 0.3 MiB limit): skipped' });
});
