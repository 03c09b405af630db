// Expressions: names, attributes, subscripts, comparisons, literals and comprehensions, and the
// reads of certificate sources (`request.META[...]`, `request.headers[...]`).

import type { PyNode } from '../parser.js';
import { dotted, field, firstNamed, named, stringValue, unparen, walk } from '../ast.js';
import { classifyKey, collectionOf, derive, elementOf, EMPTY, formattedKinds, headerToWsgi, isCertKey, isDnLike, isXfcc, keepStr, rawKinds, tainted, union, val, withStrs, type AVal, type SourceRead, type VKind } from './values.js';
import { isConstant } from './conditions.js';
import type { FlowCtx, FnState } from './state.js';
import type { FlowInterp } from './interp.js';

/** Evaluates without recording events (for classification of already-visited nodes). */
export function peek(this: FlowInterp, n: PyNode, st: FnState): AVal {
  const scratch: FlowCtx = { root: st.fn, rootKind: 'function', events: [], functions: new Set(), reads: new Set(), parses: [], stack: [st.fn], memo: this.currentMemo };
  return this.expr(n, st, scratch, true);
}

export function expr(this: FlowInterp, n: PyNode, st: FnState, ctx: FlowCtx, peeking = false): AVal {
  const src = st.mod.src;
  switch (n.type) {
    case 'identifier': {
      const name = src.slice(n.start, n.end);
      const v = st.env.get(name);
      if (v) return v;
      if (name === 'request') return val('request');
      if (name === 'settings') return val('settings');
      if (name === 'True') return val('true');
      if (name === 'False') return val('false');
      if (name === 'None') return val('none');
      return EMPTY();
    }
    case 'true':
      return val('true');
    case 'false':
      return val('false');
    case 'none':
      return val('none');
    case 'parenthesized_expression': {
      const inner = firstNamed(n);
      return inner ? this.expr(inner, st, ctx, peeking) : EMPTY();
    }
    case 'attribute':
      return this.attribute(n, st, ctx, peeking);
    case 'subscript':
      return this.subscript(n, st, ctx, peeking);
    case 'call':
      return this.call(n, st, ctx, peeking);
    case 'await': {
      const inner = firstNamed(n);
      return inner ? this.expr(inner, st, ctx, peeking) : EMPTY();
    }
    case 'boolean_operator': {
      const l = field(n, 'left');
      const r = field(n, 'right');
      return union(l ? this.expr(l, st, ctx, peeking) : undefined, r ? this.expr(r, st, ctx, peeking) : undefined);
    }
    case 'not_operator': {
      const a = field(n, 'argument');
      const v = a ? this.expr(a, st, ctx, peeking) : EMPTY();
      // `if not proxied:` still tests the result of a verification.
      return derive(v, ...[...v.kinds].filter((k): k is VKind => k === 'verified' || k === 'opaque'));
    }
    case 'comparison_operator':
      return this.comparison(n, st, ctx, peeking);
    case 'conditional_expression': {
      const parts = named(n);
      const vs = parts.map((p) => this.expr(p, st, ctx, peeking));
      // `m.group(1) if m else dn`: regex mismatch keeps the raw input.
      if (parts.length === 3 && vs[1].kinds.has('regex-match') && !peeking) {
        const alt = vs[2];
        if (alt.kinds.has('raw') && !alt.kinds.has('regex-match')) this.event(ctx, st, n, { t: 'fail-open', how: 'regex-fallback', detail: st.mod.text(n) });
      }
      return union(vs[0], vs[2]);
    }
    case 'binary_operator': {
      // Long `a + b + c + …` chains nest to the left: walk the spine iteratively.
      const operands: PyNode[] = [];
      let cur: PyNode | null = n;
      while (cur && cur.type === 'binary_operator') {
        const r = field(cur, 'right');
        if (r) operands.push(r);
        cur = field(cur, 'left');
      }
      if (cur) operands.push(cur);
      const u = union(...operands.map((o) => this.expr(o, st, ctx, peeking)));
      // Concatenation and `%` formatting keep what the operands are (`"%x" % serial` is the serial).
      const keep = [...u.kinds].filter((k): k is VKind => k === 'raw' || k === 'dn-string' || k === 'subject-attr' || k === 'issuer-attr' || k === 'fingerprint' || k === 'serial' || (k === 'issuer' && u.kinds.has('dn-string')));
      return withStrs({ ...u, kinds: new Set(keep), strs: undefined }, this.keys.constStrs(n, st));
    }
    case 'string': {
      for (const c of n.children) if (c.type === 'interpolation') for (const e of named(c)) this.expr(e, st, ctx, peeking);
      const interp = n.children.filter((c) => c.type === 'interpolation');
      if (interp.length) {
        const vs = interp.map((c) => named(c).map((e) => this.peek(e, st)));
        const u = union(...vs.flat());
        return withStrs(derive(u, ...formattedKinds(u)), this.keys.constStrs(n, st));
      }
      return withStrs(EMPTY(), this.keys.constStrs(n, st));
    }
    case 'concatenated_string':
      return withStrs(EMPTY(), this.keys.constStrs(n, st));
    case 'list':
    case 'tuple':
    case 'set':
    case 'expression_list':
      return this.sequence(n, st, ctx, peeking);
    case 'dictionary':
      return this.dictionary(n, st, ctx, peeking);
    case 'pair': {
      const vs = named(n).map((c) => this.expr(c, st, ctx, peeking));
      return derive(union(...vs));
    }
    case 'list_comprehension':
    case 'generator_expression':
    case 'set_comprehension':
    case 'dictionary_comprehension':
      return this.comprehension(n, st, ctx, peeking);
    case 'keyword_argument': {
      const v = field(n, 'value');
      return v ? this.expr(v, st, ctx, peeking) : EMPTY();
    }
    case 'lambda':
      return EMPTY();
    case 'named_expression':
      return this.namedExpr(n, st, ctx, peeking);
    default: {
      const vs = named(n).map((c) => this.expr(c, st, ctx, peeking));
      return derive(union(...vs));
    }
  }
}

