// cert-validity-unchecked: notAfter never compared with the current time.

import { defineRule } from '../../core/rule.js';
import { at, checks, deciding, derivesFrom, events, grantRelated, proxyVerifies, parseTrusted } from './support.js';

export default defineRule({
  meta: {
    id: 'cert-validity-unchecked',
    layer: 'code',
    name: 'Client certificate expiry never checked',
    cwe: ['CWE-298'],
    severity: 'medium',
    diagram: { check: 'validity' },
    docs: {
      summary: 'The certificate\'s notAfter is never compared with the current time (the seed\'s "implement proper datetime checks here").',
      whyBad: 'Expired certificates keep working forever: a leaked or retired credential that the CA considers dead still authenticates, and revocation lists usually drop expired certificates, so nothing else stops it.',
      notReported:
        '`has_expired()`, a notAfter comparison with a timezone-correct now (`datetime.now(timezone.utc)`, `datetime.utcnow()` with the naive `not_valid_after`), or a verifier that checks validity (cryptography `PolicyBuilder`, pyOpenSSL `X509StoreContext`); a missing notBefore check alone; certificates that only arrive through a proxy that verifies client certificates.',
      example: {
        lang: 'python',
        bad: 'not_after = cert.get_notAfter()\n# Implement proper datetime checks here as needed',
        good: 'if cert.has_expired():\n    return JsonResponse({"error": "certificate expired"}, status=403)',
      },
      references: ['https://cwe.mitre.org/data/definitions/298.html'],
    },
    fix: 'Reject certificates outside their validity window: pyOpenSSL `cert.has_expired()`; cryptography `now = datetime.now(timezone.utc)` compared with `cert.not_valid_after_utc` (≥ 42) or `cert.not_valid_after.replace(tzinfo=timezone.utc)` (older), and the same for notBefore.',
    messages: {
      unchecked: "The certificate's expiry is read or available here but never compared with the current time; expired certificates are accepted.",
      naive: "notAfter is compared with a naive local `datetime.now()`; the certificate dates are UTC, so expiry is off by the server's UTC offset. Compare with `datetime.now(timezone.utc)`.",
    },
  },
  check(ctx) {
    for (const flow of deciding(ctx.model)) {
      if (checks(flow, 'validity').length) continue;
      const compares = events(flow, 'validity-compare');
      if (compares.some((c) => !c.naive)) continue;
      for (const p of flow.parses) {
        if (!parseTrusted(ctx.model, flow, p)) continue;
        if (proxyVerifies(ctx.model, p).verified) continue;
        const naive = compares.find((c) => c.naive);
        if (naive) {
          ctx.report({ messageId: 'naive', at: at(naive.module, naive.node), related: grantRelated(flow) });
          continue;
        }
        const reads = events(flow, 'validity-read').filter((r) => derivesFrom(r.val, p));
        const after = reads.find((r) => r.which === 'after');
        const site = after ?? reads[0];
        ctx.report({ messageId: 'unchecked', at: site ? at(site.module, site.node) : at(p.module, p.node), related: grantRelated(flow) });
      }
    }
  },
});
