import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { renderJson } from '../../src/report/json.js';
import { runScan } from '../../src/scan/engine.js';
import type { Report } from '../../src/core/types.js';
import { writeTree } from '../helpers/rule-tester.js';
import { fullFinding, probeReport, reportSchemaValidator } from './helpers.js';

const validate = reportSchemaValidator();

// The seed's vulnerable view in the header form its prose describes, a settings module, an nginx
// config, a syntax error and a binary file: whatever rules are registered get something to report.
const TREE = {
  'proj/settings.py': `
    SECRET_KEY = 'x'
    INSTALLED_APPS = ['django.contrib.auth', 'app']
    MIDDLEWARE = ['django.contrib.sessions.middleware.SessionMiddleware']
    AUTH_PASSWORD_VALIDATORS = []
    SESSION_COOKIE_AGE = 60 * 60 * 24 * 30
    PASSWORD_RESET_TIMEOUT = 60 * 60 * 24 * 7
  `,
  'app/views.py': `
    import ssl
    from django.http import JsonResponse
    from django.views import View


    class MTLSConsumerView(View):
        def get(self, request):
            cert = request.META.get('HTTP_X_SSL_CLIENT_CERT')
            if not cert:
                return JsonResponse({'error': 'No client certificate'}, status=401)
            # Vulnerable: no validation of cert fields
            return JsonResponse({'authenticated': True})
  `,
  'app/broken.py': `
    def f(:
        return request.META['HTTP_X_SSL_CLIENT_CERT']
  `,
  'deploy/nginx.conf': `
    server {
        listen 443 ssl;
        ssl_verify_client optional_no_ca;
        location / {
            proxy_pass http://127.0.0.1:8000;
        }
    }
  `,
};

test('json: a real scan validates against report.schema.json', async () => {
  const root = writeTree(TREE);
  try {
    const report = await runScan({ path: root });
    const text = renderJson(report);
    const data = JSON.parse(text);
    const r = validate(data);
    assert.ok(r.ok, r.errors);
    assert.equal(data.kind, 'scan');
    assert.equal(data.findings.length, report.findings.length);
    assert.ok(Array.isArray(data.errors));
    for (const f of data.findings) assert.equal('messageId' in f, false, 'internal messageId leaks into the JSON');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('json: a synthetic scan report with every optional field validates, and round-trips', () => {
  const report: Report = {
    tool: { name: 'mtls-audit', version: '0.1.0' },
    kind: 'scan',
    target: 'examples/vulnerable',
    findings: [fullFinding(), fullFinding({ ruleId: 'proxy-header-passthrough', location: { file: 'deploy/nginx.conf', line: 12 }, layer: 'deploy' })],
    suppressed: [fullFinding({ suppression: { kind: 'inSource', justification: 'legacy endpoint, behind VPN' }, fingerprint: 'ffff' })],
    errors: [{ file: 'app/broken.py', message: 'syntax error at line 1' }, { message: 'internal error in rule x' }],
    stats: { durationMs: 12.3, filesScanned: 10, bytesScanned: 12345, filesParsed: 4, suppressed: 1 },
  };
  const data = JSON.parse(renderJson(report));
  const r = validate(data);
  assert.ok(r.ok, r.errors);
  assert.deepEqual(Object.keys(data), ['tool', 'kind', 'target', 'findings', 'suppressed', 'errors', 'stats']);
  assert.deepEqual(Object.keys(data.findings[0]), ['ruleId', 'severity', 'cwe', 'message', 'location', 'related', 'evidence', 'remediation', 'fingerprint', 'layer']);
  assert.deepEqual(data.suppressed[0].suppression, { kind: 'inSource', justification: 'legacy endpoint, behind VPN' });
  assert.deepEqual(data.findings[0].location, { file: 'app/views.py', line: 5, column: 16, endLine: 5, endColumn: 58 });
  assert.equal(renderJson(report), renderJson(JSON.parse(renderJson(report)) as Report));
});

test('json: fields added to the Report later are kept', () => {
  const report = { ...probeReport(), futureField: [{ a: 1 }] } as Report;
  const data = JSON.parse(renderJson(report));
  assert.deepEqual(data.futureField, [{ a: 1 }]);
  assert.equal(Object.keys(data).at(-1), 'stats');
  assert.ok(validate(data).ok);
});

test('json: a probe report validates', () => {
  const data = JSON.parse(renderJson(probeReport()));
  const r = validate(data);
  assert.ok(r.ok, r.errors);
  assert.equal(data.findings[0].location.url, 'https://127.0.0.1:8443/api/whoami');
  assert.equal(data.notes.length, 3);
  assert.equal(data.stats.requestsSent, 41);
});

test('json: the schema check is real: a report that breaks the contract is rejected', () => {
  const bad = JSON.parse(renderJson({ ...probeReport(), findings: [fullFinding({ severity: 'urgent' as never, cwe: [] })] }));
  const r = validate(bad);
  assert.equal(r.ok, false);
  assert.match(r.errors, /severity/);
  assert.match(r.errors, /cwe/);
});
