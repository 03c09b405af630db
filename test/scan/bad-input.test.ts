// Bad input never crashes a scan (issue 2, item 7). Each case is a real tree in a temporary
// directory, scanned by the CLI's entry (`main`, called in this process; what needs a real process,
// another user or a kill after a timeout is in test/integration/bad-input.test.ts). Every tree also holds the seed's vulnerable view in
// app/views.py, so "the rest of the tree is still analysed" is proven by its finding, and the
// exit code must stay 1 (findings), never 2 or a crash.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Report } from '../../src/core/types.js';
import { assertUsageError, makeTree, MEDIUM_ONLY, removeTree, sites, VULN_LINE, VULN_VIEW } from '../cli/helpers.js';
import { runCliInProcess as runCli, scanJsonInProcess as scanJson } from '../helpers/in-process-cli.js';

const VIEW_FINDING = `cert-presence-only app/views.py:${VULN_LINE}`;

function errorsFor(report: Report, file: string): string[] {
  return report.errors.filter((e) => e.file === file).map((e) => e.message);
}

/** Scans `dir`, checks the view's finding survived (exit 1), and returns the report. */
async function scanWithView(dir: string, args: string[] = []): Promise<Report> {
  const r = await scanJson(dir, args);
  assert.equal(r.code, 1, `exit code 1 (findings); stderr: ${r.stderr}`);
  assert.ok(sites(r.report.findings).includes(VIEW_FINDING), `the rest of the tree is analysed: ${sites(r.report.findings).join(', ')}`);
  return r.report;
}

test('a Python syntax error is reported, and the rest of that file and of the tree is still analysed', async (t) => {
  // The broken function comes first; the vulnerable view after it must still be found.
  const broken = `from django.http import JsonResponse
from django.views import View


def oops(:
    return 1 +


class MTLSConsumerView(View):
    def get(self, request):
        cert = request.META.get('SSL_CLIENT_CERT')
        if not cert:
            return JsonResponse({'error': 'No client certificate'}, status=401)
        return JsonResponse({'authenticated': True})
`;
  const dir = makeTree({ 'app/views.py': VULN_VIEW, 'app/broken.py': broken });
  t.after(() => removeTree(dir));
  const report = await scanWithView(dir);
  const errs = errorsFor(report, 'app/broken.py');
  assert.ok(errs.length >= 1 && errs.every((m) => /syntax error/.test(m)), `syntax errors reported for broken.py: ${JSON.stringify(report.errors)}`);
  assert.ok(
    errs.some((m) => /line 5\b/.test(m)),
    `the first error is located on line 5: ${errs.join(' | ')}`,
  );
  assert.ok(sites(report.findings).includes('cert-presence-only app/broken.py:12'), `the view after the error is analysed: ${sites(report.findings).join(', ')}`);
});

test('a non-UTF-8 file is reported and skipped; a PEP 263 latin-1 file is decoded and analysed', async (t) => {
  const latin1Header = Buffer.from('# -*- coding: latin-1 -*-\n# caf\xe9 cr\xe8me\n', 'latin1');
  const dir = makeTree({
    'app/views.py': VULN_VIEW,
    // 0xE9 alone is not UTF-8, and nothing declares another encoding.
    'app/legacy.py': Buffer.concat([Buffer.from('# caf\xe9\n', 'latin1'), Buffer.from(VULN_VIEW)]),
    'app/declared.py': Buffer.concat([latin1Header, Buffer.from(VULN_VIEW)]),
  });
  t.after(() => removeTree(dir));
  const report = await scanWithView(dir);
  assert.deepEqual(errorsFor(report, 'app/legacy.py'), ['not valid UTF-8 (and no PEP 263 latin-1 coding declaration): skipped']);
  assert.ok(!report.findings.some((f) => f.location.file === 'app/legacy.py'), 'an undecodable file yields no finding');
  // Two header lines push the view down by two.
  assert.ok(sites(report.findings).includes(`cert-presence-only app/declared.py:${VULN_LINE + 2}`), sites(report.findings).join(', '));
  assert.deepEqual(errorsFor(report, 'app/declared.py'), []);
});

test('a binary file with a .py suffix is reported and skipped', async (t) => {
  const bytes = Buffer.concat([Buffer.from('SSL_CLIENT_CERT = 1\n'), Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x00, 0x00, 0xff, 0xfe, 0x00])]);
  const dir = makeTree({ 'app/views.py': VULN_VIEW, 'app/_speedups.cpython-311.py': bytes });
  t.after(() => removeTree(dir));
  const report = await scanWithView(dir);
  assert.deepEqual(errorsFor(report, 'app/_speedups.cpython-311.py'), ['binary file (NUL byte): skipped']);
});

