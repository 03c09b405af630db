// session-not-bound-to-cert: a session created from a certificate identity is not bound to the certificate.

import { defineRule } from '../../core/rule.js';
import type { AVal } from '../../python/flow.js';
import { at, events, grantRelated, isFingerprintish, nodeKey, uniqueBy } from './support.js';

/** Derived from a certificate (not from a server-set REMOTE_USER, which RemoteUserMiddleware re-checks on every request). */
function fromCertificate(v: AVal): boolean {
  return v.parses.size > 0 || [...v.reads].some((r) => r.kind !== 'user');
}

export default defineRule({
  meta: {
    id: 'session-not-bound-to-cert',
    layer: 'code',
    name: 'Session not bound to the client certificate',
    cwe: ['CWE-384', 'CWE-287'],
    severity: 'high',
    diagram: { check: 'session' },
    docs: {
      summary: '`login()` or a session is created from a certificate identity without both storing the certificate fingerprint in the session and re-checking it on later requests.',
      whyBad:
        'Once the session cookie exists, the certificate no longer matters: a stolen cookie works from a machine with another certificate or none, and a revoked certificate keeps its session alive. Storing the fingerprint alone is not binding — it must be compared on every request.',
      notReported: "Projects that store the fingerprint in the session at login and compare it with the current request's certificate fingerprint on later requests (logging out on mismatch).",
      example: {
        lang: 'python',
        bad: 'login(request, user)',
        good: "login(request, user)\nrequest.session['mtls_fp'] = fp\n# middleware, every request:\nif request.session.get('mtls_fp') != current_fp:\n    logout(request)",
      },
      references: ['https://cwe.mitre.org/data/definitions/384.html'],
    },
    fix: "Store the certificate's SHA-256 fingerprint in the session at login and, in a middleware, compare it with the fingerprint of the certificate on every request; log out on mismatch or absence.",
    messages: {
      login: '`login()` creates a session from a certificate identity, but no code compares a fingerprint stored in the session with the current certificate on later requests; the cookie outlives the certificate.',
      session: 'A certificate identity is stored in the session ({{key}}) but the session is never re-checked against the current certificate; the cookie outlives the certificate.',
    },
  },
  check(ctx) {
    const code = ctx.model.code;
    const bound = [...code.sessionFingerprintWrites].some((k) => code.sessionFingerprintChecks.has(k));
    if (bound) return;
    const logins = uniqueBy(
      code.flows.flatMap((f) =>
        events(f, 'login')
          .filter((e) => fromCertificate(e.user))
          .map((e) => ({ e, f })),
      ),
      ({ e }) => nodeKey(e.module, e.node),
    );
    for (const { e, f } of logins) ctx.report({ messageId: 'login', at: at(e.module, e.node), related: grantRelated(f) });
    if (logins.length) return;
    const writes = uniqueBy(
      code.flows.flatMap((f) => events(f, 'session-write').filter((e) => fromCertificate(e.val) && !isFingerprintish(e.val))),
      (e) => nodeKey(e.module, e.node),
    );
    for (const e of writes) ctx.report({ messageId: 'session', data: { key: e.key !== null ? `\`${e.key}\`` : 'under a key computed at run time' }, at: at(e.module, e.node) });
  },
});
