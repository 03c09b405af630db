// Decisions: if/elif/else and assert conditions, try/except handlers (fail-open), returns of
// the entry point (grants), exceptions built but not raised.

import type { PyNode } from '../parser.js';
import { dotted, field, firstNamed, named, unparen } from '../ast.js';
import { EMPTY, tainted, union, val, type AVal, type FlowEvent, type VKind } from './values.js';
import { lastName } from './library.js';
import { blockDenies, blockReturns, describeHandler, existenceTest, isPermissionHook, isPresenceTest, isTruthinessTest, isTupleExpr } from './conditions.js';
import type { FlowCtx, FnState } from './state.js';
import type { FlowInterp } from './interp.js';

export function ifStmt(this: FlowInterp, s: PyNode, st: FnState, ctx: FlowCtx): void {
  const c = field(s, 'condition');
  const body = field(s, 'consequence');
  const denies = body ? blockDenies(body, st.mod, ctx.rootKind, st.isRoot, denialOf(this, st)) : false;
  const before = ctx.events.length;
  if (body) this.block(body, st, ctx);
  const grants = ctx.events.slice(before).some((e) => e.t === 'grant' || e.t === 'login');
  if (c) this.cond(c, s, st, ctx, denies, grants);
  // `if m: cn = m.group(1) else: cn = dn` (regex mismatch keeps the raw input)
  if (c) {
    const cv = this.peek(c, st);
    if (cv.kinds.has('regex-match')) {
      for (const alt of s.children.filter((x) => x.type === 'else_clause')) {
        const ab = field(alt, 'body');
        if (ab) this.regexFallbackAssigns(ab, st, ctx);
      }
    }
  }
  for (const alt of s.children) {
    if (alt.type === 'elif_clause') {
      const ec = field(alt, 'condition');
      const eb = field(alt, 'consequence');
      const d = eb ? blockDenies(eb, st.mod, ctx.rootKind, st.isRoot, denialOf(this, st)) : false;
      const b2 = ctx.events.length;
      if (eb) this.block(eb, st, ctx);
      const g = ctx.events.slice(b2).some((e) => e.t === 'grant' || e.t === 'login');
      if (ec) this.cond(ec, alt, st, ctx, d, g);
    } else if (alt.type === 'else_clause') {
      const eb = field(alt, 'body');
      if (eb) this.block(eb, st, ctx);
    }
  }
}

export function regexFallbackAssigns(this: FlowInterp, b: PyNode, st: FnState, ctx: FlowCtx): void {
  for (const s of named(b)) {
    const a = s.type === 'expression_statement' ? firstNamed(s) : null;
    if (a?.type === 'assignment') {
      const r = field(a, 'right');
      const rv = r ? this.peek(r, st) : EMPTY();
      if (rv.kinds.has('raw') && !rv.kinds.has('regex-match')) {
        this.event(ctx, st, a, { t: 'fail-open', how: 'regex-fallback', detail: st.mod.text(a) });
      }
    }
  }
}

/** Records a condition event. */
export function cond(this: FlowInterp, c: PyNode, stmtNode: PyNode, st: FnState, ctx: FlowCtx, denies: boolean, grants: boolean): void {
  const evBefore = ctx.events.length;
  const v = this.expr(c, st, ctx);
  if (denies) this.denyListTest(c, st, ctx, evBefore, stmtNode.type === 'assert_statement');
  const presence = isPresenceTest(
    c,
    st.mod,
    (n) => this.peek(n, st),
    (call) => {
      const f = field(call, 'function');
      const name = f ? dotted(f, st.mod.src) : null;
      return !!(name && this.resolveCall(name, st));
    },
  );
  const truthiness = isTruthinessTest(c, st.mod);
  const text = st.mod.text(c);
  // `if not request.user.is_authenticated: return …` passes anonymous requests on: no short-cut for sessions.
  if (/\brequest\.user\.is_authenticated\b/.test(text) && !/^\s*not\b/.test(text) && ctx.rootKind === 'middleware' && !denies) {
    const body = field(stmtNode, 'consequence');
    if (body && blockReturns(body) && !rechecksSession.call(this, body, st, ctx)) this.event(ctx, st, c, { t: 'authenticated-shortcut' });
  }
  // Flag-style error handling: `valid = False` in an except, later `if not valid: deny`.
  for (const [name] of st.handlerFlags) if (denies && new RegExp(`\\b${name}\\b`).test(text)) st.handlerFlags.delete(name);
  // `if not roles & ALLOWED:` decides on what `roles` is, whichever way round.
  let inner = unparen(c);
  while (inner && inner.type === 'not_operator') inner = unparen(field(inner, 'argument'));
  const tested = inner && inner !== c && inner !== unparen(c) ? union(v, this.peek(inner, st)) : v;
  // The condition compares the session's stored fingerprint with the presented one (here or in a helper it calls).
  const sessionRecheck = ctx.events.slice(evBefore).some((e) => e.t === 'session-compare');
  this.event(ctx, st, c, { t: 'cond', val: tested, presence, truthiness, denies, grants, text, ...(sessionRecheck ? { sessionRecheck } : {}) });
}

