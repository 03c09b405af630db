// A middleware that guards the views a decorator marks: the decorator sets an attribute on the view
// function (`func.requires_client_cert = True`), and a middleware listed in MIDDLEWARE reads it in
// `process_view` (`getattr(view_func, 'requires_client_cert', False)`) and refuses the request
// unless the client certificate checks out. The views so marked are not anonymous.

import type { ProjectModel } from '../model/project.js';
import type { PyFunction } from '../python/module.js';
import { dotted, field, named, stringValue, walk } from '../python/ast.js';
import type { ViewFacts } from './views.js';

/** Memo per model and MIDDLEWARE list (settings profiles may list different middleware). */
const markersOf = new WeakMap<ProjectModel, Map<string, Set<string>>>();

/** Marker attributes read by MIDDLEWARE-listed `process_view` hooks that deny on certificate data. */
export function gateMarkers(model: ProjectModel, middleware: string[] | null): Set<string> {
  const key = (middleware ?? []).join('\n');
  let byList = markersOf.get(model);
  if (!byList) markersOf.set(model, (byList = new Map<string, Set<string>>()));
  const known = byList.get(key);
  if (known) return known;
  const out = new Set<string>();
  byList.set(key, out);
  if (!middleware?.length) return out;
  for (const f of model.code.flows) {
    const fn = f.root.fn;
    const cls = fn.cls;
    if (f.root.kind !== 'middleware' || !cls || fn.name !== 'process_view') continue;
    const dottedName = `${cls.module.name}.${cls.name}`;
    if (!middleware.some((m) => m === dottedName)) continue;
    // It refuses on the certificate: a denying condition on a value read from a certificate source.
    if (!f.events.some((e) => e.t === 'cond' && e.denies && [...e.val.reads].some((r) => r.kind !== 'user'))) continue;
    for (const a of markersRead(fn)) out.add(a);
  }
  return out;
}

/** `getattr(view_func, 'X', …)` and `view_func.X` in a process_view(request, view_func, …). */
function markersRead(fn: PyFunction): string[] {
  const viewParam = fn.params[2];
  if (!viewParam) return [];
  const mod = fn.module;
  const out: string[] = [];
  walk(fn.body, (n) => {
    if (n.type === 'call' && dotted(field(n, 'function'), mod.src) === 'getattr') {
      const args = field(n, 'arguments');
      const [obj, name] = args ? named(args) : [];
      const s = name ? stringValue(name, mod.src) : null;
      if (obj && s && mod.text(obj) === viewParam) out.push(s);
    } else if (n.type === 'attribute') {
      const obj = field(n, 'object');
      const attr = field(n, 'attribute');
      if (obj && attr && mod.text(obj) === viewParam) out.push(mod.text(attr));
    }
    return true;
  });
  return out;
}

/** Is the view marked by a project decorator that sets one of `markers` on what it decorates? */
export function markedForGate(model: ProjectModel, v: ViewFacts, markers: Set<string>): string | null {
  if (!markers.size) return null;
  for (const d of v.decos) {
    const callee = d.node.type === 'call' ? field(d.node, 'function') : d.node;
    const name = callee ? dotted(callee, d.mod.src) : null;
    if (!name) continue;
    const r = model.python.withoutLoading(() => model.python.resolveNode(d.mod, callee));
    if (r?.kind !== 'function') continue;
    let set: string | null = null;
    walk(r.fn.node, (n) => {
      if (set) return false;
      if (n.type !== 'assignment') return true;
      const left = field(n, 'left');
      const attr = left?.type === 'attribute' ? field(left, 'attribute') : null;
      const an = attr ? r.fn.module.text(attr) : null;
      if (an && markers.has(an)) set = an;
      return true;
    });
    if (set) return `@${name.split('.').pop()} (${set}, enforced by a middleware)`;
  }
  return null;
}
