// remote-user-header: RemoteUserMiddleware / DRF RemoteUserAuthentication reading an HTTP_ header.

import { defineRule } from '../../core/rule.js';
import type { PyNode } from '../../python/parser.js';
import { at, deployProvenance } from './support.js';

export default defineRule({
  meta: {
    id: 'remote-user-header',
    layer: 'code',
    name: 'REMOTE_USER taken from a request header',
    cwe: ['CWE-290'],
    severity: 'critical',
    diagram: { check: 'provenance', provenance: true },
    docs: {
      summary: 'A `RemoteUserMiddleware`/`RemoteUserBackend` subclass or DRF `RemoteUserAuthentication` reads the user from an `HTTP_…` header.',
      whyBad:
        "Django's documentation warns about exactly this: a header is set by the client unless every path to the app strips and overwrites it. Anyone who reaches the app (or a route that does not overwrite the header) logs in as any user by sending `X-Remote-User: admin`.",
      notReported:
        'The default `REMOTE_USER` environ variable (set by the server, not a header); a middleware that takes the header only from trusted proxies (a `REMOTE_ADDR` allow-list or a proxy secret checked with `hmac.compare_digest`, in its own request hook or in a middleware every request passes); deployments in the scanned tree that prove provenance for that header.',
      example: {
        lang: 'python',
        bad: "class ProxyRemoteUser(RemoteUserMiddleware):\n    header = 'HTTP_X_REMOTE_USER'",
        good: "class ProxyRemoteUser(RemoteUserMiddleware):\n    header = 'REMOTE_USER'  # set by mod_wsgi / the server, not by the client",
      },
      references: ['https://docs.djangoproject.com/en/stable/howto/auth-remote-user/'],
    },
    fix: 'Read the identity from the server-set `REMOTE_USER` environ variable, or authenticate the proxy (HMAC/shared secret checked with `hmac.compare_digest`) and make the app reachable only through it.',
    messages: {
      header: '{{cls}} takes the user from the request header {{key}} ({{source}}); anyone who reaches the app can log in as any user by sending it.',
    },
  },
  check(ctx) {
    const { model } = ctx;
    const reported = new Set<PyNode>();
    for (const h of model.code.remoteUserHeaders) {
      if (reported.has(h.node) || !h.key.toUpperCase().startsWith('HTTP_')) continue;
      if (deployProvenance(model, h.key.toUpperCase()).proven) continue;
      // Provenance in the code: this middleware's own gate, or one every request passes (MIDDLEWARE).
      if (h.trustedProxyGate || model.code.globalProvenance.length) continue;
      reported.add(h.node);
      ctx.report({ messageId: 'header', data: { cls: h.cls.name, key: h.key, source: h.source }, at: at(h.module, h.node) });
    }
  },
});
