// HAProxy configuration: a tokenizer that follows HAProxy's own line parser (words, "…" with
// backslash escapes, '…' literal, `\ ` escapes, `#` comments outside quotes), sections
// (global/defaults/frontend/backend/listen and the others), and the analysis of each
// frontend/listen into entry points: `bind … ssl crt … ca-file … verify … crl-file …`,
// `http-request set-header/add-header/del-header` (frontend then backend), conditions with
// named and anonymous ACLs, `use_backend`/`default_backend`, backend `server` lines, `mode tcp`,
// `option http-restrict-req-hdr-names`.

import type { InputError } from '../core/types.js';
import type { ConfigSite, EntryPoint, RemovedHeader, UpstreamHeader, VerifyMode } from './model.js';
import { wsgiKey } from './model.js';
import { isCertSource, isVerifySource, site, type SourceFile } from './common.js';

export interface HaWord {
  value: string;
  column: number;
}

export interface HaLine {
  words: HaWord[];
  line: number;
  text: string;
}

export interface HaSection {
  kind: string;
  name: string;
  line: HaLine;
  lines: HaLine[];
}

export const HA_SECTIONS = new Set(['global', 'defaults', 'frontend', 'backend', 'listen', 'userlist', 'peers', 'resolvers', 'mailers', 'cache', 'program', 'http-errors', 'ring', 'crt-store', 'traces']);

export class HaSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(`${message} at line ${line}`);
  }
}

export function tokenizeHaproxyLine(raw: string, lineNo: number): HaWord[] {
  const words: HaWord[] = [];
  let i = 0;
  const n = raw.length;
  while (i < n) {
    while (i < n && (raw[i] === ' ' || raw[i] === '\t' || raw[i] === '\r')) i++;
    if (i >= n || raw[i] === '#') break;
    const start = i;
    let value = '';
    while (i < n && raw[i] !== ' ' && raw[i] !== '\t' && raw[i] !== '\r') {
      const c = raw[i];
      if (c === '#') break;
      if (c === '\\' && i + 1 < n) {
        value += raw[i + 1];
        i += 2;
        continue;
      }
      if (c === '"') {
        i++;
        let closed = false;
        while (i < n) {
          if (raw[i] === '\\' && i + 1 < n) {
            value += raw[i + 1];
            i += 2;
            continue;
          }
          if (raw[i] === '"') {
            closed = true;
            i++;
            break;
          }
          value += raw[i++];
        }
        if (!closed) throw new HaSyntaxError('unmatched double quote', lineNo);
        continue;
      }
      if (c === "'") {
        i++;
        let closed = false;
        while (i < n) {
          if (raw[i] === "'") {
            closed = true;
            i++;
            break;
          }
          value += raw[i++];
        }
        if (!closed) throw new HaSyntaxError('unmatched single quote', lineNo);
        continue;
      }
      value += c;
      i++;
    }
    words.push({ value, column: start + 1 });
    if (i < n && raw[i] === '#') break;
  }
  return words;
}

export function parseHaproxy(text: string): HaSection[] {
  const sections: HaSection[] = [];
  const rawLines = text.split('\n');
  let cur: HaSection | null = null;
  rawLines.forEach((raw, idx) => {
    const lineNo = idx + 1;
    const words = tokenizeHaproxyLine(raw, lineNo);
    if (!words.length) return;
    const l: HaLine = { words, line: lineNo, text: raw.trim() };
    const kw = words[0].value;
    // Conditional blocks and diagnostics (`.if`, `.elif`, `.else`, `.endif`, `.diag`, `.notice`,
    // `.warning`, `.alert`) are preprocessor lines, valid anywhere, before the first section too.
    // Both branches of an `.if` are read: the lines a build may use are all taken into account.
    if (kw.startsWith('.')) return;
    if (HA_SECTIONS.has(kw)) {
      cur = { kind: kw, name: words[1]?.value ?? '', line: l, lines: [] };
      sections.push(cur);
      return;
    }
    if (!cur) throw new HaSyntaxError(`"${kw}" outside any section`, lineNo);
    cur.lines.push(l);
  });
  return sections;
}

