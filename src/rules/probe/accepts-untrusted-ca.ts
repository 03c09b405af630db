import { defineProbeRule } from '../../core/rule.js';

export default defineProbeRule({
  id: 'accepts-untrusted-ca',
  layer: 'probe',
  name: 'Certificate from an untrusted CA accepted',
  cwe: ['CWE-295'],
  severity: 'critical',
  diagram: { link: 'tls' },
  docs: {
    summary: 'A certificate for the legitimate subject, issued by a CA the target must not trust, was served as that subject.',
    whyBad:
      "Anyone can create a CA, including one that copies the trusted CA's name, and issue a certificate for any user: a target that does not verify the signature chain (nginx `optional_no_ca`, an app that compares issuer names) accepts it.",
    references: ['https://cwe.mitre.org/data/definitions/295.html'],
  },
  fix: 'Verify client certificates against the pinned CA at the proxy (`ssl_verify_client on;` with `ssl_client_certificate ca.pem`, HAProxy `verify required ca-file ca.pem`) and, when Django re-checks, verify the signature with the CA public key rather than comparing issuer names.',
  messages: {
    untrustedCa: 'A certificate for {{name}} issued by {{issuer}} was accepted on {{path}} ({{status}}).',
  },
});
