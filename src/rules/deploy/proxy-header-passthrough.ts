// proxy-header-passthrough: the header Django trusts is not overwritten by the proxy on every route.

import { defineRule } from '../../core/rule.js';
import type { RelatedLocation } from '../../core/types.js';
import { knownRoutes, coverage, spellings } from '../../deploy/facts.js';
import { isCertSource } from '../../deploy/common.js';
import type { ConfigSite, EntryPoint } from '../../deploy/model.js';
import { at, codeStory, grantsRelated, readRelated, routeLabel, siteRelated, trustedHeaderKeys, type TrustedKey } from './support.js';

export type MessageIds = 'neverSet' | 'otherName' | 'appended' | 'conditional' | 'xfccForward';

export default defineRule<MessageIds>({
  meta: {
    id: 'proxy-header-passthrough',
    layer: 'deploy',
    name: 'Proxy passes a client-sent copy of the header Django trusts',
    cwe: ['CWE-290'],
    severity: 'critical',
    diagram: { link: 'headers' },
    docs: {
      summary: 'A proxy route to the Django app does not overwrite, on every request, the certificate/identity header that the Django code trusts.',
      whyBad:
        "A proxy forwards client request headers by default. Unless the route replaces the header the view reads (or deletes the client's copy), a client can send `X-SSL-Client-Cert` itself — with any certificate it has seen, which is public data — and Django reads it as the proxy's verified certificate. Appending (`add-header`, `RequestHeader append`, Envoy `APPEND_IF_EXISTS_OR_ADD`) keeps the client's value; setting the header under another name leaves the one Django reads untouched; Envoy `forward_client_cert_details: FORWARD_ONLY`/`APPEND_FORWARD` pass the client's `X-Forwarded-Client-Cert`.",
      notReported:
        'Routes that do not reach the app server; headers the code does not read for authentication; code that proves provenance itself (HMAC/shared secret with `hmac.compare_digest`, trusted-proxy allow-list). Underscore spellings (`X_SSL_Client_Cert`) are `header-underscore-smuggling`.',
      example: {
        lang: 'nginx',
        bad: 'location / {\n    proxy_set_header X-Client-Cert $ssl_client_escaped_cert;   # Django reads HTTP_X_SSL_CLIENT_CERT\n    proxy_pass http://127.0.0.1:8000;\n}',
        good: 'location / {\n    proxy_set_header X-SSL-Client-Cert $ssl_client_escaped_cert;\n    proxy_pass http://127.0.0.1:8000;\n}',
      },
      references: [
        'https://cwe.mitre.org/data/definitions/290.html',
        'https://nginx.org/en/docs/http/ngx_http_proxy_module.html#proxy_set_header',
        'https://docs.haproxy.org/2.6/configuration.html#4.2-http-request%20set-header',
        'https://www.envoyproxy.io/docs/envoy/latest/api-v3/extensions/filters/network/http_connection_manager/v3/http_connection_manager.proto#enum-extensions-filters-network-http-connection-manager-v3-httpconnectionmanager-forwardclientcertdetails',
      ],
    },
    fix: 'On every route to the app, replace the header Django reads with the value from the TLS layer: nginx `proxy_set_header X-SSL-Client-Cert $ssl_client_escaped_cert;` (in the same block as any other `proxy_set_header`, since inner blocks do not inherit them), HAProxy `http-request set-header X-SSL-Client-Cert %[ssl_c_der,base64]` (unconditional; `del-header` first if it is set conditionally), Apache `RequestHeader set`, Envoy `forward_client_cert_details: SANITIZE_SET` or `append_action: OVERWRITE_IF_EXISTS_OR_ADD`. Better still, also authenticate the proxy (HMAC or a shared secret Django checks).',
    messages: {
      neverSet:
        '{{route}} forwards requests to the app ({{directive}}) without setting {{header}}, so whatever a client sends as {{header}} reaches Django unchanged ({{key}}) — and {{codeSite}} authenticates on it: anyone can send a borrowed certificate through this route.',
      otherName:
        '{{route}} sets {{setName}} (→ {{setKey}}), but {{codeSite}} reads {{key}}: the proxy never overwrites {{header}}, so whatever a client sends as {{header}} reaches Django unchanged and is trusted as the verified certificate.',
      appended: "{{directive}} adds {{header}} without removing the client's copy: whatever a client sends as {{header}} still reaches Django as {{key}} (first, or joined with the proxy's value), and {{codeSite}} authenticates on it.",
      conditional: "{{directive}} sets {{header}} only {{condition}}: on other requests the client's own {{header}} passes to Django as {{key}}, which {{codeSite}} authenticates on.",
      xfccForward: "`forward_client_cert_details: {{mode}}` makes {{route}} pass the client's own X-Forwarded-Client-Cert upstream{{appendNote}}, and {{codeSite}} reads it as {{key}}: a client can send any certificate details it likes.",
    },
  },
  check(ctx) {
    const trusted = trustedHeaderKeys(ctx.model);
    if (!trusted.length) return;
    interface Hit {
      site: ConfigSite;
      messageId: MessageIds;
      data: Record<string, string>;
      keys: TrustedKey[];
      routes: EntryPoint[];
    }
    const hits = new Map<string, Hit>();
    for (const ep of knownRoutes(ctx.model.deploy)) {
      for (const t of trusted) {
        const c = coverage(ep, t.key);
        if (c.dash) continue;
        let site: ConfigSite;
        let messageId: MessageIds;
        const data: Record<string, string> = {};
        const xfcc = ep.xfcc && t.key === 'HTTP_X_FORWARDED_CLIENT_CERT' && /FORWARD/.test(ep.xfcc.mode) ? ep.xfcc : undefined;
        const weak = c.weak[0];
        if (xfcc) {
          site = xfcc.site;
          messageId = 'xfccForward';
          data.mode = xfcc.mode;
          data.appendNote = xfcc.mode === 'APPEND_FORWARD' ? " with the proxy's element appended after it" : '';
        } else if (weak && weak.condition) {
          site = weak.site;
          messageId = 'conditional';
          data.directive = `\`${weak.site.text}\``;
          data.condition = weak.condition.startsWith('only') ? weak.condition.replace(/^only /, '') : `\`${weak.condition}\``;
        } else if (weak) {
          site = weak.site;
          messageId = 'appended';
          data.directive = `\`${weak.site.text}\``;
        } else {
          const other = ep.headers.find((h) => h.action === 'set' && h.wsgiKey !== t.key && isCertSource(h.source) && /^HTTP_/.test(h.wsgiKey) && !trusted.some((k) => k.key === h.wsgiKey));
          if (other) {
            site = other.site;
            messageId = 'otherName';
            data.setName = other.name;
            data.setKey = other.wsgiKey;
          } else {
            site = ep.upstreamSite ?? ep.site;
            messageId = 'neverSet';
            data.directive = `\`${site.text}\``;
          }
        }
        const k = `${site.file}:${site.line}:${site.column ?? 0}|${messageId}`;
        const hit = hits.get(k) ?? { site, messageId, data, keys: [], routes: [] };
        if (!hit.keys.includes(t)) hit.keys.push(t);
        if (!hit.routes.includes(ep)) hit.routes.push(ep);
        hits.set(k, hit);
      }
    }
    for (const h of hits.values()) {
      const ep = h.routes[0];
      const related: RelatedLocation[] = [];
      for (const t of h.keys) related.push(...readRelated(t.reads, `Django reads ${t.key} and authenticates on it`));
      related.push(...grantsRelated(h.keys));
      for (const r of h.routes.slice(0, 5)) if (r.upstreamSite && r.upstreamSite !== h.site) related.push(siteRelated(r.upstreamSite, `${routeLabel(r)} forwards to the app here`));
      ctx.report({
        messageId: h.messageId,
        data: {
          ...h.data,
          route: h.routes.length === 1 ? routeLabel(ep) : `${routeLabel(ep)} (and ${h.routes.length - 1} more route${h.routes.length > 2 ? 's' : ''})`,
          header: list(h.keys.map((t) => spellings(t.key).dash)),
          key: list(h.keys.map((t) => t.key)),
          codeSite: codeStory(h.keys[0]),
        },
        at: at(h.site),
        related,
        anchor: `${h.keys.map((t) => t.key).join(',')}|${h.messageId}`,
      });
    }
  },
});

function list(xs: string[]): string {
  return xs.length <= 1 ? xs.join('') : `${xs.slice(0, -1).join(', ')} and ${xs[xs.length - 1]}`;
}
