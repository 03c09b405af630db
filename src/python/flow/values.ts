// Abstract values of the certificate-flow analysis: what a value read from the request is, the
// events and flows the rules query, key classification, and the operations on values.

import type { PyNode } from '../parser.js';
import type { PyClass, PyFunction, PyModule } from '../module.js';
import { certKeyRegExp } from '../vocabulary.js';

/** What a certificate/identity value read from the request is. */
export type RawKind = 'pem' | 'dn' | 'cn' | 'issuer-dn' | 'verify' | 'fingerprint' | 'serial' | 'xfcc' | 'user' | 'cert-other';

/** A read of a client-certificate or identity value from the request (`request.META[...]`, `.get`, `request.headers[...]`). */
export interface SourceRead {
  id: number;
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  /** WSGI key (`HTTP_X_SSL_CLIENT_CERT`, `SSL_CLIENT_CERT`); `request.headers['X-Foo']` is normalised to `HTTP_X_FOO`. */
  key: string;
  kind: RawKind;
  /** header: from a request header; environ: set by the server itself; copied: an environ-style key a project middleware fills from a header. */
  origin: 'header' | 'environ' | 'copied';
  /** When the key is a setting/env default (`settings.CERT_HEADER`), where that value is written. */
  keySite?: { file: string; line: number };
  /** For origin 'copied': the header read that feeds it. */
  copiedFrom?: SourceRead;
  /**
   * 'remote-user': read by Django's RemoteUserMiddleware (or DRF RemoteUserAuthentication) through
   * a project subclass's `header`, and handed to the RemoteUserBackend; `node` is that `header`.
   */
  via?: 'remote-user';
  /** A membership test (`'HTTP_X_…' in request.META`): whether the request carries the key, not its value. */
  membership?: boolean;
  /** For origin 'copied': where the middleware writes the key. */
  copySite?: { file: string; line: number };
  /** Qualified name of the function that reads it. */
  fn: string;
  text: string;
  node: PyNode;
  module: PyModule;
}

export type RootKind = 'view' | 'middleware' | 'backend' | 'drf-auth' | 'function';

/** Kinds of abstract values. */
export type VKind =
  | 'request'
  | 'meta'
  | 'headers'
  | 'session'
  | 'session-val'
  | 'settings'
  | 'self'
  | 'raw'
  | 'cert'
  | 'subject'
  | 'issuer'
  | 'subject-attr'
  | 'issuer-attr'
  | 'dn-string'
  | 'fingerprint'
  | 'serial'
  | 'not-after'
  | 'not-before'
  | 'now'
  | 'now-naive'
  | 'extensions'
  | 'user'
  | 'binding'
  | 'response-ok'
  | 'response-deny'
  | 'regex-match'
  /** A compiled regular expression (`re.compile(...)`). */
  | 'pattern'
  | 'parts'
  | 'exception'
  | 'true'
  | 'false'
  | 'none'
  | 'remote-addr'
  | 'verified'
  /** The result of a library call that consumed certificate data: it may decide, we cannot tell. */
  | 'opaque';

export interface AVal {
  kinds: Set<VKind>;
  reads: Set<SourceRead>;
  parses: Set<ParseSite>;
  /** Session key, for session-val. */
  sessionKey?: string | null;
  /** Keyword arguments collected by `**kwargs` (subscripting with a constant key picks one). */
  fields?: Map<string, AVal>;
  /** A tuple/list literal's elements by position (for unpacking and constant indexes). */
  items?: AVal[];
  /** The constant strings the value can be (a literal, or one built from literals and constants), e.g. a META key held in a local. */
  strs?: string[];
}

export interface ParseSite {
  id: number;
  node: PyNode;
  module: PyModule;
  fn: PyFunction;
  reads: Set<SourceRead>;
}

export interface Site {
  node: PyNode;
  module: PyModule;
  fn: PyFunction;
}

