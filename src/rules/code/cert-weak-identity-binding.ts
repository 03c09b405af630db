// cert-weak-identity-binding: user looked up by a subject attribute, a DN string, a bare serial or the issuer CN.

import { defineRule } from '../../core/rule.js';
import type { AVal } from '../../python/flow.js';
import { rawKinds } from '../../python/flow.js';
import { at, events, grantRelated, isFingerprintish, isIssuerish, isSerialish, nodeKey, tainted, uniqueBy } from './support.js';

function describe(v: AVal): string | null {
  const rk = rawKinds(v);
  if (v.kinds.has('issuer-attr')) return "the issuer's name";
  if (v.kinds.has('issuer') && v.kinds.has('dn-string')) return "the issuer's DN";
  if (v.kinds.has('subject-attr') || rk.has('cn')) return 'a subject attribute (CN/O/OU/email)';
  if (v.kinds.has('dn-string') || v.kinds.has('subject') || rk.has('dn')) return 'the subject DN string';
  if (rk.has('issuer-dn') || v.kinds.has('issuer')) return "the issuer's DN";
  return null;
}

export default defineRule({
  meta: {
    id: 'cert-weak-identity-binding',
    layer: 'code',
    name: 'User bound to a certificate by a weak attribute',
    cwe: ['CWE-287'],
    severity: 'medium',
    diagram: { check: 'identity' },
    docs: {
      summary: "The user is looked up by a subject attribute (CN, O, OU, email), a DN string, the serial without the issuer, or the issuer's CN.",
      whyBad:
        'Names are not unique across CAs or over time: any certificate from any trusted CA (or a re-issued, intermediate, or partner CA) whose CN is "admin" becomes the admin user, and a certificate that was revoked and re-issued with the same name keeps the account. Serial numbers are unique only per issuer.',
      notReported: 'Lookups by the SHA-256 fingerprint, or by issuer and serial together; deny-list queries, where a matching row refuses the certificate (`if Revoked.objects.filter(serial=…).exists(): raise …`).',
      example: {
        lang: 'python',
        bad: 'user = User.objects.get(username=common_name)',
        good: 'binding = CertBinding.objects.select_related("user").get(fingerprint=cert.fingerprint(hashes.SHA256()).hex(), revoked=False)\nuser = binding.user',
      },
      references: ['https://cwe.mitre.org/data/definitions/287.html'],
    },
    fix: 'Bind certificates to accounts explicitly: store the SHA-256 fingerprint (or issuer DN + serial) of each enrolled certificate with the user and a revoked flag, and look the user up by that.',
    messages: {
      weak: 'The user is looked up by {{what}}; any certificate from a trusted CA carrying the same value becomes this user. Bind the SHA-256 fingerprint (or issuer+serial) instead.',
      serialOnly: 'The user is looked up by the certificate serial without its issuer; serials are unique only per CA. Bind the SHA-256 fingerprint (or issuer+serial) instead.',
    },
  },
  check(ctx) {
    const lookups = uniqueBy(
      ctx.model.code.flows.flatMap((f) => events(f, 'lookup').map((e) => ({ e, f }))),
      ({ e }) => nodeKey(e.module, e.node),
    );
    for (const { e, f } of lookups) {
      // A deny-list query (a row refuses the certificate) binds no one.
      if (e.denyList) continue;
      const vals = [...e.kw.entries()]
        .filter(([k]) => !/revoked|active|enabled|disabled/.test(k))
        .map(([, v]) => v)
        .concat(e.args)
        .filter(tainted);
      if (!vals.length) continue;
      if (vals.some(isFingerprintish)) continue;
      if (vals.some(isSerialish)) {
        if (vals.some((v) => isIssuerish(v) && !isSerialish(v))) continue;
        ctx.report({ messageId: 'serialOnly', at: at(e.module, e.node), related: grantRelated(f) });
        continue;
      }
      const what = vals.map(describe).find((d) => d !== null);
      if (!what) continue;
      ctx.report({ messageId: 'weak', data: { what }, at: at(e.module, e.node), related: grantRelated(f) });
    }
  },
});