/**
 * A proxy section header on a line of its own, indented or not (HAProxy's reg-tests indent whole
 * configs): `frontend fe`, `backend be`, `listen stats :8404`. nginx's `listen 443 ssl;` ends with
 * ';' and a `server { … }` block carries braces, so neither is taken for one.
 */
const HA_PROXY_HEADER_RE = /(^|\n)[ \t]*(frontend|backend|listen)[ \t]+[^\s;{}]+([ \t]+[^\s;{}]+)*[ \t]*(#[^\n]*)?(?=\r?\n|$)/;

export function looksLikeHaproxy(text: string): boolean {
  return HA_PROXY_HEADER_RE.test(text) && /(^|\n)\s+(bind|server|mode|default_backend|use_backend|balance|option)\s[^\n;{}]*(?=\r?\n|$)/.test(text);
}

/**
 * What `crt-ignore-err` leaves of verification. HAProxy's verify callback ignores the listed
 * OpenSSL errors: crt-ignore-err those raised at depth 0, which is where an unknown issuer, a bad
 * signature or a revoked client certificate is reported; ca-ignore-err those at depth > 0, which
 * concern intermediates only (measured live: `ca-ignore-err all` alone still refused a certificate
 * whose sender supplied its own root), so it decides nothing here. Ignoring an issuer/chain error
 * lets a certificate from any CA through (observed live: `crt-ignore-err all` with `verify required`
 * accepted an unrelated CA's certificate); ignoring 23 (certificate revoked) makes the CRL decide nothing.
 */
function ignoredVerifyErrors(crtIgnore: string | undefined): { chain: boolean; revocation: boolean } {
  const list = (crtIgnore ?? '')
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);
  const all = list.some((x) => x.toLowerCase() === 'all');
  // Errors that say the chain does not lead to a trusted CA (or its signature is wrong):
  // 2 unable to get issuer certificate, 4/7 signature decryption/failure, 18 self-signed leaf,
  // 19 self-signed in chain, 20 unable to get local issuer, 21 unable to verify leaf signature,
  // 24 invalid CA, 30/31/32 issuer mismatch.
  const CHAIN = [
    '2',
    '4',
    '7',
    '18',
    '19',
    '20',
    '21',
    '24',
    '30',
    '31',
    '32',
    'X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT',
    'X509_V_ERR_CERT_SIGNATURE_FAILURE',
    'X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT',
    'X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN',
    'X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
    'X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE',
    'X509_V_ERR_INVALID_CA',
  ];
  const REVOKED = ['23', 'X509_V_ERR_CERT_REVOKED'];
  const any = (codes: string[]) => all || codes.some((c) => list.includes(c));
  return { chain: any(CHAIN), revocation: any(REVOKED) };
}

export function parseHaproxyFile(f: SourceFile, errors: InputError[]): HaSection[] | null {
  try {
    return parseHaproxy(f.text);
  } catch (e) {
    if (e instanceof HaSyntaxError) {
      errors.push({ file: f.path, message: `HAProxy configuration syntax error: ${e.message}; file skipped, the rest of the scan goes on` });
      return null;
    }
    throw e;
  }
}

const lsite = (file: string, l: HaLine): ConfigSite => site(file, l.line, l.words[0]?.column, l.text);

/** Splits a rule into its action words and its condition (`if`/`unless` …). */
function splitCond(words: string[]): { action: string[]; cond: { neg: boolean; terms: string[] } | null } {
  const i = words.findIndex((w) => w === 'if' || w === 'unless');
  if (i < 0) return { action: words, cond: null };
  return { action: words.slice(0, i), cond: { neg: words[i] === 'unless', terms: words.slice(i + 1) } };
}

