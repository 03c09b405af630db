// Calls into project code: which function a call targets, the backends Django would call,
// user creation, project classes built from certificate values.

import type { PyNode } from '../parser.js';
import type { PyFunction } from '../module.js';
import { dotted, field, named, stringValue, unparen } from '../ast.js';
import { isUserModel, queryModelExpr } from '../members.js';
import { derive, EMPTY, sigOf, union, val, type AVal } from './values.js';
import type { FlowCtx, FnState } from './state.js';
import { rootKindOf } from './roots.js';
import type { FlowInterp } from './interp.js';

/**
 * Does this ORM create call make a user? `create_user`/`create_superuser` always do; `create`,
 * `get_or_create`, `update_or_create` only on Django's user model (per-device or status rows
 * keyed by a certificate are not accounts).
 */
export function createsUser(this: FlowInterp, op: string, recv: PyNode, st: FnState): boolean {
  if (/^(create_user|create_superuser)$/.test(op)) return true;
  const s = this.model.settings.get('AUTH_USER_MODEL');
  const authUserModel = s && typeof s.value === 'string' ? s.value : null;
  return isUserModel(this.project, queryModelExpr(recv, st.mod), st.mod, st.fn.cls, st.fn, authUserModel);
}

/**
 * `Cls(a, b=…)` where Cls is a project class: its fields by name — dataclass / NamedTuple /
 * attrs fields in declaration order, `namedtuple('X', 'a b')`, else the `__init__` parameters
 * (the usual `self.x = x`). `data` when the class only holds the values.
 */
export function constructedFields(this: FlowInterp, fname: string, st: FnState, a: { pos: AVal[]; kw: Map<string, AVal> }): { fields: Map<string, AVal>; data: boolean } | null {
  if (!fname || /^(self|super\(\))\./.test(fname)) return null;
  const r = this.project.resolve(st.mod, fname, st.fn);
  let names: string[] | null = null;
  let data = false;
  if (r?.kind === 'class') {
    const declared = this.project.semantic.declaredFields(r.cls).map((f) => f.name);
    const isData = this.project.semantic.isDataClass(r.cls);
    const init = this.project.findMethod(r.cls, '__init__');
    if (isData && !init) {
      names = declared;
      data = true;
    } else if (init) names = init.params.slice(1);
    else names = declared;
  } else if (r?.kind === 'assign') {
    const v = unparen(r.value);
    if (v?.type === 'call' && /(^|\.)namedtuple$/.test(dotted(field(v, 'function'), r.mod.src) ?? '')) {
      const args = field(v, 'arguments');
      const spec = args ? named(args)[1] : undefined;
      if (spec) {
        const str = stringValue(spec, r.mod.src);
        names =
          str !== null
            ? str.split(/[\s,]+/).filter(Boolean)
            : named(spec)
                .map((x) => stringValue(x, r.mod.src))
                .filter((x): x is string => x !== null);
        data = true;
      }
    }
  }
  if (!names) return null;
  const fields = new Map<string, AVal>();
  names.forEach((nm, i) => {
    const v = a.kw.get(nm) ?? a.pos[i];
    if (v) fields.set(nm, v);
  });
  for (const [k, v] of a.kw) if (k !== '**' && !fields.has(k)) fields.set(k, v);
  return fields.size ? { fields, data } : null;
}

export function isDjangoAuthenticate(this: FlowInterp, fname: string, st: FnState): boolean {
  const q = this.project.qualify(st.mod, fname, st.fn);
  return q === 'django.contrib.auth.authenticate' || fname === 'auth.authenticate';
}

/**
 * The backends Django would call: those named in AUTHENTICATION_BACKENDS when the setting is
 * known, else every project class with a backend-style `authenticate` method.
 */
export function projectBackends(this: FlowInterp): PyFunction[] {
  if (this.backendCache) return this.backendCache;
  const out: PyFunction[] = [];
  const listed = this.model.settings.get('AUTHENTICATION_BACKENDS');
  if (listed && Array.isArray(listed.value)) {
    for (const v of listed.value) {
      if (typeof v !== 'string' || !v.includes('.')) continue;
      const i = v.lastIndexOf('.');
      const r = this.project.resolveIn(v.slice(0, i), v.slice(i + 1));
      const m = r?.kind === 'class' ? this.project.findMethod(r.cls, 'authenticate') : null;
      if (m) out.push(m);
    }
    return (this.backendCache = out);
  }
  for (const mod of this.model.analysed) {
    for (const cls of mod.allClasses) {
      const m = cls.methods.get('authenticate');
      if (m && rootKindOf(m, this.project) === 'backend') out.push(m);
    }
  }
  return (this.backendCache = out);
}

/** Analyses `backend.authenticate(request, **credentials)` with the caller's arguments. */
export function callBackend(this: FlowInterp, fn: PyFunction, a: { pos: AVal[]; kw: Map<string, AVal> }, ctx: FlowCtx): AVal {
  const params = fn.params.slice(1); // self
  const splat = this.splatParam(fn);
  const mapped: AVal[] = [val('self')];
  let posi = 0;
  for (const p of params) {
    if (p === splat) {
      const fields = new Map<string, AVal>();
      for (const [k, v] of a.kw) if (!params.includes(k)) fields.set(k, v);
      mapped.push({ ...derive(union(...fields.values())), fields });
    } else mapped.push(a.kw.get(p) ?? a.pos[posi++] ?? EMPTY());
  }
  return this.analyseFn(fn, mapped, ctx, false);
}

export function splatParam(this: FlowInterp, fn: PyFunction): string | null {
  const def = fn.node.type === 'decorated_definition' ? field(fn.node, 'definition') : fn.node;
  const ps = def ? field(def, 'parameters') : null;
  const d = ps?.children.find((c) => c.type === 'dictionary_splat_pattern');
  const id = d?.children.find((c) => c.type === 'identifier');
  return id ? fn.module.text(id) : null;
}

export function analyseFnPeek(this: FlowInterp, fn: PyFunction, args: AVal[], ctx: FlowCtx): AVal {
  const sig = `${fn.module.path}:${fn.qualname}:${args.map(sigOf).join('|')}`;
  return ctx.memo.get(sig) ?? EMPTY();
}

/** The project function a call targets: `self.method(...)` through the class's bases, or a resolved name. */
export function resolveCall(this: FlowInterp, fname: string, st: FnState): { fn: PyFunction; viaSelf: boolean } | null {
  if (!fname) return null;
  if (fname.startsWith('self.') && st.fn.cls) {
    const parts = fname.split('.');
    if (parts.length !== 2) return null;
    const m = this.project.findMethod(st.fn.cls, parts[1]);
    return m ? { fn: m, viaSelf: true } : null;
  }
  if (fname.startsWith('super().')) return null;
  const r = this.project.resolve(st.mod, fname, st.fn);
  return r?.kind === 'function' ? { fn: r.fn, viaSelf: false } : null;
}
