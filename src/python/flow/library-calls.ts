// The interpreter of the library tables (src/python/library/): which entry a call matches — by
// what its receiver is, by the qualified name the semantic model gives its callee, else by the
// entry's text fallback when the callee is not a project function — and what that entry does to
// the value and the flow's events.

import type { PyNode } from '../parser.js';
import { isCompiledRegex } from '../members.js';
import { ATTRIBUTES, type LibEntry } from '../library/index.js';
import { derive, EMPTY, isDnLike, isXfcc, keepStr, rawKinds, tainted, val, type AVal, type FlowEvent, type VKind } from './values.js';
import type { CallSite, FlowCtx, FnState } from './state.js';
import type { FlowInterp } from './interp.js';

/** Qualified callee per call node (the semantic model, over modules already parsed). */
const qualifiedCallee = new WeakMap<PyNode, string | null>();

function calleeOf(this: FlowInterp, c: CallSite): string | null {
  let q = qualifiedCallee.get(c.n);
  if (q === undefined) {
    q = this.project.withoutLoading(() => this.project.qualifyNode(c.st.mod, c.fnNode));
    qualifiedCallee.set(c.n, q);
  }
  return q;
}

function textMatch(e: LibEntry, c: CallSite): boolean {
  if (e.names?.some((x) => (x.includes('.') ? c.fname === x || c.fname.endsWith(`.${x}`) : c.last === x))) return true;
  return !!(e.lastRe?.test(c.last) || e.dottedRe?.test(c.fname));
}

/** Is the receiver a value of this kind? A compiled pattern also by its binding (`re.compile` under any name) or its conventional name. */
function receiverIs(this: FlowInterp, kind: VKind, c: CallSite): boolean {
  if (c.rv.kinds.has(kind)) return true;
  if (kind !== 'pattern' || !c.recv) return false;
  return /(_RE|_re|regex|pattern|PATTERN|_rx)$/.test(c.st.mod.text(c.recv)) || isCompiledRegex(this.project, c.recv, c.st.mod, c.st.fn.cls, c.st.fn);
}

function matches(this: FlowInterp, e: LibEntry, c: CallSite): boolean {
  if (e.receiver) {
    if (!e.methods?.includes('*') && !e.methods?.includes(c.last)) return false;
    if (!c.recv || !receiverIs.call(this, e.receiver, c)) return false;
  } else {
    const q = e.qualified ? calleeOf.call(this, c) : null;
    const byName = !!q && e.qualified!.some((x) => x === q || (x.endsWith('.*') && q.startsWith(x.slice(0, -1))));
    if (!byName && !(textMatch(e, c) && !this.resolveCall(c.fname, c.st))) return false;
  }
  if (e.needsTaint && !tainted(c.a.all)) return false;
  if (e.argKind && !c.a.pos.some((v) => v.kinds.has(e.argKind!))) return false;
  if (e.argText && !e.argText.test(c.a.posNodes.map((x) => c.st.mod.text(x)).join(' '))) return false;
  return true;
}

/**
 * An attribute of a library value (`cert.not_valid_after`, `subject.CN`, `getattr(cert, name)`):
 * the first entry for a kind the object has and the attribute; null when none applies.
 */
export function libraryAttribute(this: FlowInterp, ov: AVal, attr: string, n: PyNode, st: FnState, ctx: FlowCtx, peeking: boolean): AVal | null {
  for (const e of ATTRIBUTES) {
    if (!ov.kinds.has(e.receiver) || !(e.attrs.includes(attr) || e.attrs.includes('*'))) continue;
    const d = e.does;
    if (d.t === 'derive') return derive(ov, ...d.kinds);
    if (d.t === 'keep') return derive(ov, ...d.kinds.filter((k) => ov.kinds.has(k)));
    const v = derive(ov, d.which === 'after' ? 'not-after' : 'not-before');
    if (!peeking) this.event(ctx, st, n, { t: 'validity-read', which: d.which, val: v });
    if (d.aware) v.kinds.add('now');
    return v;
  }
  return null;
}

/** The value of a call the table knows, or null (no entry applies: the caller goes on). */
export function libraryCall(this: FlowInterp, table: readonly LibEntry[], c: CallSite): AVal | null {
  for (const e of table) {
    if (!matches.call(this, e, c)) continue;
    const v = apply.call(this, e, c);
    if (v) return v;
  }
  return null;
}

