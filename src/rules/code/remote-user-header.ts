// remote-user-header: RemoteUserMiddleware / DRF RemoteUserAuthentication reading an HTTP_ header.

import { defineRule } from '../../core/rule.js';
import { stringValue } from '../../python/ast.js';
import { FlowAnalyzer, provenanceDenies } from '../../python/flow.js';
import { classMember } from '../../python/members.js';
import type { PyClass } from '../../python/module.js';
import { qualifiedIs, type PythonProject } from '../../python/project.js';
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
      notReported: 'The default `REMOTE_USER` environ variable (set by the server, not a header); a middleware that takes the header only from trusted proxies (a `REMOTE_ADDR` allow-list or a proxy secret checked with `hmac.compare_digest`, in its own request hook or in a middleware every request passes); deployments in the scanned tree that prove provenance for that header.',
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
        // The class's own `header = …` or `@property def header(self): return …`.
        const attr = classMember(model.python, cls, 'header');
        if (!attr || attr.cls !== cls) continue;
        const key = attr.kind === 'attr' ? stringValue(attr.value, mod.src) ?? analyser.valueKey(attr.value, mod)?.key ?? null : analyser.memberKey(cls, 'header')?.key ?? null;
        if (!key || !key.toUpperCase().startsWith('HTTP_')) continue;
        if (deployProvenance(model, key.toUpperCase()).proven) continue;
        // Provenance in the code: this middleware's own gate, or one every request passes (MIDDLEWARE).
        if (trustedProxyGate(analyser, model.python, cls) || model.code.globalProvenance.length) continue;
        ctx.report({ messageId: 'header', data: { cls: cls.name, key }, at: at(mod, attr.node) });
      }
    }
  },
});

/**
 * The middleware takes the header only from trusted proxies: its request hook (own or from a
 * project base) denies or skips unless a provenance check passes — the peer's `REMOTE_ADDR` in an
 * allow-list, or a proxy secret compared with `hmac.compare_digest`.
 */
function trustedProxyGate(analyser: FlowAnalyzer, project: PythonProject, cls: PyClass): boolean {
  for (const name of ['process_request', '__call__', '__acall__']) {
    const m = project.findMethod(cls, name);
    if (!m || m.params.length < 2) continue;
    const flow = analyser.analyseRoot(m, 'middleware');
    if (flow.events.some((e) => e.t === 'check' && e.what === 'provenance' && provenanceDenies(flow, e))) return true;
  }
  return false;
}
