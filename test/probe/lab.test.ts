// The probe against the real lab (test/lab): nginx and HAProxy in front of gunicorn-served Django,
// a fresh PKI per run. Each target's exact set of findings, the cases judged inconclusive or not
// run and why, and the reports in every format.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { runProbe, type ProbeRun } from '../../src/probe/probe.js';
import type { ProbeOptions } from '../../src/probe/types.js';
import type { Report } from '../../src/core/types.js';
import { renderReport } from '../../src/report/index.js';
import { startLab, type Lab, type TargetName } from '../lab/harness.js';
import { REPO_ROOT } from '../helpers/rule-tester.js';
import { reportSchemaValidator, validateSarif } from '../report/helpers.js';

const run = promisify(execFile);

let lab: Lab;

function options(name: TargetName, over: Partial<ProbeOptions> = {}): ProbeOptions {
  const t = lab.targets[name]!;
  const f = lab.pki.files;
  return {
    url: t.url + t.protectedPaths[0],
    certPem: readFileSync(f['alice:crt'], 'utf8'),
    keyPem: readFileSync(f['alice:key'], 'utf8'),
    caPem: readFileSync(f['ca:crt'], 'utf8'),
    caKeyPem: readFileSync(f['ca:key'], 'utf8'),
    crlData: readFileSync(f['ca:crl']),
    serverCaPem: readFileSync(f['ca:crt'], 'utf8'),
    backend: t.backend,
    protectedPaths: t.protectedPaths,
    ...(t.loginPath ? { loginPath: t.loginPath } : {}),
    ...(t.passwordLogin ? { passwordLogin: t.passwordLogin } : {}),
    ...over,
  };
}

/** `rule route path case`, route = proxy or backend. */
function keys(name: TargetName, report: Report): string[] {
  const t = lab.targets[name]!;
  return report.findings
    .map((f) => {
      const u = new URL(f.location.url!);
      const route = u.origin === new URL(t.backend).origin ? 'backend' : u.origin === new URL(t.url).origin ? 'proxy' : u.origin;
      return `${f.ruleId} ${route} ${u.pathname} ${f.location.case}`;
    })
    .sort();
}

function notes(report: Report, status: string): string[] {
  return (report.notes ?? [])
    .filter((n) => n.status === status)
    .map((n) => n.case)
    .sort();
}

function spoofKeys(route: 'proxy' | 'backend', path: string): string[] {
  return [`accepts-spoofed-cert-header ${route} ${path} spoofed-header:${route}:x-ssl-client-cert`, `accepts-spoofed-identity-header ${route} ${path} spoofed-header:${route}:x-ssl-client-s-dn`];
}

const CERT_CASES = ['impostor-ca', 'unrelated-ca', 'unknown-identity', 'expired-cert', 'not-yet-valid-cert', 'server-auth-eku', 'revoked-cert', 'dn-injection-o', 'dn-injection-comma'];

