// persistent-remote-user: the session outlives the certificate / remote identity.

import { defineRule } from '../../core/rule.js';
import { stringValue, walk } from '../../python/ast.js';
import { qualifiedIs } from '../../python/project.js';
import { at, certReads, events } from './support.js';

export default defineRule({
  meta: {
    id: 'persistent-remote-user',
    layer: 'code',
    name: 'Session outlives the client certificate',
    cwe: ['CWE-613'],
    severity: 'medium',
    diagram: { check: 'session' },
    docs: {
      summary: '`PersistentRemoteUserMiddleware`, `force_logout_if_no_header = False`, or an "already authenticated → return" short-cut lets the session outlive the certificate.',
      whyBad: 'After the first authenticated request the certificate is no longer consulted: requests without it (from another machine with the stolen cookie, or after the certificate was revoked) stay logged in until the session expires.',
      notReported:
        'The standard `RemoteUserMiddleware`, which logs the user out when the header/variable disappears; an authenticated short-cut that first compares the fingerprint stored in the session with the presented one and refuses on a mismatch.',
      example: {
        lang: 'python',
        bad: "MIDDLEWARE = [..., 'django.contrib.auth.middleware.PersistentRemoteUserMiddleware']",
        good: "MIDDLEWARE = [..., 'django.contrib.auth.middleware.RemoteUserMiddleware']",
      },
      references: ['https://docs.djangoproject.com/en/stable/ref/middleware/#django.contrib.auth.middleware.PersistentRemoteUserMiddleware'],
    },
    fix: 'Use `RemoteUserMiddleware` (logs out when the identity disappears), keep `force_logout_if_no_header = True`, and in custom certificate middleware check the certificate on every request instead of returning early for authenticated users.',
    messages: {
      setting: '`PersistentRemoteUserMiddleware` keeps users logged in when the certificate identity is gone.',
      subclass: '{{cls}} extends PersistentRemoteUserMiddleware: the session survives requests without the certificate identity.',
      forceLogout: '`force_logout_if_no_header = False`: the session survives requests without the certificate identity.',
      shortcut: 'Authenticated sessions skip the certificate check here (`if {{cond}}`): the session outlives the certificate.',
    },
  },
  check(ctx) {
    const { model } = ctx;
    for (const mod of model.analysed) {
      for (const a of mod.assigns) {
        if (a.name !== 'MIDDLEWARE' && a.name !== 'MIDDLEWARE_CLASSES') continue;
        walk(a.value, (n) => {
          if (stringValue(n, mod.src) === 'django.contrib.auth.middleware.PersistentRemoteUserMiddleware') ctx.report({ messageId: 'setting', at: at(mod, n) });
          return n.type !== 'string';
        });
      }
      // Django's own definition (a vendored copy of django.contrib.auth.middleware) is not a use of it.
      const isDjangoItself = /(^|\.)contrib\.auth\.middleware$/.test(mod.name);
      for (const cls of mod.allClasses) {
        if (isDjangoItself && (cls.name === 'PersistentRemoteUserMiddleware' || cls.name === 'RemoteUserMiddleware')) continue;
        const anc = model.python.ancestry(cls);
        if (anc.some((q) => qualifiedIs(q, 'PersistentRemoteUserMiddleware'))) {
          const def = cls.node.type === 'decorated_definition' ? (cls.node.children.find((c) => c.type === 'class_definition') ?? cls.node) : cls.node;
          ctx.report({ messageId: 'subclass', data: { cls: cls.name }, at: at(mod, def) });
          continue;
        }
        if (!anc.some((q) => qualifiedIs(q, 'RemoteUserMiddleware'))) continue;
        const attr = cls.attrs.get('force_logout_if_no_header');
        if (attr && mod.text(attr.value).trim() === 'False') ctx.report({ messageId: 'forceLogout', at: at(mod, attr.node) });
      }
    }
    for (const flow of model.code.flows) {
      if (flow.root.kind !== 'middleware' || !certReads(flow).length) continue;
      for (const e of events(flow, 'authenticated-shortcut')) {
        ctx.report({ messageId: 'shortcut', data: { cond: e.module.text(e.node) }, at: at(e.module, e.node) });
      }
    }
  },
});
