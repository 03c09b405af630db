// The bundled example's deployment tells its cross-layer story: nginx forwards the certificate
// from `optional_no_ca`, one location drops the header overwrite, and Compose publishes gunicorn's
// 0.0.0.0 bind — each finding points at the directive and cites the Django code that trusts it.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../helpers/rule-tester.js';
import { runScan } from '../../src/scan/engine.js';
import { renderText } from '../../src/report/text.js';

const EXAMPLE = join(REPO_ROOT, 'examples', 'vulnerable-mtls-app');
const DEPLOY_RULES = ['proxy-verify-optional-no-ca', 'proxy-verify-optional-unenforced', 'proxy-header-passthrough', 'header-underscore-smuggling', 'backend-exposed', 'proxy-revocation-missing'];

function lineOf(file: string, needle: string, last = false): number {
  const lines = readFileSync(join(EXAMPLE, file), 'utf8').split('\n');
  const i = last ? lines.findLastIndex((l) => l.includes(needle)) : lines.findIndex((l) => l.includes(needle));
  assert.ok(i >= 0, `${needle} not in ${file}`);
  return i + 1;
}

test('example: the deployment findings, each pointing at its directive and citing the Django code', async () => {
  const report = await runScan({ path: EXAMPLE, rules: DEPLOY_RULES });
  const got = report.findings.map((f) => `${f.ruleId} ${f.location.file}:${f.location.line}`).sort();
  assert.deepEqual(got, [
    `backend-exposed docker-compose.yml:${lineOf('docker-compose.yml', '"8000:8000"')}`,
    `proxy-header-passthrough deploy/nginx.conf:${lineOf('deploy/nginx.conf', 'proxy_pass http://web:8000;', true)}`,
    `proxy-verify-optional-no-ca deploy/nginx.conf:${lineOf('deploy/nginx.conf', 'ssl_verify_client optional_no_ca;')}`,
  ]);
  for (const f of report.findings) {
    const files = new Set((f.related ?? []).map((r) => r.file));
    assert.ok(
      [...files].some((x) => x?.endsWith('.py')),
      `${f.ruleId}: no Django code in related`,
    );
    assert.match(f.message, /\.py:\d+/, `${f.ruleId}: the message names the code line`);
  }
  const exposed = report.findings.find((f) => f.ruleId === 'backend-exposed')!;
  assert.match(exposed.message, /0\.0\.0\.0:8000/);
  assert.match(exposed.message, /X-SSL-Client-Cert/);
  assert.ok(exposed.related?.some((r) => r.file === 'gunicorn.conf.py'));
  assert.ok(exposed.related?.some((r) => r.file === 'deploy/nginx.conf'));
  const text = renderText(report);
  assert.match(text, /backend-exposed/);
});
