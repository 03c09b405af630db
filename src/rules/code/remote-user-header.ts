// remote-user-header: RemoteUserMiddleware / DRF RemoteUserAuthentication reading an HTTP_ header.

import { defineRule } from '../../core/rule.js';
import { stringValue } from '../../python/ast.js';
import { FlowAnalyzer } from '../../python/flow.js';
import { qualifiedIs } from '../../python/project.js';
import { at, deployProvenance } from './support.js';

export default defineRule({
  meta: {
    id: 'remote-user-header',
    layer: 'code',
    name: 'REMOTE_USER taken from a request header',
    cwe: ['CWE-290'],
    severity: 'critical',
    docs: {
      summary: 'A `RemoteUserMiddleware`/`RemoteUserBackend` subclass or DRF `RemoteUserAuthentication` reads the user from an `HTTP_…` header.',
      whyBad: 'Django\'s documentation warns about exactly this: a header is set by the client unless every path to the app strips and overwrites it. Anyone who reaches the app (or a route that does not overwrite the header) logs in as any user by sending `X-Remote-User: admin`.',
      notReported: 'The default `REMOTE_USER` environ variable (set by the server, not a header); deployments in the scanned tree that prove provenance for that header.',
      example: {
        lang: 'python',
        bad: "class ProxyRemoteUser(RemoteUserMiddleware):\n    header = 'HTTP_X_REMOTE_USER'",
        good: "class ProxyRemoteUser(RemoteUserMiddleware):\n    header = 'REMOTE_USER'  # set by mod_wsgi / the server, not by the client",
      },
      references: ['https://docs.djangoproject.com/en/stable/howto/auth-remote-user/'],
    },
    fix: 'Read the identity from the server-set `REMOTE_USER` environ variable, or authenticate the proxy (HMAC/shared secret checked with `hmac.compare_digest`) and make the app reachable only through it.',
    messages: {
      header: '{{cls}} takes the user from the request header {{key}}; anyone who reaches the app can log in as any user by sending it.',
    },
  },
  check(ctx) {
    const { model } = ctx;
    const analyser = new FlowAnalyzer(model.python, model);
    for (const mod of model.analysed) {
      for (const cls of mod.allClasses) {
        const anc = model.python.ancestry(cls);
        if (!anc.some((q) => qualifiedIs(q, 'RemoteUserMiddleware', 'PersistentRemoteUserMiddleware', 'RemoteUserAuthentication'))) continue;
        const attr = cls.attrs.get('header');
        if (!attr) continue;
        const key = stringValue(attr.value, mod.src) ?? analyser.valueKey(attr.value, mod)?.key ?? null;
        if (!key || !key.toUpperCase().startsWith('HTTP_')) continue;
        if (deployProvenance(model, key.toUpperCase()).proven) continue;
        ctx.report({ messageId: 'header', data: { cls: cls.name, key }, at: at(mod, attr.node) });
      }
    }
  },
});
