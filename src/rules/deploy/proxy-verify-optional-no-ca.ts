// proxy-verify-optional-no-ca: a client certificate forwarded or used without verification against a CA.

import { defineRule } from '../../core/rule.js';
import type { RelatedLocation } from '../../core/types.js';
import { isCertSource } from '../../deploy/common.js';
import type { EntryPoint } from '../../deploy/model.js';
import { at, bySite, kindLabel, readRelated, readsOfKey, siteRelated } from './support.js';

export type MessageIds = 'noCa' | 'haproxyNone' | 'ignoresErrors';

function forwarded(ep: EntryPoint) {
  return ep.headers.filter((h) => h.action !== 'remove' && isCertSource(h.source));
}

export default defineRule<MessageIds>({
  meta: {
    id: 'proxy-verify-optional-no-ca',
    layer: 'deploy',
    name: 'Client certificate forwarded or used without CA verification',
    cwe: ['CWE-295'],
    severity: 'critical',
    diagram: { link: 'tls' },
    docs: {
      summary:
        'The proxy requests a client certificate but does not verify it against a CA (`ssl_verify_client optional_no_ca`, `SSLVerifyClient optional_no_ca`, Traefik `RequestClientCert`/`RequireAnyClientCert`, ingress `auth-tls-verify-client: optional_no_ca`, HAProxy `verify none` or ignored verify errors, Envoy without `trusted_ca`) and still forwards or uses it.',
      whyBad:
        "Without CA verification the proxy accepts a self-signed certificate with any subject: an attacker mints `CN=admin` in a second and the proxy forwards it as if it were genuine. Measured with nginx: `optional_no_ca` forwarded certificates from an unrelated CA and from an impostor CA carrying the trusted CA's name.",
      notReported:
        'Verify modes that check the chain (`on`, `optional`, `require`, `verify required|optional`); `optional_no_ca` whose result is enforced (`if ($ssl_client_verify != SUCCESS) { return 403; }`, which refuses certificates that failed CA verification); a proxy that requests a certificate but neither forwards nor uses it.',
      example: {
        lang: 'nginx',
        bad: 'ssl_verify_client optional_no_ca;\nproxy_set_header X-SSL-Client-Cert $ssl_client_escaped_cert;',
        good: 'ssl_verify_client on;\nssl_client_certificate /etc/nginx/client-ca.pem;\nproxy_set_header X-SSL-Client-Cert $ssl_client_escaped_cert;',
      },
      references: [
        'https://cwe.mitre.org/data/definitions/295.html',
        'https://nginx.org/en/docs/http/ngx_http_ssl_module.html#ssl_verify_client',
        'https://docs.haproxy.org/2.6/configuration.html#5.1-verify',
        'https://doc.traefik.io/traefik/https/tls/#client-authentication-mtls',
      ],
    },
    fix: 'Verify client certificates against the CA that issues them: nginx `ssl_verify_client on; ssl_client_certificate ca.pem;`, Apache `SSLVerifyClient require` + `SSLCACertificateFile`, HAProxy `bind … ca-file ca.pem verify required` (no `ca-ignore-err`/`crt-ignore-err all`), Traefik `clientAuthType: RequireAndVerifyClientCert` with `caFiles`, ingress `auth-tls-verify-client: "on"`, Envoy `validation_context.trusted_ca` with `require_client_certificate: true`.',
    messages: {
      noCa: '`{{directive}}` makes {{proxy}} accept a client certificate from any issuer without verifying it against a CA, and {{use}}: a self-signed certificate with any subject is accepted as genuine{{codeNote}}.',
      haproxyNone: '`{{directive}}` does not request or verify a client certificate (`verify none`), yet HAProxy {{use}}: the backend is told about a certificate no CA ever checked{{codeNote}}.',
      ignoresErrors: '`{{directive}}` ignores the verification errors that say a certificate does not chain to the trusted CA (`crt-ignore-err`), so HAProxy accepts a client certificate from any CA, and {{use}}{{codeNote}}.',
    },
  },
  check(ctx) {
    const cands = ctx.model.deploy.entryPoints.filter((ep) => {
      if (ep.unknown) return false;
      const fw = forwarded(ep).length > 0 || !!ep.usesCert;
      if (!fw) return false;
      if (ep.ignoresVerifyErrors) return true;
      // `if ($ssl_client_verify != SUCCESS) { return 403; }` turns optional_no_ca into CA verification.
      if (ep.verify === 'optional_no_ca') return !ep.verifyEnforced;
      return ep.kind === 'haproxy' && ep.verify === 'off' && forwarded(ep).length > 0;
    });
    for (const [, eps] of bySite(cands, (e) => e.ignoresVerifyErrors ?? e.verifySite ?? e.site)) {
      const ep = eps[0];
      const s = ep.ignoresVerifyErrors ?? ep.verifySite ?? ep.site;
      const fw = [...new Map(eps.flatMap(forwarded).map((h) => [h.name.toLowerCase(), h])).values()];
      const related: RelatedLocation[] = fw.slice(0, 5).map((h) => siteRelated(h.site, `forwards the unverified certificate data as ${h.name}`));
      if (!fw.length && ep.usesCert) related.push(siteRelated(ep.usesCert, 'the proxy decides on the unverified certificate here'));
      const reads = fw.flatMap((h) => readsOfKey(ctx.model, h.wsgiKey));
      related.push(...readRelated(reads, 'Django reads the forwarded certificate'));
      const use = fw.length ? `forwards it upstream as ${fw.map((h) => h.name).join(', ')}` : `decides on it (\`${ep.usesCert!.text}\`)`;
      const codeNote = reads.length ? `; Django trusts it at ${reads[0].file}:${reads[0].line}` : '';
      const messageId: MessageIds = ep.ignoresVerifyErrors ? 'ignoresErrors' : ep.kind === 'haproxy' && ep.verify === 'off' ? 'haproxyNone' : 'noCa';
      ctx.report({ messageId, data: { directive: s.text, proxy: kindLabel(ep.kind), use, codeNote }, at: at(s), related, anchor: `${ep.kind}|${s.text}` });
    }
  },
});