describe('probe against the lab', { timeout: 180_000 }, () => {
  const results = new Map<TargetName, ProbeRun>();

  before(async () => {
    lab = await startLab(['vulnerable', 'secure', 'haproxy']);
    for (const name of ['vulnerable', 'secure', 'haproxy'] as const) results.set(name, await runProbe(options(name)));
  });
  after(async () => {
    await lab?.stop();
  });

  test('vulnerable (nginx optional_no_ca, header-trusting Django): the exact findings', () => {
    const { report } = results.get('vulnerable')!;
    assert.deepEqual(
      report.errors.map((e) => e.message),
      [],
    );
    assert.deepEqual(
      keys('vulnerable', report),
      [
        'accepts-no-cert backend /api/export/ no-cert-backend',
        'accepts-no-cert proxy /api/export/ no-cert',
        'accepts-untrusted-ca proxy /api/me/ impostor-ca',
        'accepts-untrusted-ca proxy /api/me/ unrelated-ca',
        'accepts-wrong-eku proxy /api/me/ server-auth-eku',
        'accepts-revoked-cert proxy /api/me/ revoked-cert',
        'accepts-dn-injection proxy /api/me/ dn-injection-comma',
        ...spoofKeys('proxy', '/api/me/'),
        ...spoofKeys('backend', '/api/me/'),
        ...spoofKeys('proxy', '/accounts/cert-login/'),
        ...spoofKeys('backend', '/accounts/cert-login/'),
        'session-replay-across-certs proxy /api/me/ session-replay-no-cert',
        'session-replay-across-certs proxy /api/me/ session-replay-other-cert',
        'session-id-not-rotated proxy /api/me/ session-id-not-rotated',
        'login-not-throttled proxy /accounts/login/ password-burst',
      ].sort(),
    );
    assert.ok(report.stats.requestsSent! <= 200, `within the default budget: ${report.stats.requestsSent}`);
    // nginx checks dates even with optional_no_ca; the naive DN split is not fooled by O=CN=alice.
    for (const c of ['expired-cert /api/me/', 'not-yet-valid-cert /api/me/', 'unknown-identity /api/me/', 'dn-injection-o /api/me/', 'no-cert /api/me/', 'no-cert-backend /api/me/']) {
      assert.ok(notes(report, 'passed').includes(c), `${c} passed`);
    }
  });

  test('vulnerable: /api/export/ serves anyone, so every other case there is inconclusive, never passed', () => {
    const { report } = results.get('vulnerable')!;
    const expected = [...CERT_CASES, 'spoofed-headers:proxy', 'spoofed-headers:backend', 'session-replay-no-cert', 'session-replay-other-cert'].map((c) => `${c} /api/export/`).sort();
    assert.deepEqual(notes(report, 'inconclusive'), expected);
    for (const n of report.notes!.filter((x) => x.status === 'inconclusive')) assert.match(n.reason, /baselines do not separate/);
    assert.deepEqual(notes(report, 'not-run'), []);
  });

  test('vulnerable: spoofing is narrowed to the exact header, spelling and encoding', () => {
    const { report } = results.get('vulnerable')!;
    const byCase = (url: string, c: string) => report.findings.find((f) => f.location.url === url && f.location.case === c)!;
    const t = lab.targets.vulnerable!;
    // Through nginx only the underscore spelling passes (underscores_in_headers on; the dash one is overwritten).
    const proxyCert = byCase(`${t.url}/api/me/`, 'spoofed-header:proxy:x-ssl-client-cert');
    assert.match(proxyCert.message, /^X_SSL_Client_Cert carrying alice's certificate \(url-escaped PEM\), sent through the proxy/);
    const proxyDn = byCase(`${t.url}/api/me/`, 'spoofed-header:proxy:x-ssl-client-s-dn');
    assert.match(proxyDn.message, /^X_SSL_Client_S_DN naming alice/);
    // Straight to gunicorn both spellings reach Django.
    const backendCert = byCase(`${t.backend}/api/me/`, 'spoofed-header:backend:x-ssl-client-cert');
    assert.match(backendCert.message, /^X-SSL-Client-Cert, X_SSL_Client_Cert carrying alice's certificate \(url-escaped PEM\), sent directly to the backend/);
    assert.match(backendCert.evidence!, /> X-SSL-Client-Cert: -----BEGIN%20CERTIFICATE-----/);
    assert.match(backendCert.evidence!, /< HTTP\/1.1 200 OK/);
    assert.match(backendCert.evidence!, /"user": "alice"/);
    assert.equal(backendCert.severity, 'critical');
    assert.deepEqual(backendCert.cwe, ['CWE-290']);
    assert.equal(backendCert.layer, 'probe');
  });

  test('vulnerable: evidence shows the request, the TLS identity, the status and the body', () => {
    const { report } = results.get('vulnerable')!;
    const dn = report.findings.find((f) => f.location.case === 'dn-injection-comma')!;
    assert.match(dn.message, /^A certificate with subject CN=mtls-audit-dn-[0-9a-f]+\\,CN=alice,O=mtls-audit lab was served as alice on \/api\/me\/ \(200 OK\)\.$/);
    assert.match(dn.evidence!, /^> GET \/api\/me\/ HTTP\/1.1\n> Host: 127.0.0.1:\d+\n> \[TLS client certificate: certificate with CN=mtls-audit-dn-/);
    assert.match(dn.evidence!, /# baselines on \/api\/me\/: legitimate certificate → 200 OK; no certificate → 403 Forbidden/);
    const fixation = report.findings.find((f) => f.ruleId === 'session-id-not-rotated')!;
    assert.match(fixation.evidence!, /# before authentication[\s\S]*Set-Cookie: sessionid=[\s\S]*# the certificate login[\s\S]*# the pre-authentication cookies with no certificate[\s\S]*"user": "alice"/);
    const burst = report.findings.find((f) => f.ruleId === 'login-not-throttled')!;
    assert.match(burst.message, /^30 failed password logins at \/accounts\/login\/ were all answered 200 \(30×\)/);
  });

  test('secure (verify on + CRL, provenance secret, fingerprint binding, bound session, throttled login): no finding', () => {
    const { report } = results.get('secure')!;
    assert.deepEqual(
      report.errors.map((e) => e.message),
      [],
    );
    assert.deepEqual(keys('secure', report), []);
    assert.deepEqual(notes(report, 'inconclusive'), []);
    // nginx refuses certificate-less requests, so no session can exist before authentication.
    assert.deepEqual(notes(report, 'not-run'), ['session-id-not-rotated']);
    const passed = notes(report, 'passed');
    for (const c of [
      ...CERT_CASES.map((c) => `${c} /api/me/`),
      'no-cert /api/me/',
      'no-cert-backend /api/me/',
      'spoofed-headers:proxy /api/me/',
      'spoofed-headers:backend /api/me/',
      'spoofed-headers:backend /accounts/cert-login/',
      'session-replay-no-cert /api/me/',
      'session-replay-other-cert /api/me/',
      'password-burst',
    ]) {
      assert.ok(passed.includes(c), `${c} passed: ${passed.join(', ')}`);
    }
    assert.match(report.notes!.find((n) => n.case === 'password-burst')!.reason, /^throttled: attempt \d+ answered 429 Too Many Requests/);
  });

  test('haproxy (verify required, expiry ignored, no CRL; header trusted from anywhere): the exact findings, TLS alerts as refusals', () => {
    const { report } = results.get('haproxy')!;
    assert.deepEqual(
      report.errors.map((e) => e.message),
      [],
    );
    assert.deepEqual(
      keys('haproxy', report),
      [
        'accepts-unknown-identity proxy /api/me/ unknown-identity',
        'accepts-expired-cert proxy /api/me/ expired-cert',
        'accepts-expired-cert proxy /api/me/ not-yet-valid-cert',
        'accepts-revoked-cert proxy /api/me/ revoked-cert',
        'accepts-spoofed-cert-header backend /api/me/ spoofed-header:backend:x-ssl-client-cert',
        'accepts-spoofed-cert-header backend /login/ spoofed-header:backend:x-ssl-client-cert',
        'session-replay-across-certs proxy /api/me/ session-replay-other-cert',
      ].sort(),
    );
    const reason = (c: string) => report.notes!.find((n) => n.case === c)?.reason ?? '';
    assert.match(reason('no-cert /api/me/'), /TLS alert: certificate required/);
    assert.match(reason('unrelated-ca /api/me/'), /TLS alert: unknown ca/);
    assert.match(reason('server-auth-eku /api/me/'), /TLS alert: unsupported certificate/);
    assert.match(reason('impostor-ca /api/me/'), /refused in the TLS handshake/);
    assert.match(reason('session-replay-no-cert /api/me/'), /TLS alert: certificate required/);
    // Any subject gets in, so DN injection is not reported; /login/ enrols certificate B too.
    assert.deepEqual(notes(report, 'inconclusive'), ['spoofed-headers:proxy /login/']);
    assert.deepEqual(notes(report, 'not-run'), ['dn-injection-comma /api/me/', 'dn-injection-o /api/me/', 'password-burst', 'session-id-not-rotated']);
    assert.match(reason('dn-injection-o /api/me/'), /accepts-unknown-identity holds/);
    const spoof = report.findings.find((f) => f.location.case === 'spoofed-header:backend:x-ssl-client-cert')!;
    assert.match(spoof.message, /\(base64 DER\)/);
  });

  test('without --ca-key and --crl the minted cases are not run, never passed', async () => {
    const { report } = await runProbe(options('vulnerable', { caKeyPem: undefined, crlData: undefined }));
    assert.deepEqual(
      keys('vulnerable', report),
      [
        'accepts-no-cert backend /api/export/ no-cert-backend',
        'accepts-no-cert proxy /api/export/ no-cert',
        'accepts-untrusted-ca proxy /api/me/ impostor-ca',
        'accepts-untrusted-ca proxy /api/me/ unrelated-ca',
        ...spoofKeys('proxy', '/api/me/'),
        ...spoofKeys('backend', '/api/me/'),
        ...spoofKeys('proxy', '/accounts/cert-login/'),
        ...spoofKeys('backend', '/accounts/cert-login/'),
        'session-replay-across-certs proxy /api/me/ session-replay-no-cert',
        'session-id-not-rotated proxy /api/me/ session-id-not-rotated',
        'login-not-throttled proxy /accounts/login/ password-burst',
      ].sort(),
    );
    const notRun = report.notes!.filter((n) => n.status === 'not-run');
    for (const c of ['unknown-identity', 'expired-cert', 'not-yet-valid-cert', 'server-auth-eku', 'revoked-cert', 'dn-injection-o', 'dn-injection-comma']) {
      const n = notRun.find((x) => x.case === c);
      assert.ok(n, `${c} not run`);
      assert.match(n.reason, /--ca-key not given/);
    }
    assert.ok(notRun.some((n) => n.case === 'session-replay-other-cert /api/me/'));
  });

  test('a CRL that lists nothing: the revoked case is not run', async () => {
    const { createCrl } = await import('../../src/pki/mint.js');
    const empty = await createCrl(lab.pki.ca.issuer, { serials: [] });
    const { report } = await runProbe(options('secure', { crlData: Buffer.from(empty.pem) }));
    assert.match(report.notes!.find((n) => n.case === 'revoked-cert')!.reason, /lists no revoked serial/);
    assert.deepEqual(report.findings, []);
  });

  test('a --cert the target refuses: nothing is judged, nothing passes, an error says why', async () => {
    const mallory = lab.pki.attacks['unknown-identity'];
    const { report } = await runProbe(options('secure', { certPem: mallory.certPem, keyPem: mallory.keyPem, passwordLogin: undefined }));
    assert.deepEqual(report.findings, []);
    assert.match(report.errors[0]?.message ?? '', /^the legitimate certificate was answered 403 Forbidden on \/api\/me\/ \(and on every other path\): no case could be judged/);
    const judged = report.notes!.filter((n) => n.case !== 'server-certificate' && n.case !== 'password-burst');
    assert.ok(judged.length > 10);
    assert.deepEqual(
      judged.filter((n) => n.status === 'passed'),
      [],
    );
  });

  test('--max-requests bounds the run; what did not fit is reported as not run', async () => {
    const { report, log } = await runProbe(options('vulnerable', { maxRequests: 25 }));
    assert.equal(report.stats.requestsSent, 25);
    assert.equal(log.length, 25);
    assert.ok(report.notes!.some((n) => n.status === 'not-run' && /request budget \(--max-requests 25\) exhausted|cut short by the request budget|budget/.test(n.reason)));
    // Whatever was found with the budget is a subset of the full run.
    const full = new Set(keys('vulnerable', results.get('vulnerable')!.report));
    for (const k of keys('vulnerable', report)) assert.ok(full.has(k), k);
  });

  test('the log numbers every request sent, once', () => {
    const { report, log } = results.get('vulnerable')!;
    assert.equal(log.length, report.stats.requestsSent);
    assert.deepEqual(
      log.map((o) => o.seq).sort((a, b) => a - b),
      log.map((_, i) => i + 1),
    );
  });

  test('reports: JSON per the schema, SARIF with the URL as location, text with evidence', () => {
    const { report } = results.get('vulnerable')!;
    const json = JSON.parse(renderReport(report, 'json'));
    const v = reportSchemaValidator()(json);
    assert.ok(v.ok, v.errors);
    assert.equal(json.kind, 'probe');
    assert.equal(json.findings.length, report.findings.length);
    const sarif = JSON.parse(renderReport(report, 'sarif'));
    const results_ = sarif.runs[0].results as { locations: { physicalLocation?: { artifactLocation?: { uri?: string } } }[] }[];
    assert.equal(results_.length, report.findings.length);
    for (const r of results_) assert.match(r.locations[0].physicalLocation!.artifactLocation!.uri!, /^https?:\/\/127\.0\.0\.1:\d+\//);
    const checked = validateSarif(renderReport(report, 'sarif'));
    assert.deepEqual(checked.errors, [], checked.console);
    const text = renderReport(report, 'text');
    assert.match(text, /accepts-dn-injection/);
    assert.match(text, /> \[TLS client certificate: certificate with CN=mtls-audit-dn-/);
  });

  test('CLI: exit 1 with findings, --verbose lists every request, JSON on stdout only', async () => {
    const args = ['bin/mtls-audit.js', 'probe', ...lab.probeArgs('secure'), '--format', 'text', '--verbose'];
    const r = await run(process.execPath, args, { cwd: REPO_ROOT, maxBuffer: 16 << 20 }).catch((e) => e as { code: number; stdout: string; stderr: string });
    assert.equal((r as { code?: number }).code ?? 0, 0, (r as { stderr: string }).stderr);
    const m = /requests \((\d+)\):/.exec(r.stdout);
    assert.ok(m, r.stdout.slice(-2000));
    const listed = r.stdout.split('\n').filter((l) => /^ {2}#\d+ (GET|POST) https?:\/\//.test(l));
    assert.equal(listed.length, Number(m[1]));
    const v = await run(process.execPath, ['bin/mtls-audit.js', 'probe', ...lab.probeArgs('haproxy'), '--format', 'json'], { cwd: REPO_ROOT, maxBuffer: 16 << 20 }).catch((e) => e as { code: number; stdout: string; stderr: string });
    const parsed = JSON.parse(v.stdout) as Report;
    assert.deepEqual(
      parsed.errors.map((e) => e.message),
      [],
    );
    assert.equal((v as { code?: number }).code, 1);
    assert.equal(parsed.findings.length, 7);
  });
});

test('CLI: an unreachable target exits 2 with one line', async () => {
  const { freePort } = await import('../lab/harness.js');
  const { createLabPki } = await import('../../src/pki/lab.js');
  const { mkdtempSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const dir = mkdtempSync(join(tmpdir(), 'mtls-audit-probe-'));
  try {
    const pki = await createLabPki(dir);
    const port = await freePort();
    const r = await run(process.execPath, ['bin/mtls-audit.js', 'probe', `https://127.0.0.1:${port}/api/`, '--cert', pki.files['alice:crt'], '--key', pki.files['alice:key']], { cwd: REPO_ROOT }).catch(
      (e) => e as { code: number; stdout: string; stderr: string },
    );
    assert.equal((r as { code?: number }).code, 2);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, new RegExp(`^mtls-audit: cannot reach https://127\\.0\\.0\\.1:${port}/api/: connection failed \\(ECONNREFUSED\\)\\n$`));
    const bad = await run(process.execPath, ['bin/mtls-audit.js', 'probe', 'http://127.0.0.1:1/', '--cert', pki.files['alice:crt'], '--key', pki.files['bob:key']], { cwd: REPO_ROOT }).catch(
      (e) => e as { code: number; stdout: string; stderr: string },
    );
    assert.equal((bad as { code?: number }).code, 2);
    assert.equal(bad.stderr.split('\n').filter(Boolean).length, 1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
