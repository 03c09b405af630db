// Hostile trees against the scan's budgets (issue: safe to run on untrusted pull requests). Each
// attack is built for real in a temporary tree and scanned by the CLI in a child process whose wall
// time and peak RSS are measured here: the scan must finish inside generous bounds (10 s, 1 GiB),
// name the input it could not use in `errors`, and keep the verdict it would have with that input
// read pessimistically. The figures measured are printed as test diagnostics.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN } from '../fix/helpers.js';
import type { Report } from '../../src/core/types.js';

const TIME_LIMIT_MS = 10_000;
const RSS_LIMIT_MB = 1024;

interface Measured {
  code: number;
  report: Report;
  stderr: string;
  ms: number;
  rssMB: number;
}

/** Runs `scan DIR --format json` in a child whose peak RSS is written, at exit, to a file the test reads. */
async function measuredScan(dir: string, extra: string[] = []): Promise<Measured> {
  const work = mkdtempSync(join(tmpdir(), 'mtls-audit-rss-'));
  try {
    const hook = join(work, 'rss.cjs');
    const out = join(work, 'rss');
    writeFileSync(hook, `process.on('exit', () => require('node:fs').writeFileSync(${JSON.stringify(out)}, String(process.resourceUsage().maxRSS)));\n`);
    const t0 = Date.now();
    const child = spawn(process.execPath, ['--require', hook, BIN, 'scan', dir, '--format', 'json', ...extra], { stdio: ['ignore', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => chunks.push(b));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    const killer = setTimeout(() => child.kill('SIGKILL'), TIME_LIMIT_MS * 3);
    const code: number = await new Promise((res) => child.on('close', (c) => res(c ?? -1)));
    clearTimeout(killer);
    const ms = Date.now() - t0;
    const rssMB = Number(readFileSync(out, 'utf8')) / 1024;
    return { code, report: JSON.parse(Buffer.concat(chunks).toString()) as Report, stderr, ms, rssMB };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function tree(files: Record<string, string | Buffer>): { dir: string; done: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'mtls-audit-budget-'));
  for (const [p, body] of Object.entries(files)) {
    mkdirSync(join(dir, p, '..'), { recursive: true });
    writeFileSync(join(dir, p), body);
  }
  return { dir, done: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A view that trusts a forwarded certificate header: the finding every attack must leave standing. */
const VIEW = [
  'from django.http import HttpResponse, HttpResponseForbidden',
  '',
  'def whoami(request):',
  '    if request.META.get("HTTP_X_SSL_CLIENT_CERT"):',
  '        return HttpResponse("ok")',
  '    return HttpResponseForbidden()',
  '',
].join('\n');

function within(t: { diagnostic: (s: string) => void }, name: string, m: Measured): void {
  t.diagnostic(`${name}: ${m.ms} ms, peak RSS ${m.rssMB.toFixed(0)} MB, exit ${m.code}`);
  assert.ok(m.ms < TIME_LIMIT_MS, `${name} took ${m.ms} ms`);
  assert.ok(m.rssMB < RSS_LIMIT_MB, `${name} peaked at ${m.rssMB.toFixed(0)} MB`);
  assert.ok(!/at \S+ \(|^\s+at /m.test(m.stderr), `no stack trace: ${m.stderr.slice(0, 300)}`);
  // The certificate view is still judged: the hostile file never makes the verdict better.
  assert.ok(
    m.report.findings.some((f) => f.ruleId === 'cert-presence-only' && f.location.file === 'app/views.py'),
    'the view is still reported',
  );
  assert.equal(m.code, 1);
}

const DEEP = 100_000;

const NESTING_ATTACKS: [string, Record<string, string>, RegExp][] = [
  ['nginx blocks nested 100,000 deep', { 'deploy/nginx.conf': `http { ${'location / { '.repeat(DEEP)}${'} '.repeat(DEEP)}}\n` }, /nginx configuration syntax error: blocks nested too deeply/],
  [
    'a Compose file of 100,000 nested flow sequences',
    { 'docker-compose.yml': `services:\n  web:\n    command: ${'['.repeat(DEEP)}${']'.repeat(DEEP)}\n` },
    /YAML syntax error at line 3, column \d+: collections nested more than 256 levels deep/,
  ],
  [
    'a Compose file of 1,400 nested block maps',
    { 'docker-compose.yml': `services:\n${Array.from({ length: 1400 }, (_, i) => `${' '.repeat(i + 1)}k${i}:`).join('\n')}\n` },
    /YAML syntax error at line 257, column 257: collections nested more than 256 levels deep/,
  ],
  ['an Envoy JSON config nested 100,000 deep', { 'envoy.json': `{"static_resources": ${'['.repeat(DEEP)}${']'.repeat(DEEP)}}` }, /JSON syntax error at line 1: collections nested more than 256 levels deep/],
  ['a Traefik TOML array nested 100,000 deep', { 'traefik.toml': `[http]\na = ${'['.repeat(DEEP)}${']'.repeat(DEEP)}\n` }, /TOML syntax error: .*nested/],
];

for (const [name, files, error] of NESTING_ATTACKS) {
  test(`${name}: refused in one linear pass, named in errors, the rest analysed`, async (t) => {
    const { dir, done } = tree({ 'app/views.py': VIEW, ...files });
    try {
      const m = await measuredScan(dir);
      within(t, name, m);
      assert.ok(
        m.report.errors.some((e) => error.test(e.message)),
        JSON.stringify(m.report.errors),
      );
    } finally {
      done();
    }
  });
}

test('a YAML alias bomb (10^12 expanded nodes) is read without expanding it', async (t) => {
  const lines = ['services:', '  web:', '    image: x', 'a0: &a0 ["x","x","x","x","x","x","x","x","x","x"]'];
  for (let i = 1; i < 12; i++) lines.push(`a${i}: &a${i} [${Array.from({ length: 10 }, () => `*a${i - 1}`).join(',')}]`);
  const { dir, done } = tree({ 'app/views.py': VIEW, 'docker-compose.yml': lines.join('\n') + '\n' });
  try {
    within(t, 'alias bomb', await measuredScan(dir));
  } finally {
    done();
  }
});

test('Python expressions nested 50,000 deep next to the view: the file is reported, the view still judged', async (t) => {
  const { dir, done } = tree({
    'app/views.py': VIEW,
    'app/deep.py': `from django.http import HttpResponse\n\ndef deep(request):\n    cert = ${'('.repeat(50_000)}request.META.get("HTTP_X_SSL_CLIENT_CERT")${')'.repeat(50_000)}\n    return HttpResponse(cert)\n`,
  });
  try {
    const m = await measuredScan(dir);
    within(t, 'deep Python', m);
    assert.ok(
      m.report.errors.some((e) => e.file === 'app/deep.py'),
      JSON.stringify(m.report.errors),
    );
  } finally {
    done();
  }
});

test('2,000 flagged views in one file: at most 100 findings per rule and file listed, the rest counted in errors', async (t) => {
  const many = ['from django.http import HttpResponse, HttpResponseForbidden', ''];
  for (let i = 0; i < 2000; i++) many.push(`def v${i}(request):`, '    if request.META.get("HTTP_X_SSL_CLIENT_CERT"):', '        return HttpResponse("ok")', '    return HttpResponseForbidden()', '');
  const { dir, done } = tree({ 'app/views.py': VIEW, 'app/many.py': many.join('\n') });
  try {
    const m = await measuredScan(dir);
    within(t, '2,000 views', m);
    const inMany = m.report.findings.filter((f) => f.location.file === 'app/many.py');
    const perRule = new Map<string, number>();
    for (const f of inMany) perRule.set(f.ruleId, (perRule.get(f.ruleId) ?? 0) + 1);
    assert.ok(perRule.size > 0);
    for (const [rule, n] of perRule) {
      assert.equal(n, 100, rule);
      assert.ok(
        m.report.errors.some((e) => e.file === 'app/many.py' && e.message === `1900 more ${rule} findings not listed: at most 100 per rule and file are reported (the most severe is always kept)`),
        rule,
      );
    }
  } finally {
    done();
  }
});

test('inline suppressions of the first hundred findings do not hide the rest behind the listing cap', async (t) => {
  const many = ['from django.http import HttpResponse, HttpResponseForbidden', ''];
  for (let i = 0; i < 150; i++)
    many.push(`def v${i}(request):`, `    if request.META.get("HTTP_X_SSL_CLIENT_CERT"):${i < 100 ? '  # mtls-audit: ignore reviewed' : ''}`, '        return HttpResponse("ok")', '    return HttpResponseForbidden()', '');
  const { dir, done } = tree({ 'app/views.py': VIEW, 'app/many.py': many.join('\n') });
  try {
    const m = await measuredScan(dir);
    within(t, 'suppressed hundred', m);
    const listed = m.report.findings.filter((f) => f.location.file === 'app/many.py' && f.ruleId === 'cert-presence-only');
    assert.equal(listed.length, 50);
  } finally {
    done();
  }
});

test('nginx files that include each other 40 wide: expansion stays within its budget', async (t) => {
  const files: Record<string, string> = { 'app/views.py': VIEW, 'deploy/nginx.conf': 'http { include conf.d/*.conf; }\n' };
  for (let i = 0; i < 40; i++) files[`deploy/conf.d/f${i}.conf`] = `include conf.d/*.conf;\nproxy_set_header X-A-${i} $ssl_client_cert;\n`;
  const { dir, done } = tree(files);
  try {
    const m = await measuredScan(dir);
    within(t, 'include fan-out', m);
    assert.ok(
      m.report.errors.some((e) => /include/i.test(e.message)),
      JSON.stringify(m.report.errors.slice(0, 3)),
    );
  } finally {
    done();
  }
});

test('a binary file, a 3 MiB Python file and symlink loops next to the view', async (t) => {
  const { dir, done } = tree({
    'app/views.py': VIEW,
    'app/blob.py': Buffer.from(Array.from({ length: 65536 }, (_, i) => (i * 7919) % 256)),
    'app/huge.py': `# HTTP_X_SSL_CLIENT_CERT\n${'x = 1\n'.repeat((3 * 1024 * 1024) / 6)}`,
  });
  try {
    symlinkSync(dir, join(dir, 'app', 'loop'));
    symlinkSync(join(dir, 'b'), join(dir, 'a'));
    symlinkSync(join(dir, 'a'), join(dir, 'b'));
    const m = await measuredScan(dir);
    within(t, 'binary, huge, loops', m);
    for (const f of ['app/blob.py', 'app/huge.py'])
      assert.ok(
        m.report.errors.some((e) => e.file === f),
        `${f}: ${JSON.stringify(m.report.errors)}`,
      );
  } finally {
    done();
  }
});

test('20,000 small files: discovery and the pre-filter stay linear', async (t) => {
  const files: Record<string, string> = { 'app/views.py': VIEW };
  for (let i = 0; i < 20_000; i++) files[`pkg${i % 100}/m${i}.py`] = `def f${i}():\n    return ${i}\n`;
  const { dir, done } = tree(files);
  try {
    within(t, '20,000 files', await measuredScan(dir));
  } finally {
    done();
  }
});

test('an --exclude glob of nested extglobs against a long file name: matched in linear time', async (t) => {
  // `+(+(a|aa))` compiles, with extglobs on, to a regular expression that backtracks exponentially
  // on a run of "a"s that fails to match at the end.
  const name = `${'a'.repeat(60)}!.py`;
  const { dir, done } = tree({ 'app/views.py': VIEW, [`app/${name}`]: 'x = 1\n' });
  try {
    const m = await measuredScan(dir, ['--exclude', '+(+(+(a|aa)))b', '--exclude', '*(a|a)*(a|a)*(a|a)c']);
    within(t, 'extglob exclude', m);
  } finally {
    done();
  }
});

test('a 1,000-deep star-import chain of settings modules: the scan goes on, the depth is reported', async (t) => {
  const files: Record<string, string> = {
    'app/views.py': VIEW,
    'proj/settings.py': "from proj.s0 import *\nROOT_URLCONF = 'proj.urls'\n",
    'proj/urls.py': "from django.urls import path\nfrom app import views\nurlpatterns = [path('who/', views.whoami)]\n",
  };
  for (let i = 0; i < 1000; i++) files[`proj/s${i}.py`] = i < 999 ? `from proj.s${i + 1} import *\nX${i} = ${i}\n` : "INSTALLED_APPS = ['app']\nSECRET_KEY = 'x'\n";
  const { dir, done } = tree(files);
  try {
    const m = await measuredScan(dir);
    within(t, 'star-import chain', m);
    assert.ok(
      m.report.errors.some((e) => e.file === 'proj/s63.py' && /more than 64 modules deep/.test(e.message)),
      JSON.stringify(m.report.errors),
    );
  } finally {
    done();
  }
});

test('a 2 MiB nginx line and a 1 MiB Python line: every report format is written, its excerpts bounded', async (t) => {
  const { dir, done } = tree({
    'app/views.py': VIEW.replace('def whoami(request):', `def whoami(request):  # ${'x'.repeat(1024 * 1024)}`),
    'deploy/nginx.conf': `http { server { listen 443 ssl; location / { proxy_pass http://127.0.0.1:8000; proxy_set_header X-Junk "${'y'.repeat(2 * 1024 * 1024)}"; } } }\n`,
  });
  const work = mkdtempSync(join(tmpdir(), 'mtls-audit-amp-'));
  try {
    const m = await measuredScan(dir);
    within(t, 'long lines (json)', m);
    const sizes: Record<string, number> = { json: JSON.stringify(m.report).length };
    for (const format of ['text', 'sarif', 'html']) {
      const out = join(work, `report.${format}`);
      const r = spawnSync(process.execPath, [BIN, 'scan', dir, '--format', format, '--output', out], { encoding: 'utf8', timeout: TIME_LIMIT_MS });
      assert.equal(r.status, 1, `${format}: exit ${r.status} ${r.stderr.slice(0, 300)}`);
      assert.ok(!/^\s+at /m.test(r.stderr), `${format}: no stack trace`);
      sizes[format] = readFileSync(out).length;
    }
    t.diagnostic(`report sizes: ${JSON.stringify(sizes)}`);
    // The long lines are quoted in excerpts and snippets at most in part: no report grows with them.
    for (const [format, size] of Object.entries(sizes)) assert.ok(size < 512 * 1024, `${format} report is ${size} bytes`);
  } finally {
    done();
    rmSync(work, { recursive: true, force: true });
  }
});

/** `view` decides on what `f0(request)` returns, which is `f{n-1}` reading the certificate header n calls down. */
function helperChain(n: number): string {
  const lines = ['from django.http import HttpResponse', ''];
  for (let i = 0; i < n; i++) lines.push(`def f${i}(request):`, i < n - 1 ? `    return f${i + 1}(request)` : '    return request.META.get("HTTP_X_SSL_CLIENT_CERT")', '');
  lines.push('def view(request):', '    if f0(request):', '        return HttpResponse("ok")', '    return HttpResponse("no", status=403)', '');
  return lines.join('\n');
}

test('a helper chain 30 calls deep is followed to the header read; 3,000 deep is cut, said in errors, and --strict fails', async (t) => {
  const { dir, done } = tree({ 'app/views.py': VIEW, 'app/chain.py': helperChain(30) });
  try {
    const m = await measuredScan(dir);
    within(t, 'helper chain of 30', m);
    assert.ok(
      m.report.findings.some((f) => f.ruleId === 'cert-presence-only' && f.location.file === 'app/chain.py'),
      'the view at the top of the chain is judged',
    );
    assert.deepEqual(m.report.errors, []);
  } finally {
    done();
  }
  const deep = tree({ 'app/views.py': VIEW, 'app/chain.py': helperChain(3000) });
  try {
    const m = await measuredScan(deep.dir);
    within(t, 'helper chain of 3,000', m);
    assert.ok(
      m.report.errors.some((e) => e.file === 'app/chain.py' && /calls nest more than 32 project functions deep/.test(e.message)),
      JSON.stringify(m.report.errors),
    );
    const strict = await measuredScan(deep.dir, ['--strict']);
    assert.equal(strict.code, 2);
  } finally {
    deep.done();
  }
});

test('.env files of 1.9 MB continued lines and an unterminated quote: read in linear time', async (t) => {
  const { dir, done } = tree({ 'app/views.py': VIEW, '.env': 'A=\\\n'.repeat(470_000), 'prod.env': `X="${'a'.repeat(1_900_000)}\n` });
  try {
    within(t, '.env', await measuredScan(dir));
  } finally {
    done();
  }
});