/** `(a, b)`, `[a, b]`, `{a, b}`: holds what its elements are; a tuple/list also keeps them by position for unpacking. */
export function sequence(this: FlowInterp, n: PyNode, st: FnState, ctx: FlowCtx, peeking: boolean): AVal {
  const elems = named(n);
  const vs = elems.map((c) => this.expr(c, st, ctx, peeking));
  const out = collectionOf(union(...vs));
  if (n.type !== 'set' && !elems.some((c) => c.type === 'list_splat' || c.type === 'parenthesized_list_splat')) out.items = vs;
  return out;
}

/** `{"fp": fp, **rest}`: holds what its values are; constant keys are fields (`d["fp"]`, `d.get("fp")`). */
export function dictionary(this: FlowInterp, n: PyNode, st: FnState, ctx: FlowCtx, peeking: boolean): AVal {
  const fields = new Map<string, AVal>();
  const vs: AVal[] = [];
  let exact = true;
  for (const c of named(n)) {
    if (c.type !== 'pair') {
      vs.push(this.expr(c, st, ctx, peeking));
      exact = false;
      continue;
    }
    const k = field(c, 'key');
    const v = field(c, 'value');
    if (k) this.expr(k, st, ctx, peeking);
    const vv = v ? this.expr(v, st, ctx, peeking) : EMPTY();
    vs.push(vv);
    const ks = k ? stringValue(k, st.mod.src) : null;
    if (ks !== null) fields.set(ks, vv);
    else exact = false;
  }
  const out = collectionOf(union(...vs));
  if (exact && fields.size) out.fields = fields;
  return out;
}

/**
 * `[body for x in it if cond]` (and generator/set/dict forms): the loop variables are bound, in
 * the comprehension's own scope, to elements of what they iterate; the result holds what the
 * body is.
 */