/**
 * Does a condition hold when the client sent no certificate? undefined when it cannot tell.
 * Knows `ssl_c_used`, `ssl_fc_has_crt` (false without a certificate) and `ssl_c_verify <n>`
 * (0 without a certificate), `!`, `||`/`or`, implicit AND, anonymous `{ … }` and named ACLs.
 */
function holdsWithoutCert(terms: string[], acls: Map<string, string[][]>, depth = 0): boolean | undefined {
  if (depth > 8) return undefined;
  // Split on || / or.
  const ors: string[][] = [[]];
  let brace = 0;
  for (const t of terms) {
    if (t === '{') brace++;
    if (t === '}') brace--;
    if (brace === 0 && (t === '||' || t === 'or')) ors.push([]);
    else ors[ors.length - 1].push(t);
  }
  let anyUnknown = false;
  for (const conj of ors) {
    // Parse conjunction into atoms.
    const atoms: { neg: boolean; expr: string[] | string }[] = [];
    for (let i = 0; i < conj.length; i++) {
      let t = conj[i];
      let neg = false;
      if (t === '!') {
        neg = true;
        t = conj[++i] ?? '';
      } else if (t.startsWith('!') && t.length > 1) {
        neg = true;
        t = t.slice(1);
      }
      if (t === '{') {
        const inner: string[] = [];
        i++;
        while (i < conj.length && conj[i] !== '}') inner.push(conj[i++]);
        atoms.push({ neg, expr: inner });
      } else if (t) atoms.push({ neg, expr: t });
    }
    let all: boolean | undefined = true;
    for (const a of atoms) {
      let v: boolean | undefined;
      if (typeof a.expr === 'string') {
        const defs = acls.get(a.expr);
        if (!defs) v = undefined;
        else {
          // A named ACL declared several times is the OR of its declarations.
          const vals = defs.map((d) => evalAclExpr(d));
          v = vals.includes(true) ? true : vals.every((x) => x === false) ? false : undefined;
        }
      } else v = evalAclExpr(a.expr);
      if (v !== undefined && a.neg) v = !v;
      if (v === false) {
        all = false;
        break;
      }
      if (v === undefined) all = undefined;
    }
    if (all === true) return true;
    if (all === undefined) anyUnknown = true;
  }
  return anyUnknown ? undefined : false;
}

function evalAclExpr(expr: string[]): boolean | undefined {
  const fetch = expr[0] ?? '';
  if (/^(ssl_c_used|ssl_fc_has_crt)$/.test(fetch)) return expr.length === 1 ? false : undefined;
  if (fetch === 'ssl_c_verify') {
    const rest = expr.slice(1).filter((w) => !w.startsWith('-'));
    if (!rest.length) return false;
    if (rest[0] === 'gt' || rest[0] === 'ne') return false;
    return rest.includes('0');
  }
  if (fetch === 'TRUE' || fetch === 'always_true') return true;
  if (fetch === 'FALSE' || fetch === 'always_false') return false;
  return undefined;
}

function condMentionsCert(terms: string[], acls: Map<string, string[][]>): boolean {
  return terms.some((t) => /ssl_c_|ssl_fc_has_crt/.test(t) || (acls.get(t.replace(/^!/, '')) ?? []).some((d) => d.some((w) => /ssl_c_|ssl_fc_has_crt/.test(w))));
}

interface Rules {
  headers: UpstreamHeader[];
  removed: RemovedHeader[];
  enforce?: ConfigSite;
  uses?: ConfigSite;
  restrictsUnderscore?: ConfigSite;
  restrictUnset?: boolean;
}

