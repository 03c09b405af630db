// Statements: blocks, assignments and bindings, loops (constant tables unrolled row by row).

import type { PyNode } from '../parser.js';
import { field, firstNamed, named, stringValue, unparen, walk } from '../ast.js';
import { elementOf, EMPTY, tainted, union, val, type AVal } from './values.js';
import { MAX_UNROLLED_ROWS, type FlowCtx, type FnState } from './state.js';
import type { FlowInterp } from './interp.js';

export function block(this: FlowInterp, block: PyNode, st: FnState, ctx: FlowCtx): void {
  for (const s of named(block)) this.stmt(s, st, ctx);
}

export function stmt(this: FlowInterp, s: PyNode, st: FnState, ctx: FlowCtx): void {
  switch (s.type) {
    case 'expression_statement': {
      for (const e of named(s)) {
        if (e.type === 'assignment' || e.type === 'augmented_assignment') this.assign(e, st, ctx);
        else {
          this.expr(e, st, ctx);
          this.unraised(e, st, ctx);
        }
      }
      return;
    }
    case 'return_statement': {
      const e = firstNamed(s);
      const v = e ? this.expr(e, st, ctx) : val('none');
      st.ret = union(st.ret, v);
      if (st.isRoot) this.rootReturn(s, e, v, st, ctx);
      return;
    }
    case 'if_statement':
      return this.ifStmt(s, st, ctx);
    case 'try_statement':
      return this.tryStmt(s, st, ctx);
    case 'for_statement': {
      if (this.unrolledFor(s, st, ctx)) return;
      const it = field(s, 'right');
      const iv = it ? this.expr(it, st, ctx) : EMPTY();
      const left = field(s, 'left');
      // An element of split DN/XFCC parts is still raw certificate text; of a list of attributes, an attribute.
      if (left) this.bind(left, elementOf(iv), st);
      const body = field(s, 'body');
      if (body) this.block(body, st, ctx);
      const alt = field(s, 'alternative');
      if (alt) this.block(field(alt, 'body') ?? alt, st, ctx);
      return;
    }
    case 'while_statement': {
      const c = field(s, 'condition');
      if (c) this.expr(c, st, ctx);
      const body = field(s, 'body');
      if (body) this.block(body, st, ctx);
      return;
    }
    case 'with_statement': {
      for (const c of walkTop(s, 'with_item')) {
        const v = field(c, 'value');
        if (v) {
          if (v.type === 'as_pattern') {
            const inner = firstNamed(v);
            const target = field(v, 'alias');
            const iv = inner ? this.expr(inner, st, ctx) : EMPTY();
            if (target) this.bind(firstNamed(target) ?? target, iv, st);
          } else this.expr(v, st, ctx);
        }
      }
      const body = field(s, 'body');
      if (body) this.block(body, st, ctx);
      return;
    }
    case 'raise_statement': {
      const e = firstNamed(s);
      if (e) this.expr(e, st, ctx);
      return;
    }
    case 'assert_statement': {
      for (const e of named(s)) this.cond(e, s, st, ctx, true, false);
      return;
    }
    case 'decorated_definition':
    case 'function_definition':
    case 'class_definition':
      return;
    default:
      for (const c of named(s)) if (c.type === 'block') this.block(c, st, ctx);
  }
}

/**
 * A loop over a small constant table (`for header, name in HEADER_MAP:` over a list of string
 * tuples, `.items()` of a dict of strings, a list of strings): the body is analysed once per row
 * with the loop names bound to that row's strings, so keys built from them (`'SSL_CLIENT_%s' % name`,
 * `request.META[header]`) resolve row by row, each key with its own partner.
 */