export function comprehension(this: FlowInterp, n: PyNode, st: FnState, ctx: FlowCtx, peeking: boolean): AVal {
  const saved = new Map<string, AVal | undefined>();
  const clauses = named(n).filter((c) => c.type === 'for_in_clause' || c.type === 'if_clause');
  const body = field(n, 'body') ?? named(n).find((c) => c.type !== 'for_in_clause' && c.type !== 'if_clause' && c.type !== 'comment') ?? null;
  try {
    for (const c of clauses) {
      if (c.type === 'if_clause') {
        for (const e of named(c)) this.expr(e, st, ctx, peeking);
        continue;
      }
      const right = field(c, 'right');
      const left = field(c, 'left');
      const iv = right ? this.expr(right, st, ctx, peeking) : EMPTY();
      if (!left) continue;
      walk(left, (x) => {
        if (x.type === 'identifier') {
          const name = st.mod.text(x);
          if (!saved.has(name)) saved.set(name, st.env.get(name));
        }
        return true;
      });
      this.bind(left, elementOf(iv), st);
    }
    if (!body) return EMPTY();
    const bv = body.type === 'pair' ? union(...named(body).map((c) => this.expr(c, st, ctx, peeking))) : this.expr(body, st, ctx, peeking);
    return collectionOf(bv);
  } finally {
    for (const [name, v] of saved) {
      if (v) st.env.set(name, v);
      else st.env.delete(name);
    }
  }
}

/** `(name := value)`: binds the name and is the value itself (kinds and taint kept). */
export function namedExpr(this: FlowInterp, n: PyNode, st: FnState, ctx: FlowCtx, peeking: boolean): AVal {
  const value = field(n, 'value');
  const name = field(n, 'name');
  const v = value ? this.expr(value, st, ctx, peeking) : EMPTY();
  if (name) this.bind(name, v, st);
  return v;
}

export function attribute(this: FlowInterp, n: PyNode, st: FnState, ctx: FlowCtx, peeking: boolean): AVal {
  const obj = field(n, 'object');
  const attrN = field(n, 'attribute');
  if (!obj || !attrN) return EMPTY();
  const attr = st.mod.text(attrN);
  if (st.mod.text(obj) === 'self') {
    const v = st.env.get(`self.${attr}`);
    if (v) return v;
    // Class-based views keep the request on self.
    if (attr === 'request' && st.fn.cls) return val('request');
  }
  const ov = this.expr(obj, st, ctx, peeking);
  // A field of an object built from certificate values (`presented.sha256`).
  const fieldVal = ov.fields?.get(attr);
  if (fieldVal) return fieldVal;
  if (ov.kinds.has('request')) {
    if (attr === 'META' || attr === 'environ') return val('meta');
    if (attr === 'headers') return val('headers');
    if (attr === 'session') return val('session');
    if (attr === 'user') return val('user');
    const carried = this.requestAttrs.get(attr);
    if (carried) {
      if (!peeking) for (const r of carried.reads) ctx.reads.add(r);
      return carried;
    }
    return EMPTY();
  }
  // Attributes of certificate values (src/python/library/): subject, issuer, serial, validity, extensions.
  const known = this.libraryAttribute(ov, attr, n, st, ctx, peeking);
  if (known) return known;
  if (ov.kinds.has('binding') || ov.kinds.has('user')) {
    if (/^(revoked|is_revoked|revoked_at|active|is_active|enabled|disabled)$/.test(attr) && ov.kinds.has('binding') && !peeking) {
      this.event(ctx, st, n, { t: 'check', what: 'revocation', detail: `binding flag \`${st.mod.text(n)}\`` });
    }
    if (attr === 'user') return derive(ov, 'user');
    // The username of the user RemoteUserBackend made from the header is the header value.
    if ((attr === 'username' || attr === 'get_username') && [...ov.reads].some((r) => r.via === 'remote-user')) return derive(ov, 'raw');
    return derive(ov);
  }
  if (ov.kinds.has('settings')) return val('settings');
  if (ov.kinds.has('raw') || ov.kinds.has('dn-string') || ov.kinds.has('parts')) return derive(ov, ...[...ov.kinds].filter((k) => k === 'raw' || k === 'dn-string'));
  const full = dotted(n, st.mod.src) ?? '';
  if (/(^|\.)(ExtendedKeyUsageOID\.CLIENT_AUTH|CLIENT_AUTH)$/.test(full) && !peeking) this.event(ctx, st, n, { t: 'check', what: 'eku', detail: full });
  if (/X509StoreFlags\.CRL_CHECK/.test(full) && !peeking) this.event(ctx, st, n, { t: 'check', what: 'revocation', detail: full });
  return derive(ov);
}