export type FlowEvent =
  | (Site & { t: 'cond'; val: AVal; presence: boolean; truthiness: boolean; denies: boolean; grants: boolean; text: string; sessionRecheck?: boolean })
  | (Site & { t: 'compare'; vals: AVal[]; op: string; withConst: boolean; substring: boolean; presenceLike: boolean })
  | (Site & { t: 'lookup'; op: string; model: string; args: AVal[]; kw: Map<string, AVal>; denyList?: boolean })
  | (Site & { t: 'parse'; parse: ParseSite })
  | (Site & { t: 'check'; what: 'chain' | 'validity' | 'eku' | 'revocation' | 'provenance'; detail: string })
  | (Site & { t: 'validity-read'; which: 'after' | 'before'; val: AVal })
  | (Site & { t: 'validity-compare'; naive: boolean })
  | (Site & { t: 'dnop'; op: string; val: AVal; target: 'dn' | 'xfcc' })
  | (Site & { t: 'grant'; kind: string })
  | (Site & { t: 'login'; user: AVal })
  | (Site & { t: 'session-write'; key: string | null; val: AVal })
  | (Site & { t: 'session-compare'; key: string | null; other: AVal })
  | (Site & { t: 'create-user'; op: string; kw: Map<string, AVal>; args: AVal[] })
  | (Site & { t: 'fail-open'; how: 'swallowed' | 'returns-success' | 'returns-error-object' | 'fallback' | 'unraised' | 'regex-fallback'; detail: string })
  | (Site & { t: 'meta-copy'; key: string; val: AVal })
  | (Site & { t: 'authenticated-shortcut' });

export interface CertFlow {
  root: { file: string; line: number; qualname: string; kind: RootKind; fn: PyFunction };
  reads: SourceRead[];
  parses: ParseSite[];
  events: FlowEvent[];
  /** Where the flow grants access (success response, request.user, login(), returned user/tuple). */
  grants: { file: string; line: number; kind: string }[];
  functions: Set<PyFunction>;
}

export interface CodeModel {
  /** Every certificate/identity read found in the analysed code. */
  reads: SourceRead[];
  flows: CertFlow[];
  /** True when the project authenticates with client certificates (some flow reads a certificate value). */
  usesClientCerts: boolean;
  /** Provenance checks done by a middleware listed in MIDDLEWARE (apply to every request). */
  globalProvenance: FlowEvent[];
  /** Session keys that hold a certificate fingerprint, and keys compared with a fingerprint on later requests. */
  sessionFingerprintWrites: Set<string>;
  sessionFingerprintChecks: Set<string>;
  /** RemoteUser middleware/authentication classes and the header key each takes the user from. */
  remoteUserHeaders: RemoteUserHeader[];
}

export interface RemoteUserHeader {
  cls: PyClass;
  /** The `header` attribute or property that names the key. */
  node: PyNode;
  /** The module that defines it (the class's own, or a mixin's). */
  module: PyModule;
  /** The environ key it resolves to (`HTTP_X_REMOTE_USER`, `REMOTE_USER`). */
  key: string;
  /** How the source says it, for messages (`header = settings.X`, which is HTTP_…). */
  source: string;
  /** The class takes the header only from trusted proxies (a provenance check gates Django's handling). */
  trustedProxyGate: boolean;
}

// ---------------------------------------------------------------------------------------------
// Key classification

/** The key families (python/vocabulary.ts, shared with the pre-filter). */
const CERT_KEY_RE = certKeyRegExp();

/** Proxy-authentication material (signatures, secrets) is not a certificate value. */
const NOT_CERT_KEY_RE = /SIGNATURE|SECRET|HMAC|PROXY_AUTH|_TOKEN$|_MAC$|_SIG$|NONCE|TIMESTAMP|SSL_(PROTOCOL|CIPHER|SESSION|VERSION|SERVER|TLS_SNI|COMPRESS_METHOD)|^HTTPS$/;