export function unrolledFor(this: FlowInterp, s: PyNode, st: FnState, ctx: FlowCtx): boolean {
  const it = field(s, 'right');
  const left = field(s, 'left');
  const body = field(s, 'body');
  if (!it || !left || !body) return false;
  const rows = this.constantRows(it, st);
  if (!rows || !rows.length || rows.length > MAX_UNROLLED_ROWS) return false;
  const t = unparen(left)!;
  const names = t.type === 'identifier' ? [t] : /^(pattern_list|tuple_pattern|list_pattern)$/.test(t.type) ? named(t) : null;
  if (!names || names.some((x) => x.type !== 'identifier')) return false;
  const single = t.type === 'identifier';
  if (!rows.every((r) => (single ? r.length === 1 : r.length === names.length))) return false;
  for (const row of rows) {
    names.forEach((x, i) => st.env.set(st.mod.text(x), { ...EMPTY(), strs: [row[i]] }));
    this.block(body, st, ctx);
  }
  const alt = field(s, 'alternative');
  if (alt) this.block(field(alt, 'body') ?? alt, st, ctx);
  return true;
}

/** The rows of a constant table of strings: each row the strings of one element (one for a plain string). */
export function constantRows(this: FlowInterp, it: PyNode, st: FnState): string[][] | null {
  let n = unparen(it);
  let mod = st.mod;
  let method: string | null = null;
  if (n?.type === 'call') {
    const f = field(n, 'function');
    const args = field(n, 'arguments');
    if (f?.type !== 'attribute' || (args && named(args).length)) return null;
    method = st.mod.text(field(f, 'attribute')!);
    if (!/^(items|keys|values)$/.test(method)) return null;
    n = unparen(field(f, 'object'));
  }
  if (n?.type === 'identifier' || n?.type === 'attribute') {
    if (n.type === 'identifier' && st.env.has(st.mod.text(n))) return null;
    const obj = n.type === 'attribute' ? field(n, 'object') : null;
    if (obj && st.mod.text(obj) === 'self' && st.fn.cls) {
      const a = this.project.classAttr(st.fn.cls, st.mod.text(field(n, 'attribute')!));
      if (!a) return null;
      n = unparen(a.value);
      mod = a.cls.module;
    } else {
      const r = this.project.resolve(st.mod, st.mod.text(n), n);
      if (r?.kind !== 'assign') return null;
      n = unparen(r.value);
      mod = r.mod;
    }
  }
  if (!n) return null;
  const str = (x: PyNode): string | null => {
    const v = stringValue(x, mod.src);
    if (v !== null) return v;
    const u = unparen(x);
    if (u?.type === 'identifier') return this.keys.constantOf(mod, mod.text(u), u)?.key ?? null;
    return null;
  };
  const rowOf = (x: PyNode): string[] | null => {
    const u = unparen(x);
    if (u && (u.type === 'tuple' || u.type === 'list')) {
      const parts = named(u).map(str);
      return parts.every((p): p is string => p !== null) ? parts : null;
    }
    const v = str(x);
    return v === null ? null : [v];
  };
  const rows: string[][] = [];
  if (n.type === 'dictionary') {
    for (const p of named(n)) {
      if (p.type === 'comment') continue;
      if (p.type !== 'pair') return null;
      const k = field(p, 'key');
      const v = field(p, 'value');
      const ks = k ? str(k) : null;
      const vs = v ? str(v) : null;
      if (ks === null || (method !== 'keys' && method !== null && vs === null)) return null;
      rows.push(method === 'items' ? [ks, vs!] : method === 'values' ? [vs!] : [ks]);
    }
    return rows;
  }
  if (method !== null) return null;
  if (n.type !== 'list' && n.type !== 'tuple' && n.type !== 'set') return null;
  for (const e of named(n)) {
    if (e.type === 'comment') continue;
    const r = rowOf(e);
    if (!r) return null;
    rows.push(r);
  }
  return rows;
}