test('multi-megabyte files: 3 MB is over the 2 MiB limit and reported; 1.9 MB is analysed, with the right line', async (t) => {
  const filler = (bytes: number) => {
    const line = 'LOOKUP_TABLE_ENTRY_0000 = "SSL_CLIENT_CERT placeholder value"\n';
    return line.repeat(Math.ceil(bytes / line.length));
  };
  const big = filler(3 * 1000 * 1000);
  const large = filler(1.9 * 1000 * 1000);
  const dir = makeTree({ 'app/views.py': VULN_VIEW, 'app/huge.py': big + VULN_VIEW, 'app/large.py': large + VULN_VIEW });
  t.after(() => removeTree(dir));
  const report = await scanWithView(dir);
  const huge = errorsFor(report, 'app/huge.py');
  assert.equal(huge.length, 1, JSON.stringify(report.errors));
  assert.match(huge[0], /^file too large \(2\.\d MiB > 2\.0 MiB limit\): skipped$/);
  assert.ok(!report.findings.some((f) => f.location.file === 'app/huge.py'));
  const largeLines = large.split('\n').length - 1;
  assert.ok(sites(report.findings).includes(`cert-presence-only app/large.py:${largeLines + VULN_LINE}`), sites(report.findings).join(', '));
  assert.deepEqual(errorsFor(report, 'app/large.py'), []);
});

test('symlink loops (a directory pointing at its parent, two links pointing at each other) are reported once and not followed', async (t) => {
  const dir = makeTree({ 'app/views.py': VULN_VIEW });
  t.after(() => removeTree(dir));
  symlinkSync('..', join(dir, 'app', 'parent'));
  symlinkSync('.', join(dir, 'app', 'self'));
  symlinkSync('b.py', join(dir, 'app', 'a.py'));
  symlinkSync('a.py', join(dir, 'app', 'b.py'));
  const report = await scanWithView(dir);
  for (const link of ['app/parent', 'app/self']) {
    assert.deepEqual(errorsFor(report, link), ['symlink loop (points to an enclosing directory): not followed'], link);
  }
  assert.deepEqual(errorsFor(report, 'app/a.py'), ['symlink loop: not followed']);
  assert.deepEqual(errorsFor(report, 'app/b.py'), ['symlink loop: not followed']);
  // The view is found once, under its real path only.
  assert.deepEqual(sites(report.findings), [VIEW_FINDING]);
});

test('symlinks that leave the root are not followed, and reported; links inside the root do not duplicate files', async (t) => {
  const outside = makeTree({ 'evil.py': VULN_VIEW, 'pkg/views.py': VULN_VIEW }, 'mtls-audit-outside-');
  const dir = makeTree({ 'app/views.py': VULN_VIEW });
  t.after(() => {
    removeTree(dir);
    removeTree(outside);
  });
  symlinkSync(join(outside, 'evil.py'), join(dir, 'app', 'evil.py'));
  symlinkSync(join(outside, 'pkg'), join(dir, 'vendored'));
  symlinkSync('../app', join(dir, 'app', 'again')); // to itself: a loop
  mkdirSync(join(dir, 'lib'));
  symlinkSync('../app', join(dir, 'lib', 'app')); // inside the root: already scanned as app/
  const report = await scanWithView(dir);
  assert.deepEqual(errorsFor(report, 'app/evil.py'), ['symlink leaves the scanned root: not followed']);
  assert.deepEqual(errorsFor(report, 'vendored'), ['symlink to a directory outside the scanned root: not followed']);
  assert.deepEqual(errorsFor(report, 'app/again'), ['symlink loop (points to an enclosing directory): not followed']);
  assert.deepEqual(errorsFor(report, 'lib/app'), []);
  assert.deepEqual(sites(report.findings), [VIEW_FINDING], 'nothing from outside the root, nothing twice');
});

