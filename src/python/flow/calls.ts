// Calls: request sources read with `.get`, certificate parsing and methods, string and regex
// operations, verification, ORM lookups, login/authenticate, responses, builtins, project calls.

import type { PyNode } from '../parser.js';
import { dotted, field, firstNamed, named, stringValue, unparen } from '../ast.js';
import { derive, EMPTY, formattedKinds, isDnLike, isXfcc, keepStr, rawKinds, tainted, union, val, type AVal, type FlowEvent, type VKind } from './values.js';
import { builtinResult, statusBranches } from './library.js';
import { ormEntry } from './django-calls.js';
import { CERTIFICATE_VALUES, LIBRARY_CALLS, MATCH_OBJECTS } from '../library/index.js';
import type { CallSite, FlowCtx, FnState } from './state.js';
import type { FlowInterp } from './interp.js';

export function args(this: FlowInterp, call: PyNode, st: FnState, ctx: FlowCtx, peeking: boolean): { pos: AVal[]; posNodes: PyNode[]; kw: Map<string, AVal>; kwNodes: Map<string, PyNode>; all: AVal } {
  const argsN = field(call, 'arguments');
  const pos: AVal[] = [];
  const posNodes: PyNode[] = [];
  const kw = new Map<string, AVal>();
  const kwNodes = new Map<string, PyNode>();
  if (argsN?.type === 'generator_expression') {
    // `dict(k for k in …)`: the generator is the only argument.
    pos.push(this.expr(argsN, st, ctx, peeking));
    posNodes.push(argsN);
  } else if (argsN) {
    for (const a of named(argsN)) {
      if (a.type === 'keyword_argument') {
        const name = field(a, 'name');
        const value = field(a, 'value');
        if (name && value) {
          kw.set(st.mod.text(name), this.expr(value, st, ctx, peeking));
          kwNodes.set(st.mod.text(name), value);
        }
      } else if (a.type === 'dictionary_splat' || a.type === 'list_splat') {
        const inner = firstNamed(a);
        const v = inner ? this.expr(inner, st, ctx, peeking) : EMPTY();
        kw.set('**', v);
      } else if (a.type !== 'comment') {
        pos.push(this.expr(a, st, ctx, peeking));
        posNodes.push(a);
      }
    }
  }
  return { pos, posNodes, kw, kwNodes, all: union(...pos, ...kw.values()) };
}