export function subscript(this: FlowInterp, n: PyNode, st: FnState, ctx: FlowCtx, peeking: boolean): AVal {
  const obj = field(n, 'value');
  const sub = field(n, 'subscript');
  if (!obj) return EMPTY();
  const ov = this.expr(obj, st, ctx, peeking);
  if ((ov.kinds.has('meta') || ov.kinds.has('headers')) && sub) {
    const r = this.sourceRead(n, sub, ov.kinds.has('headers'), st, ctx, peeking);
    if (r) return r;
    return EMPTY();
  }
  if (ov.kinds.has('session') && sub) {
    const k = this.keys.keyOf(sub, st);
    return { ...val('session-val'), sessionKey: k?.key ?? null };
  }
  if (ov.fields && sub) {
    const k = stringValue(sub, st.mod.src);
    if (k !== null) return ov.fields.get(k) ?? EMPTY();
  }
  if ((ov.items && sub && unparen(sub)?.type === 'integer') || (ov.items && sub && unparen(sub)?.type === 'unary_operator')) {
    const i = Number(st.mod.text(unparen(sub)!).replace(/\s+/g, ''));
    const item = Number.isInteger(i) ? ov.items[i < 0 ? ov.items.length + i : i] : undefined;
    if (item) return item;
  }
  if (sub) this.expr(sub, st, ctx, peeking);
  if (ov.kinds.has('parts') && sub && stringValue(sub, st.mod.src) !== null && isDnLike(ov) && !ov.kinds.has('issuer')) return derive(ov, ...keepStr(ov), 'subject-attr');
  if (ov.kinds.has('parts')) return derive(ov, ...[...ov.kinds].filter((k) => k === 'raw' || k === 'dn-string' || k === 'subject-attr' || k === 'parts'));
  if (ov.kinds.has('subject-attr') || ov.kinds.has('issuer-attr')) return derive(ov, ...[...ov.kinds].filter((k) => k === 'subject-attr' || k === 'issuer-attr'));
  if (ov.kinds.has('regex-match')) return derive(ov, 'raw', 'regex-match');
  if (ov.kinds.has('raw')) return derive(ov, 'raw');
  return derive(ov);
}

export function comparison(this: FlowInterp, n: PyNode, st: FnState, ctx: FlowCtx, peeking: boolean): AVal {
  const member = this.membershipRead(n, st, ctx, peeking);
  if (member) return member;
  const operands = named(n);
  const ops = n.children.filter((c) => !c.named).map((c) => st.mod.text(c));
  const vs = operands.map((o) => this.expr(o, st, ctx, peeking));
  const opText = ops.join(' ');
  const consts = operands.map((o) => isConstant(o));
  const withConst = consts.some(Boolean);
  const substring = (opText === 'in' || opText === 'not in') && consts[0] && stringValue(operands[0], st.mod.src) !== null;
  if (!peeking && vs.some((v) => tainted(v) || v.kinds.has('session-val') || v.kinds.has('not-after') || v.kinds.has('remote-addr'))) {
    const constVals = operands.filter((o) => isConstant(o)).map((o) => ({ s: stringValue(o, st.mod.src), type: unparen(o)?.type }));
    const trivialConst = constVals.some((c) => c.s === '' || c.type === 'none' || c.type === 'integer' || c.type === 'true' || c.type === 'false');
    const verifyOnly = vs.filter(tainted).every((v) => {
      const rk = rawKinds(v);
      return rk.size > 0 && [...rk].every((k) => k === 'verify');
    });
    const presenceLike = /^(is|is not)$/.test(opText) || (withConst && trivialConst) || (withConst && verifyOnly);
    this.event(ctx, st, n, { t: 'compare', vals: vs, op: opText, withConst, substring, presenceLike });
    // validity: notAfter compared with now
    const hasAfter = vs.some((v) => v.kinds.has('not-after'));
    const nowV = vs.find((v) => (v.kinds.has('now') || v.kinds.has('now-naive')) && !v.kinds.has('not-after') && !v.kinds.has('not-before'));
    if (hasAfter && (nowV || vs.filter((v) => v.kinds.has('not-after')).length === 1)) {
      const afterV = vs.find((v) => v.kinds.has('not-after'))!;
      const afterAware = afterV.kinds.has('now'); // _utc variants were tagged aware
      const naive = !!nowV && nowV.kinds.has('now-naive') && !afterAware && !nowV.kinds.has('now');
      if (nowV) this.event(ctx, st, n, { t: 'validity-compare', naive });
    }
    // substring test on a DN / XFCC value
    if (substring && vs[1] && (isDnLike(vs[1]) || isXfcc(vs[1]))) {
      this.event(ctx, st, n, { t: 'dnop', op: `'…' ${opText} DN`, val: vs[1], target: isXfcc(vs[1]) ? 'xfcc' : 'dn' });
    }
    // session key compared with a fingerprint
    const sess = vs.find((v) => v.kinds.has('session-val'));
    const fp = vs.find((v) => v.kinds.has('fingerprint') || rawKinds(v).has('fingerprint'));
    if (sess && fp && sess !== fp) this.event(ctx, st, n, { t: 'session-compare', key: sess.sessionKey ?? null, other: fp });
    // trusted-proxy source address allow-list
    if (vs.some((v) => v.kinds.has('remote-addr')) && /in|==/.test(opText)) this.event(ctx, st, n, { t: 'check', what: 'provenance', detail: `source address check \`${st.mod.text(n)}\`` });
  }
  return derive(union(...vs));
}

