import { defineProbeRule } from '../../core/rule.js';

export default defineProbeRule({
  id: 'accepts-expired-cert',
  layer: 'probe',
  name: 'Expired or not-yet-valid certificate accepted',
  cwe: ['CWE-298'],
  severity: 'high',
  diagram: { link: 'tls' },
  docs: {
    summary: 'A certificate for the legitimate subject outside its validity period was served as that subject.',
    whyBad: 'Expiry bounds how long a stolen or leaked key is useful; a target that ignores it (HAProxy `crt-ignore-err`, an app that never compares notAfter with now) accepts keys that were meant to be dead.',
    references: ['https://cwe.mitre.org/data/definitions/298.html'],
  },
  fix: 'Let the proxy verify validity (do not ignore X509 errors 9/10), and in Django compare notBefore/notAfter with a timezone-aware now (`not_valid_after_utc` on cryptography ≥ 42, `not_valid_after.replace(tzinfo=timezone.utc)` before).',
  messages: {
    expired: 'A certificate for {{name}} that expired on {{date}} was accepted on {{path}} ({{status}}).',
    notYetValid: 'A certificate for {{name}} valid only from {{date}} was accepted on {{path}} ({{status}}).',
  },
});