export function call(this: FlowInterp, n: PyNode, st: FnState, ctx: FlowCtx, peeking: boolean): AVal {
  const fnNode = field(n, 'function');
  if (!fnNode) return EMPTY();
  const mod = st.mod;
  const fname = dotted(fnNode, mod.src) ?? '';
  const last = fnNode.type === 'attribute' ? mod.text(field(fnNode, 'attribute')!) : fname;
  const recv = fnNode.type === 'attribute' ? field(fnNode, 'object') : null;
  const rv = recv ? this.expr(recv, st, ctx, peeking) : EMPTY();
  const a = this.args(n, st, ctx, peeking);
  const ev = (e: Record<string, unknown> & { t: FlowEvent['t'] }) => {
    if (!peeking) this.event(ctx, st, n, e);
  };

  // request.META.get('K') / request.headers.get('K')
  if ((rv.kinds.has('meta') || rv.kinds.has('headers')) && (last === 'get' || last === 'pop' || last === 'setdefault') && a.posNodes[0]) {
    const r = this.sourceRead(n, a.posNodes[0], rv.kinds.has('headers'), st, ctx, peeking);
    if (r) return last === 'get' && a.pos[1] && tainted(a.pos[1]) ? union(r, a.pos[1]) : r;
    return EMPTY();
  }
  if (rv.fields && (last === 'get' || last === 'pop') && a.posNodes[0]) {
    const k = stringValue(a.posNodes[0], mod.src);
    if (k !== null) return union(rv.fields.get(k) ?? EMPTY(), a.pos[1]);
  }
  if (rv.kinds.has('session') && (last === 'get' || last === 'pop')) {
    const k = a.posNodes[0] ? this.keys.keyOf(a.posNodes[0], st) : null;
    return { ...val('session-val'), sessionKey: k?.key ?? null };
  }
  if (rv.kinds.has('session') && (last === 'cycle_key' || last === 'flush')) return EMPTY();
  // Writes through the mapping's methods: `session.setdefault(k, v)`, `session.__setitem__(k, v)`,
  // `session.update({k: v})` / `session.update(k=v)` store what `session[k] = v` stores.
  if (rv.kinds.has('session') && (last === 'setdefault' || last === '__setitem__') && a.posNodes[0] && a.pos[1]) {
    const k = this.keys.keyOf(a.posNodes[0], st);
    ev({ t: 'session-write', key: k?.key ?? null, val: a.pos[1] });
    return last === 'setdefault' ? union(a.pos[1], { ...val('session-val'), sessionKey: k?.key ?? null }) : EMPTY();
  }
  if (rv.kinds.has('session') && last === 'update') {
    const m = a.pos[0];
    if (m?.fields) for (const [k, v] of m.fields) ev({ t: 'session-write', key: k, val: v });
    else if (m && tainted(m)) ev({ t: 'session-write', key: null, val: m });
    for (const [k, v] of a.kw) ev({ t: 'session-write', key: k, val: v });
    return EMPTY();
  }
  if (fname === 'getattr' && a.posNodes[0] && a.posNodes[1]) {
    const base = this.expr(a.posNodes[0], st, ctx, true);
    const an = stringValue(a.posNodes[1], mod.src);
    if (base.kinds.has('request') && (an === 'META' || an === 'environ')) return val('meta');
    if (base.kinds.has('request') && an === 'headers') return val('headers');
    // `getattr(cert, "not_valid_after")` is the attribute: the same table as `cert.not_valid_after`.
    if (an) {
      const attr = this.libraryAttribute(base, an, n, st, ctx, peeking);
      if (attr) return attr;
    }
  }

  // Library knowledge (src/python/library/): certificate parsing, and the methods of a parsed
  // certificate, its subject/issuer and its extensions, by what the receiver is.
  const site: CallSite = { n, fnNode, fname, last, recv, rv, a, st, ctx, peeking };
  const known = this.libraryCall(CERTIFICATE_VALUES, site);
  if (known) return known;

  // String operations on raw certificate/identity values and DN strings.
  if (rv.kinds.has('raw') || rv.kinds.has('dn-string') || rv.kinds.has('subject-attr')) {
    const dnLike = isDnLike(rv);
    const xf = isXfcc(rv);
    // Splitting a piece of an already split DN (`k, v = rdn.split("=")`) is the same parse, reported at the first split.
    const resplit = !xf && rv.kinds.has('parts') && /^(split|rsplit|partition|rpartition)$/.test(last);
    // A group a regex took out of the DN (`m.group(1).endswith(…)`) is the regex's result: the DN was
    // parsed, and reported, at the regex.
    const extracted = !xf && rv.kinds.has('regex-match');
    if ((dnLike || xf) && !resplit && !extracted && /^(split|rsplit|startswith|endswith|find|rfind|index|rindex|partition|rpartition|count|__contains__)$/.test(last)) {
      ev({ t: 'dnop', op: `.${last}(${a.posNodes.map((x) => mod.text(x)).join(', ')})`, val: rv, target: xf ? 'xfcc' : 'dn' });
    }
    if (/^(split|rsplit|splitlines|partition|rpartition)$/.test(last)) return derive(rv, ...keepStr(rv), 'parts');
    // A piece of a split DN stays a piece after `.strip()` and friends.
    if (/^(encode|decode|strip|lstrip|rstrip|lower|upper|replace|casefold|removeprefix|removesuffix|title)$/.test(last)) return derive(rv, ...keepStr(rv), ...(rv.kinds.has('parts') ? (['parts'] as VKind[]) : []));
    if (/^(format|join)$/.test(last)) return derive(rv, ...keepStr(rv));
    if (/^(startswith|endswith|isdigit|isalnum)$/.test(last)) return derive(rv);
  }
  const matched = this.libraryCall(MATCH_OBJECTS, site);
  if (matched) return matched;
  if (rv.kinds.has('parts') && /^(get|pop|__getitem__)$/.test(last)) {
    // `fields.get("emailAddress")` on a DN split into a dict: that attribute's value.
    const named_ = a.posNodes[0] && stringValue(a.posNodes[0], mod.src) !== null && isDnLike(rv) && !rv.kinds.has('issuer');
    return derive(rv, ...keepStr(rv), ...(named_ ? (['subject-attr'] as VKind[]) : []));
  }

  // Library functions and methods: regex (a compiled pattern by its value or binding), chain and
  // validity verification, revocation, constant-time comparison, time, digests, decoders.
  const lib = this.libraryCall(LIBRARY_CALLS, site);
  if (lib) return lib;

  // ORM lookups and user creation (src/python/library/django.ts), and the rows a lookup returned.
  const orm = recv ? ormEntry(last, mod.text(recv), rv) : null;
  if (orm?.does.t === 'lookup' && recv) {
    const modelName = mod.text(recv).split('.')[0];
    const certDerived = tainted(a.all);
    if (certDerived) {
      if (orm.does.creates && this.createsUser(last, recv, st)) ev({ t: 'create-user', op: last, kw: a.kw, args: a.pos });
      ev({ t: 'lookup', op: last, model: modelName, args: a.pos, kw: a.kw });
      const kw = [...a.kw.keys()].join(' ');
      if (/revoked|active|enabled|disabled/.test(kw)) {
        const keyedByCert = [...a.kw.entries()].some(([k, v]) => !/revoked|active|enabled|disabled/.test(k) && (v.kinds.has('fingerprint') || v.kinds.has('serial') || rawKinds(v).has('fingerprint') || rawKinds(v).has('serial')));
        if (keyedByCert) ev({ t: 'check', what: 'revocation', detail: `deny-list flag in \`${mod.text(n)}\`` });
      }
      const byCert = [...a.kw.values(), ...a.pos].some((v) => v.kinds.has('fingerprint') || v.kinds.has('serial') || rawKinds(v).has('fingerprint') || rawKinds(v).has('serial'));
      return derive(a.all, byCert ? 'binding' : 'user', 'user');
    }
    if (rv.kinds.has('binding') || rv.kinds.has('user')) return derive(rv, ...[...rv.kinds].filter((k) => k === 'binding' || k === 'user'));
    return EMPTY();
  }
  // A row of the rows, and queryset chains after a certificate-keyed filter(), keep what the rows are.
  if (orm?.does.t === 'rows') return derive(rv, ...[...rv.kinds].filter((k) => k === 'binding' || k === 'user'));

  // login(request, user)
  if (last === 'login' && !recv && a.pos.length >= 2) {
    ev({ t: 'login', user: a.pos[1] });
    return EMPTY();
  }
  if ((last === 'login' || last === 'alogin') && a.pos.length >= 2 && a.pos[0].kinds.has('request')) {
    ev({ t: 'login', user: a.pos[1] });
    return EMPTY();
  }
  // django.contrib.auth.authenticate(...): Django calls each backend's authenticate() with these
  // credentials; the project's backends are analysed with them, and what they return is the user.
  if (last === 'authenticate' && this.isDjangoAuthenticate(fname, st)) {
    let user = derive(a.all, 'user');
    if (!peeking && tainted(a.all)) {
      for (const b of this.projectBackends()) user = union(user, this.callBackend(b, a, ctx));
      user.kinds.add('user');
    }
    return user;
  }
  if (last === 'authenticate' && a.pos[0]?.kinds.has('request')) return derive(a.all, 'user');

  // Responses (src/python/library/django.ts): Django's and DRF's, not a project function or class of that name.
  const response = this.responseOf(fnNode, fname, last, st);
  if (response === 'deny') return val('response-deny');
  if (response === 'ok') {
    const status = a.kwNodes.get('status');
    const statusText = status ? mod.text(status) : '';
    const posStatus = last === 'HttpResponse' && a.posNodes[1] ? mod.text(a.posNodes[1]) : '';
    // `status=200 if found else 404`: a success on one branch is a grant there.
    const branches = statusBranches(status ?? (last === 'HttpResponse' ? (a.posNodes[1] ?? null) : null), mod);
    if (branches) return branches.ok && branches.deny ? val('response-ok', 'response-deny') : branches.ok ? val('response-ok') : val('response-deny');
    if (/\b[45]\d\d\b|HTTP_4\d\d|HTTP_5\d\d/.test(statusText + ' ' + posStatus)) return val('response-deny');
    if (last === 'redirect' && a.posNodes[0] && /login/i.test(mod.text(a.posNodes[0]))) return val('response-deny');
    return val('response-ok');
  }
  if (/get_response$/.test(fname) || last === 'get_response') return val('response-ok');
  // Inside a view decorator, calling the wrapped view passes the request on.
  if (!recv && st.fn.outer && st.fn.outer.params.includes(fname) && !st.env.has(fname)) return val('response-ok');
  if (/^super\(\)\./.test(mod.text(fnNode)) && /^(get|post|dispatch|put|patch|delete|__call__|process_request)$/.test(last)) return val('response-ok');

  // str(subject) / str(x)
  if (fname === 'str' && a.pos[0]) {
    const v = a.pos[0];
    if (v.kinds.has('subject')) return derive(v, 'dn-string');
    if (v.kinds.has('issuer')) return derive(v, 'dn-string', 'issuer');
    return derive(v, ...keepStr(v));
  }
  if (/^(bool|len)$/.test(fname)) return derive(a.all, ...keepStr(a.all));

  // Project function calls: analyse in this context — only when something worth following goes
  // in (the request, a certificate value, a session) or it is a method on self; nothing else can
  // reach a certificate, and not resolving the rest keeps unrelated modules unparsed.
  const interesting =
    fname.startsWith('self.') ||
    [...a.pos, ...a.kw.values()].some((v) => tainted(v) || v.kinds.has('request') || v.kinds.has('meta') || v.kinds.has('headers') || v.kinds.has('session') || v.kinds.has('cert') || v.kinds.has('user') || v.kinds.has('binding'));
  const target = interesting ? this.resolveCall(fname, st) : null;
  if (target) {
    const params = target.fn.params;
    const mapped: AVal[] = [];
    let offset = 0;
    if (target.fn.cls && (params[0] === 'self' || params[0] === 'cls')) {
      mapped.push(target.viaSelf ? union(val('self'), st.env.get('self') ?? EMPTY()) : val('self'));
      offset = 1;
    }
    for (let i = offset; i < params.length; i++) {
      const kwv = a.kw.get(params[i]);
      mapped.push(kwv ?? a.pos[i - offset] ?? this.paramDefault(target.fn, params[i]));
    }
    if (peeking) return this.analyseFnPeek(target.fn, mapped, ctx);
    return this.analyseFn(target.fn, mapped, ctx, false);
  }

  // Builtins and string formatting keep what their input is.
  const builtin = !recv ? builtinResult(fname, a) : null;
  if (builtin) return builtin;
  if (recv && unparen(recv)?.type === 'string' && (last === 'format' || last === 'join')) return derive(a.all, ...(last === 'format' ? formattedKinds(a.all) : keepStr(a.all)));
  // A project class built from certificate values (dataclass, NamedTuple, plain class): its fields.
  const built = !recv || fnNode.type === 'attribute' ? (tainted(a.all) ? this.constructedFields(fname, st, a) : null) : null;
  if (built) {
    const u = derive(a.all, ...(built.data ? [] : (['opaque'] as VKind[])));
    u.fields = built.fields;
    return u;
  }

  // Date arithmetic keeps what the value is (`not_valid_after.replace(tzinfo=utc)`, `now.astimezone()`).
  if ((rv.kinds.has('not-after') || rv.kinds.has('not-before') || rv.kinds.has('now') || rv.kinds.has('now-naive')) && /^(replace|astimezone|timestamp|date)$/.test(last)) {
    const v = derive(rv, ...[...rv.kinds].filter((k) => k === 'not-after' || k === 'not-before' || k === 'now' || k === 'now-naive'));
    if (last === 'replace' && a.kw.has('tzinfo')) {
      v.kinds.delete('now-naive');
      v.kinds.add('now');
    }
    return v;
  }

  // Unknown call: the result carries the taint of receiver and arguments. A string method on
  // the value keeps what it is; a library function handed certificate data returns something
  // opaque (it may well decide on it — e.g. a verification package — so it is not "presence").
  const u = union(rv, a.all);
  const onValue = !!recv && (rv.kinds.has('raw') || rv.kinds.has('dn-string') || rv.kinds.has('subject-attr') || rv.kinds.has('parts'));
  if (!onValue && tainted(a.all) && !tainted(rv)) return derive(u, 'opaque');
  return derive(u, ...keepStr(u));
}
