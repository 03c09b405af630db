import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { renderText, codeFrame, summaryLine } from '../../src/report/text.js';
import { renderReport } from '../../src/report/index.js';
import { runScan } from '../../src/scan/engine.js';
import type { Finding, Report } from '../../src/core/types.js';
import { writeTree } from '../helpers/rule-tester.js';
import { fullFinding, probeReport } from './helpers.js';

const ANSI = /\u001b\[[0-9;]*m/;

const VIEWS = `import hmac
from django.http import JsonResponse


class MTLSConsumerView(View):
    def get(self, request):
        cert = request.META.get('HTTP_X_SSL_CLIENT_CERT')
        if not cert:
            return JsonResponse({'error': 'No client certificate'}, status=401)
        # Vulnerable: no validation of cert fields
        return JsonResponse({'authenticated': True})
`;

function scanReport(findings: Finding[], extra: Partial<Report> = {}): Report {
  return {
    tool: { name: 'mtls-audit', version: '0.1.0' },
    kind: 'scan',
    target: '.',
    findings,
    suppressed: [],
    errors: [],
    stats: { durationMs: 12.5, filesScanned: 3, bytesScanned: 999, filesParsed: 2 },
    ...extra,
  };
}

const presence: Finding = {
  ruleId: 'cert-presence-only',
  severity: 'critical',
  cwe: ['CWE-287', 'CWE-306'],
  message: 'Access is granted because `cert` is present; nothing decides on its contents.',
  location: { file: 'app/views.py', line: 8, column: 12, endLine: 8, endColumn: 20 },
  related: [{ file: 'app/views.py', line: 7, message: 'the certificate is read here' }],
  remediation: 'Map the certificate fingerprint to a user.',
  evidence: '        if not cert:',
};
const header: Finding = fullFinding({
  location: { file: 'app/views.py', line: 7, column: 16, endLine: 7, endColumn: 58 },
  related: [{ file: 'deploy/nginx.conf', line: 3, message: 'nginx passes the header through' }],
});
const settingsFinding: Finding = {
  ruleId: 'session-expiry-long',
  severity: 'medium',
  cwe: ['CWE-613'],
  message: 'SESSION_COOKIE_AGE is 30 days.',
  location: { file: 'proj/settings.py', line: 2 },
  remediation: 'Lower it.',
};

test('text: findings grouped by file in path order, sorted by line within a file, with severity, rule, CWE and message', () => {
  const root = writeTree({ 'app/views.py': VIEWS, 'proj/settings.py': 'DEBUG = False\nSESSION_COOKIE_AGE = 30 * 86400\n' });
  try {
    const out = renderText(scanReport([settingsFinding, presence, header]), { root });
    const lines = out.split('\n');
    const appAt = lines.indexOf('app/views.py');
    const projAt = lines.indexOf('proj/settings.py');
    assert.ok(appAt >= 0 && projAt > appAt, out);
    // line 7 (header read) before line 8 (decision) inside the group
    const hAt = lines.findIndex((l) => l.includes('spoofable-cert-header'));
    const pAt = lines.findIndex((l) => l.includes('cert-presence-only'));
    assert.ok(appAt < hAt && hAt < pAt && pAt < projAt, out);
    assert.match(lines[pAt], /^ {2}8:12 +CRITICAL {2}cert-presence-only {2}CWE-287, CWE-306$/);
    assert.match(out, /Access is granted because `cert` is present/);
    assert.match(out, /related: app\/views\.py:7 the certificate is read here/);
    assert.match(out, /fix: Map the certificate fingerprint to a user\./);
    assert.match(out, /related: deploy\/nginx\.conf:3 nginx passes the header through/);
    assert.match(lines[lines.findIndex((l) => l.includes('session-expiry-long'))], /2 +MEDIUM {2}session-expiry-long {2}CWE-613/);
    assert.equal(lines.at(-2), '3 findings (2 critical, 0 high, 1 medium, 0 low); 0 suppressed');
    assert.doesNotMatch(out, ANSI);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('text: code frame shows two lines of context with line numbers and carets under the flagged columns', () => {
  const root = writeTree({ 'app/views.py': VIEWS });
  try {
    const out = renderText(scanReport([presence]), { root });
    const frame = out.split('\n').filter((l) => / \| /.test(l));
    assert.deepEqual(frame, [
      '       6 |     def get(self, request):',
      "       7 |         cert = request.META.get('HTTP_X_SSL_CLIENT_CERT')",
      '    >  8 |         if not cert:',
      '         |            ^^^^^^^^',
      "       9 |             return JsonResponse({'error': 'No client certificate'}, status=401)",
      '      10 |         # Vulnerable: no validation of cert fields',
    ]);
    // The frame replaces the evidence line for scan findings.
    assert.doesNotMatch(out, /evidence:/);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('text: code frame at the start and end of a file, single-column caret, multi-line span, tabs', () => {
  const lines = ['first', 'second', '\tthird = x'];
  assert.deepEqual(codeFrame(lines, { line: 1, column: 1 }), ['    > 1 | first', '        | ^', '      2 | second', '      3 | \tthird = x']);
  // tab-indented: carets keep the tab so they line up in a terminal
  assert.deepEqual(codeFrame(lines, { line: 3, column: 2, endLine: 3, endColumn: 7 }).slice(-2), ['    > 3 | \tthird = x', '        | \t^^^^^']);
  // span running onto later lines: underline to the end of the first line
  assert.deepEqual(codeFrame(['a = f(', '  b)'], { line: 1, column: 5, endLine: 2, endColumn: 5 }).slice(0, 2), ['    > 1 | a = f(', '        |     ^^']);
  // no column: no caret line
  assert.deepEqual(codeFrame(['x', 'y'], { line: 2 }), ['      1 | x', '    > 2 | y']);
  // line out of range (file changed since the scan): no frame
  assert.deepEqual(codeFrame(['x'], { line: 5 }), []);
});

test('text: a missing or unreadable source file falls back to the evidence line', () => {
  const root = writeTree({ 'app/other.py': 'x = 1\n' });
  try {
    mkdirSync(join(root, 'app', 'views.py')); // a directory where the file was: unreadable as a file
    const gone: Finding = { ...presence, location: { file: 'app/gone.py', line: 8, column: 12 } };
    const out = renderText(scanReport([presence, gone]), { root });
    assert.match(out, /app\/gone\.py\n {2}8:12 +CRITICAL/);
    assert.equal(out.match(/evidence:\n {6}if not cert:/g)?.length, 2, out);
    assert.doesNotMatch(out, / \| /);
    // and with no root at all
    const out2 = renderText(scanReport([presence]), { root: join(root, 'does-not-exist') });
    assert.match(out2, /evidence:\n {6}if not cert:/);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('text: colours only when asked', () => {
  const root = writeTree({ 'app/views.py': VIEWS });
  try {
    const report = scanReport([presence, header]);
    const plain = renderText(report, { root });
    const coloured = renderText(report, { root, color: true });
    assert.doesNotMatch(plain, ANSI);
    assert.match(coloured, ANSI);
    assert.match(coloured, /\u001b\[1;97;41mCRITICAL\u001b\[0m/);
    assert.equal(coloured.replace(/\u001b\[[0-9;]*m/g, ''), plain);
    assert.doesNotMatch(renderReport(report, 'text', { root }), ANSI);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('text: control characters from scanned files and messages are escaped, never sent to the terminal', () => {
  const root = writeTree({ 'evil.py': 'x = 1\ncert = "\u001b[2J\u001b]0;pwned\u0007"\n' });
  try {
    const f: Finding = { ...settingsFinding, message: 'value \u001b[31mred', location: { file: 'evil.py', line: 2, column: 8, endColumn: 30 } };
    const out = renderText(scanReport([f]), { root });
    assert.doesNotMatch(out, /[\u0000-\u0008\u000b-\u001f\u007f]/);
    assert.match(out, /\\u001b\[2J/);
    assert.match(out, /value \\u001b\[31mred/);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('text: errors section, suppressed count, and deterministic output whatever the input order', () => {
  const root = writeTree({ 'app/views.py': VIEWS });
  try {
    const sup: Finding = { ...presence, suppression: { kind: 'inSource', justification: 'reviewed' } };
    const errors = [{ file: 'b/broken.py', message: 'syntax error at line 3' }, { message: 'internal error in rule x: boom' }, { file: 'a/bin.py', message: 'binary file (NUL byte): skipped' }];
    const r1 = scanReport([presence, header, settingsFinding], { suppressed: [sup], errors, stats: { durationMs: 1, filesScanned: 3, bytesScanned: 999, filesParsed: 2, suppressed: 1 } });
    const r2 = scanReport([settingsFinding, header, presence], { suppressed: [sup], errors: [...errors].reverse(), stats: { durationMs: 999, suppressed: 1 } });
    const o1 = renderText(r1, { root });
    assert.equal(o1, renderText(r2, { root }));
    assert.match(o1, /errors \(3\): inputs that could not be analysed\n {2}a\/bin\.py: binary file \(NUL byte\): skipped\n {2}b\/broken\.py: syntax error at line 3\n {2}internal error in rule x: boom\n/);
    assert.match(o1, /; 1 suppressed; 3 input errors\n$/);
    assert.doesNotMatch(o1, /reviewed/); // suppressed findings are listed only with --verbose
    const v = renderText(r1, { root, verbose: true });
    assert.match(v, /suppressed \(1\):\n {2}app\/views\.py:8 {2}critical {2}cert-presence-only {2}inSource: reviewed/);
    assert.match(v, /fingerprint: 0123456789abcdef/);
    assert.match(v, /3 files scanned, 2 parsed, 999 bytes, 1 ms/);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('text: probe findings grouped by URL with case and evidence; notes of cases not run', () => {
  const out = renderText(probeReport(), {});
  const lines = out.split('\n');
  const admin = lines.indexOf('https://127.0.0.1:8443/admin/login/');
  const api = lines.indexOf('https://127.0.0.1:8443/api/whoami');
  assert.ok(admin >= 0 && api > admin, out);
  assert.match(out, /CRITICAL {2}accepts-no-cert {2}CWE-306 {2}\[case: no-cert\]/);
  assert.match(out, /evidence:\n {6}> GET \/api\/whoami HTTP\/1\.1\n {6}> X_SSL_Client_Cert: -----BEGIN CERTIFICATE-----…\n {6}< HTTP\/1\.1 200 OK/);
  assert.match(out, /cases:\n {2}not-run revoked-cert: no --crl given\n {2}inconclusive expired-cert: baselines do not separate\n/);
  assert.doesNotMatch(out, /untrusted-ca/); // passed cases only with --verbose
  assert.match(renderText(probeReport(), { verbose: true }), /passed untrusted-ca: handshake refused/);
  assert.match(out, /errors \(1\)/);
  assert.equal(lines.at(-2), '3 findings (2 critical, 1 high, 0 medium, 0 low); 0 suppressed; 1 input error; 2 cases inconclusive or not run');
});

test('text: an empty report says so', () => {
  const out = renderText(scanReport([]), {});
  assert.equal(out, 'No findings.\n\n0 findings (0 critical, 0 high, 0 medium, 0 low); 0 suppressed\n');
  assert.equal(summaryLine(scanReport([presence])), '1 finding (1 critical, 0 high, 0 medium, 0 low); 0 suppressed');
});

test('text: renders a real scan of a tree, frames read relative to the scanned root', async () => {
  const root = writeTree({
    'app/views.py': VIEWS,
    'app/broken.py': 'def f(:\n    SSL_CLIENT_CERT = 1\n',
    'app/middleware.py': "class M:\n    def __call__(self, request):\n        request.user = request.META['HTTP_X_SSL_CLIENT_S_DN']  # mtls-audit: ignore reviewed\n",
  });
  try {
    const report = await runScan({ path: root });
    const out = renderText(report, { root });
    assert.equal(out, renderText(report, { root }));
    for (const f of report.findings) {
      assert.ok(out.includes(`${f.location.line}${f.location.column ? `:${f.location.column}` : ''}`), `${f.ruleId} position missing in\n${out}`);
      assert.ok(out.includes(f.ruleId));
      if (f.location.file && f.location.line) assert.match(out, new RegExp(`> +${f.location.line} \\| `));
    }
    assert.match(out, new RegExp(`${report.findings.length} findings? \\(`));
    assert.match(out, new RegExp(`; ${report.suppressed?.length ?? 0} suppressed`));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
