// Pathological Python must not crash the analysis: long operator chains are analysed, absurd
// nesting skips that entry point with an entry in `errors`, and the rest of the tree goes on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { scanFiles } from '../../helpers/rule-tester.js';

const VIEW = (expr: string) =>
  [
    'from django.http import JsonResponse',
    'def v(request):',
    "    cert = request.META.get('SSL_CLIENT_CERT')",
    `    x = ${expr}`,
    '    if not cert:',
    '        return JsonResponse({}, status=401)',
    "    return JsonResponse({'ok': True})",
    '',
  ].join('\n');

test('a 20,000-term operator chain is analysed', async () => {
  const report = await scanFiles({ 'app/views.py': VIEW(Array(20000).fill('cert').join(' + ')) }, ['cert-presence-only']);
  assert.deepEqual(
    report.findings.map((f) => `${f.ruleId}:${f.location.line}`),
    ['cert-presence-only:5'],
  );
});

test('expressions nested 3,000 deep: entry point skipped and reported, other files analysed', async () => {
  const report = await scanFiles(
    {
      'app/deep.py': VIEW('('.repeat(3000) + 'cert' + ')'.repeat(3000)),
      'app/views.py': VIEW('cert'),
    },
    ['cert-presence-only'],
  );
  assert.deepEqual(
    report.findings.map((f) => `${f.location.file}:${f.location.line}`),
    ['app/views.py:5'],
  );
  assert.ok(
    report.errors.some((e) => e.file === 'app/deep.py' && /nested too deeply/.test(e.message)),
    JSON.stringify(report.errors),
  );
});
