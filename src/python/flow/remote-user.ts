// Django's RemoteUser plumbing in the project: every `RemoteUserMiddleware` /
// `PersistentRemoteUserMiddleware` / DRF `RemoteUserAuthentication` subclass that names the header it
// takes the user from (`header = …`, a property, a mixin's), the key that resolves to, and whether
// the class only takes it from trusted proxies. Part of the code model, so the rules only read it.

import { field, named, stringValue, unparen, walkScope } from '../ast.js';
import { classMember } from '../members.js';
import type { PyClass, PyFunction, PyModule } from '../module.js';
import type { PyNode } from '../parser.js';
import { qualifiedIs, type PythonProject } from '../project.js';
import type { FlowAnalyzer } from './analyzer.js';
import { provenanceDenies } from './provenance.js';
import type { CertFlow, RemoteUserHeader } from './values.js';

const REMOTE_USER_BASES = ['RemoteUserMiddleware', 'PersistentRemoteUserMiddleware', 'RemoteUserAuthentication'] as const;

export function remoteUserHeaders(analyser: FlowAnalyzer, python: PythonProject, analysed: PyModule[]): RemoteUserHeader[] {
  const out: RemoteUserHeader[] = [];
  for (const mod of analysed) {
    for (const cls of mod.allClasses) {
      const anc = python.ancestry(cls);
      if (!anc.some((q) => qualifiedIs(q, ...REMOTE_USER_BASES))) continue;
      // `header = …` or `@property def header(self): return …`: the class's own, or a mixin's (a
      // RemoteUser base class that defines it is reported for itself).
      const attr = classMember(python, cls, 'header');
      if (!attr) continue;
      if (attr.cls !== cls && python.ancestry(attr.cls).some((q) => qualifiedIs(q, ...REMOTE_USER_BASES))) continue;
      const owner = attr.cls.module;
      const key = attr.kind === 'attr' ? (stringValue(attr.value, owner.src) ?? analyser.valueKey(attr.value, owner)?.key ?? null) : (analyser.memberKey(cls, 'header')?.key ?? null);
      if (!key) continue;
      const written = attr.kind === 'attr' ? owner.text(attr.value).split('\n')[0].slice(0, 80) : '';
      const source = attr.kind !== 'attr' ? `its \`header\` property returns ${key}` : stringValue(attr.value, owner.src) !== null ? `\`header = ${written}\`` : `\`header = ${written}\`, which is ${key}`;
      out.push({ cls, node: attr.node, module: owner, key, source, trustedProxyGate: trustedProxyGate(analyser, python, cls) });
    }
  }
  return out;
}

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
    !!cond && checks.some((e) => (e.module === m.module && e.node.start >= cond.start && e.node.end <= cond.end ? true : e.fn !== m && new RegExp(`\\b${e.fn.name}\\s*\\(`).test(m.module.text(cond))));
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
  if (c.type === 'comparison_operator')
    return /^(not in|!=)$/.test(
      c.children
        .filter((x) => !x.named)
        .map((x) => m.module.text(x))
        .join(' '),
    );
  return false;
}