export function assign(this: FlowInterp, a: PyNode, st: FnState, ctx: FlowCtx): void {
  const left = field(a, 'left');
  const right = field(a, 'right');
  if (!left || !right) return;
  const evBefore = ctx.events.length;
  let v = this.expr(right, st, ctx);
  if (a.type === 'augmented_assignment') v = union(this.expr(left, st, ctx), v);
  // request.user = X  → grant; request.META['K'] = header → copy; request.session['k'] = v → session write
  const l = unparen(left)!;
  if (l.type === 'attribute') {
    const obj = field(l, 'object');
    const attr = field(l, 'attribute');
    const ov = obj ? this.expr(obj, st, ctx) : EMPTY();
    const an = attr ? st.mod.text(attr) : '';
    if (ov.kinds.has('request') && (an === 'user' || an === '_cached_user' || an === 'auth_user')) {
      if (!v.kinds.has('none')) this.event(ctx, st, a, { t: 'grant', kind: 'request.user assignment' });
    } else if (ov.kinds.has('request') && tainted(v) && !/^(META|environ|headers|session|COOKIES|GET|POST)$/.test(an)) {
      // The record a certificate was looked up to (`request.meter = meter`) is who the request is taken to be.
      if (v.kinds.has('user') || v.kinds.has('binding')) this.event(ctx, st, a, { t: 'grant', kind: 'identity set on the request' });
      // A DRF authentication class that puts the certificate's identity on the request for the views
      // (`request.device_id = cn`) and returns None has authenticated the request by that value.
      else if (ctx.rootKind === 'drf-auth') this.event(ctx, st, a, { t: 'grant', kind: 'identity set on the request' });
      // A middleware annotating the request (`request.certificate_subject = cn`) for later views.
      const prev = this.requestAttrs.get(an);
      this.requestAttrs.set(an, prev ? union(prev, v) : v);
    }
    if (ov.kinds.has('self')) st.env.set(`self.${an}`, v);
    return;
  }
  if (l.type === 'subscript') {
    const obj = field(l, 'value');
    const ov = obj ? this.expr(obj, st, ctx) : EMPTY();
    const keyNode = field(l, 'subscript');
    const key = keyNode ? this.keys.keyOf(keyNode, st) : null;
    if (ov.kinds.has('meta') && key && v.reads.size) {
      const hdr = [...v.reads].find((r) => r.origin === 'header');
      if (hdr && !key.key.startsWith('HTTP_')) {
        this.event(ctx, st, a, { t: 'meta-copy', key: key.key, val: v });
        if (!this.metaCopies.has(key.key)) {
          this.metaCopies.set(key.key, hdr);
          this.metaCopySites.set(key.key, { file: st.mod.path, line: a.line });
        }
      }
    }
    if (ov.kinds.has('session')) {
      this.event(ctx, st, a, { t: 'session-write', key: key?.key ?? null, val: v });
    }
    return;
  }
  this.bind(l, v, st);
  if (l.type === 'identifier') {
    const found = ctx.events.slice(evBefore).filter((e) => e.t === 'lookup');
    st.lookupVars ??= new Map();
    if (found.length) st.lookupVars.set(st.mod.text(l), found);
    else st.lookupVars.delete(st.mod.text(l));
  }
}

export function bind(this: FlowInterp, target: PyNode, v: AVal, st: FnState): void {
  const t = unparen(target)!;
  if (t.type === 'identifier') st.env.set(st.mod.text(t), v);
  else if (t.type === 'pattern_list' || t.type === 'tuple_pattern' || t.type === 'list_pattern' || t.type === 'tuple' || t.type === 'list') {
    const targets = named(t);
    // `fp, serial = names_of(cert)` where the function returns `(fp, serial)`: element by element.
    if (v.items && v.items.length === targets.length && !targets.some((c) => c.type === 'list_splat_pattern')) targets.forEach((c, i) => this.bind(c, v.items![i], st));
    else for (const c of targets) this.bind(c, v, st);
  } else if (t.type === 'attribute') {
    const obj = field(t, 'object');
    const attr = field(t, 'attribute');
    if (obj && attr && st.mod.text(obj) === 'self') st.env.set(`self.${st.mod.text(attr)}`, v);
  }
}

function walkTop(n: PyNode, type: string): PyNode[] {
  const out: PyNode[] = [];
  walk(n, (c) => {
    if (c !== n && c.type === 'block') return false;
    if (c.type === type) out.push(c);
    return true;
  });
  return out;
}
