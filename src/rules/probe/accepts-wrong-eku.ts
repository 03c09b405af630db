import { defineProbeRule } from '../../core/rule.js';

export default defineProbeRule({
  id: 'accepts-wrong-eku',
  layer: 'probe',
  name: 'Certificate without clientAuth EKU accepted',
  cwe: ['CWE-295'],
  severity: 'medium',
  diagram: { link: 'tls' },
  docs: {
    summary: 'A certificate for the legitimate subject whose Extended Key Usage is serverAuth only was served as that subject.',
    whyBad: "A server certificate (for example one of the CA's own web servers, whose key sits on many hosts) is then usable as a client identity.",
    notReported: 'A certificate with no EKU extension at all is valid for any purpose (RFC 5280) and is not this finding.',
    references: ['https://cwe.mitre.org/data/definitions/295.html', 'https://www.rfc-editor.org/rfc/rfc5280#section-4.2.1.12'],
  },
  fix: "Verify the purpose at the proxy (nginx and HAProxy do when they verify the chain) and, in Django, require `ExtendedKeyUsageOID.CLIENT_AUTH` in the certificate's EKU.",
  messages: {
    wrongEku: 'A serverAuth-only certificate for {{name}} was accepted on {{path}} ({{status}}).',
  },
});