function apply(this: FlowInterp, e: LibEntry, c: CallSite): AVal | null {
  const { n, rv, a, st, ctx, peeking, fname, last, recv } = c;
  const mod = st.mod;
  const ev = (x: Record<string, unknown> & { t: FlowEvent['t'] }) => {
    if (!peeking) this.event(ctx, st, n, x);
  };
  const d = e.does;
  switch (d.t) {
    case 'parse-cert': {
      // Certificate bytes come from a certificate read (PEM, XFCC, an unclassified certificate key)
      // or an earlier parse; a DN, CN, fingerprint or serial cannot be parsed into the client's
      // certificate (`load_pem_x509_certificate(ca.sign(csr, hostname=cn))` parses what the app's own CA issued).
      const certBytes = a.all.parses.size > 0 || [...a.all.reads].some((r) => r.kind === 'pem' || r.kind === 'xfcc' || r.kind === 'cert-other');
      if (!certBytes) return null;
      let p = this.parseCache.get(n);
      if (!p) {
        p = { id: this.nextId++, node: n, module: mod, fn: st.fn, reads: new Set(a.all.reads) };
        if (!peeking) this.parseCache.set(n, p);
      }
      if (!peeking && !ctx.parses.includes(p)) ctx.parses.push(p);
      ev({ t: 'parse', parse: p });
      const v = derive(a.all, 'cert');
      v.parses.add(p);
      return v;
    }
    case 'same-cert':
      return d.from === 'args' ? derive(a.all, 'cert') : derive(rv, 'cert');
    case 'derive':
      return derive(rv, ...d.kinds);
    case 'validity-read': {
      const v = derive(rv, d.which === 'after' ? 'not-after' : 'not-before');
      ev({ t: 'validity-read', which: d.which, val: v });
      return v;
    }
    case 'check-receiver':
      if (d.unlessArgTainted && a.pos[0] && tainted(a.pos[0])) return derive(rv);
      ev({ t: 'check', what: d.what, detail: d.detail });
      return derive(rv, 'verified');
    case 'verify':
      for (const k of d.checks) if (!k.onlyMethod || k.onlyMethod === last) ev({ t: 'check', what: k.what, detail: k.detail });
      return derive(a.all, 'verified');
    case 'signature-verify': {
      if (!recv || !(/public_key\(\)|_key$|key$|ca_pub|issuer_pub/.test(mod.text(recv)) || a.posNodes.some((x) => /\.tbs_certificate_bytes\b/.test(mod.text(x))))) return null;
      if (!a.posNodes.some((x) => /\.signature\b/.test(mod.text(x)))) return null;
      // The key must be a pinned one: a key taken from request data — the presented certificate's
      // own `public_key()` above all — proves only that the certificate is self-consistent.
      if (tainted(rv)) return derive(a.all);
      ev({ t: 'check', what: 'chain', detail: `${mod.text(recv)}.verify(… signature …)` });
      return derive(a.all, 'verified');
    }
    case 'revocation':
      ev({ t: 'check', what: 'revocation', detail: `${fname}()` });
      return derive(a.all);
    case 'compare-digest': {
      // The session's stored certificate value against the presented one: a session re-check (an
      // identity decision), not proof of where the request came from.
      const sess = a.pos.find((v) => v.kinds.has('session-val'));
      const presented = a.pos.find((v) => v !== sess && tainted(v));
      if (sess && presented) {
        ev({ t: 'compare', vals: a.pos, op: 'compare_digest', withConst: false, substring: false, presenceLike: false });
        if (presented.kinds.has('fingerprint') || rawKinds(presented).has('fingerprint')) ev({ t: 'session-compare', key: sess.sessionKey ?? null, other: presented });
        return derive(a.all);
      }
      ev({ t: 'check', what: 'provenance', detail: `${fname}()` });
      return derive(a.all, 'verified');
    }
    case 'compile-pattern':
      return val('pattern');
    case 'regex-search': {
      const subject = a.pos[d.subject];
      if (subject && (isDnLike(subject) || isXfcc(subject))) {
        ev({ t: 'dnop', op: `${fname}()`, val: subject, target: isXfcc(subject) ? 'xfcc' : 'dn' });
      }
      if (subject && tainted(subject)) return derive(subject, 'regex-match', ...(last === 'findall' || last === 'split' ? (['parts', 'raw'] as VKind[]) : []));
      return EMPTY();
    }
    case 'regex-group':
      return derive(rv, 'raw', 'regex-match');
    case 'now':
      if (d.naiveUnlessTz && !(a.pos.length || a.kw.has('tz'))) return val('now-naive');
      return val('now');
    case 'digest': {
      // Over the certificate's bytes (or its PEM) a digest is its fingerprint; over a name, it is still that name.
      const all = a.all;
      const raw = rawKinds(all);
      const named = (['dn-string', 'subject', 'issuer', 'subject-attr', 'issuer-attr', 'serial'] as VKind[]).some((k) => all.kinds.has(k)) || raw.has('dn') || raw.has('cn') || raw.has('issuer-dn') || raw.has('serial') || raw.has('user');
      return named ? derive(all, ...keepStr(all)) : derive(all, 'fingerprint');
    }
    case 'same-value':
      return derive(a.all, ...keepStr(a.all));
    case 'remote-addr':
      return val('remote-addr');
  }
}