function readRules(file: string, sec: HaSection, acls: Map<string, string[][]>, into: Rules): void {
  for (const l of sec.lines) {
    const w = l.words.map((x) => x.value);
    if (w[0] === 'acl' && w[1]) {
      const list = acls.get(w[1]) ?? [];
      list.push(w.slice(2));
      acls.set(w[1], list);
      continue;
    }
    if (w[0] === 'option' && w[1] === 'http-restrict-req-hdr-names') {
      if (w[2] === 'delete' || w[2] === 'reject') into.restrictsUnderscore = lsite(file, l);
      else {
        into.restrictsUnderscore = undefined;
        into.restrictUnset = true;
      }
      continue;
    }
    if (w[0] !== 'http-request' && w[0] !== 'tcp-request') {
      if ((w[0] === 'use_backend' || w[0] === 'use-server') && condMentionsCert(w, acls)) into.uses ??= lsite(file, l);
      continue;
    }
    const { action, cond } = splitCond(w.slice(1));
    const verb = w[0] === 'tcp-request' ? action[1] : action[0];
    if (w[0] === 'tcp-request' && action[0] !== 'content' && action[0] !== 'connection' && action[0] !== 'session') continue;
    if (cond && condMentionsCert(cond.terms, acls)) into.uses ??= lsite(file, l);
    if (/^(deny|reject|tarpit|silent-drop|auth)$/.test(verb ?? '') || (verb === 'return' && /^[45]\d\d$/.test(action[action.indexOf('status') + 1] ?? '')) || (verb === 'redirect' && cond)) {
      if (cond) {
        const h = holdsWithoutCert(cond.terms, acls);
        const fires = h === undefined ? undefined : cond.neg ? !h : h;
        if (fires === true) into.enforce ??= lsite(file, l);
      }
      continue;
    }
    if (w[0] !== 'http-request') continue;
    const s = lsite(file, l);
    if (verb === 'set-header' || verb === 'add-header') {
      const name = action[1] ?? '';
      const fmt = action.slice(2).join(' ');
      const conditional = cond ? `${cond.neg ? 'unless' : 'if'} ${cond.terms.join(' ')}` : undefined;
      if (verb === 'set-header') {
        into.headers = into.headers.filter((h) => conditional || h.name.toLowerCase() !== name.toLowerCase());
        into.headers.push({ name, wsgiKey: wsgiKey(name), source: fmt, overwrites: !conditional, site: s, action: 'set', ...(conditional ? { condition: conditional } : {}) });
      } else {
        into.headers.push({ name, wsgiKey: wsgiKey(name), source: fmt, overwrites: false, site: s, action: 'append', ...(conditional ? { condition: conditional } : {}) });
      }
    } else if (verb === 'del-header' && !cond) {
      const name = action[1] ?? '';
      const mi = action.indexOf('-m');
      const meth = mi > 0 ? action[mi + 1] : 'str';
      const match: RemovedHeader['match'] = meth === 'beg' ? 'prefix' : meth === 'end' ? 'suffix' : meth === 'sub' ? 'substring' : meth === 'reg' ? 'regex' : 'exact';
      into.removed.push({ pattern: name, match, site: s });
      into.headers.push({ name, wsgiKey: wsgiKey(name), source: '', overwrites: true, site: s, action: 'remove' });
    }
  }
}

