// The interpreter of the Django tables (src/python/library/django.ts): which response, exception
// or ORM entry a call matches — by the qualified name the semantic model gives its callee, by the
// library bases of a project class, by what its receiver is, else by the entry's text fallback
// when the callee is not a project definition (a project `render()` or `Response` is analysed).

import type { PyNode } from '../parser.js';
import type { PyClass } from '../module.js';
import { EXCEPTIONS, MANAGER_TEXT, ORM, RESPONSES, type NamedEntry, type OrmEntry, type ResponseAction } from '../library/django.js';
import type { AVal } from './values.js';
import type { FnState } from './state.js';
import type { FlowInterp } from './interp.js';

/** What a callee is: its external qualified name, the project class it is, whether it is project code at all. */
interface Callee {
  q: string | null;
  cls: PyClass | null;
  project: boolean;
  /** An external name inside a project module not parsed yet: resolved fully only when a fallback would apply. */
  unloaded: boolean;
}

const cheap = new WeakMap<PyNode, Callee>();
const full = new WeakMap<PyNode, Callee>();

function calleeOf(this: FlowInterp, fnNode: PyNode, fname: string, st: FnState, load: boolean): Callee {
  const cache = load ? full : cheap;
  let c = cache.get(fnNode);
  if (c) return c;
  const p = this.project;
  const r = load ? p.resolveNode(st.mod, fnNode) : p.withoutLoading(() => p.resolveNode(st.mod, fnNode));
  c = { q: null, cls: null, project: false, unloaded: false };
  if (r?.kind === 'function' || r?.kind === 'module') c.project = true;
  else if (r?.kind === 'class') {
    c.project = true;
    c.cls = r.cls;
  } else if (r?.kind === 'external') {
    c.q = r.qualified;
    const i = r.qualified.lastIndexOf('.');
    c.unloaded = !load && i > 0 && p.hasModule(r.qualified.slice(0, i));
  } else if (!r && fname.startsWith('self.')) c.project = !!p.withoutLoading(() => this.resolveCall(fname, st));
  cache.set(fnNode, c);
  return c;
}

function byText<A>(e: NamedEntry<A>, last: string): boolean {
  return !!(e.names?.includes(last) || e.nameRe?.test(last));
}

const lastName = (q: string) => q.slice(q.lastIndexOf('.') + 1);

/** The first entry of a Django table the callee of a call is (null: none, or project code). */
export function djangoEntry<A>(this: FlowInterp, table: readonly NamedEntry<A>[], fnNode: PyNode, fname: string, last: string, st: FnState): NamedEntry<A> | null {
  let c = calleeOf.call(this, fnNode, fname, st, false);
  for (let pass = 0; pass < 2; pass++) {
    let deeper = false;
    for (const e of table) {
      if (c.q && e.qualified.includes(c.q)) return e;
      if (c.cls) {
        // A project class is what its library bases are (`class CertDenied(PermissionDenied)`).
        if (this.project.semantic.libraryBases(c.cls).some((b) => e.qualified.includes(b) || byText(e, lastName(b)))) return e;
        continue;
      }
      if (!byText(e, last)) continue;
      if (c.unloaded) deeper = true;
      else if (!c.project) return e;
    }
    if (!deeper) return null;
    c = calleeOf.call(this, fnNode, fname, st, true);
  }
  return null;
}

/** A response the call builds: its outcome by the table, null when it is not a response. */
export function responseOf(this: FlowInterp, fnNode: PyNode, fname: string, last: string, st: FnState): ResponseAction['outcome'] | null {
  return this.djangoEntry(RESPONSES, fnNode, fname, last, st)?.does.outcome ?? null;
}

/** Is the callee an exception class (Django's, DRF's, or one named or derived like one)? */
export function isExceptionCall(this: FlowInterp, fnNode: PyNode, fname: string, last: string, st: FnState): boolean {
  return !!this.djangoEntry(EXCEPTIONS, fnNode, fname, last, st);
}

/** The ORM entry of a method call: by the method and what the receiver is (a manager/queryset by its text, or rows of a lookup). */
export function ormEntry(last: string, recvText: string | null, rv: AVal): OrmEntry | null {
  const rows = rv.kinds.has('binding') || rv.kinds.has('user');
  for (const e of ORM) {
    if (!e.methods.includes(last)) continue;
    if (e.receiver === 'manager' ? recvText !== null && (rows || MANAGER_TEXT.test(recvText)) : rows) return e;
  }
  return null;
}
