// proxy-revocation-missing: client certificates verified against a CA with no CRL/OCSP check.

import { defineRule } from '../../core/rule.js';
import type { RelatedLocation } from '../../core/types.js';
import type { EntryPoint } from '../../deploy/model.js';
import { at, bySite, kindLabel, siteRelated } from './support.js';

export type MessageIds = 'noRevocation' | 'crlIgnored';

export default defineRule<MessageIds>({
  meta: {
    id: 'proxy-revocation-missing',
    layer: 'deploy',
    name: 'Client certificates verified without a revocation check',
    cwe: ['CWE-299'],
    severity: 'medium',
    diagram: { link: 'tls' },
    docs: {
      summary: 'The proxy verifies client certificates against a CA (`on`/`optional`/`require`) but checks no CRL or OCSP, so a revoked certificate keeps working until it expires.',
      whyBad:
        "Revocation is how a lost laptop, a leaked key or a departed employee's certificate is switched off. Without `ssl_crl`/`ssl_ocsp` (nginx), `crl-file` (HAProxy), `SSLCARevocationFile` + `SSLCARevocationCheck chain` (Apache), `validation_context.crl` (Envoy) or a `ca.crl` in the ingress secret, the proxy keeps accepting it; unless the app keeps its own deny-list, nothing else will refuse it.",
      notReported:
        'Proxies that already get `proxy-verify-optional-no-ca` (no CA verification at all); Apache `SSLCARevocationFile` is only counted with `SSLCARevocationCheck chain|leaf` (the default `none` ignores the file); ingress-nginx when the auth-tls secret is not in the tree.',
      example: {
        lang: 'nginx',
        bad: 'ssl_verify_client on;\nssl_client_certificate /etc/nginx/client-ca.pem;',
        good: 'ssl_verify_client on;\nssl_client_certificate /etc/nginx/client-ca.pem;\nssl_crl /etc/nginx/client-ca.crl;   # refresh it before nextUpdate',
      },
      references: [
        'https://cwe.mitre.org/data/definitions/299.html',
        'https://nginx.org/en/docs/http/ngx_http_ssl_module.html#ssl_crl',
        'https://docs.haproxy.org/2.6/configuration.html#5.1-crl-file',
        'https://httpd.apache.org/docs/2.4/mod/mod_ssl.html#sslcarevocationcheck',
      ],
    },
    fix: 'Check revocation at the proxy: nginx `ssl_crl /etc/nginx/client-ca.crl;` (or `ssl_ocsp on;`, nginx ≥ 1.19), HAProxy `crl-file ca.crl` on the bind line, Apache `SSLCARevocationFile ca.crl` + `SSLCARevocationCheck chain`, Envoy `validation_context.crl`, ingress-nginx a `ca.crl` key in the auth-tls secret; refresh the CRL before its nextUpdate, since an expired CRL makes nginx refuse every certificate.',
    messages: {
      noRevocation: '`{{directive}}` verifies client certificates against a CA, but {{proxy}} checks no CRL or OCSP for {{routes}}: a revoked client certificate is still accepted until it expires.',
      crlIgnored: '`{{directive}}` loads a CRL but ignores the "certificate revoked" error (`crt-ignore-err`), so {{proxy}} accepts revoked client certificates for {{routes}} until they expire.',
    },
  },
  check(ctx) {
    const cands = ctx.model.deploy.entryPoints.filter((ep: EntryPoint) => {
      if (ep.unknown) return false;
      if (ep.verify !== 'on' && ep.verify !== 'optional') return false;
      if (ep.ignoresVerifyErrors) return false;
      if (ep.crl || ep.ocsp) return false;
      if (ep.crlUnknown) return false;
      return true;
    });
    for (const [, eps] of bySite(cands, (e) => e.verifySite ?? e.site)) {
      const ep = eps[0];
      const s = ep.verifySite ?? ep.site;
      const related: RelatedLocation[] = eps
        .slice(0, 5)
        .filter((e) => e.upstreamSite)
        .map((e) => siteRelated(e.upstreamSite!, `${e.name} relies on this verification`));
      ctx.report({
        messageId: ep.crlIgnored ? 'crlIgnored' : 'noRevocation',
        data: { directive: s.text, proxy: kindLabel(ep.kind), routes: eps.length === 1 ? ep.name : `${eps.length} routes (${ep.name}, …)` },
        at: at(s),
        related,
        anchor: `${ep.kind}|${s.text}`,
      });
    }
  },
});