/**
 * `if Revoked.objects.filter(serial=…).exists(): raise …` / `row = ….first(); if row is not None: deny`:
 * a row for this certificate refuses it — a deny-list (a revocation check), not an identity lookup.
 */
export function denyListTest(this: FlowInterp, c: PyNode, st: FnState, ctx: FlowCtx, evBefore: number, asserted: boolean): void {
  const t = existenceTest(c, st.mod);
  // `assert not Revoked.objects.filter(…).exists()` refuses when the row exists.
  if (!t || t.exists === asserted) return;
  const direct = ctx.events.slice(evBefore).filter((e) => e.t === 'lookup');
  const named_ = t.operand.type === 'identifier' ? (st.lookupVars?.get(st.mod.text(t.operand)) ?? []) : [];
  const lookups = [...direct, ...named_].filter((e): e is Extract<FlowEvent, { t: 'lookup' }> => e.t === 'lookup' && [...e.kw.values(), ...e.args].some(tainted));
  if (!lookups.length) return;
  for (const e of lookups) e.denyList = true;
  this.event(ctx, st, c, { t: 'check', what: 'revocation', detail: `deny-list table \`${st.mod.text(c)}\`` });
}

export function tryStmt(this: FlowInterp, s: PyNode, st: FnState, ctx: FlowCtx): void {
  const body = field(s, 'body');
  const before = ctx.events.length;
  if (body) this.block(body, st, ctx);
  const inBody = ctx.events.slice(before);
  const hasParse = inBody.some((e) => e.t === 'parse');
  // A verification that can fail (chain, dates, EKU, revocation); a lookup's DoesNotExist falling
  // through is not one — the name stays unbound, or the function ends and returns None.
  const hasVerification = inBody.some((e) => e.t === 'check' && e.what !== 'provenance');
  const hasCheck = hasVerification || inBody.some((e) => e.t === 'lookup' && [...e.kw.values(), ...e.args].some(tainted));
  const afterBody = new Map(st.env);
  for (const h of s.children) {
    if (h.type === 'else_clause' || h.type === 'finally_clause') {
      const b = field(h, 'body') ?? h.children.find((x) => x.type === 'block');
      if (b) this.block(b, st, ctx);
      continue;
    }
    if (h.type !== 'except_clause' && h.type !== 'except_group_clause') continue;
    const hb = h.children.find((x) => x.type === 'block');
    if (!hb) continue;
    // Bind `except X as e`.
    const asName = h.children.find((x) => x.type === 'as_pattern');
    let excName: string | null = null;
    if (asName) {
      const alias = field(asName, 'alias');
      if (alias) {
        excName = st.mod.text(firstNamed(alias) ?? alias);
        st.env.set(excName, val('exception'));
      }
    } else {
      const ids = h.children.filter((x) => x.type === 'identifier');
      if (ids.length >= 2) {
        excName = st.mod.text(ids[ids.length - 1]);
        st.env.set(excName, val('exception'));
      }
    }
    const handlerStart = ctx.events.length;
    this.block(hb, st, ctx);
    this.joinAfterHandler(hb, afterBody, st);
    if (!(hasParse || hasCheck)) continue;
    const cls = this.classifyHandler(hb, st, ctx, excName);
    const handlerEvents = ctx.events.slice(handlerStart);
    const handlerGrants = handlerEvents.some((e) => e.t === 'grant' || e.t === 'login');
    if (cls.kind === 'deny') continue;
    // "Not found → create it" (`except User.DoesNotExist: user = User.objects.create_user(…)`) catches
    // no parsing or validation error: it is account creation (cert-user-autocreate's business), not a check failing open.
    if (createsOnNotFound(h, hb, st.mod)) continue;
    if (cls.kind === 'returns-success' || handlerGrants) {
      this.event(ctx, st, h, { t: 'fail-open', how: 'returns-success', detail: cls.detail });
    } else if (cls.kind === 'returns-error-object') {
      this.event(ctx, st, cls.node ?? h, { t: 'fail-open', how: 'returns-error-object', detail: cls.detail });
    } else if (cls.kind === 'fallback') {
      this.event(ctx, st, h, { t: 'fail-open', how: 'fallback', detail: cls.detail });
    } else if (cls.kind === 'falls-through' && hasVerification) {
      if (cls.flags.length) for (const f of cls.flags) st.handlerFlags.set(f, h);
      else this.event(ctx, st, h, { t: 'fail-open', how: 'swallowed', detail: cls.detail });
    }
  }
}

