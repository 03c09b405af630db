// cert-eku-unchecked: no check that Extended Key Usage contains clientAuth.

import { defineRule } from '../../core/rule.js';
import { at, checks, deciding, grantRelated, proxyVerifies, parseTrusted } from './support.js';

export default defineRule({
  meta: {
    id: 'cert-eku-unchecked',
    layer: 'code',
    name: 'Client certificate purpose (EKU) never checked',
    cwe: ['CWE-295'],
    severity: 'medium',
    diagram: { check: 'eku' },
    docs: {
      summary: "No check that the certificate's Extended Key Usage contains clientAuth (and that key usage allows digitalSignature).",
      whyBad: 'A CA that issues client certificates often issues server certificates too. Without the purpose check, a TLS server certificate (whose private key sits on every web server that uses it) authenticates as a client.',
      notReported:
        "Code that tests `ExtendedKeyUsageOID.CLIENT_AUTH` in the EKU extension, cryptography's client verifier (`PolicyBuilder().build_client_verifier()`), or certificates that only arrive through a proxy that verifies client certificates (OpenSSL checks the client purpose).",
      example: {
        lang: 'python',
        bad: 'cert = x509.load_pem_x509_certificate(pem.encode())\nuser = lookup(cert)',
        good: 'eku = cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value\nif ExtendedKeyUsageOID.CLIENT_AUTH not in eku:\n    raise PermissionDenied("not a client certificate")',
      },
      references: ['https://www.rfc-editor.org/rfc/rfc5280#section-4.2.1.12', 'https://cwe.mitre.org/data/definitions/295.html'],
    },
    fix: "Require `ExtendedKeyUsageOID.CLIENT_AUTH` in the certificate's ExtendedKeyUsage extension (treat a missing extension per your policy) and `digital_signature` in KeyUsage, or use cryptography's `PolicyBuilder().store(store).build_client_verifier()`.",
    messages: {
      unchecked: 'The certificate parsed here is accepted without checking that its Extended Key Usage allows client authentication; a server certificate from the same CA authenticates as a client.',
    },
  },
  check(ctx) {
    for (const flow of deciding(ctx.model)) {
      if (checks(flow, 'eku').length) continue;
      for (const p of flow.parses) {
        if (!parseTrusted(ctx.model, flow, p)) continue;
        if (proxyVerifies(ctx.model, p).verified) continue;
        ctx.report({ messageId: 'unchecked', at: at(p.module, p.node), related: grantRelated(flow) });
      }
    }
  },
});
