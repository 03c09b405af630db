// header-underscore-smuggling: the proxy passes header names with underscores in front of Django
// code that trusts an HTTP_ identity key (X_SSL_Client_Cert and X-SSL-Client-Cert are one key).

import { defineRule } from '../../core/rule.js';
import type { RelatedLocation } from '../../core/types.js';
import { appServersOf, knownRoutes, coverage, spellings } from '../../deploy/facts.js';
import type { AppServer, EntryPoint } from '../../deploy/model.js';
import type { ProjectModel } from '../../model/project.js';
import { atLeast, pinsOf, type Pin } from '../../deploy/pins.js';
import { at, bySite, codeStory, grantsRelated, kindLabel, readRelated, siteRelated, trustedHeaderKeys, type TrustedKey } from './support.js';

export type MessageIds = 'explicit' | 'byDefault';

export default defineRule<MessageIds>({
  meta: {
    id: 'header-underscore-smuggling',
    layer: 'deploy',
    name: 'Proxy passes underscore header names that Django maps onto the trusted key',
    cwe: ['CWE-290'],
    severity: 'high',
    diagram: { link: 'headers' },
    docs: {
      summary: 'A proxy in front of the app passes request headers whose names contain underscores, while the Django code trusts an `HTTP_…` certificate or identity key.',
      whyBad:
        "WSGI servers (gunicorn up to 21, uWSGI, mod_wsgi) and Django's ASGIRequest before 4.2.30/5.2.13/6.0.4 turn both `X-SSL-Client-Cert` and `X_SSL_Client_Cert` into `HTTP_X_SSL_CLIENT_CERT`. A proxy that overwrites `X-SSL-Client-Cert` but passes the underscore spelling lets a client smuggle its own value into the same key — gunicorn then joins the two values or keeps the client's. nginx drops such names by default (`underscores_in_headers off`); HAProxy, Envoy, Traefik and Apache mod_proxy pass them unless told not to.",
      notReported:
        'Proxies that drop underscore names (nginx and ingress-nginx defaults, HAProxy `option http-restrict-req-hdr-names delete|reject`, Envoy `headers_with_underscores_action: DROP_HEADER|REJECT_REQUEST`, mod_wsgi in-process); routes that delete every spelling or forward no client header; app servers a route cannot reach (a uWSGI `socket =`, which speaks the uwsgi protocol, behind an HTTP `proxy_pass`/`ProxyPass`/backend: the servers each route reaches decide); app servers that drop them: Django runserver, waitress, Daphne, gunicorn 22+ pinned in the tree (requirements, pyproject, poetry/Pipfile/uv lock; with no pin the finding stays and says the version is unknown), uvicorn/hypercorn/granian in front of a pinned Django whose ASGIRequest ignores them (4.2.30+, 5.2.13+, 6.0.4+); code that does not trust `HTTP_…` identity headers.',
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
    fix: 'Drop header names with underscores at the proxy: nginx `underscores_in_headers off;` (the default) and `ignore_invalid_headers on;`, HAProxy `option http-restrict-req-hdr-names delete` (2.6+) in `defaults`, Envoy `common_http_protocol_options: { headers_with_underscores_action: DROP_HEADER }`; or delete every spelling of the header before setting it. gunicorn 22+ also drops them (`--header-map drop`).',
    messages: {
      explicit: '`{{directive}}` lets clients send {{underscore}}, which {{server}} maps to the same {{key}} that {{codeSite}} trusts; {{overwriteNote}} — so a forged certificate reaches Django through {{routes}}.',
      byDefault:
        '{{proxy}} passes header names with underscores by default, so clients can send {{underscore}}, which {{server}} maps to the same {{key}} that {{codeSite}} trusts; {{overwriteNote}} — so a forged certificate reaches Django through {{routes}}.',
    },
  },
  check(ctx) {
    const trusted = trustedHeaderKeys(ctx.model);
    if (!trusted.length) return;
    const allApps = ctx.model.deploy.appServers;
    // The app servers behind a group of routes: those they reach (bind and protocol), else all.
    const serverFor = (eps: EntryPoint[]): string | null => {
      const reached = [...new Set(eps.flatMap((e) => appServersOf(e, allApps, { exact: true })))];
      const verdicts = underscoreServers(ctx.model, reached.length ? reached : allApps);
      return verdicts.find((v) => v.maps)?.text ?? null;
    };
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
      const server = serverFor(eps);
      if (server === null) continue;
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

/** Django releases whose ASGIRequest ignores header names with underscores (CVE-2026-3902): 4.2.30+, 5.2.13+, 6.0.4+ and later series. */
function djangoAsgiDrops(v: string): boolean {
  if (atLeast(v, [6, 1])) return true;
  if (atLeast(v, [6, 0])) return atLeast(v, [6, 0, 4]);
  if (atLeast(v, [5, 2])) return atLeast(v, [5, 2, 13]);
  if (atLeast(v, [5, 0])) return false; // 5.0 and 5.1: unsupported, not fixed
  if (atLeast(v, [4, 2])) return atLeast(v, [4, 2, 30]);
  return false;
}

const where = (p: Pin) => `${p.file}:${p.line}`;

/**
 * Does each app server in front of Django map \`X_SSL_Client_Cert\` onto the same \`HTTP_\` key as
 * \`X-SSL-Client-Cert\`? With the evidence, for the message.
 * - gunicorn 22.0+ drops header names with underscores (its \`header_map\` setting, default \`drop\`); older releases map them.
 *   The version comes from the tree's pins; none found → mapped, and the message says the version is unknown.
 * - Daphne drops them (it skips them when it builds the ASGI scope); Django's runserver and waitress drop them.
 * - uvicorn, hypercorn and granian pass them in the ASGI scope; Django's ASGIRequest maps them before 4.2.30 / 5.2.13 / 6.0.4 and ignores them from then on (CVE-2026-3902), so the pinned Django decides.
 * - uWSGI and mod_wsgi map them.
 * With no app server in the deployment files: gunicorn when it is the only server the dependency files pin, else unknown (mapped).
 */
export function underscoreServers(model: ProjectModel, apps: AppServer[] = model.deploy.appServers): { kind: string; maps: boolean; text: string }[] {
  const root = model.root;
  const gunicorn = (): { maps: boolean; text: string } => {
    const ps = pinsOf(root, 'gunicorn');
    if (!ps.length) return { maps: true, text: 'gunicorn (version unknown: no pin in requirements, pyproject or lock files; gunicorn 22+ drops such names, earlier releases map them)' };
    const old = ps.find((p) => !atLeast(p.version, [22]));
    if (old) return { maps: true, text: `gunicorn ${old.version} (pinned at ${where(old)}; releases before 22 map them)` };
    return { maps: false, text: `gunicorn ${ps[0].version} (pinned at ${where(ps[0])}) drops them` };
  };
  const asgi = (kind: string): { maps: boolean; text: string } => {
    const ps = pinsOf(root, 'django');
    if (!ps.length) return { maps: true, text: `${kind} with Django's ASGIRequest (Django version unknown: releases before 4.2.30, 5.2.13 and 6.0.4 map them)` };
    const old = ps.find((p) => !djangoAsgiDrops(p.version));
    if (old) return { maps: true, text: `${kind} with Django ${old.version}'s ASGIRequest (pinned at ${where(old)}; fixed in 4.2.30, 5.2.13, 6.0.4)` };
    return { maps: false, text: `${kind} with Django ${ps[0].version} (ASGIRequest ignores such names)` };
  };
  const verdict = (kind: string, flag: boolean | undefined) => {
    if (kind === 'gunicorn') return { kind, ...gunicorn() };
    if (kind === 'daphne') return { kind, maps: false, text: 'Daphne drops them' };
    if (kind === 'uvicorn' || kind === 'hypercorn' || kind === 'granian') return { kind, ...asgi(kind) };
    return { kind, maps: flag !== false, text: kind };
  };
  if (apps.length) {
    const seen = new Set<string>();
    const out: { kind: string; maps: boolean; text: string }[] = [];
    for (const a of apps) {
      if (seen.has(a.kind)) continue;
      seen.add(a.kind);
      out.push(verdict(a.kind, a.mapsUnderscoreHeaders));
    }
    return out;
  }
  const others = ['uwsgi', 'uvicorn', 'hypercorn', 'granian', 'daphne', 'mod-wsgi', 'waitress'].filter((k) => pinsOf(root, k).length);
  if (!others.length && pinsOf(root, 'gunicorn').length) return [verdict('gunicorn', undefined)];
  return [{ kind: 'unknown', maps: true, text: 'the app server (none found in the tree: gunicorn before 22, uWSGI and mod_wsgi map them)' }];
}

function join(xs: string[]): string {
  return xs.length <= 1 ? xs.join('') : `${xs.slice(0, -1).join(', ')} and ${xs[xs.length - 1]}`;
}
