// proxy-verify-optional-unenforced: optional client verification whose result nobody enforces.

import { defineRule } from '../../core/rule.js';
import type { RelatedLocation } from '../../core/types.js';
import { isCertSource } from '../../deploy/common.js';
import type { EntryPoint } from '../../deploy/model.js';
import { at, bySite, kindLabel, readRelated, readsOfKey, siteRelated } from './support.js';

export type MessageIds = 'unenforced' | 'forwardedUnchecked';

const forwarded = (ep: EntryPoint) => ep.headers.filter((h) => h.action !== 'remove' && isCertSource(h.source));

export default defineRule<MessageIds>({
  meta: {
    id: 'proxy-verify-optional-unenforced',
    layer: 'deploy',
    name: 'Optional client verification whose result is not enforced',
    cwe: ['CWE-287'],
    severity: 'high',
    diagram: { link: 'tls' },
    docs: {
      summary:
        'Client certificates are optional at the proxy (nginx `optional`, Apache `SSLVerifyClient optional`, HAProxy `verify optional`, Traefik `VerifyClientCertIfGiven`, ingress `optional`) and the verification result (`$ssl_client_verify`, `ssl_c_used`/`ssl_c_verify`) is neither enforced at the proxy nor forwarded to and checked by Django.',
      whyBad:
        'With optional verification a request without a certificate passes the TLS handshake; the certificate variables are then empty and `$ssl_client_verify` is `NONE`. If nothing refuses such requests, the application sees an unauthenticated request on a route that was meant to require a certificate — and, when it reads a certificate header the proxy left unset, possibly whatever the client sent.',
      notReported:
        'Routes that refuse requests without a verified certificate (`if ($ssl_client_verify != SUCCESS) { return 403; }`, also through a `map`; HAProxy `http-request deny unless { ssl_c_used }`; Apache `SSLRequire`/`Require expr` on `SSL_CLIENT_VERIFY`); routes that forward the verify result to Django when Django reads it; proxies that neither forward nor use the certificate.',
      example: {
        lang: 'nginx',
        bad: 'ssl_verify_client optional;\nlocation / { proxy_set_header X-SSL-Client-Cert $ssl_client_escaped_cert; proxy_pass http://app; }',
        good: 'ssl_verify_client optional;\nlocation / {\n    if ($ssl_client_verify != SUCCESS) { return 403; }\n    proxy_set_header X-SSL-Client-Cert $ssl_client_escaped_cert;\n    proxy_pass http://app;\n}',
      },
      references: ['https://cwe.mitre.org/data/definitions/287.html', 'https://nginx.org/en/docs/http/ngx_http_ssl_module.html#var_ssl_client_verify', 'https://docs.haproxy.org/2.6/configuration.html#7.3.4-ssl_c_used'],
    },
    fix: 'Use `ssl_verify_client on` (HAProxy `verify required`, Apache `require`, Traefik `RequireAndVerifyClientCert`) on routes that need a certificate, or enforce the result where it is optional: nginx `if ($ssl_client_verify != SUCCESS) { return 403; }`, HAProxy `http-request deny unless { ssl_c_used }`, Apache `SSLRequire %{SSL_CLIENT_VERIFY} eq "SUCCESS"`; or forward `$ssl_client_verify` (`proxy_set_header X-SSL-Client-Verify $ssl_client_verify;`) and have Django refuse anything but `SUCCESS`.',
    messages: {
      unenforced:
        '`{{directive}}` makes the client certificate optional, and {{proxy}} neither refuses requests without a verified certificate nor forwards the verify result for Django to check, yet it {{use}}: requests without a certificate reach {{routes}} as if authenticated by one.',
      forwardedUnchecked:
        '`{{directive}}` makes the client certificate optional; {{proxy}} forwards the verify result as {{verifyHeader}} but no Django code reads {{verifyKey}}, and the proxy does not refuse requests without a verified certificate, yet it {{use}}: requests without a certificate reach {{routes}}.',
    },
  },
  check(ctx) {
    const cands = ctx.model.deploy.entryPoints.filter((ep) => {
      if (ep.unknown) return false;
      if (ep.verify !== 'optional' || ep.verifyEnforced || ep.ignoresVerifyErrors) return false;
      if (!forwarded(ep).length && !ep.usesCert) return false;
      if (ep.verifyForwarded && readsOfKey(ctx.model, ep.verifyForwarded.wsgiKey).length) return false;
      return true;
    });
    for (const [, eps] of bySite(cands, (e) => e.verifySite ?? e.site)) {
      const ep = eps[0];
      const s = ep.verifySite ?? ep.site;
      const fw = [...new Map(eps.flatMap(forwarded).map((h) => [h.name.toLowerCase(), h])).values()];
      const related: RelatedLocation[] = fw.slice(0, 5).map((h) => siteRelated(h.site, `forwards ${h.name}, empty or client-controlled without a certificate`));
      for (const e of eps.slice(0, 5)) if (e.upstreamSite) related.push(siteRelated(e.upstreamSite, `${e.name} forwards to the app without enforcing verification`));
      related.push(
        ...readRelated(
          fw.flatMap((h) => readsOfKey(ctx.model, h.wsgiKey)),
          'Django reads the forwarded certificate',
        ),
      );
      const use = fw.length ? `forwards ${fw.map((h) => h.name).join(', ')}` : `decides on the certificate (\`${ep.usesCert!.text}\`)`;
      const routes = eps.length === 1 ? ep.name : `${eps.length} routes (${ep.name}, …)`;
      const vf = eps.find((e) => e.verifyForwarded)?.verifyForwarded;
      ctx.report({
        messageId: vf ? 'forwardedUnchecked' : 'unenforced',
        data: { directive: s.text, proxy: kindLabel(ep.kind), use, routes, verifyHeader: vf?.name ?? '', verifyKey: vf?.wsgiKey ?? '' },
        at: at(s),
        related,
        anchor: `${ep.kind}|${s.text}`,
      });
    }
  },
});
