// remote-user-header: RemoteUserMiddleware / DRF RemoteUserAuthentication reading an HTTP_ header.

import { defineRule } from '../../core/rule.js';
import { field, named, stringValue, unparen, walkScope } from '../../python/ast.js';
import { FlowAnalyzer, provenanceDenies, type CertFlow } from '../../python/flow.js';
import { classMember } from '../../python/members.js';
import type { PyClass, PyFunction } from '../../python/module.js';
import type { PyNode } from '../../python/parser.js';
import { qualifiedIs, type PythonProject } from '../../python/project.js';
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
      header: '{{cls}} takes the user from the request header {{key}} ({{source}}); anyone who reaches the app can log in as any user by sending it.',
    },
  },
  check(ctx) {
    const { model } = ctx;
    const analyser = new FlowAnalyzer(model.python, model);
    const reported = new Set<PyNode>();
    for (const mod of model.analysed) {
      for (const cls of mod.allClasses) {
        const anc = model.python.ancestry(cls);
        if (!anc.some((q) => qualifiedIs(q, 'RemoteUserMiddleware', 'PersistentRemoteUserMiddleware', 'RemoteUserAuthentication'))) continue;
        // `header = …` or `@property def header(self): return …`: the class's own, or a mixin's (a
        // RemoteUser base class that defines it is reported for itself).
        const attr = classMember(model.python, cls, 'header');
        if (!attr) continue;
        if (attr.cls !== cls && model.python.ancestry(attr.cls).some((q) => qualifiedIs(q, 'RemoteUserMiddleware', 'PersistentRemoteUserMiddleware', 'RemoteUserAuthentication'))) continue;
        if (reported.has(attr.node)) continue;
        const owner = attr.cls.module;
        const key = attr.kind === 'attr' ? stringValue(attr.value, owner.src) ?? analyser.valueKey(attr.value, owner)?.key ?? null : analyser.memberKey(cls, 'header')?.key ?? null;
        if (!key || !key.toUpperCase().startsWith('HTTP_')) continue;
        if (deployProvenance(model, key.toUpperCase()).proven) continue;
        // Provenance in the code: this middleware's own gate, or one every request passes (MIDDLEWARE).
        if (trustedProxyGate(analyser, model.python, cls) || model.code.globalProvenance.length) continue;
        reported.add(attr.node);
        const written = attr.kind === 'attr' ? owner.text(attr.value).split('\n')[0].slice(0, 80) : '';
        const source = attr.kind !== 'attr' ? `its \`header\` property returns ${key}` : stringValue(attr.value, owner.src) !== null ? `\`header = ${written}\`` : `\`header = ${written}\`, which is ${key}`;
        ctx.report({ messageId: 'header', data: { cls: cls.name, key, source }, at: at(owner, attr.node) });
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
    const guarded = headerHandlingGuarded(flow, m);
    if (guarded !== null) {
      if (guarded) return true;
      continue;
    }
    // The hook does the work itself (no call to Django's): a provenance check it denies on.
    if (flow.events.some((e) => e.t === 'check' && e.what === 'provenance' && provenanceDenies(flow, e))) return true;
  }
  return false;
}

/**
 * Django's own header handling (`super().process_request(request)` / `super().__call__(request)`)
 * runs only where a provenance check passed: every such call sits in the body of an `if` on the
 * check, or after an `if` on the check whose body leaves the method (`return
 * self.get_response(request)` skips the header as surely as `return None`). Null when the hook
 * does not call Django's.
 */
function headerHandlingGuarded(flow: CertFlow, m: PyFunction): boolean | null {
  const checks = flow.events.filter((e) => e.t === 'check' && e.what === 'provenance');
  const onCheck = (cond: PyNode | null): boolean =>
    !!cond &&
    checks.some((e) =>
      e.module === m.module && e.node.start >= cond.start && e.node.end <= cond.end
        ? true
        : e.fn !== m && new RegExp(`\\b${e.fn.name}\\s*\\(`).test(m.module.text(cond)),
    );
  const supers: PyNode[] = [];
  walkScope(m.body, (n) => {
    if (n.type === 'call' && /^super\(\)\.(process_request|__call__|__acall__)$/.test(m.module.text(field(n, 'function') ?? n))) supers.push(n);
  });
  if (!supers.length) return null;
  if (!checks.length) return false;
  return supers.every((call) => {
    for (let cur: PyNode | null = call; cur && cur !== m.body; cur = cur.parent) {
      const stmt = cur;
      const parent = stmt.parent;
      // Inside the body of `if <check>:`.
      if (parent?.type === 'if_statement' && stmt === field(parent, 'consequence') && onCheck(field(parent, 'condition')) && !negated(field(parent, 'condition'), m)) return true;
      // After `if <check fails>: return/raise` in the same block.
      if (parent?.type === 'block') {
        for (const sib of named(parent)) {
          if (sib.end > stmt.start) break;
          const body = sib.type === 'if_statement' ? field(sib, 'consequence') : null;
          const last = body ? named(body).pop() : null;
          if (last && (last.type === 'return_statement' || last.type === 'raise_statement') && onCheck(field(sib, 'condition')) && negated(field(sib, 'condition'), m)) return true;
        }
      }
    }
    return false;
  });
}

/** `not …`, `x not in y`, `x != y`: the branch runs when the check fails. */
function negated(cond: PyNode | null, m: PyFunction): boolean {
  const c = unparen(cond);
  if (!c) return false;
  if (c.type === 'not_operator') return true;
  if (c.type === 'comparison_operator') return /^(not in|!=)$/.test(c.children.filter((x) => !x.named).map((x) => m.module.text(x)).join(' '));
  return false;
}
