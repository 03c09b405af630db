// cert-revocation-unchecked: no CRL/OCSP/deny-list check in the app and none at the proxy.

import { defineRule } from '../../core/rule.js';
import { at, checks, deciding, grantRelated, proxyChecksRevocation, parseTrusted } from './support.js';

export default defineRule({
  meta: {
    id: 'cert-revocation-unchecked',
    layer: 'code',
    name: 'Client certificate revocation never checked',
    cwe: ['CWE-299'],
    severity: 'medium',
    diagram: { check: 'revocation' },
    docs: {
      summary: 'No CRL, OCSP or deny-list check in the app, and none at the proxy in the scanned tree.',
      whyBad: 'A stolen or leaked client key stays valid until the certificate expires — often a year or more. Revocation is the only way to withdraw it sooner.',
      notReported:
        "A CRL check (`load_pem_x509_crl` + `get_revoked_certificate_by_serial_number`, an X509Store with `CRL_CHECK`), OCSP, a per-certificate revoked/active flag in the app's binding table, a deny-list table whose matching row refuses the certificate, or a proxy that checks a CRL/OCSP on every route to the app (`ssl_crl`, `crl-file`, `SSLCARevocationFile`).",
      example: {
        lang: 'python',
        bad: 'cert = x509.load_pem_x509_certificate(pem.encode())',
        good: 'if CRL.get_revoked_certificate_by_serial_number(cert.serial_number) is not None:\n    return HttpResponseForbidden("revoked")',
      },
      references: ['https://cwe.mitre.org/data/definitions/299.html'],
    },
    fix: "Check revocation: load the CA's CRL (refresh it before nextUpdate) and refuse certificates whose serial it lists, or keep a revoked flag on the fingerprint binding and filter on it; or configure `ssl_crl` / `crl-file` at the proxy.",
    messages: {
      unchecked: 'The certificate parsed here is never checked against a CRL, OCSP or a deny-list, here or at the proxy; a revoked certificate keeps working until it expires.',
    },
  },
  check(ctx) {
    for (const flow of deciding(ctx.model)) {
      if (checks(flow, 'revocation').length) continue;
      for (const p of flow.parses) {
        if (!parseTrusted(ctx.model, flow, p)) continue;
        if (proxyChecksRevocation(ctx.model, p)) continue;
        ctx.report({ messageId: 'unchecked', at: at(p.module, p.node), related: grantRelated(flow) });
      }
    }
  },
});