test('a huge single line (1 MB) is parsed without trouble', async (t) => {
  const line = `ALLOWED = [${Array.from({ length: 60_000 }, (_, i) => `'SSL_CLIENT_CERT_${i}'`).join(', ')}]\n`;
  assert.ok(line.length > 1_000_000);
  const dir = makeTree({ 'app/views.py': VULN_VIEW, 'app/oneline.py': line + VULN_VIEW });
  t.after(() => removeTree(dir));
  const report = await scanWithView(dir);
  assert.deepEqual(errorsFor(report, 'app/oneline.py'), []);
  assert.ok(sites(report.findings).includes(`cert-presence-only app/oneline.py:${VULN_LINE + 1}`), sites(report.findings).join(', '));
  // The text report (code frames) copes with the line too.
  const text = await runCli(['scan', dir, '--format', 'text', '--no-color']);
  assert.equal(text.code, 1, text.stderr);
  assert.match(text.stdout, /app\/oneline\.py/);
});

test('empty files (module, package __init__, settings) are fine', async (t) => {
  const dir = makeTree({ 'app/views.py': VULN_VIEW, 'app/__init__.py': '', 'app/empty.py': '', 'proj/settings.py': '', 'proj/urls.py': '' });
  t.after(() => removeTree(dir));
  const report = await scanWithView(dir);
  assert.deepEqual(report.errors, []);
  assert.deepEqual(sites(report.findings), [VIEW_FINDING]);
});

test('a UTF-8 byte order mark does not shift lines or columns', async (t) => {
  const dir = makeTree({ 'app/views.py': VULN_VIEW, 'app/bom.py': Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(VULN_VIEW)]) });
  t.after(() => removeTree(dir));
  const report = await scanWithView(dir);
  const plain = report.findings.find((f) => f.location.file === 'app/views.py')!;
  const bom = report.findings.find((f) => f.location.file === 'app/bom.py');
  assert.ok(bom, sites(report.findings).join(', '));
  assert.deepEqual({ line: bom.location.line, column: bom.location.column }, { line: plain.location.line, column: plain.location.column });
  assert.deepEqual(report.errors, []);
});

test('a tree with nothing but bad input still exits 0 with its errors listed', async (t) => {
  const dir = makeTree({ 'a.py': Buffer.from([0, 1, 2]), 'b.py': Buffer.from('\xff\xfe', 'latin1') });
  t.after(() => removeTree(dir));
  const r = await scanJson(dir);
  assert.equal(r.code, 0);
  assert.deepEqual(r.report.findings, []);
  assert.deepEqual(r.report.errors.map((e) => e.file).sort(), ['a.py', 'b.py']);
});

test('a missing PATH exits 2 with one line naming it, no stack trace', async () => {
  const missing = join(tmpdir(), `mtls-audit-no-such-dir-${process.pid}`);
  assertUsageError(await runCli(['scan', missing]), missing);
});

test('a file given as PATH exits 2 with one line naming it', async (t) => {
  const dir = makeTree({ 'app/views.py': VULN_VIEW });
  t.after(() => removeTree(dir));
  const file = join(dir, 'app', 'views.py');
  assertUsageError(await runCli(['scan', file]), file);
});

test('an unknown --rule exits 2 with one line naming it', async (t) => {
  const dir = makeTree({ 'app/views.py': VULN_VIEW });
  t.after(() => removeTree(dir));
  assertUsageError(await runCli(['scan', dir, '--rule', 'no-such-rule']), 'no-such-rule');
});

test('an unknown --format exits 2 with one line naming it', async (t) => {
  const dir = makeTree({ 'app/views.py': VULN_VIEW });
  t.after(() => removeTree(dir));
  assertUsageError(await runCli(['scan', dir, '--format', 'xml']), 'xml');
});

test('--output to a place that cannot be written exits 2 with one line naming it, and leaves nothing behind', async (t) => {
  const dir = makeTree({ 'app/views.py': VULN_VIEW, 'app/mw.py': MEDIUM_ONLY });
  const outDir = mkdtempSync(join(tmpdir(), 'mtls-audit-out-'));
  t.after(() => {
    removeTree(dir);
    removeTree(outDir);
  });
  // Not writable for root either: a directory that does not exist, and a path below a regular file.
  const noDir = join(outDir, 'no', 'such', 'dir', 'report.json');
  assertUsageError(await runCli(['scan', dir, '--format', 'json', '--output', noDir]), noDir);
  writeFileSync(join(outDir, 'file'), 'x');
  const underFile = join(outDir, 'file', 'report.json');
  assertUsageError(await runCli(['scan', dir, '--format', 'json', '--output', underFile]), underFile);
  assert.equal(readFileSync(join(outDir, 'file'), 'utf8'), 'x');
});
