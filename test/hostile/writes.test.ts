// Hostile trees against the tool's writes (issue: safe to run on untrusted pull requests):
// planted symlinks at temporary-file names, symlinks leading out of the project, and a git
// repository configured to run commands. Each attack is tried for real; the outside world must be
// untouched afterwards.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync, mkdirSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LAB_APPS } from '../lab/harness.js';
import { cli } from '../fix/helpers.js';
import { gitDirty } from '../../src/fix/apply.js';
import { insideRoot, writeFileAtomic } from '../../src/core/safe-fs.js';
import { createLabPki } from '../../src/pki/lab.js';

function sandbox(): { dir: string; victim: string; done: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'mtls-audit-hostile-'));
  const victim = join(dir, 'victim.txt');
  writeFileSync(victim, 'precious\n', { mode: 0o600 });
  return { dir, victim, done: () => rmSync(dir, { recursive: true, force: true }) };
}

test('--output: symlinks planted at every temporary name the old pid-based scheme could use are never written through', async () => {
  const { dir, victim, done } = sandbox();
  try {
    const out = join(dir, 'out');
    mkdirSync(out);
    mkdirSync(join(dir, 'src'));
    writeFileSync(join(dir, 'src', 'views.py'), 'def v(request):\n    return request.META.get("HTTP_X_SSL_CLIENT_CERT")\n');
    // The old names were `.<name>.<pid>.tmp`; the CLI's pid comes next, so cover a range of them.
    const base = process.pid;
    for (let p = base; p < base + 3000; p++) symlinkSync(victim, join(out, `.report.json.${p}.tmp`));
    const r = await cli(['scan', join(dir, 'src'), '--format', 'json', '--output', join(out, 'report.json')]);
    assert.ok(r.code === 0 || r.code === 1, r.stderr);
    assert.equal(readFileSync(victim, 'utf8'), 'precious\n');
    assert.ok(JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')).findings);
    assert.equal(readdirSync(out).filter((n) => !n.endsWith('.tmp')).length, 1, 'no stray temporary file left');
  } finally {
    done();
  }
});

test('writeFileAtomic: a random O_EXCL|O_NOFOLLOW temporary name, the mode set on the file itself', () => {
  const { dir, victim, done } = sandbox();
  try {
    const target = join(dir, 'secret');
    writeFileAtomic(target, 'x\n', 0o600);
    assert.equal(readFileSync(target, 'utf8'), 'x\n');
    assert.equal(spawnSync('stat', ['-c', '%a', target], { encoding: 'utf8' }).stdout.trim(), '600');
    assert.equal(readFileSync(victim, 'utf8'), 'precious\n');
  } finally {
    done();
  }
});

test('insideRoot follows symlinks on the path, for existing files and files still to be created', () => {
  const { dir, done } = sandbox();
  const outside = mkdtempSync(join(tmpdir(), 'mtls-audit-outside-'));
  try {
    const root = join(dir, 'project');
    mkdirSync(join(root, 'app'), { recursive: true });
    writeFileSync(join(root, 'app', 'settings.py'), '');
    symlinkSync(outside, join(root, 'deploy'));
    symlinkSync('/etc/passwd', join(root, 'app', 'passwd.conf'));
    symlinkSync('settings.py', join(root, 'app', 'settings_link.py'));
    assert.equal(insideRoot(root, join(root, 'app', 'settings.py')), true);
    assert.equal(insideRoot(root, join(root, 'app', 'settings_link.py')), true);
    assert.equal(insideRoot(root, join(root, 'app', 'new', 'file.py')), true);
    assert.equal(insideRoot(root, join(root, 'deploy', 'mtls-audit', 'proxy-secret')), false);
    assert.equal(insideRoot(root, join(root, 'app', 'passwd.conf')), false);
    assert.equal(insideRoot(root, join(root, '..', 'elsewhere')), false);
  } finally {
    done();
    rmSync(outside, { recursive: true, force: true });
  }
});

test('fix: a deploy/ symlink leading out of the project gets nothing written through it, and its target is never read into the plan', async () => {
  const { dir, done } = sandbox();
  const outside = mkdtempSync(join(tmpdir(), 'mtls-audit-outside-'));
  try {
    const app = join(dir, 'app');
    cpSync(join(LAB_APPS, 'vulnerable'), app, { recursive: true });
    symlinkSync(outside, join(app, 'deploy'));
    mkdirSync(join(outside, 'mtls-audit', 'nginx'), { recursive: true });
    writeFileSync(join(outside, 'mtls-audit', 'README.md'), 'OUTSIDE-SECRET-CONTENT\n');
    const plan = await cli(['fix', app]);
    assert.ok(!plan.stdout.includes('OUTSIDE-SECRET-CONTENT'), 'the target of the symlink was read into the plan');
    const w = await cli(['fix', app, '--write', '--force']);
    assert.equal(w.code, 2, w.stdout + w.stderr);
    assert.match(w.stderr, /leads outside the project/);
    assert.deepEqual(readdirSync(join(outside, 'mtls-audit')).sort(), ['README.md', 'nginx']);
    assert.equal(readFileSync(join(outside, 'mtls-audit', 'README.md'), 'utf8'), 'OUTSIDE-SECRET-CONTENT\n');
    assert.ok(!existsSync(join(app, 'mtls_audit_django')), 'a failed write leaves the tree as it was');
  } finally {
    done();
    rmSync(outside, { recursive: true, force: true });
  }
});

test("gitDirty never runs the repository's core.fsmonitor, filters or hooks", () => {
  const { dir, done } = sandbox();
  try {
    const repo = join(dir, 'repo');
    mkdirSync(repo);
    const marker = join(dir, 'pwned');
    const hook = join(dir, 'hook.sh');
    writeFileSync(hook, `#!/bin/sh\ntouch ${marker}\ncat\n`);
    chmodSync(hook, 0o755);
    const git = (...a: string[]) => spawnSync('git', ['-C', repo, '-c', 'user.name=t', '-c', 'user.email=t@t', '-c', 'commit.gpgsign=false', ...a], { encoding: 'utf8' });
    assert.equal(git('init', '-q').status, 0);
    writeFileSync(join(repo, 'a.py'), 'x = 1\n');
    writeFileSync(join(repo, '.gitattributes'), '*.py filter=evil\n');
    assert.equal(git('add', '.').status, 0);
    assert.equal(git('commit', '-qm', 'init').status, 0);
    // What a hostile checkout's .git/config can say.
    for (const [k, v] of [
      ['core.fsmonitor', hook],
      ['filter.evil.clean', hook],
      ['filter.evil.smudge', hook],
      ['filter.evil.required', 'true'],
      ['core.hooksPath', dir],
    ])
      assert.equal(git('config', k, v).status, 0);
    writeFileSync(join(repo, 'a.py'), 'x = 2\n'); // a modified file is re-hashed (clean filter) by git status
    const dirty = gitDirty(repo);
    assert.ok(!existsSync(marker), 'git ran a command from the repository config');
    assert.ok(dirty === null || dirty.includes('a.py'), JSON.stringify(dirty));
  } finally {
    done();
  }
});

test('probe: a path that would leave the target (//host, /\\host, a scheme, control characters) is refused with exit 2 before any request', async () => {
  const { dir, done } = sandbox();
  const pki = await createLabPki(join(dir, 'pki'));
  const id = ['--cert', pki.files['alice:crt'], '--key', pki.files['alice:key']];
  try {
    for (const bad of ['//evil.example/x', '/\\evil.example/x', 'https://evil.example/', '/a\r\nHost: evil', '/ok\u0001']) {
      for (const flag of ['--protected-path', '--login-path', '--password-login']) {
        const r = await cli(['probe', 'https://127.0.0.1:9/', ...id, flag, bad]);
        assert.equal(r.code, 2, `${flag} ${JSON.stringify(bad)}: ${r.stderr}`);
        assert.match(r.stderr, /must be a path on the target/);
        assert.equal(r.stderr.split('\n').filter(Boolean).length, 1);
      }
    }
    const t = await cli(['probe', 'https://127.0.0.1:9/', ...id, '--timeout', String(2 ** 31 + 5)]);
    assert.equal(t.code, 2, t.stderr);
    assert.match(t.stderr, /--timeout must be a number of milliseconds from 1 to 3600000/);
  } finally {
    done();
  }
});

test('one sanitiser: controls (OSC 52, CSI), bidi controls, U+061C, word joiners and the tag block are shown as escapes; tabs and newlines kept', async () => {
  const { visible, visibleLine } = await import('../../src/core/sanitize.js');
  const osc52 = '\u001b]52;c;ZWNobyBwd25lZA==\u0007';
  assert.equal(visible(`a${osc52}b`), 'a\\u001b]52;c;ZWNobyBwd25lZA==\\u0007b');
  for (const c of ['\u061c', '\u2060', '\u2061', '\u2064', '\u202e', '\u2066', '\ufeff', '\u200b', '\u{e0041}', '\u{e0001}', '\u009b']) {
    assert.ok(!visible(`x${c}y`).includes(c), `U+${c.codePointAt(0)!.toString(16)} kept raw`);
  }
  assert.equal(visible('a\tb\nc'), 'a\tb\nc');
  assert.equal(visibleLine('a\nb\u001b[2J'), 'a\\nb\\u001b[2J');
  assert.equal(visible('naïve café – ok'), 'naïve café – ok');
});

test('a file name carrying terminal escapes reaches the text report and error lines escaped', async () => {
  const { dir, done } = sandbox();
  try {
    const evil = 'views\u001b]52;c;cHduZWQ=\u0007.py';
    writeFileSync(join(dir, evil), 'def v(request):\n    if request.META.get("HTTP_X_SSL_CLIENT_CERT"):\n        return JsonResponse({})\n');
    const r = await cli(['scan', dir, '--format', 'text', '--no-color']);
    assert.ok(!/\u001b/.test(r.stdout) && !/\u001b/.test(r.stderr), JSON.stringify(r.stdout.slice(0, 300)));
    const bad = await cli(['scan', join(dir, 'missing\u001b[2Jdir')]);
    assert.equal(bad.code, 2);
    assert.ok(!/\u001b/.test(bad.stderr), JSON.stringify(bad.stderr));
    assert.match(bad.stderr, /\\u001b\[2J/);
  } finally {
    done();
  }
});

test('fix: a CA path from the tree that would write nginx directives is refused, nothing written or printed as config', async () => {
  const { dir, done } = sandbox();
  try {
    const app = join(dir, 'app');
    cpSync(join(LAB_APPS, 'vulnerable'), app, { recursive: true });
    mkdirSync(join(app, 'deploy'));
    writeFileSync(
      join(app, 'deploy', 'nginx.conf'),
      [
        'events {}',
        'http {',
        '  server {',
        '    listen 443 ssl;',
        '    ssl_client_certificate "/etc/nginx/ca.pem; location /backdoor { return 200; }";',
        '    ssl_verify_client on;',
        '    location / { proxy_set_header X-SSL-Client-Cert $ssl_client_escaped_cert; proxy_pass http://127.0.0.1:8000; }',
        '  }',
        '}',
        '',
      ].join('\n'),
    );
    for (const args of [
      ['fix', app],
      ['fix', app, '--write', '--force'],
    ]) {
      const r = await cli(args);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stdout}${r.stderr}`);
      assert.match(r.stderr, /the client CA file .* is not a plain path/);
      assert.ok(!r.stdout.includes('backdoor'));
    }
    assert.ok(!existsSync(join(app, 'deploy', 'mtls-audit')), 'nothing written');
  } finally {
    done();
  }
});

test('fix: a committed or world-readable provenance secret is replaced, and the note says why', async () => {
  const { dir, done } = sandbox();
  try {
    const app = join(dir, 'app');
    cpSync(join(LAB_APPS, 'vulnerable'), app, { recursive: true });
    const secretFile = join(app, 'deploy', 'mtls-audit', 'proxy-secret');
    mkdirSync(join(app, 'deploy', 'mtls-audit'), { recursive: true });
    const known = 'ab'.repeat(32);
    writeFileSync(secretFile, known + '\n', { mode: 0o644 });
    chmodSync(secretFile, 0o644);
    const r = await cli(['fix', app, '--write', '--force']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /a new provenance secret replaces the existing one \(readable by group or others/);
    const now = readFileSync(secretFile, 'utf8').trim();
    assert.match(now, /^[0-9a-f]{64}$/);
    assert.notEqual(now, known);
    // Tracked by git: replaced too, even at mode 600.
    const git = (...a: string[]) => spawnSync('git', ['-C', app, '-c', 'user.name=t', '-c', 'user.email=t@t', '-c', 'commit.gpgsign=false', ...a], { encoding: 'utf8' });
    assert.equal(git('init', '-q').status, 0);
    assert.equal(git('add', '-f', '.').status, 0);
    assert.equal(git('commit', '-qm', 'leak').status, 0);
    const again = await cli(['fix', app, '--write', '--force']);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /tracked by git.*git rm --cached deploy\/mtls-audit\/proxy-secret/);
    assert.notEqual(readFileSync(secretFile, 'utf8').trim(), now);
  } finally {
    done();
  }
});

test('pki DIR: a dangling symlink at a file name is not written through (without --force: refused; with it: replaced)', async () => {
  const { dir, victim, done } = sandbox();
  try {
    const out = join(dir, 'pki');
    mkdirSync(out);
    const target = join(dir, 'stolen-ca.key');
    symlinkSync(target, join(out, 'ca.key'));
    const r = await cli(['pki', out]);
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assert.match(r.stderr, /ca\.key already exists/);
    const f = await cli(['pki', out, '--force']);
    assert.equal(f.code, 0, f.stderr);
    assert.ok(!existsSync(target), 'the key was written through the link');
    assert.equal(readFileSync(victim, 'utf8'), 'precious\n');
  } finally {
    done();
  }
});

test('--baseline that is a FIFO, a device or JSON null: one line, exit 2, no hang', async () => {
  const { dir, done } = sandbox();
  try {
    mkdirSync(join(dir, 'src'));
    writeFileSync(join(dir, 'src', 'views.py'), 'x = 1\n');
    const fifo = join(dir, 'fifo');
    assert.equal(spawnSync('mkfifo', [fifo]).status, 0);
    writeFileSync(join(dir, 'null.json'), 'null');
    for (const [b, re] of [
      [fifo, /is not a regular file/],
      ['/dev/zero', /is not a regular file/],
      [join(dir, 'null.json'), /not an mtls-audit JSON report/],
    ] as const) {
      const r = await cli(['scan', join(dir, 'src'), '--baseline', b]);
      assert.equal(r.code, 2, `${b}: ${r.stderr}`);
      assert.match(r.stderr, re);
      assert.equal(r.stderr.trim().split('\n').length, 1);
    }
  } finally {
    done();
  }
});

test('probe: a target that does not speak TLS is unreachable (exit 2), not a pass with every case refused', async () => {
  const { dir, done } = sandbox();
  const { createServer } = await import('node:http');
  const server = createServer((_q, s) => s.end('plain http'));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  try {
    const pki = await createLabPki(join(dir, 'pki'));
    const port = (server.address() as { port: number }).port;
    const r = await cli(['probe', `https://127.0.0.1:${port}/`, '--cert', pki.files['alice:crt'], '--key', pki.files['alice:key'], '--timeout', '3000']);
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assert.match(r.stderr, /^mtls-audit: cannot reach https:\/\/127\.0\.0\.1:\d+\/: .*TLS/);
  } finally {
    server.close();
    done();
  }
});

test('fix --write: a write that fails late leaves the tree exactly as it was (everything is staged, then renamed)', async () => {
  const { dir, done } = sandbox();
  try {
    const app = join(dir, 'app');
    cpSync(join(LAB_APPS, 'vulnerable'), app, { recursive: true });
    // A plain file where the plan needs a directory: the nginx snippets (written late) cannot be.
    mkdirSync(join(app, 'deploy', 'mtls-audit'), { recursive: true });
    writeFileSync(join(app, 'deploy', 'mtls-audit', 'nginx'), 'not a directory\n');
    const before = spawnSync('find', [app, '-printf', '%P %s\\n'], { encoding: 'utf8' }).stdout.split('\n').sort().join('\n');
    const settingsBefore = readFileSync(join(app, 'vulnerable', 'settings.py'), 'utf8');
    const r = await cli(['fix', app, '--write', '--force']);
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assert.match(r.stderr, /nothing was written/);
    const after = spawnSync('find', [app, '-printf', '%P %s\\n'], { encoding: 'utf8' }).stdout.split('\n').sort().join('\n');
    assert.equal(after, before);
    assert.equal(readFileSync(join(app, 'vulnerable', 'settings.py'), 'utf8'), settingsBefore);
  } finally {
    done();
  }
});

test('a parse budget bounds how much Python one scan parses; what it leaves out is in errors', async () => {
  const { dir, done } = sandbox();
  try {
    const { runScan } = await import('../../src/scan/engine.js');
    const view = (i: number) => `def view_${i}(request):\n    if request.META.get("HTTP_X_SSL_CLIENT_CERT"):\n        return JsonResponse({})\n` + `# ${'x'.repeat(70)}\n`.repeat(1400);
    mkdirSync(join(dir, 'app'));
    for (let i = 0; i < 5; i++) writeFileSync(join(dir, 'app', `v${i}.py`), view(i));
    const report = await runScan({ path: join(dir, 'app'), parseBudget: 250_000 });
    const skipped = report.errors.filter((e) => /parse budget .* is spent/.test(e.message));
    assert.equal(skipped.length, 3, JSON.stringify(report.errors));
    const files = new Set(report.findings.filter((f) => f.ruleId === 'cert-presence-only').map((f) => f.location.file));
    assert.equal(files.size, 2);
  } finally {
    done();
  }
});

test('scan --strict: an input the scan could not analyse turns the verdict into exit 2 (the report is still written)', async () => {
  const { dir, done } = sandbox();
  try {
    mkdirSync(join(dir, 'src'));
    writeFileSync(join(dir, 'src', 'views.py'), 'x = 1\n');
    writeFileSync(join(dir, 'src', 'deploy.conf'), 'server {\n  listen 443 ssl;\n  ssl_verify_client on;\n  location / { proxy_pass http://127.0.0.1:8000;\n');
    const plain = await cli(['scan', join(dir, 'src'), '--format', 'json']);
    assert.equal(plain.code, 0, plain.stderr);
    assert.equal(JSON.parse(plain.stdout).errors.length, 1);
    const strict = await cli(['scan', join(dir, 'src'), '--format', 'json', '--strict']);
    assert.equal(strict.code, 2);
    assert.match(strict.stderr, /^mtls-audit: 1 input\(s\) could not be analysed \(--strict\); first: deploy\.conf: nginx configuration syntax error/);
    assert.equal(JSON.parse(strict.stdout).errors.length, 1);
  } finally {
    done();
  }
});

test('line continuations are joined in linear time (a Dockerfile, an Apache config and a unit of 100k continued lines)', async () => {
  const { continuedLine } = await import('../../src/deploy/common.js');
  const { dockerfileCommands, systemdExecStarts } = await import('../../src/deploy/appserver.js');
  const { parseApache } = await import('../../src/deploy/apache.js');
  const many = Array.from({ length: 100_000 }, (_, i) => `  arg${i} \\`);
  const t0 = Date.now();
  const docker = dockerfileCommands('Dockerfile', ['FROM python:3', 'CMD gunicorn app.wsgi \\', ...many, '  --bind 0.0.0.0:8000'].join('\n'));
  assert.match(docker.cmd?.words.join(' ') ?? '', /arg99999 +--bind 0\.0\.0\.0:8000$/);
  parseApache(['<VirtualHost *:443>', 'RequestHeader set X-A \\', ...many, '  "x"', '</VirtualHost>'].join('\n'), 'a.conf');
  systemdExecStarts(['[Service]', 'ExecStart=/usr/bin/gunicorn app.wsgi \\', ...many, '  -b 127.0.0.1:8000'].join('\n'));
  const ms = Date.now() - t0;
  assert.ok(ms < 5000, `took ${ms} ms`);
  assert.deepEqual(continuedLine(['a \\', 'b \\  ', 'c', 'd'], 0), { text: 'a  b  c', end: 2 });
});