/**
 * `'HTTP_X_ARR_CLIENTCERT' in request.META` / `'X-Client-Cert' not in request.headers`: a test
 * of whether the request carries the value, so a read of it (at the test) whose presence decides.
 */
export function membershipRead(this: FlowInterp, n: PyNode, st: FnState, ctx: FlowCtx, peeking: boolean): AVal | null {
  const operands = named(n);
  if (operands.length !== 2) return null;
  const op = n.children
    .filter((c) => !c.named)
    .map((c) => st.mod.text(c))
    .join(' ');
  if (op !== 'in' && op !== 'not in') return null;
  const container = this.expr(operands[1], st, ctx, true);
  if (!container.kinds.has('meta') && !container.kinds.has('headers')) return null;
  const r = this.sourceRead(n, operands[0], container.kinds.has('headers'), st, ctx, peeking);
  if (!r || !tainted(r)) return null;
  for (const x of r.reads) if (x.node === n) x.membership = true;
  return r;
}

/** A read of `request.META[...]` / `request.headers[...]` / `.get(...)`. */
export function sourceRead(this: FlowInterp, n: PyNode, keyNode: PyNode, headers: boolean, st: FnState, ctx: FlowCtx, peeking: boolean): AVal | null {
  const key = this.keys.keyOf(keyNode, st);
  if (!key) return null;
  // request.headers['X-Foo'] → HTTP_X_FOO; a META key is taken as written (an `http_` prefix upper-cased).
  const wsgi = headers ? headerToWsgi(key.key) : /^http_/i.test(key.key) ? key.key.toUpperCase() : key.key;
  if (wsgi === 'REMOTE_ADDR') return val('remote-addr');
  if (!isCertKey(wsgi)) return EMPTY();
  let r = this.readCache.get(n);
  if (r && r.key !== wsgi) r = this.readCacheByKey.get(wsgi)?.get(n);
  if (!r) {
    const copied = !wsgi.startsWith('HTTP_') ? this.metaCopies.get(wsgi) : undefined;
    r = {
      id: this.nextId++,
      file: st.mod.path,
      line: n.line,
      column: n.col,
      endLine: n.endLine,
      endColumn: n.endCol,
      key: wsgi,
      kind: classifyKey(wsgi),
      origin: wsgi.startsWith('HTTP_') ? 'header' : copied ? 'copied' : 'environ',
      fn: `${st.mod.name}.${st.fn.qualname}`,
      text: st.mod.text(n),
      node: n,
      module: st.mod,
    };
    if (key.site) r.keySite = key.site;
    if (copied) r.copiedFrom = copied;
    const copySite = copied ? this.metaCopySites.get(wsgi) : undefined;
    if (copySite) r.copySite = copySite;
    if (!peeking) {
      if (!this.readCache.has(n)) this.readCache.set(n, r);
      else {
        const m = this.readCacheByKey.get(wsgi) ?? new Map<PyNode, SourceRead>();
        m.set(n, r);
        this.readCacheByKey.set(wsgi, m);
      }
    }
  }
  if (!peeking) ctx.reads.add(r);
  const v = val('raw');
  v.reads.add(r);
  return v;
}
