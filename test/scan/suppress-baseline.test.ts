// Suppressions as Semgrep and Bandit users expect them: an inline
// `# mtls-audit: ignore[rule-id] reason` on the flagged line or the line above; `--baseline FILE`
// (an earlier JSON report) whose fingerprints survive unrelated edits. Suppressed findings are
// kept in the JSON report's `suppressed` list with their justification, never dropped.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Report } from '../../src/core/types.js';
import { makeTree, removeTree, sites, VULN_LINE, VULN_VIEW } from '../cli/helpers.js';
import { runCliInProcess, scanJsonInProcess } from '../helpers/in-process-cli.js';

const lines = VULN_VIEW.split('\n');
/** The seed view with `extra` placed before line `at` (1-based). */
const withLineBefore = (at: number, extra: string) => [...lines.slice(0, at - 1), extra, ...lines.slice(at - 1)].join('\n');
const flagged = lines[VULN_LINE - 1];

test('an inline suppression on the flagged line hides the finding and keeps it, with its reason, in `suppressed`', async (t) => {
  const src = lines.map((l, i) => (i === VULN_LINE - 1 ? `${l}  # mtls-audit: ignore[cert-presence-only] the gateway maps certificates to users` : l)).join('\n');
  const dir = makeTree({ 'app/views.py': src });
  t.after(() => removeTree(dir));
  const r = await scanJsonInProcess(dir);
  assert.equal(r.code, 0, 'nothing left to fail on');
  assert.deepEqual(r.report.findings, []);
  assert.deepEqual(sites(r.report.suppressed), [`cert-presence-only app/views.py:${VULN_LINE}`]);
  assert.deepEqual(r.report.suppressed![0].suppression, { kind: 'inSource', justification: 'the gateway maps certificates to users' });
  assert.equal(r.report.stats.suppressed, 1);
});

test('an inline suppression on the line above hides the finding; two lines above does not', async (t) => {
  const above = withLineBefore(VULN_LINE, '        # mtls-audit: ignore[cert-presence-only] reviewed in SEC-1234');
  const twoAbove = withLineBefore(VULN_LINE - 1, '        # mtls-audit: ignore[cert-presence-only] too far away');
  const dir = makeTree({ 'app/views.py': above, 'app/other.py': twoAbove });
  t.after(() => removeTree(dir));
  const r = await scanJsonInProcess(dir);
  assert.deepEqual(sites(r.report.findings), [`cert-presence-only app/other.py:${VULN_LINE + 1}`]);
  assert.deepEqual(sites(r.report.suppressed), [`cert-presence-only app/views.py:${VULN_LINE + 1}`]);
  assert.equal(r.report.suppressed![0].suppression?.justification, 'reviewed in SEC-1234');
  assert.equal(r.code, 1);
});

test('a suppression naming another rule id does not hide the finding', async (t) => {
  const src = lines.map((l, i) => (i === VULN_LINE - 1 ? `${l}  # mtls-audit: ignore[spoofable-cert-header] not a header here` : l)).join('\n');
  const dir = makeTree({ 'app/views.py': src });
  t.after(() => removeTree(dir));
  const r = await scanJsonInProcess(dir);
  assert.equal(r.code, 1);
  assert.deepEqual(sites(r.report.findings), [`cert-presence-only app/views.py:${VULN_LINE}`]);
  assert.deepEqual(r.report.suppressed ?? [], []);
});

test('--baseline: fingerprints survive unrelated edits above the finding; a new finding is still reported', async (t) => {
  const dir = makeTree({ 'app/views.py': VULN_VIEW });
  const out = mkdtempSync(join(tmpdir(), 'mtls-audit-baseline-'));
  t.after(() => {
    removeTree(dir);
    removeTree(out);
  });
  const baseline = join(out, 'earlier.json');
  const first = await runCliInProcess(['scan', dir, '--format', 'json', '--output', baseline]);
  assert.equal(first.code, 1, first.stderr);
  const earlier = JSON.parse(readFileSync(baseline, 'utf8')) as Report;
  assert.deepEqual(sites(earlier.findings), [`cert-presence-only app/views.py:${VULN_LINE}`]);
  const fp = earlier.findings[0].fingerprint;
  assert.match(fp ?? '', /^[0-9a-f]{16,}$/);

  // Unrelated edits above the finding: 5 blank/comment lines and a new function.
  const [imp1, imp2, ...rest] = lines;
  const unrelated = ['', '# Views for the partner API.', '', '# (moved from api/views.py)', '', 'def health(request):', '    return JsonResponse({"ok": True})', '', ''];
  const edited = [imp1, imp2, ...unrelated, ...rest].join('\n');
  writeFileSync(join(dir, 'app', 'views.py'), edited);
  const movedLine = VULN_LINE + unrelated.length;
  assert.equal(edited.split('\n')[movedLine - 1], flagged);

  const again = await scanJsonInProcess(dir, ['--baseline', baseline]);
  assert.equal(again.code, 0, 'everything is in the baseline');
  assert.deepEqual(again.report.findings, []);
  assert.deepEqual(sites(again.report.suppressed), [`cert-presence-only app/views.py:${movedLine}`]);
  assert.equal(again.report.suppressed![0].fingerprint, fp, 'same fingerprint after the edit');
  assert.equal(again.report.suppressed![0].suppression?.kind, 'external');

  // Without the baseline the moved finding is still there: the baseline hid it, nothing else did.
  assert.deepEqual(sites((await scanJsonInProcess(dir)).report.findings), [`cert-presence-only app/views.py:${movedLine}`]);

  // A new finding after the baseline, below the old one and in a new file: reported.
  const newView = [
    '',
    '',
    'def api_view(request):',
    "    pem = request.META.get('SSL_CLIENT_CERT', '')",
    '    if pem:',
    "        return JsonResponse({'authenticated': True})",
    "    return JsonResponse({'error': 'denied'}, status=401)",
    '',
  ];
  const withNew = edited.replace(/\n*$/, '\n') + newView.join('\n');
  writeFileSync(join(dir, 'app', 'views.py'), withNew);
  writeFileSync(join(dir, 'app', 'partner.py'), VULN_VIEW);
  const newLine = withNew.split('\n').indexOf('    if pem:') + 1;
  const third = await scanJsonInProcess(dir, ['--baseline', baseline]);
  assert.equal(third.code, 1);
  assert.deepEqual(sites(third.report.findings), [`cert-presence-only app/partner.py:${VULN_LINE}`, `cert-presence-only app/views.py:${newLine}`]);
  assert.deepEqual(sites(third.report.suppressed), [`cert-presence-only app/views.py:${movedLine}`]);
});

test('SARIF keeps an inline-suppressed result, with a suppressions entry GitHub shows as dismissed', async (t) => {
  const src = lines.map((l, i) => (i === VULN_LINE - 1 ? `${l}  # mtls-audit: ignore[cert-presence-only] accepted risk` : l)).join('\n');
  const dir = makeTree({ 'app/views.py': src });
  t.after(() => removeTree(dir));
  const sarif = await runCliInProcess(['scan', dir, '--format', 'sarif']);
  assert.equal(sarif.code, 0);
  const results = (JSON.parse(sarif.stdout) as { runs: { results: { ruleId: string; suppressions?: { kind: string; justification?: string }[] }[] }[] }).runs[0].results;
  assert.equal(results.length, 1, 'the suppressed result is in the SARIF log');
  assert.deepEqual(
    results[0].suppressions?.map((s) => [s.kind, s.justification]),
    [['inSource', 'accepted risk']],
  );
});
