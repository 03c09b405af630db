// `scan` never writes into the scanned tree and never executes it (CLI.md, "Rules of behaviour").

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeTree, removeTree, runCli, scanJson, sites, VULN_LINE, VULN_VIEW } from './helpers.js';

/** Every entry under `dir` (dot-files and directories included) with its type, size, mode and mtime. */
function snapshot(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string, rel: string) => {
    for (const name of readdirSync(d).sort()) {
      const abs = join(d, name);
      const r = rel ? `${rel}/${name}` : name;
      const st = lstatSync(abs);
      const kind = st.isDirectory() ? 'dir' : st.isSymbolicLink() ? 'link' : 'file';
      out.set(r, `${kind} ${st.size} ${st.mode.toString(8)} ${st.mtimeMs}`);
      if (st.isDirectory()) walk(abs, r);
    }
  };
  walk(dir, '');
  return out;
}

test('a scan (every format, with a baseline, to stdout and to a file outside the tree) leaves the tree byte-for-byte and mtime-for-mtime unchanged', (t) => {
  const dir = makeTree({
    'manage.py': "import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'proj.settings')\n",
    'proj/__init__.py': '',
    'proj/settings.py': "MIDDLEWARE = ['django.contrib.auth.middleware.RemoteUserMiddleware']\n",
    'proj/urls.py': "from django.urls import path\nfrom app.views import MTLSConsumerView\nurlpatterns = [path('api/', MTLSConsumerView.as_view())]\n",
    'app/__init__.py': '',
    'app/views.py': VULN_VIEW,
    'app/tests.py': VULN_VIEW,
    'deploy/nginx.conf': 'server {\n  listen 443 ssl;\n  location / { proxy_pass http://127.0.0.1:8000; }\n}\n',
    '.mtls-audit.yml': 'exclude: []\n',
  });
  const out = mkdtempSync(join(tmpdir(), 'mtls-audit-out-'));
  t.after(() => {
    removeTree(dir);
    removeTree(out);
  });
  const before = snapshot(dir);
  const contents = new Map([...before.keys()].filter((k) => before.get(k)!.startsWith('file')).map((k) => [k, readFileSync(join(dir, k))]));

  const baseline = join(out, 'base.json');
  assert.equal(runCli(['scan', dir, '--format', 'json', '--output', baseline]).code, 1);
  for (const format of ['text', 'json', 'sarif']) {
    const r = runCli(['scan', dir, '--format', format]);
    assert.equal(r.code, 1, `${format}: ${r.stderr}`);
    assert.equal(runCli(['scan', dir, '--format', format, '--output', join(out, `r.${format}`), '--baseline', baseline, '--include-tests']).code, 1);
  }
  // Relative PATH from inside the tree, too (cwd = the tree).
  assert.equal(runCli(['scan', '.', '--format', 'json'], { cwd: dir }).code, 1);

  assert.deepEqual([...snapshot(dir)], [...before], 'no file or directory added, removed, resized, re-moded or touched (no __pycache__, no temp file)');
  for (const [k, buf] of contents) assert.ok(readFileSync(join(dir, k)).equals(buf), `${k} unchanged`);
});

test('a scan never executes the scanned code: top-level side effects in modules, settings, manage.py and __init__ do not run', (t) => {
  const marker = join(mkdtempSync(join(tmpdir(), 'mtls-audit-marker-')), 'executed');
  const sideEffect = (tag: string) => `import os, subprocess\nopen(${JSON.stringify(marker)}, 'w').write(${JSON.stringify(tag)})\nos.system('touch ${marker}-system')\nsubprocess.run(['touch', '${marker}-subprocess'])\n`;
  const dir = makeTree({
    'manage.py': sideEffect('manage') + "os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'proj.settings')\n",
    'setup.py': sideEffect('setup'),
    'conftest.py': sideEffect('conftest'),
    'proj/__init__.py': sideEffect('proj-init'),
    'proj/settings.py': sideEffect('settings') + "MIDDLEWARE = []\nSSL_CLIENT_HEADER = 'HTTP_X_SSL_CLIENT_CERT'\n",
    'proj/urls.py': sideEffect('urls') + 'urlpatterns = []\n',
    'app/__init__.py': sideEffect('app-init'),
    // Parsed (trigger words) and importing the others, so import resolution walks them all.
    'app/views.py': sideEffect('views') + 'from proj import settings\nfrom app.helpers import read_cert\n' + VULN_VIEW,
    'app/helpers.py': sideEffect('helpers') + "def read_cert(request):\n    return request.META.get('SSL_CLIENT_CERT')\n",
  });
  t.after(() => {
    removeTree(dir);
    rmSync(join(marker, '..'), { recursive: true, force: true });
  });
  const r = scanJson(dir, ['--include-tests']);
  assert.equal(r.code, 1);
  // The side-effect lines shift the view down; it was analysed all the same.
  const viewLine = sideEffect('views').split('\n').length - 1 + 2 + VULN_LINE;
  assert.ok(sites(r.report.findings).includes(`cert-presence-only app/views.py:${viewLine}`), sites(r.report.findings).join(', '));
  assert.ok(r.report.stats.filesParsed! >= 3, `several modules parsed (${r.report.stats.filesParsed})`);
  for (const suffix of ['', '-system', '-subprocess']) assert.equal(existsSync(marker + suffix), false, `marker${suffix} was not created`);
});
