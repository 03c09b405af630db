// cert-subject-unchecked: certificate parsed but no subject/SAN (or fingerprint) feeds the decision.

import { defineRule } from '../../core/rule.js';
import type { AVal } from '../../python/flow.js';
import { at, deciding, derivesFrom, grantRelated, isFingerprintish, isSerialish, isSubjectish, parseTrusted } from './support.js';

export default defineRule({
  meta: {
    id: 'cert-subject-unchecked',
    layer: 'code',
    name: 'Client certificate parsed but its subject never decides',
    cwe: ['CWE-287', 'CWE-295'],
    severity: 'high',
    diagram: { check: 'identity' },
    docs: {
      summary: 'A certificate is parsed, but no subject/SAN value (or fingerprint, or issuer+serial) feeds the authorization decision.',
      whyBad: 'Every certificate the CA ever issued — to any user, device or service — gets the same access. mTLS has proved transport identity, but the application never turned it into an application identity.',
      notReported: 'A decision on the fingerprint or on issuer+serial bound to a user (that is an identity decision).',
      example: {
        lang: 'python',
        bad: 'cert = x509.load_pem_x509_certificate(pem.encode())\ncert.verify_directly_issued_by(CA)\nreturn JsonResponse({"ok": True})',
        good: 'fp = cert.fingerprint(hashes.SHA256()).hex()\nbinding = CertBinding.objects.get(fingerprint=fp, revoked=False)',
      },
      references: ['https://cwe.mitre.org/data/definitions/287.html'],
    },
    fix: 'Decide on an identity: bind the SHA-256 fingerprint (or issuer+serial) to a user in a table and refuse certificates with no binding; if you authorise by subject, compare parsed attributes after chain verification.',
    messages: {
      unchecked: 'The certificate parsed here is accepted without any decision on its subject, SAN, fingerprint or issuer+serial; every certificate from the CA gets the same access.',
    },
  },
  check(ctx) {
    for (const flow of deciding(ctx.model)) {
      for (const p of flow.parses) {
        if (!parseTrusted(ctx.model, flow, p)) continue;
        const decides = (v: AVal) => derivesFrom(v, p) && (isSubjectish(v) || isFingerprintish(v) || isSerialish(v));
        const decided = flow.events.some((e) => {
          switch (e.t) {
            case 'lookup':
              return !e.denyList && [...e.kw.values(), ...e.args].some(decides);
            case 'compare':
              return !e.presenceLike && e.vals.some(decides);
            case 'cond':
              return !e.presence && !e.truthiness && decides(e.val);
            case 'dnop':
              return decides(e.val);
            case 'session-compare':
              return decides(e.other);
            default:
              return false;
          }
        });
        if (decided) continue;
        ctx.report({ messageId: 'unchecked', at: at(p.module, p.node), related: grantRelated(flow) });
      }
    }
  },
});