export function isCertKey(key: string): boolean {
  const k = key.toUpperCase();
  return CERT_KEY_RE.test(k) && !NOT_CERT_KEY_RE.test(k);
}

export function classifyKey(key: string): RawKind {
  const k = key.toUpperCase();
  // Envoy's header is exactly X-Forwarded-Client-Cert; a longer name that only starts like it
  // (X-Forwarded-Client-Cert-Subject, …-Fingerprint) carries one value, classified below by its suffix.
  if (/(^|_)FORWARDED_CLIENT_CERT$|(^|_)XFCC$/.test(k)) return 'xfcc';
  if (/VERIFY|VERIFIED|SSL_AUTHENTICATED/.test(k)) return 'verify';
  if (/FINGERPRINT|SHA256|SHA1|THUMBPRINT|_HASH$|DIGEST/.test(k)) return 'fingerprint';
  if (/SERIAL/.test(k)) return 'serial';
  if (/I_DN|ISSUER/.test(k)) return 'issuer-dn';
  // An identity a front end asserts (X-Authenticated-User, X-Goog-Authenticated-User-Email) is a user name, not a certificate attribute.
  if (/AUTHENTICATED_USER/.test(k)) return 'user';
  if (/S_DN_(CN|O|OU|EMAIL|E)$|CLIENT_CN$|CERT_CN$|_CN$|_EMAIL$/.test(k)) return 'cn';
  if (/S_DN|SUBJECT|_DN$|CLIENT_DN/.test(k)) return 'dn';
  if (/REMOTE_USER|FORWARDED_USER|AUTH_USER/.test(k)) return 'user';
  if (/CERT|PEM/.test(k)) return 'pem';
  return 'cert-other';
}

export function headerToWsgi(name: string): string {
  return 'HTTP_' + name.trim().toUpperCase().replace(/-/g, '_');
}

// ---------------------------------------------------------------------------------------------
// Abstract values

export function val(...kinds: VKind[]): AVal {
  return { kinds: new Set(kinds), reads: new Set(), parses: new Set() };
}

export const EMPTY = (): AVal => val();

export function union(...vs: (AVal | undefined)[]): AVal {
  const out = EMPTY();
  let itemsSeen = false;
  for (const v of vs) {
    if (!v) continue;
    for (const k of v.kinds) out.kinds.add(k);
    for (const r of v.reads) out.reads.add(r);
    for (const p of v.parses) out.parses.add(p);
    if (v.sessionKey !== undefined) out.sessionKey = v.sessionKey;
    if (v.fields) out.fields = mergeFields(out.fields, v.fields);
    if (v.items) out.items = itemsSeen ? mergeItems(out.items, v.items) : v.items.slice();
    if (v.items) itemsSeen = true;
  }
  return out;
}

/** Elements by position of two tuples (one branch or another); different lengths: unknown. */
export function mergeItems(a: AVal[] | undefined, b: AVal[]): AVal[] | undefined {
  if (!a || a.length !== b.length) return undefined;
  return a.map((x, i) => union(x, b[i]));
}

/** Named fields of two values (an object built in one branch or another): per name, the union. */
export function mergeFields(a: Map<string, AVal> | undefined, b: Map<string, AVal>): Map<string, AVal> {
  if (!a) return new Map(b);
  const out = new Map(a);
  for (const [k, v] of b) out.set(k, out.has(k) ? union(out.get(k), v) : v);
  return out;
}

/** A value derived from `v` (taint kept) with new kinds. */
export function derive(v: AVal, ...kinds: VKind[]): AVal {
  return { kinds: new Set(kinds), reads: new Set(v.reads), parses: new Set(v.parses) };
}

export function tainted(v: AVal): boolean {
  return v.reads.size > 0 || v.parses.size > 0;
}

export function rawKinds(v: AVal): Set<RawKind> {
  const out = new Set<RawKind>();
  if (v.kinds.has('raw')) for (const r of v.reads) out.add(r.kind);
  return out;
}

