// header-underscore-smuggling: the proxy passes header names with underscores in front of Django
// code that trusts an HTTP_ identity key (X_SSL_Client_Cert and X-SSL-Client-Cert are one key).

import { defineRule } from '../../core/rule.js';
import type { RelatedLocation } from '../../core/types.js';
import { knownRoutes, coverage, spellings } from '../../deploy/facts.js';
import type { EntryPoint } from '../../deploy/model.js';
import { at, bySite, codeStory, grantsRelated, kindLabel, readRelated, siteRelated, trustedHeaderKeys, type TrustedKey } from './support.js';

export type MessageIds = 'explicit' | 'byDefault';

export default defineRule<MessageIds>({
  meta: {
    id: 'header-underscore-smuggling',
    layer: 'deploy',
    name: 'Proxy passes underscore header names that Django maps onto the trusted key',
    cwe: ['CWE-290'],
    severity: 'high',
    docs: {
      summary: 'A proxy in front of the app passes request headers whose names contain underscores, while the Django code trusts an `HTTP_…` certificate or identity key.',
      whyBad:
        'WSGI servers (gunicorn up to 21, uWSGI, mod_proxy backends) turn both `X-SSL-Client-Cert` and `X_SSL_Client_Cert` into `HTTP_X_SSL_CLIENT_CERT`. A proxy that overwrites `X-SSL-Client-Cert` but passes the underscore spelling lets a client smuggle its own value into the same key — gunicorn then joins the two values or keeps the client\'s. nginx drops such names by default (`underscores_in_headers off`); HAProxy, Envoy, Traefik and Apache mod_proxy pass them unless told not to.',
      notReported:
        'Proxies that drop underscore names (nginx and ingress-nginx defaults, HAProxy `option http-restrict-req-hdr-names delete|reject`, Envoy `headers_with_underscores_action: DROP_HEADER|REJECT_REQUEST`, mod_wsgi in-process); routes that delete every spelling or forward no client header; app servers that drop them (Django runserver); code that does not trust `HTTP_…` identity headers.',
      example: {
        lang: 'nginx',
        bad: 'server {\n    underscores_in_headers on;\n    location / { proxy_set_header X-SSL-Client-Cert $ssl_client_escaped_cert; proxy_pass http://app; }\n}',
        good: 'server {\n    # underscores_in_headers off (the default) drops X_SSL_Client_Cert\n    location / { proxy_set_header X-SSL-Client-Cert $ssl_client_escaped_cert; proxy_pass http://app; }\n}',
      },
      references: [
        'https://cwe.mitre.org/data/definitions/290.html',
        'https://nginx.org/en/docs/http/ngx_http_core_module.html#underscores_in_headers',
        'https://docs.haproxy.org/2.6/configuration.html#4-option%20http-restrict-req-hdr-names',
        'https://www.envoyproxy.io/docs/envoy/latest/api-v3/config/core/v3/protocol.proto#enum-config-core-v3-httpprotocoloptions-headerswithunderscoresaction',
        'https://github.com/benoitc/gunicorn/security/advisories',
      ],
    },
    fix:
      'Drop header names with underscores at the proxy: nginx `underscores_in_headers off;` (the default) and `ignore_invalid_headers on;`, HAProxy `option http-restrict-req-hdr-names delete` (2.6+) in `defaults`, Envoy `common_http_protocol_options: { headers_with_underscores_action: DROP_HEADER }`; or delete every spelling of the header before setting it. gunicorn 22+ also drops them (`--header-map drop`).',
    messages: {
      explicit:
        '`{{directive}}` lets clients send {{underscore}}, which {{server}} maps to the same {{key}} that {{codeSite}} trusts; {{overwriteNote}} — so a forged certificate reaches Django through {{routes}}.',
      byDefault:
        '{{proxy}} passes header names with underscores by default, so clients can send {{underscore}}, which {{server}} maps to the same {{key}} that {{codeSite}} trusts; {{overwriteNote}} — so a forged certificate reaches Django through {{routes}}.',
    },
  },
  check(ctx) {
    const trusted = trustedHeaderKeys(ctx.model);
    if (!trusted.length) return;
    const apps = ctx.model.deploy.appServers;
    if (apps.length && apps.every((a) => a.mapsUnderscoreHeaders === false)) return;
    const server = apps.find((a) => a.mapsUnderscoreHeaders !== false)?.kind ?? 'the WSGI server (gunicorn up to 21, uWSGI)';
    const groups = new Map<string, { eps: EntryPoint[]; keys: TrustedKey[] }>();
    for (const t of trusted) {
      const leaky: EntryPoint[] = knownRoutes(ctx.model.deploy).filter((ep) => !coverage(ep, t.key).underscore);
      for (const [k, eps] of bySite(leaky, (e) => e.underscoreSite ?? e.site)) {
        const g = groups.get(k) ?? { eps: [], keys: [] };
        for (const e of eps) if (!g.eps.includes(e)) g.eps.push(e);
        g.keys.push(t);
        groups.set(k, g);
      }
    }
    for (const { eps, keys } of groups.values()) {
      const ep = eps[0];
      const s = ep.underscoreSite ?? ep.site;
      const explicit = s !== ep.listenerSite && s !== ep.site;
      const overwrites = keys.every((t) => eps.every((e) => coverage(e, t.key).dash));
      const related: RelatedLocation[] = keys.flatMap((t) => readRelated(t.reads, `Django trusts ${t.key}`));
      related.push(...grantsRelated(keys));
      for (const e of eps.slice(0, 5)) if (e.upstreamSite) related.push(siteRelated(e.upstreamSite, `${e.name} forwards to the app`));
      const sp = keys.map((t) => spellings(t.key));
      ctx.report({
        messageId: explicit ? 'explicit' : 'byDefault',
        data: {
          directive: s.text,
          proxy: kindLabel(ep.kind),
          underscore: join(sp.map((x) => x.underscore[0] ?? '')),
          server,
          key: join(keys.map((t) => t.key)),
          codeSite: codeStory(keys[0]),
          overwriteNote: overwrites ? `the proxy only overwrites ${join(sp.map((x) => x.dash))}` : `nothing removes them`,
          routes: eps.length === 1 ? ep.name : `${eps.length} routes (${ep.name}, …)`,
        },
        at: at(s),
        related,
        anchor: `${keys.map((t) => t.key).join(',')}|underscore`,
      });
    }
  },
});

function join(xs: string[]): string {
  return xs.length <= 1 ? xs.join('') : `${xs.slice(0, -1).join(', ')} and ${xs[xs.length - 1]}`;
}
