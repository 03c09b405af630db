// cert-user-autocreate: a Django user created on first sight of any trusted certificate.

import { defineRule } from '../../core/rule.js';
import { callArgNodes, dotted, field, stringValue, unparen, walk } from '../../python/ast.js';
import { qualifiedIs } from '../../python/project.js';
import { classMember, memberValues } from '../../python/members.js';
import type { PyNode } from '../../python/parser.js';
import type { PyModule } from '../../python/module.js';
import type { ProjectModel } from '../../model/project.js';
import { pyTruthy } from '../../settings/model.js';
import { at, events, nodeKey, uniqueBy } from './support.js';

const ENROLMENT_GUARD = /staff_member_required|permission_required|user_passes_test|superuser_required|admin_required/;

export default defineRule({
  meta: {
    id: 'cert-user-autocreate',
    layer: 'code',
    name: 'Users created automatically from certificates',
    cwe: ['CWE-287'],
    severity: 'high',
    diagram: { check: 'identity' },
    docs: {
      summary: 'A Django user is created on first sight of any trusted certificate (`RemoteUserBackend` with `create_unknown_user` left True, `get_or_create(username=cn)`).',
      whyBad:
        'Every certificate the CA issues — to a partner, a build agent, a test harness — silently becomes an account, and whatever default groups or permissions new users get. Enrolment is an authorisation decision; auto-creation skips it.',
      notReported: 'Creation behind an explicit enrolment or admin step (a view guarded by `staff_member_required`/`permission_required`, a management command).',
      example: {
        lang: 'python',
        bad: 'user, _ = User.objects.get_or_create(username=cn)',
        good: 'try:\n    user = CertBinding.objects.get(fingerprint=fp, revoked=False).user\nexcept CertBinding.DoesNotExist:\n    return HttpResponseForbidden("certificate not enrolled")',
      },
      references: ['https://docs.djangoproject.com/en/stable/ref/contrib/auth/#django.contrib.auth.backends.RemoteUserBackend.create_unknown_user'],
    },
    fix: 'Do not create users during authentication: set `create_unknown_user = False` on RemoteUserBackend subclasses, and enrol certificates through an admin step (e.g. `manage.py mtls_bind USER CERT_PEM`).',
    messages: {
      orm: '`{{call}}` in `{{fn}}` creates a user from certificate data ({{source}}) during authentication; any certificate the CA issues becomes an account.',
      backendClass: '{{name}} extends RemoteUserBackend without `create_unknown_user = False`: every identity the front end asserts becomes a new user.',
      backendAttr: '{{name}} sets `create_unknown_user = {{value}}`{{truth}}: every identity the front end asserts becomes a new user.',
      backendProperty: "{{name}}'s `create_unknown_user` property returns True: every identity the front end asserts becomes a new user.",
      backendSetting: '`AUTHENTICATION_BACKENDS` lists `django.contrib.auth.backends.RemoteUserBackend`, whose `create_unknown_user` is True by default: every identity the front end asserts becomes a new user.',
    },
  },
  check(ctx) {
    const { model } = ctx;
    const creates = uniqueBy(
      model.code.flows.flatMap((f) => events(f, 'create-user').map((e) => ({ e, f }))),
      ({ e }) => nodeKey(e.module, e.node),
    );
    for (const { e, f } of creates) {
      // From a certificate: REMOTE_USER-style identities are the RemoteUserBackend case below.
      if (![...e.kw.values(), ...e.args].some((v) => v.parses.size > 0 || [...v.reads].some((r) => r.kind !== 'user'))) continue;
      if (f.root.fn.decorators.some((d) => ENROLMENT_GUARD.test(d))) continue;
      const keys = [...new Set([...e.kw.values(), ...e.args].flatMap((v) => [...v.reads].filter((r) => r.kind !== 'user').map((r) => r.key)))].filter(Boolean);
      const source = keys.length ? keys.slice(0, 2).join(', ') : 'a parsed client certificate';
      ctx.report({ messageId: 'orm', data: { call: e.module.text(e.node).split('\n')[0].slice(0, 80), fn: f.root.fn.qualname, source }, at: at(e.module, e.node) });
    }
    for (const mod of model.analysed) {
      for (const cls of mod.allClasses) {
        const anc = model.python.ancestry(cls);
        if (!anc.some((q) => qualifiedIs(q, 'django.contrib.auth.backends.RemoteUserBackend', 'RemoteUserBackend'))) continue;
        // `create_unknown_user = …` or a `@property` returning it, here or in a project base.
        const attr = classMember(model.python, cls, 'create_unknown_user');
        if (attr) {
          const truths = memberValues(attr).map((v) => truthOf(model, v, attr.cls.module));
          if (truths.includes(true) && attr.cls === cls)
            ctx.report({
              messageId: attr.kind === 'attr' ? 'backendAttr' : 'backendProperty',
              data: {
                name: cls.name,
                value: attr.kind === 'attr' ? attr.cls.module.text(attr.value).split('\n')[0].slice(0, 60) : '',
                truth: attr.kind === 'attr' && attr.cls.module.text(attr.value).trim() !== 'True' ? ', which is true' : '',
              },
              at: at(attr.cls.module, attr.node),
            });
          continue;
        }
        const def = cls.node.type === 'decorated_definition' ? (cls.node.children.find((c) => c.type === 'class_definition') ?? cls.node) : cls.node;
        ctx.report({ messageId: 'backendClass', data: { name: cls.name }, at: at(mod, def) });
      }
      for (const a of mod.assigns) {
        if (a.name !== 'AUTHENTICATION_BACKENDS') continue;
        walk(a.value, (n) => {
          if (stringValue(n, mod.src) === 'django.contrib.auth.backends.RemoteUserBackend') ctx.report({ messageId: 'backendSetting', at: at(mod, n) });
          return n.type !== 'string';
        });
      }
    }
  },
});

/**
 * Python truth of a flag's value when it can be told: `True`/`False`/`None`, a setting
 * (`settings.X`, `getattr(settings, "X", default)` — the default when the setting is not written),
 * a module constant. Null when unknown.
 */
function truthOf(model: ProjectModel, n: PyNode, mod: PyModule, depth = 0): boolean | null {
  const u = unparen(n);
  if (!u || depth > 8) return null;
  const text = mod.text(u).trim();
  if (u.type === 'true' || text === 'True') return true;
  if (u.type === 'false' || u.type === 'none' || text === 'False' || text === 'None') return false;
  const setting = (name: string): boolean | null | undefined => {
    const s = model.settings.get(name);
    return s ? (pyTruthy(s.value) ?? null) : undefined;
  };
  if (u.type === 'attribute') {
    const d = dotted(u, mod.src);
    if (d && /^settings\.\w+$/.test(d)) return setting(d.slice('settings.'.length)) ?? null;
  }
  if (u.type === 'call' && dotted(field(u, 'function'), mod.src) === 'getattr') {
    const { pos } = callArgNodes(u, mod.src);
    const name = pos[1] ? stringValue(pos[1], mod.src) : null;
    if (pos[0] && mod.text(pos[0]) === 'settings' && name) {
      const v = setting(name);
      if (v !== undefined) return v;
      return pos[2] ? truthOf(model, pos[2], mod, depth + 1) : null;
    }
    return null;
  }
  if (u.type === 'identifier') {
    const r = model.python.resolve(mod, text, u);
    if (r?.kind === 'assign') return truthOf(model, r.value, r.mod, depth + 1);
  }
  return null;
}
