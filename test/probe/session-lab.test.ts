// The probe against the lab's session target (test/lab, `session`): nginx verifying client
// certificates with a CRL in front of gunicorn/Django, where /login/ reads the certificate once
// (CN → user, login()) and /api/whoami/ only needs the session. The exact findings, every other
// case and why, and the same login behind a CSRF form and as JSON.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { runProbe, type ProbeRun } from '../../src/probe/probe.js';
import type { ProbeOptions } from '../../src/probe/types.js';
import type { Report } from '../../src/core/types.js';
import { startLab, type Lab } from '../lab/harness.js';

let lab: Lab;

function options(over: Partial<ProbeOptions> = {}): ProbeOptions {
  const t = lab.targets.session!;
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
    loginPath: t.loginPath!,
    ...over,
  };
}

/** `rule route path case`, route = proxy or backend. */
function keys(report: Report): string[] {
  const t = lab.targets.session!;
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

const CERT_CASES = ['impostor-ca', 'unrelated-ca', 'unknown-identity', 'expired-cert', 'not-yet-valid-cert', 'server-auth-eku', 'revoked-cert', 'dn-injection-o', 'dn-injection-comma'];
const REPLAY = ['session-replay-across-certs backend /api/whoami/ session-replay-backend', 'session-replay-across-certs proxy /api/whoami/ session-replay-other-cert'];

describe('probe against the lab’s session target (certificate read once at /login/, then only the session)', { timeout: 180_000 }, () => {
  let run: ProbeRun;
  before(async () => {
    lab = await startLab(['session']);
    run = await runProbe(options());
  });
  after(async () => {
    await lab?.stop();
  });

  test('the exact findings: the session replayed with another certificate and at the backend, the forged header at the backend’s login', () => {
    const { report } = run;
    assert.deepEqual(keys(report), [...REPLAY, 'accepts-spoofed-cert-header backend /login/ spoofed-header:backend:x-ssl-client-cert'].sort());
    assert.deepEqual(report.errors, []);
    assert.ok(report.stats.requestsSent! <= 200, `within the default budget: ${report.stats.requestsSent}`);
  });

  test('nothing else is reported: every other case passed, none inconclusive; rotation not applicable behind verify on', () => {
    const { report } = run;
    assert.deepEqual(notes(report, 'inconclusive'), []);
    assert.deepEqual(notes(report, 'not-run'), ['password-burst', 'session-id-not-rotated']);
    assert.deepEqual(
      notes(report, 'passed'),
      [
        'server-certificate',
        ...CERT_CASES.map((c) => `${c} /api/whoami/`),
        'no-cert /api/whoami/',
        'no-cert-backend /api/whoami/',
        'spoofed-headers:proxy /api/whoami/',
        'spoofed-headers:backend /api/whoami/',
        'spoofed-headers:proxy /login/',
        'session-replay-no-cert /api/whoami/',
      ].sort(),
    );
  });

  test('the cases are judged against the session baseline: each attack certificate logged in on its own', () => {
    const { report, log } = run;
    // The legitimate certificate's login (the learning GET of /login/, then its redirect to /api/whoami/ with the session).
    const legitOnWhoami = log.filter((o) => o.request.identity?.label === 'alice (--cert)' && o.request.url.pathname === '/api/whoami/');
    assert.ok(
      legitOnWhoami.some((o) => o.status === 401),
      'alone: 401',
    );
    assert.ok(
      legitOnWhoami.some((o) => o.status === 200 && /"user": "alice"/.test(o.body ?? '') && /sessionid=/.test(o.request.headers.Cookie ?? '')),
      'with its session: served as alice',
    );
    // Every attack certificate went through /login/ itself (nginx refuses most at the door).
    const loginsByCase = log.filter((o) => /^(impostor-ca|unrelated-ca|expired-cert|not-yet-valid-cert|server-auth-eku|revoked-cert|dn-injection-o|dn-injection-comma): login at \/login\//.test(o.request.purpose));
    assert.equal(new Set(loginsByCase.map((o) => o.request.purpose.split(':')[0])).size, CERT_CASES.length - 1);
    // Certificate B (unknown-identity) logged in while learning: mallory maps to no user.
    const bLogin = log.find((o) => /^baseline: certificate B \(unknown subject\): login at \/login\//.test(o.request.purpose))!;
    assert.equal(bLogin.status, 403);
    const reason = (c: string) => report.notes!.find((n) => n.case === c)!.reason;
    assert.match(reason('unknown-identity /api/whoami/'), /answered 401 Unauthorized/);
    assert.match(reason('revoked-cert /api/whoami/'), /400 Bad Request/);
  });

  test('evidence: the replay names the session, the identity the app echoed, and the baseline with and without the session', () => {
    const f = run.report.findings.find((x) => x.location.case === 'session-replay-other-cert')!;
    assert.match(f.message, /^The session cookie .*sessionid.* issued to alice was served as alice on \/api\/whoami\/ when replayed with certificate B/);
    assert.match(f.evidence!, /\[TLS client certificate: certificate for the unknown subject mtls-audit-unknown-/);
    assert.match(f.evidence!, /# the response names the user it served: alice/);
    assert.match(f.evidence!, /# the session: certificate login at \/login\/ with the legitimate certificate: GET \/login\/ → 302 Found → \/api\/whoami\/; GET \/api\/whoami\/ → 200 OK; cookies after: .*sessionid/);
    assert.match(f.evidence!, /# the legitimate certificate on \/api\/whoami\/: 200 OK with the session, 401 Unauthorized without it/);
    const backend = run.report.findings.find((x) => x.location.case === 'session-replay-backend')!;
    assert.match(backend.message, /replayed directly to the backend http:\/\/127\.0\.0\.1:\d+ \(no certificate, no header\)/);
    assert.match(backend.evidence!, /plain HTTP, no TLS/);
  });

  test('the same login behind a CSRF-protected form: csrftoken, csrfmiddlewaretoken and Referer as a browser sends them', async () => {
    const { report, log } = await runProbe(options({ loginPath: '/login/form/' }));
    assert.deepEqual(keys(report), REPLAY);
    assert.deepEqual(report.errors, []);
    const post = log.find((o) => o.request.method === 'POST' && o.request.identity?.label === 'alice (--cert)')!;
    assert.match(post.request.body!, /csrfmiddlewaretoken=/);
    assert.match(post.request.headers.Cookie ?? '', /csrftoken=/);
    assert.equal(post.request.headers.Referer, `${lab.targets.session!.url}/login/form/`);
    assert.equal(post.status, 302);
    // The cases on the protected path were judged (not inconclusive); the GET-only form page cannot separate spoofing.
    for (const c of CERT_CASES) assert.ok(notes(report, 'passed').includes(`${c} /api/whoami/`), c);
    assert.deepEqual(notes(report, 'inconclusive'), ['spoofed-headers:backend /login/form/']);
  });

  test('the same login as JSON (GET answers 405): POST {} with the CSRF token', async () => {
    const { report, log } = await runProbe(options({ loginPath: '/login/json/' }));
    assert.deepEqual(keys(report), REPLAY);
    const post = log.find((o) => o.request.method === 'POST' && o.request.identity?.label === 'alice (--cert)')!;
    assert.equal(post.request.headers['Content-Type'], 'application/json');
    assert.ok(post.request.headers['X-CSRFToken']);
    assert.equal(post.status, 200);
    assert.match(post.body ?? '', /"user": "alice"/);
    for (const c of CERT_CASES) assert.ok(notes(report, 'passed').includes(`${c} /api/whoami/`), c);
  });

  test('without --login-path (a 401 names no login page) the cases stay inconclusive, never passed', async () => {
    const { report } = await runProbe(options({ loginPath: undefined }));
    assert.deepEqual(keys(report), []);
    assert.deepEqual(
      notes(report, 'passed').filter((c) => c.endsWith('/api/whoami/')),
      [],
    );
    assert.match(report.errors[0]?.message ?? '', /the legitimate certificate was answered 401 Unauthorized on \/api\/whoami\//);
  });
});
