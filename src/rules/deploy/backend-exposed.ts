// backend-exposed: the Django app server is reachable without the proxy while the code trusts
// proxy-set headers.

import { defineRule } from '../../core/rule.js';
import type { RelatedLocation } from '../../core/types.js';
import { appRoutes, spellings } from '../../deploy/facts.js';
import { at, codeStory, grantsRelated, readRelated, siteRelated, trustedHeaderKeys } from './support.js';

export type MessageIds = 'exposed';

export default defineRule<MessageIds>({
  meta: {
    id: 'backend-exposed',
    layer: 'deploy',
    name: 'App server reachable without the proxy while Django trusts proxy headers',
    cwe: ['CWE-290'],
    severity: 'high',
    diagram: { link: 'bypass' },
    docs: {
      summary:
        'The Django app server listens where clients can reach it directly (gunicorn/runserver on 0.0.0.0 outside a container, a Compose `ports:` entry on the app service, a Kubernetes NodePort/LoadBalancer Service, host networking) while the code trusts a certificate header the proxy is supposed to set.',
      whyBad:
        "The proxy's overwrite of `X-SSL-Client-Cert` only protects requests that go through the proxy. A client that connects to the app server's port directly sends whatever headers it likes: any certificate it has seen (a certificate is public data) in `X-SSL-Client-Cert` makes Django log it in as that certificate's owner, however well Django validates the certificate.",
      notReported:
        'Unix sockets, loopback binds, Compose ports published on 127.0.0.1 only, 0.0.0.0 inside a container whose port is only `expose`d (or not published), Kubernetes ClusterIP Services (not a finding here, but not proof of provenance either), binds whose publication is not in the scanned tree; code that does not trust proxy headers or proves provenance itself (HMAC, trusted-proxy allow-list).',
      example: {
        lang: 'yaml',
        bad: 'services:\n  web:\n    command: gunicorn app.wsgi --bind 0.0.0.0:8000\n    ports:\n      - "8000:8000"',
        good: 'services:\n  web:\n    command: gunicorn app.wsgi --bind 0.0.0.0:8000\n    expose:\n      - "8000"',
      },
      references: ['https://cwe.mitre.org/data/definitions/290.html', 'https://docs.gunicorn.org/en/stable/settings.html#bind', 'https://docs.docker.com/compose/compose-file/05-services/#ports'],
    },
    fix: "Make the proxy the only way in: bind gunicorn to a unix socket (`--bind unix:/run/app/gunicorn.sock`) or 127.0.0.1 on the proxy's host; in Compose use `expose:` (or nothing) instead of `ports:` on the app service; in Kubernetes use a ClusterIP Service plus a NetworkPolicy that admits only the ingress controller. Independently, have Django authenticate the proxy (HMAC or shared secret checked with `hmac.compare_digest`).",
    messages: {
      exposed:
        "The {{server}} app server {{how}}, so clients can reach Django without the proxy; {{codeSite}} authenticates on {{key}}, a request header, so a direct request carrying any certificate the attacker has seen in {{header}} is served as that certificate's owner{{proxyNote}}.",
    },
  },
  check(ctx) {
    const trusted = trustedHeaderKeys(ctx.model);
    if (!trusted.length) return;
    const routes = appRoutes(ctx.model.deploy);
    for (const a of ctx.model.deploy.appServers) {
      if (a.exposure !== 'all-interfaces' && a.exposure !== 'published') continue;
      const s = a.exposureSites[0] ?? a.site;
      const t = trusted[0];
      const setter = routes.flatMap((r) => r.headers).find((h) => trusted.some((k) => k.key === h.wsgiKey) && h.action !== 'remove');
      const related: RelatedLocation[] = [];
      for (const k of trusted) related.push(...readRelated(k.reads, `Django authenticates on the request header ${k.key}`));
      related.push(...grantsRelated(trusted));
      if (a.site !== s) related.push(siteRelated(a.site, `${a.kind} binds ${a.bind}`));
      if (setter) related.push(siteRelated(setter.site, `the proxy sets ${setter.name} here, but only for requests that pass through it`));
      ctx.report({
        messageId: 'exposed',
        data: {
          server: a.kind,
          how: a.exposureReason ?? `binds ${a.bind}`,
          codeSite: codeStory(t),
          key: t.key,
          header: spellings(t.key).dash,
          proxyNote: setter ? ` — the proxy's \`${setter.site.text}\` (${setter.site.file}:${setter.site.line}) never sees that request` : '',
        },
        at: { ...at(s) },
        related,
        anchor: `${a.kind}|${a.bind}|${a.exposure}`,
      });
    }
  },
});