const NOT_FOUND_RE = /(^|\.)(DoesNotExist|ObjectDoesNotExist|NoResultFound|KeyError|LookupError)$/;
const CREATE_RE = /\.(create|create_user|create_superuser|get_or_create|update_or_create|bulk_create)\s*\(|\.save\s*\(/;

/** An `except` that catches only not-found exceptions and whose handler creates the missing record. */
function createsOnNotFound(h: PyNode, hb: PyNode, mod: FnState['mod']): boolean {
  const head = mod.src
    .slice(h.start, hb.start)
    .replace(/^\s*except\*?/, '')
    .replace(/:\s*$/, '')
    .replace(/\bas\s+\w+\s*$/, '')
    .trim();
  const names = head
    .replace(/^\(|\)$/g, '')
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);
  if (!names.length || !names.every((n) => NOT_FOUND_RE.test(n))) return false;
  return CREATE_RE.test(mod.text(hb));
}

/**
 * A handler that falls through joins the try body's path: a name both paths assign holds either
 * value afterwards (`ok = True` in the body, `ok = False` in the handler).
 */
export function joinAfterHandler(this: FlowInterp, hb: PyNode, afterBody: Map<string, AVal>, st: FnState): void {
  const last = named(hb).pop();
  if (last && (last.type === 'return_statement' || last.type === 'raise_statement')) return;
  for (const [k, v] of afterBody) {
    const now = st.env.get(k);
    if (now && now !== v) st.env.set(k, union(v, now));
  }
}

export function classifyHandler(
  this: FlowInterp,
  hb: PyNode,
  st: FnState,
  ctx: FlowCtx,
  excName: string | null,
): { kind: 'deny' | 'returns-success' | 'returns-error-object' | 'fallback' | 'falls-through' | 'other'; detail: string; node?: PyNode; flags: string[] } {
  const stmts = named(hb);
  const flags: string[] = [];
  for (const s of stmts) {
    if (s.type === 'raise_statement') return { kind: 'deny', detail: 'raises', flags };
    if (s.type === 'return_statement') {
      const e = firstNamed(s);
      if (!e) return { kind: 'deny', detail: 'returns None', flags };
      const v = this.peek(e, st);
      if (excName && unparen(e)?.type === 'identifier' && st.mod.text(unparen(e)!) === excName) return { kind: 'returns-error-object', detail: `returns the exception object \`${excName}\``, node: s, flags };
      const errFn = unparen(e)?.type === 'call' ? field(unparen(e), 'function') : null;
      const errName = errFn ? dotted(errFn, st.mod.src) : null;
      if (errFn && errName && this.isExceptionCall(errFn, errName, lastName(errName), st)) return { kind: 'returns-error-object', detail: 'returns an exception object instead of raising it', node: s, flags };
      if ((v.kinds.has('response-deny') && !v.kinds.has('response-ok')) || v.kinds.has('none') || v.kinds.has('false')) return { kind: 'deny', detail: 'denies', flags };
      if (v.kinds.has('response-ok') || v.kinds.has('true') || v.kinds.has('user') || v.kinds.has('raw') || isTupleExpr(e)) return { kind: 'returns-success', detail: `returns \`${st.mod.text(e)}\``, flags };
      return { kind: 'other', detail: 'returns', flags };
    }
    if (s.type === 'continue_statement' || s.type === 'break_statement') return { kind: 'other', detail: 'loop control', flags };
    if (s.type === 'expression_statement') {
      const a = firstNamed(s);
      if (a?.type === 'assignment') {
        const left = field(a, 'left');
        const right = field(a, 'right');
        const rv = right ? this.peek(right, st) : EMPTY();
        if (left && right && tainted(rv) && !rv.kinds.has('none')) return { kind: 'fallback', detail: `falls back to \`${st.mod.text(a)}\``, flags };
        if (left?.type === 'identifier') flags.push(st.mod.text(left));
      }
    }
  }
  return { kind: 'falls-through', detail: stmts.length ? `\`except\` handler only ${describeHandler(stmts, st.mod)}` : 'empty handler', flags };
}

/** `PermissionDenied("x")` as a statement: an exception built but not raised. */
export function unraised(this: FlowInterp, e: PyNode, st: FnState, ctx: FlowCtx): void {
  const n = unparen(e);
  if (n?.type !== 'call') return;
  const fname = dotted(field(n, 'function'), st.mod.src);
  if (!fname) return;
  const last = lastName(fname);
  if (/^[A-Z]/.test(last) && this.isExceptionCall(field(n, 'function')!, fname, last, st)) {
    this.event(ctx, st, n, { t: 'fail-open', how: 'unraised', detail: `\`${st.mod.text(n)}\` builds an exception but never raises it` });
  }
}

export function rootReturn(this: FlowInterp, s: PyNode, e: PyNode | null, v: AVal, st: FnState, ctx: FlowCtx): void {
  const k = ctx.rootKind;
  if (v.kinds.has('response-deny') && !v.kinds.has('response-ok')) return;
  if (k === 'view' || k === 'function') {
    if (v.kinds.has('response-ok')) this.event(ctx, st, s, { t: 'grant', kind: 'success response' });
    // An entry function that hands back the identity found for the request (`def account_for(request)`).
    else if (!v.kinds.has('response-deny') && (((v.kinds.has('user') || v.kinds.has('binding')) && tainted(v)) || (e && this.returnsBoundRelation(e, st)))) {
      this.event(ctx, st, s, { t: 'grant', kind: 'returned identity' });
    }
    // A DRF permission's `has_permission` admits the request by returning a true value.
    // (`return True`, `return ok` where ok may be True, `return verify(cert)`, a test on certificate data.)
    else if (isPermissionHook(ctx.root) && (tainted(v) || ['true', 'verified', 'opaque', 'user', 'binding'].some((x) => v.kinds.has(x as VKind)))) {
      this.event(ctx, st, s, { t: 'grant', kind: 'permission granted' });
    }
  } else if (k === 'middleware') {
    if (v.kinds.has('response-ok') || !e || v.kinds.has('none')) this.event(ctx, st, s, { t: 'grant', kind: 'request passed on' });
  } else if (k === 'backend') {
    if (v.kinds.has('user') || v.kinds.has('binding')) this.event(ctx, st, s, { t: 'grant', kind: 'returned user' });
    else if (e && this.returnsBoundRelation(e, st)) this.event(ctx, st, s, { t: 'grant', kind: 'returned account of the bound row' });
  } else if (k === 'drf-auth') {
    if (e && isTupleExpr(e)) this.event(ctx, st, s, { t: 'grant', kind: 'returned (user, auth) tuple' });
  }
}

/** `row.reporter` (or `row.owner if row else None`): a related record of a certificate-keyed row, not one of its flags. */
export function returnsBoundRelation(this: FlowInterp, e: PyNode, st: FnState): boolean {
  const u = unparen(e);
  if (!u) return false;
  if (u.type === 'conditional_expression') {
    const parts = named(u);
    return parts.length === 3 && (this.returnsBoundRelation(parts[0], st) || this.returnsBoundRelation(parts[2], st));
  }
  if (u.type !== 'attribute') return false;
  const obj = field(u, 'object');
  const attr = field(u, 'attribute');
  if (!obj || !attr) return false;
  if (/^(revoked|is_revoked|revoked_at|active|is_active|enabled|disabled|pk|id|created|created_at|updated_at|enrolled_at|fingerprint|serial|sha1|sha256)$/.test(st.mod.text(attr))) return false;
  return this.peek(obj, st).kinds.has('binding');
}

/** Inside `body` (already analysed), the session's stored fingerprint is compared with the presented one and a mismatch denies. */
function rechecksSession(this: FlowInterp, body: PyNode, st: FnState, ctx: FlowCtx): boolean {
  const within = (outer: PyNode, inner: PyNode) => outer.start <= inner.start && outer.end >= inner.end;
  const stmts = named(body);
  return ctx.events.some((c) => {
    if (c.t !== 'cond' || !c.sessionRecheck || c.module !== st.mod || !within(body, c.node)) return false;
    // `if stored != presented: deny`
    if (c.denies) return true;
    // `if match: return get_response(request)` and a denial right after it
    const i = stmts.findIndex((x) => x.type === 'if_statement' && within(x, c.node));
    return i >= 0 && c.grants && blockDenies({ ...body, children: stmts.slice(i + 1) }, st.mod, ctx.rootKind, st.isRoot, denialOf(this, st));
  });
}

/** Whether a call in this function builds a denial response, by the Django tables and the semantic model. */
function denialOf(an: FlowInterp, st: FnState): (call: PyNode, f: string, last: string) => boolean {
  return (call, f, last) => {
    const fnNode = field(call, 'function');
    return !!fnNode && an.responseOf(fnNode, f, last, st) === 'deny';
  };
}
