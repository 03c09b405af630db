import { defineProbeRule } from '../../core/rule.js';

export default defineProbeRule({
  id: 'accepts-revoked-cert',
  layer: 'probe',
  name: 'Revoked certificate accepted',
  cwe: ['CWE-299'],
  severity: 'high',
  diagram: { link: 'tls' },
  docs: {
    summary: "A certificate whose serial is listed on the CA's CRL was served as the legitimate subject.",
    whyBad: 'Revocation is how a lost laptop or a departed employee stops being trusted; a target that never checks the CRL keeps trusting them until expiry.',
    notReported: 'Not run without `--crl`, when the CRL lists no serial, or without `--ca-key` (the probe mints a throw-away certificate reusing a listed serial).',
    references: ['https://cwe.mitre.org/data/definitions/299.html', 'https://nginx.org/en/docs/http/ngx_http_ssl_module.html#ssl_crl'],
  },
  fix: "Check revocation at the proxy (`ssl_crl`, HAProxy `crl-file`, `SSLCARevocationFile`) and keep the CRL fresh, or keep a per-certificate revoked flag in the app's binding table.",
  messages: {
    revoked: 'A certificate for {{name}} with serial {{serial}}, listed on the CRL, was accepted on {{path}} ({{status}}).',
  },
});