export function isDnLike(v: AVal): boolean {
  if (v.kinds.has('dn-string')) return true;
  const rk = rawKinds(v);
  return rk.has('dn') || rk.has('issuer-dn');
}

export function isXfcc(v: AVal): boolean {
  return rawKinds(v).has('xfcc');
}

/** `v` with the constant strings it can be (none when they are unknown). */
export function withStrs(v: AVal, strs: string[] | null): AVal {
  if (strs) v.strs = strs;
  return v;
}

/** At most this many constant strings are followed per expression (products of alternatives). */
export const MAX_STRS = 16;

export function product(a: string[], b: string[]): string[] | null {
  if (a.length * b.length > MAX_STRS) return null;
  return a.flatMap((x) => b.map((y) => x + y));
}

/** printf-style `%` with the given argument values: `%s`/`%d`/`%r`/`%%` (anything else: unknown). */
export function percentFormat(fmt: string, args: string[][]): string[] | null {
  let outs = [''];
  let i = 0;
  const re = /%(%|[sdr])/g;
  let last = 0;
  for (let m = re.exec(fmt); m; m = re.exec(fmt)) {
    const lit = fmt.slice(last, m.index);
    last = m.index + m[0].length;
    outs = outs.map((o) => o + lit);
    if (m[1] === '%') {
      outs = outs.map((o) => o + '%');
      continue;
    }
    const arg = args[i++];
    if (!arg) return null;
    const next = product(outs, arg);
    if (!next) return null;
    outs = next;
  }
  if (i !== args.length || /%[^%sdr]/.test(fmt.replace(/%[%sdr]/g, ''))) return null;
  return outs.map((o) => o + fmt.slice(last));
}

export function keepStr(v: AVal): VKind[] {
  return [...v.kinds].filter((k) => k === 'raw' || k === 'dn-string' || k === 'subject-attr' || k === 'issuer-attr' || k === 'fingerprint' || k === 'serial');
}

/** What a string built from `u` (f-string, `.format`, `%`) is: a name formatted into text is DN text. */
export function formattedKinds(u: AVal): VKind[] {
  const kinds: VKind[] = [];
  if (u.kinds.has('subject') || u.kinds.has('subject-attr') || u.kinds.has('dn-string')) kinds.push('dn-string');
  if (u.kinds.has('issuer')) kinds.push('dn-string', 'issuer');
  if (u.kinds.has('issuer-attr')) kinds.push('issuer-attr');
  if (u.kinds.has('raw')) kinds.push('raw');
  if (u.kinds.has('fingerprint')) kinds.push('fingerprint');
  if (u.kinds.has('serial')) kinds.push('serial');
  return kinds;
}

/** Kinds that describe the request or control flow rather than data a container holds. */
export const CONTROL_KINDS = new Set<VKind>(['request', 'meta', 'headers', 'session', 'settings', 'self', 'response-ok', 'response-deny', 'true', 'false', 'none', 'exception']);

/** A container of `v`'s (list, tuple, dict(...), sorted(...), a comprehension): it holds what `v` is. */
export function collectionOf(v: AVal): AVal {
  return derive(v, ...[...v.kinds].filter((k) => !CONTROL_KINDS.has(k)));
}

/** One element of iterating `v`: an element of split DN/XFCC parts is still raw text; of a list of attributes, an attribute. */
export function elementOf(v: AVal): AVal {
  const kinds = [...v.kinds].filter((k) => !CONTROL_KINDS.has(k) && k !== 'regex-match');
  if (v.kinds.has('parts') && !kinds.includes('raw') && v.kinds.has('raw')) kinds.push('raw');
  return derive(v, ...kinds);
}

export function sigOf(v: AVal): string {
  return `${[...v.kinds].sort().join(',')}#${[...v.reads].map((r) => r.id).join(',')}#${[...v.parses].map((p) => p.id).join(',')}${v.strs ? `#${JSON.stringify(v.strs)}` : ''}`;
}