export function haproxyEntryPoints(file: string, sections: HaSection[]): EntryPoint[] {
  const out: EntryPoint[] = [];
  const backends = new Map<string, HaSection>();
  for (const s of sections) if (s.kind === 'backend' || s.kind === 'listen') backends.set(s.name, s);
  // Each proxy takes the settings of the last `defaults` section before it.
  let defaults: HaSection | null = null;
  const defaultsFor = new Map<HaSection, HaSection | null>();
  for (const s of sections) {
    if (s.kind === 'defaults') defaults = s;
    else defaultsFor.set(s, defaults);
  }
  for (const fe of sections) {
    if (fe.kind !== 'frontend' && fe.kind !== 'listen') continue;
    const dflt = defaultsFor.get(fe) ?? null;
    const mode = (sec: HaSection | null) => sec?.lines.find((l) => l.words[0]?.value === 'mode')?.words[1]?.value;
    const feMode = mode(fe) ?? mode(dflt) ?? 'tcp';
    const binds = fe.lines.filter((l) => l.words[0]?.value === 'bind');
    // Routes: use_backend (conditional) and default_backend; a listen section is its own backend.
    const routes: { be: HaSection; site: ConfigSite }[] = [];
    for (const l of fe.lines) {
      const kw = l.words[0]?.value;
      if ((kw === 'use_backend' || kw === 'default_backend') && l.words[1]) {
        const be = backends.get(l.words[1].value);
        if (be) routes.push({ be, site: lsite(file, l) });
      }
    }
    if (fe.kind === 'listen' && fe.lines.some((l) => l.words[0]?.value === 'server')) routes.push({ be: fe, site: lsite(file, fe.line) });
    if (!routes.length && dflt) {
      const d = dflt.lines.find((l) => l.words[0]?.value === 'default_backend');
      const be = d && backends.get(d.words[1]?.value ?? '');
      if (be && d) routes.push({ be, site: lsite(file, d) });
    }
    for (const bind of binds) {
      const bw = bind.words.map((w) => w.value);
      const ssl = bw.includes('ssl');
      const opt = (k: string) => {
        const i = bw.indexOf(k);
        return i > 0 ? bw[i + 1] : undefined;
      };
      const vIdx = bw.indexOf('verify');
      const v = opt('verify') ?? 'none';
      const ignored = ignoredVerifyErrors(opt('crt-ignore-err'));
      let verify: VerifyMode = !ssl ? 'off' : v === 'required' ? 'on' : v === 'optional' ? 'optional' : 'off';
      if (ignored.chain && (verify === 'on' || verify === 'optional')) verify = 'optional_no_ca';
      const bsite = lsite(file, bind);
      for (const r of routes) {
        const acls = new Map<string, string[][]>();
        const rules: Rules = { headers: [], removed: [] };
        if (feMode === 'http') {
          if (dflt) readRules(file, dflt, acls, rules);
          readRules(file, fe, acls, rules);
          if (r.be !== fe) readRules(file, r.be, acls, rules);
        }
        const servers = r.be.lines
          .filter((l) => l.words[0]?.value === 'server')
          .map((l) => l.words[2]?.value ?? '')
          .filter(Boolean);
        const ep: EntryPoint = {
          kind: 'haproxy',
          name: `${fe.kind} ${fe.name} (bind ${bw[1] ?? ''}) → backend ${r.be.name}`,
          site: lsite(file, fe.line),
          listenerSite: lsite(file, fe.line),
          verify,
          verifyEnforced: verify === 'on' || !!rules.enforce,
          headers: feMode === 'http' ? rules.headers : [],
          removed: rules.removed,
          passesUnderscoreHeaders: !rules.restrictsUnderscore,
          upstream: servers[0] ?? r.be.name,
          upstreamTargets: servers,
          upstreamSite: r.site,
          reachesApp: true,
        };
        if (vIdx > 0 || ssl) ep.verifySite = { ...bsite, column: vIdx > 0 ? bind.words[vIdx].column : bsite.column };
        const ca = opt('ca-file');
        if (ca) ep.caFile = ca;
        // A CRL whose "revoked" verdict is ignored checks nothing.
        if (opt('crl-file') && !ignored.revocation) ep.crl = bsite;
        else if (opt('crl-file')) ep.crlIgnored = bsite;
        if (ignored.chain) ep.ignoresVerifyErrors = bsite;
        if (rules.enforce) ep.enforceSite = rules.enforce;
        if (rules.uses) ep.usesCert = rules.uses;
        if (!ep.passesUnderscoreHeaders) ep.underscoreSite = rules.restrictsUnderscore;
        else ep.underscoreSite = lsite(file, fe.line);
        const vf = ep.headers.find((h) => h.action !== 'remove' && isVerifySource(h.source));
        if (vf) ep.verifyForwarded = vf;
        out.push(ep);
      }
    }
  }
  return out;
}

export { isCertSource };
