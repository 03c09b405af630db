// Exit codes as Semgrep/Bandit users expect in CI (CLI.md): 0 no finding at or above --fail-on,
// 1 at least one, 2 usage errors. The real CLI on real trees.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertUsageError, makeTree, MEDIUM_LINE, MEDIUM_ONLY, removeTree, runCli, scanJson, sites, VULN_LINE, VULN_VIEW } from './helpers.js';

test('a clean tree exits 0 with an empty report', (t) => {
  const dir = makeTree({ 'app/views.py': 'from django.http import JsonResponse\n\ndef health(request):\n    return JsonResponse({"ok": True})\n', 'app/__init__.py': '' });
  t.after(() => removeTree(dir));
  const r = scanJson(dir);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(r.report.findings, []);
  // Text format too: the exit code does not depend on the format.
  assert.equal(runCli(['scan', dir]).code, 0);
});

test('a finding exits 1 in every format', (t) => {
  const dir = makeTree({ 'app/views.py': VULN_VIEW });
  t.after(() => removeTree(dir));
  const r = scanJson(dir);
  assert.equal(r.code, 1);
  assert.deepEqual(sites(r.report.findings), [`cert-presence-only app/views.py:${VULN_LINE}`]);
  for (const format of ['text', 'sarif']) assert.equal(runCli(['scan', dir, '--format', format]).code, 1, format);
});

test('--fail-on: only medium findings exit 0 with --fail-on high, 1 with --fail-on medium or the default (low)', (t) => {
  const dir = makeTree({ 'app/middleware.py': MEDIUM_ONLY });
  t.after(() => removeTree(dir));
  const dflt = scanJson(dir);
  assert.deepEqual(sites(dflt.report.findings), [`persistent-remote-user app/middleware.py:${MEDIUM_LINE}`]);
  assert.deepEqual(
    dflt.report.findings.map((f) => f.severity),
    ['medium'],
  );
  assert.equal(dflt.code, 1, 'default --fail-on low');
  const high = scanJson(dir, ['--fail-on', 'high']);
  assert.equal(high.code, 0, '--fail-on high ignores medium');
  assert.equal(high.report.findings.length, 1, 'the finding is still reported');
  assert.equal(scanJson(dir, ['--fail-on', 'medium']).code, 1);
  assert.equal(scanJson(dir, ['--fail-on', 'critical']).code, 0);
});

test('--fail-on critical with a critical finding exits 1', (t) => {
  const dir = makeTree({ 'app/views.py': VULN_VIEW });
  t.after(() => removeTree(dir));
  assert.equal(scanJson(dir, ['--fail-on', 'critical']).code, 1);
});

test('usage errors exit 2 with one line: bad --fail-on, unknown option, unreadable --baseline, bad --baseline, bad --jobs', (t) => {
  const dir = makeTree({ 'app/views.py': VULN_VIEW, 'not-a-report.json': '{"hello": 1}', 'garbage.json': '{' });
  t.after(() => removeTree(dir));
  assertUsageError(runCli(['scan', dir, '--fail-on', 'urgent']), 'urgent');
  assertUsageError(runCli(['scan', dir, '--no-such-flag']), '--no-such-flag');
  assertUsageError(runCli(['scan', dir, '--baseline', `${dir}/missing.json`]), `${dir}/missing.json`);
  assertUsageError(runCli(['scan', dir, '--baseline', `${dir}/not-a-report.json`]), `${dir}/not-a-report.json`);
  assertUsageError(runCli(['scan', dir, '--baseline', `${dir}/garbage.json`]), `${dir}/garbage.json`);
  for (const j of ['0', '-1', '1.5', 'many']) assertUsageError(runCli(['scan', dir, '--jobs', j]), '--jobs');
});
