// bin/mtls-audit.js runs the single-file build with its code cache when that build is current, the
// compiled modules otherwise; a cache V8 refuses (other Node version, damaged file) changes nothing
// but speed. Each case runs a copy of bin/ + dist/src/ so the repository's build is never touched.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, symlinkSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT, VULN_VIEW, VULN_LINE, makeTree, removeTree } from './helpers.js';
import { writePythonPackage } from '../helpers/python-corpus.js';

function installCopy(): string {
  const dir = mkdtempSync(join(tmpdir(), 'mtls-audit-launcher-'));
  cpSync(join(REPO_ROOT, 'bin'), join(dir, 'bin'), { recursive: true });
  cpSync(join(REPO_ROOT, 'dist', 'src'), join(dir, 'dist', 'src'), { recursive: true, preserveTimestamps: true });
  cpSync(join(REPO_ROOT, 'package.json'), join(dir, 'package.json'));
  symlinkSync(join(REPO_ROOT, 'node_modules'), join(dir, 'node_modules'));
  return dir;
}

function scan(install: string, tree: string, args: string[] = []) {
  const r = spawnSync(process.execPath, [join(install, 'bin', 'mtls-audit.js'), 'scan', tree, '-f', 'json', ...args], {
    encoding: 'utf8',
    env: { ...process.env, MTLS_AUDIT_STATS: '1' },
  });
  const statsLine = r.stderr.trim().split('\n').pop() ?? '';
  const report = JSON.parse(r.stdout) as { findings: { ruleId: string; location: { file: string; line: number } }[] };
  const stats = JSON.parse(statsLine) as { launcher: string; codeCache: string; wasm: string; totals: Record<string, number> };
  return {
    code: r.status,
    workers: stats.totals['parse-workers'] ?? 0,
    stdout: r.stdout.replace(/"durationMs":\s*[\d.]+/, ''),
    launcher: stats.launcher,
    codeCache: stats.codeCache,
    wasm: stats.wasm,
    sites: report.findings.map((f) => `${f.ruleId} ${f.location.file}:${f.location.line}`).sort(),
  };
}

test('the bundle runs when current; a damaged code cache or a stale bundle gives the same report', (t) => {
  const install = installCopy();
  const tree = makeTree({ 'app/views.py': VULN_VIEW });
  t.after(() => {
    rmSync(install, { recursive: true, force: true });
    removeTree(tree);
  });
  const expected = [`cert-presence-only app/views.py:${VULN_LINE}`];

  const bundled = scan(install, tree);
  assert.equal(bundled.launcher, 'bundle', 'the copied build runs the bundle (if not: dist/ was compiled after the last `npm run build`)');
  assert.equal(bundled.codeCache, 'accepted', 'V8 takes the code cache the build made');
  assert.equal(bundled.wasm, 'liftoff', 'a short scan parses in baseline WebAssembly');
  assert.equal(bundled.code, 1);
  assert.deepEqual(bundled.sites, expected);

  writeFileSync(join(install, 'dist', 'src', 'mtls-audit.cjs.cache'), Buffer.alloc(4096, 7));
  const damaged = scan(install, tree);
  assert.equal(damaged.launcher, 'bundle');
  assert.equal(damaged.codeCache, 'rejected');
  assert.deepEqual(damaged.sites, expected);

  rmSync(join(install, 'dist', 'src', 'mtls-audit.cjs.cache'));
  assert.deepEqual(scan(install, tree).sites, expected, 'no cache at all');

  // A bare `tsc` run after the last bundle: the compiled modules are newer, so they run.
  const later = new Date(Date.now() + 60_000);
  utimesSync(join(install, 'dist', 'src', 'cli', 'main.js'), later, later);
  const stale = scan(install, tree);
  assert.equal(stale.launcher, 'modules');
  assert.deepEqual(stale.sites, expected);
});

test('a scan with over half a MiB to parse lets the parser tier up, and reports the same findings', (t) => {
  const install = installCopy();
  // Over a MiB of Python to parse (a certificate view padded with code).
  const pad = Array.from({ length: 28_000 }, (_, i) => `def helper_${i}(a, b):\n    return a + b\n`).join('');
  const tree = makeTree({ 'app/views.py': VULN_VIEW, 'app/big.py': `# x509 helpers\n${pad}` });
  t.after(() => {
    rmSync(install, { recursive: true, force: true });
    removeTree(tree);
  });
  const r = scan(install, tree);
  assert.equal(r.launcher, 'bundle');
  assert.equal(r.wasm, 'default', 'the parser tiers up as V8 sees fit');
  assert.deepEqual(r.sites, [`cert-presence-only app/views.py:${VULN_LINE}`]);
});

test('a scan creates no terminal stream it does not write and does not load perf_hooks', (t) => {
  // tty (a process.stderr that is never written) and perf_hooks (the global `performance`): the
  // report goes out through core/stdio.ts, phase times come from process.uptime().
  const tree = makeTree({ 'app/views.py': VULN_VIEW });
  const dir = mkdtempSync(join(tmpdir(), 'mtls-audit-modules-'));
  t.after(() => {
    removeTree(tree);
    rmSync(dir, { recursive: true, force: true });
  });
  const probe = join(dir, 'loaded.cjs');
  writeFileSync(probe, "process.on('exit', () => require('fs').writeSync(2, '\\nloaded: ' + process.moduleLoadList.join(',') + '\\n'));\n");
  // The report to a file (to a pipe, process.stdout is a net.Socket and needs `net`).
  const r = spawnSync(process.execPath, ['-r', probe, join(REPO_ROOT, 'bin', 'mtls-audit.js'), 'scan', tree, '-f', 'json', '-o', join(dir, 'r.json')], { encoding: 'utf8', env: { ...process.env, MTLS_AUDIT_STATS: '1' } });
  assert.equal(r.status, 1, r.stderr);
  const loaded = (/^loaded: (.*)$/m.exec(r.stderr)?.[1] ?? '').split(',');
  assert.ok(loaded.includes('NativeModule fs'), 'the list is there');
  for (const m of ['tty', 'perf_hooks']) assert.ok(!loaded.includes(`NativeModule ${m}`), `${m} loaded by a scan`);
});

test('the bundle parses long files with non-ASCII text as the modules do', (t) => {
  // Several of web-tree-sitter's 10 KiB input chunks, astral characters (surrogate pairs) and
  // accents across the chunk cuts, then the vulnerable view.
  const filler = Array.from({ length: 400 }, (_, i) => `# ${i} 😀 café ${'x'.repeat(i % 37)} 😀😀\n`).join('');
  const lines = filler.split('\n').length - 1;
  const tree = makeTree({ 'app/views.py': filler + VULN_VIEW, 'app/more.py': `S = """${filler}"""\n${VULN_VIEW}` });
  t.after(() => removeTree(tree));
  // A wrong copy can leave tree-sitter reading past the text for ever: bounded.
  const bundled = spawnSync(process.execPath, [join(REPO_ROOT, 'bin', 'mtls-audit.js'), 'scan', tree, '-f', 'json'], { encoding: 'utf8', env: { ...process.env, MTLS_AUDIT_STATS: '1' }, timeout: 60_000 });
  assert.equal(bundled.signal, null, 'the bundled scan did not finish');
  assert.equal(JSON.parse(bundled.stderr.trim().split('\n').pop() ?? '{}').launcher, 'bundle');
  const modules = spawnSync(process.execPath, ['--input-type=module', '-e', `import(${JSON.stringify(join(REPO_ROOT, 'dist', 'src', 'cli', 'main.js'))}).then((m) => m.main(['scan', ${JSON.stringify(tree)}, '-f', 'json']))`], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  const view = (out: string) => {
    const r = JSON.parse(out) as { findings: { ruleId: string; location: { file: string; line: number; column: number } }[]; errors: unknown[] };
    return { errors: r.errors, findings: r.findings.map((f) => `${f.ruleId} ${f.location.file}:${f.location.line}:${f.location.column}`).sort() };
  };
  const b = view(bundled.stdout);
  assert.deepEqual(b, view(modules.stdout));
  assert.deepEqual(b.errors, []);
  assert.ok(b.findings.includes(`cert-presence-only app/views.py:${lines + VULN_LINE}:12`), b.findings.join('\n'));
  assert.ok(b.findings.includes(`cert-presence-only app/more.py:${lines + VULN_LINE + 1}:12`), b.findings.join('\n'));
});

test('the bundle parses in a worker thread with --jobs 2 and reports what one thread does; without the worker script it parses alone', (t) => {
  const install = installCopy();
  const tree = makeTree({ 'app/views.py': VULN_VIEW });
  writePythonPackage(tree, 'bulk', 40, 30_000);
  t.after(() => {
    rmSync(install, { recursive: true, force: true });
    removeTree(tree);
  });
  const one = scan(install, tree, ['--jobs', '1', '--no-cache']);
  const two = scan(install, tree, ['--jobs', '2', '--no-cache']);
  assert.equal(one.launcher, 'bundle');
  assert.equal(one.workers, 0);
  assert.equal(two.workers, 1);
  assert.equal(two.stdout, one.stdout);
  assert.ok(one.sites.includes(`cert-presence-only app/views.py:${VULN_LINE}`));
  unlinkSync(join(install, 'dist', 'src', 'python', 'parse-worker.js'));
  const alone = scan(install, tree, ['--jobs', '2', '--no-cache']);
  assert.equal(alone.workers, 0);
  assert.equal(alone.stdout, one.stdout);
});
