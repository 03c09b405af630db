// Certificate flows through the Django code.
//
// For every authentication entry point (view, middleware, authentication backend, DRF
// authentication class) this module follows the values read from the request's certificate
// sources (`request.META[...]`, `.get(...)`, `request.headers`, `request.environ`, keys named by
// settings/env/class attributes, helpers in other modules that return them) through assignments,
// string operations, certificate parsing (cryptography, pyOpenSSL) and attribute access, into the
// decisions that authenticate: conditions, comparisons, ORM lookups, `login()`, `request.user = …`,
// returned users/tuples/responses. Calls into project functions are analysed in the caller's
// context (bounded depth). The result is a list of flows, each with the events the rules query.
//
// The analysis is flow-insensitive inside a function (branches are merged, loops visited once)
// and never executes the scanned code.

import type { ProjectModel } from '../model/project.js';
import type { PyNode } from './parser.js';
import type { PyClass, PyFunction, PyModule } from './module.js';
import { dotted, field, firstNamed, named, stringValue, unparen, walk, walkScope } from './ast.js';
import { qualifiedIs, type PythonProject } from './project.js';
import { classMember, isCompiledRegex, isUserModel, memberValues, queryModelExpr, returnExprs } from './members.js';
import { certKeyRegExp } from './vocabulary.js';

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
  if (/FORWARDED_CLIENT_CERT|XFCC/.test(k)) return 'xfcc';
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

function val(...kinds: VKind[]): AVal {
  return { kinds: new Set(kinds), reads: new Set(), parses: new Set() };
}

const EMPTY = (): AVal => val();

function union(...vs: (AVal | undefined)[]): AVal {
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
function mergeItems(a: AVal[] | undefined, b: AVal[]): AVal[] | undefined {
  if (!a || a.length !== b.length) return undefined;
  return a.map((x, i) => union(x, b[i]));
}

/** Named fields of two values (an object built in one branch or another): per name, the union. */
function mergeFields(a: Map<string, AVal> | undefined, b: Map<string, AVal>): Map<string, AVal> {
  if (!a) return new Map(b);
  const out = new Map(a);
  for (const [k, v] of b) out.set(k, out.has(k) ? union(out.get(k), v) : v);
  return out;
}

/** A value derived from `v` (taint kept) with new kinds. */
function derive(v: AVal, ...kinds: VKind[]): AVal {
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

function isDnLike(v: AVal): boolean {
  if (v.kinds.has('dn-string')) return true;
  const rk = rawKinds(v);
  return rk.has('dn') || rk.has('issuer-dn');
}

function isXfcc(v: AVal): boolean {
  return rawKinds(v).has('xfcc');
}

// ---------------------------------------------------------------------------------------------
// Name tables

const PARSE_FNS = ['load_pem_x509_certificate', 'load_der_x509_certificate', 'load_pem_x509_certificates', 'load_certificate', 'load_der_x509_certificates', 'PEM_cert_to_DER_cert_parsed'];
const DENY_RESPONSE_RE = /Forbidden|Unauthori[sz]ed|BadRequest|NotAllowed|NotFound|Gone|ServerError|Denied|redirect_to_login/;
const OK_RESPONSE = new Set(['JsonResponse', 'HttpResponse', 'Response', 'render', 'redirect', 'TemplateResponse', 'HttpResponseRedirect', 'FileResponse', 'StreamingHttpResponse', 'render_to_response', 'SimpleTemplateResponse']);
const ORM_LOOKUP = new Set(['get', 'filter', 'exclude', 'get_or_create', 'update_or_create', 'create', 'first', 'get_by_natural_key', 'create_user', 'create_superuser', 'aget', 'afilter', 'aget_or_create', 'acreate']);
/** Queryset methods that return rows of the same lookup (`order_by`, `select_related`, …, `latest`). */
const QUERYSET_CHAIN = new Set(['order_by', 'select_related', 'prefetch_related', 'only', 'defer', 'distinct', 'all', 'using', 'reverse', 'annotate', 'alias', 'select_for_update', 'latest', 'earliest', 'afirst', 'alast', 'alatest', 'aearliest']);
const CREATE_OPS = new Set(['get_or_create', 'update_or_create', 'create', 'create_user', 'create_superuser', 'aget_or_create', 'acreate', 'aupdate_or_create']);
const EXC_NAME_RE = /^(PermissionDenied|AuthenticationFailed|NotAuthenticated|SuspiciousOperation|ValidationError|ValueError|Http404|\w*(Error|Exception|Denied|Failed|Invalid\w*))$/;
const SUBJECT_OIDS = /COMMON_NAME|ORGANIZATION_NAME|ORGANIZATIONAL_UNIT_NAME|EMAIL_ADDRESS|USER_ID|SURNAME|GIVEN_NAME|DN_QUALIFIER|SERIAL_NUMBER|DOMAIN_COMPONENT/;

// ---------------------------------------------------------------------------------------------
// The analyser

interface FlowCtx {
  root: PyFunction;
  rootKind: RootKind;
  events: FlowEvent[];
  functions: Set<PyFunction>;
  reads: Set<SourceRead>;
  parses: ParseSite[];
  stack: PyFunction[];
  memo: Map<string, AVal>;
}

interface FnState {
  fn: PyFunction;
  mod: PyModule;
  env: Map<string, AVal>;
  ret: AVal;
  isRoot: boolean;
  /** Names assigned in except handlers that fell through (flag-style error handling). */
  handlerFlags: Map<string, PyNode>;
  /** Local names holding the result of an ORM lookup keyed by certificate data: name -> those lookups. */
  lookupVars?: Map<string, FlowEvent[]>;
}

const MAX_DEPTH = 6;
/** Loops over constant tables of up to this many rows are analysed row by row. */
const MAX_UNROLLED_ROWS = 16;

export class FlowAnalyzer {
  private nextId = 1;
  private readCache = new Map<PyNode, SourceRead>();
  /** Reads of a node whose key differs from its first read's (a loop over a table of keys, unrolled). */
  private readCacheByKey = new Map<string, Map<PyNode, SourceRead>>();
  private parseCache = new Map<PyNode, ParseSite>();
  /** Environ-style keys a project middleware fills from a header read: key -> header read. */
  metaCopies = new Map<string, SourceRead>();
  /** Where each of those keys is written (`request.META['SSL_CLIENT_…'] = …`). */
  metaCopySites = new Map<string, { file: string; line: number }>();
  /** Request attributes a project middleware sets from certificate data: name -> value. */
  requestAttrs = new Map<string, AVal>();
  /** Call summaries of the root being analysed (peeks read them, never write). */
  private currentMemo = new Map<string, AVal>();

  constructor(
    private readonly project: PythonProject,
    private readonly model: ProjectModel,
  ) {}

  analyseRoot(fn: PyFunction, kind: RootKind): CertFlow {
    const ctx: FlowCtx = { root: fn, rootKind: kind, events: [], functions: new Set(), reads: new Set(), parses: [], stack: [], memo: new Map() };
    this.currentMemo = ctx.memo;
    const args = fn.params.map((p, i) => this.initialParam(fn, p, i));
    for (const a of args) for (const r of a.reads) ctx.reads.add(r);
    this.analyseFn(fn, args, ctx, true);
    // Old-style middleware hooks that fall off the end pass the request on.
    if (kind === 'middleware' && (fn.name === 'process_request' || fn.name === 'process_view')) {
      const last = named(fn.body).pop();
      if (last && last.type !== 'return_statement' && last.type !== 'raise_statement') {
        ctx.events.push({ t: 'grant', kind: 'request passed on', node: last, module: fn.module, fn });
      }
    }
    const grants = ctx.events
      .filter((e): e is Extract<FlowEvent, { t: 'grant' }> => e.t === 'grant')
      .map((e) => ({ file: e.module.path, line: e.node.line, kind: e.kind }));
    for (const e of ctx.events) if (e.t === 'login') grants.push({ file: e.module.path, line: e.node.line, kind: 'login()' });
    return {
      root: { file: fn.module.path, line: (fn.node.type === 'decorated_definition' ? field(fn.node, 'definition') ?? fn.node : fn.node).line, qualname: fn.qualname, kind, fn },
      reads: [...ctx.reads],
      parses: ctx.parses,
      events: ctx.events,
      grants,
      functions: ctx.functions,
    };
  }

  private initialParam(fn: PyFunction, p: string, i: number): AVal {
    if (i === 0 && fn.cls && (p === 'self' || p === 'cls')) return val('self');
    if (p === 'request' || p === 'req' || p === 'http_request') return val('request');
    if (fn.cls && remoteUserParam(fn, p, i) && this.project.ancestry(fn.cls).some((q) => qualifiedIs(q, 'RemoteUserBackend'))) {
      if (fn.name !== 'configure_user') return this.remoteUserValue();
      // configure_user(request, user, created): the user Django made with username=clean_username(header);
      // with Django's clean_username (returns it unchanged) that username is the header value.
      if (!this.project.findMethod(fn.cls, 'clean_username')) return derive(this.remoteUserValue(), 'user');
    }
    return this.paramDefault(fn, p);
  }

  /** A parameter left to its default: the constant string it defaults to (`key='HTTP_X_…'`), else nothing known. */
  private paramDefault(fn: PyFunction, p: string): AVal {
    const def = fn.node.type === 'decorated_definition' ? field(fn.node, 'definition') : fn.node;
    const ps = def ? field(def, 'parameters') : null;
    const d = ps?.children.find((c) => (c.type === 'default_parameter' || c.type === 'typed_default_parameter') && fn.module.text(field(c, 'name')!) === p);
    const v = d ? field(d, 'value') : null;
    if (!v) return EMPTY();
    const s = stringValue(v, fn.module.src);
    if (s !== null) return { ...EMPTY(), strs: [s] };
    const u = unparen(v);
    const c = u?.type === 'identifier' ? this.project.withoutLoading(() => this.constantOf(fn.module, fn.module.text(u))) : null;
    return c ? { ...EMPTY(), strs: [c.key] } : EMPTY();
  }

  private remoteUser: AVal | null = null;

  /**
   * What Django hands a RemoteUserBackend: RemoteUserMiddleware reads `request.META[self.header]`
   * and calls `authenticate(request, remote_user=…)`, which passes it to `clean_username`. The
   * project's RemoteUserMiddleware subclasses (those in MIDDLEWARE when it is known) and DRF
   * RemoteUserAuthentication subclasses say which key that is; the default `REMOTE_USER` is the
   * server's and carries nothing here.
   */
  private remoteUserValue(): AVal {
    if (this.remoteUser) return this.remoteUser;
    const v = EMPTY();
    const listed = listedMiddleware(this.model);
    for (const mod of this.model.analysed) {
      for (const cls of mod.allClasses) {
        const anc = this.project.ancestry(cls);
        const drf = anc.some((q) => qualifiedIs(q, 'RemoteUserAuthentication'));
        if (!drf && !anc.some((q) => qualifiedIs(q, 'RemoteUserMiddleware', 'PersistentRemoteUserMiddleware'))) continue;
        if (!drf && listed.size && !listed.has(cls)) continue;
        const m = classMember(this.project, cls, 'header');
        if (!m) continue;
        const k = m.kind === 'attr' ? this.valueKey(m.value, m.cls.module) : this.memberKey(cls, 'header');
        if (!k) continue;
        const key = /^http_/i.test(k.key) ? k.key.toUpperCase() : k.key;
        if (key === 'REMOTE_USER') continue;
        let r = this.readCache.get(m.node);
        if (!r) {
          r = {
            id: this.nextId++,
            file: m.cls.module.path,
            line: m.node.line,
            column: m.node.col,
            endLine: m.node.endLine,
            endColumn: m.node.endCol,
            key,
            kind: classifyKey(key),
            origin: key.startsWith('HTTP_') ? 'header' : 'environ',
            fn: `${m.cls.module.name}.${m.cls.qualname}`,
            text: m.cls.module.text(m.node).split('\n')[0],
            node: m.node,
            module: m.cls.module,
            via: 'remote-user',
          };
          if (k.site) r.keySite = k.site;
          this.readCache.set(m.node, r);
        }
        v.reads.add(r);
      }
    }
    if (v.reads.size) v.kinds.add('raw');
    return (this.remoteUser = v);
  }

  private analyseFn(fn: PyFunction, args: AVal[], ctx: FlowCtx, isRoot: boolean): AVal {
    if (ctx.stack.includes(fn) || ctx.stack.length >= MAX_DEPTH) return EMPTY();
    const sig = `${fn.module.path}:${fn.qualname}:${args.map(sigOf).join('|')}`;
    const cached = ctx.memo.get(sig);
    if (cached) return cached;
    ctx.memo.set(sig, EMPTY());
    ctx.functions.add(fn);
    ctx.stack.push(fn);
    const st: FnState = { fn, mod: fn.module, env: new Map(), ret: EMPTY(), isRoot, handlerFlags: new Map() };
    fn.params.forEach((p, i) => st.env.set(p, args[i] ?? EMPTY()));
    // Closure variables of an enclosing function are unknown here; fine.
    this.block(fn.body, st, ctx);
    ctx.stack.pop();
    ctx.memo.set(sig, st.ret);
    return st.ret;
  }

  // ----- statements ---------------------------------------------------------------------------

  private block(block: PyNode, st: FnState, ctx: FlowCtx): void {
    for (const s of named(block)) this.stmt(s, st, ctx);
  }

  private stmt(s: PyNode, st: FnState, ctx: FlowCtx): void {
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
  private unrolledFor(s: PyNode, st: FnState, ctx: FlowCtx): boolean {
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
  private constantRows(it: PyNode, st: FnState): string[][] | null {
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
        const r = this.project.resolve(st.mod, st.mod.text(n));
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
      if (u?.type === 'identifier') return this.constantOf(mod, mod.text(u))?.key ?? null;
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

  private assign(a: PyNode, st: FnState, ctx: FlowCtx): void {
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
      const key = keyNode ? this.keyOf(keyNode, st) : null;
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

  private bind(target: PyNode, v: AVal, st: FnState): void {
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

  private ifStmt(s: PyNode, st: FnState, ctx: FlowCtx): void {
    const c = field(s, 'condition');
    const body = field(s, 'consequence');
    const denies = body ? blockDenies(body, st.mod, ctx.rootKind, st.isRoot) : false;
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
        const d = eb ? blockDenies(eb, st.mod, ctx.rootKind, st.isRoot) : false;
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

  private regexFallbackAssigns(b: PyNode, st: FnState, ctx: FlowCtx): void {
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
  private cond(c: PyNode, stmtNode: PyNode, st: FnState, ctx: FlowCtx, denies: boolean, grants: boolean): void {
    const evBefore = ctx.events.length;
    const v = this.expr(c, st, ctx);
    if (denies) this.denyListTest(c, st, ctx, evBefore, stmtNode.type === 'assert_statement');
    const presence = isPresenceTest(c, st.mod, (n) => this.peek(n, st), (call) => {
      const f = field(call, 'function');
      const name = f ? dotted(f, st.mod.src) : null;
      return !!(name && this.resolveCall(name, st));
    });
    const truthiness = isTruthinessTest(c, st.mod);
    const text = st.mod.text(c);
    // `if not request.user.is_authenticated: return …` passes anonymous requests on: no short-cut for sessions.
    if (/\brequest\.user\.is_authenticated\b/.test(text) && !/^\s*not\b/.test(text) && ctx.rootKind === 'middleware' && !denies) {
      const body = field(stmtNode, 'consequence');
      if (body && blockReturns(body) && !rechecksSession(body, st, ctx)) this.event(ctx, st, c, { t: 'authenticated-shortcut' });
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
  private denyListTest(c: PyNode, st: FnState, ctx: FlowCtx, evBefore: number, asserted: boolean): void {
    const t = existenceTest(c, st.mod);
    // `assert not Revoked.objects.filter(…).exists()` refuses when the row exists.
    if (!t || t.exists === asserted) return;
    const direct = ctx.events.slice(evBefore).filter((e) => e.t === 'lookup');
    const named_ = t.operand.type === 'identifier' ? st.lookupVars?.get(st.mod.text(t.operand)) ?? [] : [];
    const lookups = [...direct, ...named_].filter((e): e is Extract<FlowEvent, { t: 'lookup' }> => e.t === 'lookup' && [...e.kw.values(), ...e.args].some(tainted));
    if (!lookups.length) return;
    for (const e of lookups) e.denyList = true;
    this.event(ctx, st, c, { t: 'check', what: 'revocation', detail: `deny-list table \`${st.mod.text(c)}\`` });
  }

  private tryStmt(s: PyNode, st: FnState, ctx: FlowCtx): void {
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

  /**
   * A handler that falls through joins the try body's path: a name both paths assign holds either
   * value afterwards (`ok = True` in the body, `ok = False` in the handler).
   */
  private joinAfterHandler(hb: PyNode, afterBody: Map<string, AVal>, st: FnState): void {
    const last = named(hb).pop();
    if (last && (last.type === 'return_statement' || last.type === 'raise_statement')) return;
    for (const [k, v] of afterBody) {
      const now = st.env.get(k);
      if (now && now !== v) st.env.set(k, union(v, now));
    }
  }

  private classifyHandler(
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
        if (unparen(e)?.type === 'call' && EXC_NAME_RE.test(lastName(dotted(field(unparen(e)!, 'function'), st.mod.src) ?? ''))) return { kind: 'returns-error-object', detail: 'returns an exception object instead of raising it', node: s, flags };
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
  private unraised(e: PyNode, st: FnState, ctx: FlowCtx): void {
    const n = unparen(e);
    if (n?.type !== 'call') return;
    const fname = dotted(field(n, 'function'), st.mod.src);
    if (!fname) return;
    const last = lastName(fname);
    if (/^[A-Z]/.test(last) && EXC_NAME_RE.test(last)) {
      this.event(ctx, st, n, { t: 'fail-open', how: 'unraised', detail: `\`${st.mod.text(n)}\` builds an exception but never raises it` });
    }
  }

  private rootReturn(s: PyNode, e: PyNode | null, v: AVal, st: FnState, ctx: FlowCtx): void {
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
  private returnsBoundRelation(e: PyNode, st: FnState): boolean {
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

  private event(ctx: FlowCtx, st: FnState, node: PyNode, e: Record<string, unknown> & { t: FlowEvent['t'] }): void {
    ctx.events.push({ ...(e as object), node, module: st.mod, fn: st.fn } as FlowEvent);
  }

  // ----- expressions --------------------------------------------------------------------------

  /** Evaluates without recording events (for classification of already-visited nodes). */
  private peek(n: PyNode, st: FnState): AVal {
    const scratch: FlowCtx = { root: st.fn, rootKind: 'function', events: [], functions: new Set(), reads: new Set(), parses: [], stack: [st.fn], memo: this.currentMemo };
    return this.expr(n, st, scratch, true);
  }

  private expr(n: PyNode, st: FnState, ctx: FlowCtx, peeking = false): AVal {
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
        return withStrs({ ...u, kinds: new Set(keep), strs: undefined }, this.constStrs(n, st));
      }
      case 'string': {
        for (const c of n.children) if (c.type === 'interpolation') for (const e of named(c)) this.expr(e, st, ctx, peeking);
        const interp = n.children.filter((c) => c.type === 'interpolation');
        if (interp.length) {
          const vs = interp.map((c) => named(c).map((e) => this.peek(e, st)));
          const u = union(...vs.flat());
          return withStrs(derive(u, ...formattedKinds(u)), this.constStrs(n, st));
        }
        return withStrs(EMPTY(), this.constStrs(n, st));
      }
      case 'concatenated_string':
        return withStrs(EMPTY(), this.constStrs(n, st));
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
  private sequence(n: PyNode, st: FnState, ctx: FlowCtx, peeking: boolean): AVal {
    const elems = named(n);
    const vs = elems.map((c) => this.expr(c, st, ctx, peeking));
    const out = collectionOf(union(...vs));
    if (n.type !== 'set' && !elems.some((c) => c.type === 'list_splat' || c.type === 'parenthesized_list_splat')) out.items = vs;
    return out;
  }

  /** `{"fp": fp, **rest}`: holds what its values are; constant keys are fields (`d["fp"]`, `d.get("fp")`). */
  private dictionary(n: PyNode, st: FnState, ctx: FlowCtx, peeking: boolean): AVal {
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
  private comprehension(n: PyNode, st: FnState, ctx: FlowCtx, peeking: boolean): AVal {
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
  private namedExpr(n: PyNode, st: FnState, ctx: FlowCtx, peeking: boolean): AVal {
    const value = field(n, 'value');
    const name = field(n, 'name');
    const v = value ? this.expr(value, st, ctx, peeking) : EMPTY();
    if (name) this.bind(name, v, st);
    return v;
  }

  private attribute(n: PyNode, st: FnState, ctx: FlowCtx, peeking: boolean): AVal {
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
    if (ov.kinds.has('cert')) {
      switch (attr) {
        case 'subject':
          return derive(ov, 'subject');
        case 'issuer':
          return derive(ov, 'issuer');
        case 'serial_number':
          return derive(ov, 'serial');
        case 'not_valid_after':
        case 'not_valid_after_utc':
        case 'not_valid_before':
        case 'not_valid_before_utc': {
          const which = attr.includes('after') ? 'after' : 'before';
          const v = derive(ov, which === 'after' ? 'not-after' : 'not-before');
          if (!peeking) this.event(ctx, st, n, { t: 'validity-read', which, val: v });
          if (attr.endsWith('_utc')) v.kinds.add('now'); // aware
          return v;
        }
        case 'extensions':
          return derive(ov, 'extensions');
        case 'signature':
        case 'tbs_certificate_bytes':
          return derive(ov);
        default:
          return derive(ov);
      }
    }
    if (ov.kinds.has('subject') || ov.kinds.has('issuer')) {
      const isIssuer = ov.kinds.has('issuer');
      // pyOpenSSL X509Name attributes: .CN, .O, .OU, .emailAddress, .commonName
      if (/^(CN|O|OU|L|ST|C|emailAddress|commonName|organizationName|organizationalUnitName|UID|serialNumber)$/.test(attr)) return derive(ov, isIssuer ? 'issuer-attr' : 'subject-attr');
      return derive(ov, isIssuer ? 'issuer' : 'subject');
    }
    if (ov.kinds.has('subject-attr') || ov.kinds.has('issuer-attr')) {
      // `attrs[0].value`
      return derive(ov, ...[...ov.kinds].filter((k) => k === 'subject-attr' || k === 'issuer-attr'));
    }
    if (ov.kinds.has('extensions')) return derive(ov, 'extensions');
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

  private subscript(n: PyNode, st: FnState, ctx: FlowCtx, peeking: boolean): AVal {
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
      const k = this.keyOf(sub, st);
      return { ...val('session-val'), sessionKey: k?.key ?? null };
    }
    if (ov.fields && sub) {
      const k = stringValue(sub, st.mod.src);
      if (k !== null) return ov.fields.get(k) ?? EMPTY();
    }
    if (ov.items && sub && unparen(sub)?.type === 'integer' || (ov.items && sub && unparen(sub)?.type === 'unary_operator')) {
      const i = Number(st.mod.text(unparen(sub)!).replace(/\s+/g, ''));
      const item = Number.isInteger(i) ? ov.items![i < 0 ? ov.items!.length + i : i] : undefined;
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

  private comparison(n: PyNode, st: FnState, ctx: FlowCtx, peeking: boolean): AVal {
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
      const verifyOnly = vs.filter(tainted).every((v) => { const rk = rawKinds(v); return rk.size > 0 && [...rk].every((k) => k === 'verify'); });
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
  private membershipRead(n: PyNode, st: FnState, ctx: FlowCtx, peeking: boolean): AVal | null {
    const operands = named(n);
    if (operands.length !== 2) return null;
    const op = n.children.filter((c) => !c.named).map((c) => st.mod.text(c)).join(' ');
    if (op !== 'in' && op !== 'not in') return null;
    const container = this.expr(operands[1], st, ctx, true);
    if (!container.kinds.has('meta') && !container.kinds.has('headers')) return null;
    const r = this.sourceRead(n, operands[0], container.kinds.has('headers'), st, ctx, peeking);
    if (!r || !tainted(r)) return null;
    for (const x of r.reads) if (x.node === n) x.membership = true;
    return r;
  }

  /** A read of `request.META[...]` / `request.headers[...]` / `.get(...)`. */
  private sourceRead(n: PyNode, keyNode: PyNode, headers: boolean, st: FnState, ctx: FlowCtx, peeking: boolean): AVal | null {
    const key = this.keyOf(keyNode, st);
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

  /**
   * The constant strings an expression can be: literals, locals and parameters holding them, module
   * constants, settings and class attributes (as keys resolve), and what `+`, `%`, f-strings and
   * `str.format` build from those. Null when any part is unknown.
   */
  strsOf(k: PyNode, st: FnState, depth = 0): string[] | null {
    const s = stringValue(k, st.mod.src);
    if (s !== null) return [s];
    const n = unparen(k);
    if (!n || depth > 8) return null;
    switch (n.type) {
      case 'identifier': {
        const name = st.mod.text(n);
        // A local (or parameter) shadows a module constant of the same name.
        if (st.env.has(name)) return st.env.get(name)!.strs ?? null;
        const cl = closureString(st.fn, name);
        if (cl !== null) return [cl];
        const c = this.constantOf(st.mod, name);
        return c ? [c.key] : null;
      }
      case 'attribute': {
        const k2 = this.keyOf(n, st);
        return k2 ? [k2.key] : null;
      }
      case 'string': {
        // An f-string: its literal parts and the constant values of its interpolations.
        let outs: string[] | null = [''];
        for (const c of n.children) {
          if (!outs) return null;
          if (c.type === 'string_content') outs = outs.map((o) => o + st.mod.text(c));
          else if (c.type === 'escape_sequence') return null;
          else if (c.type === 'interpolation') {
            if (field(c, 'format_specifier')) return null;
            const conv = field(c, 'type_conversion');
            if (conv && st.mod.text(conv) !== '!s') return null;
            const e = field(c, 'expression') ?? firstNamed(c);
            const vs = e ? this.strsOf(e, st, depth + 1) : null;
            if (!vs) return null;
            outs = product(outs, vs);
          }
        }
        return outs;
      }
      case 'binary_operator': {
        const op = field(n, 'operator');
        const l = field(n, 'left');
        const r = field(n, 'right');
        if (!op || !l || !r) return null;
        const opText = st.mod.text(op);
        const lv = this.strsOf(l, st, depth + 1);
        if (!lv) return null;
        if (opText === '+') {
          const rv = this.strsOf(r, st, depth + 1);
          return rv ? product(lv, rv) : null;
        }
        if (opText === '%') {
          const ru = unparen(r);
          const parts = ru && ru.type === 'tuple' ? named(ru) : [r];
          const args: string[][] = [];
          for (const p of parts) {
            const v = this.strsOf(p, st, depth + 1);
            if (!v) return null;
            args.push(v);
          }
          const outs: string[] = [];
          for (const f of lv) {
            const o = percentFormat(f, args);
            if (!o) return null;
            outs.push(...o);
          }
          return outs.length <= MAX_STRS ? outs : null;
        }
        return null;
      }
      case 'call': {
        // '…{}…{0}…'.format(a, b)
        const f = field(n, 'function');
        if (f?.type !== 'attribute' || st.mod.text(field(f, 'attribute')!) !== 'format') return null;
        const recv = field(f, 'object');
        const fmts = recv ? this.strsOf(recv, st, depth + 1) : null;
        const argsN = field(n, 'arguments');
        if (!fmts || !argsN) return null;
        const args: string[][] = [];
        for (const a of named(argsN)) {
          if (a.type === 'comment') continue;
          if (a.type === 'keyword_argument' || a.type === 'list_splat' || a.type === 'dictionary_splat') return null;
          const v = this.strsOf(a, st, depth + 1);
          if (!v) return null;
          args.push(v);
        }
        let outs: string[] = [];
        for (const fmt of fmts) {
          let cur: string[] | null = [''];
          let auto = 0;
          let last = 0;
          const re = /\{\{|\}\}|\{(\d*)\}|[{}]/g;
          for (let m = re.exec(fmt); m && cur; m = re.exec(fmt)) {
            const lit = fmt.slice(last, m.index);
            last = m.index + m[0].length;
            cur = cur.map((o) => o + lit);
            if (m[0] === '{{' || m[0] === '}}') { cur = cur.map((o) => o + m![0][0]); continue; }
            if (m[1] === undefined) return null; // a named field or a format spec
            const arg = args[m[1] === '' ? auto++ : Number(m[1])];
            if (!arg) return null;
            cur = product(cur, arg);
          }
          if (!cur) return null;
          outs.push(...cur.map((o) => o + fmt.slice(last)));
        }
        return outs.length <= MAX_STRS ? outs : null;
      }
      case 'conditional_expression': {
        const parts = named(n);
        if (parts.length !== 3) return null;
        const a = this.strsOf(parts[0], st, depth + 1);
        const b = this.strsOf(parts[2], st, depth + 1);
        return a && b && a.length + b.length <= MAX_STRS ? [...new Set([...a, ...b])] : null;
      }
      default:
        return null;
    }
  }

  /** `strsOf` for a value being computed (not a key being resolved): modules not parsed yet stay unparsed. */
  private constStrs(n: PyNode, st: FnState): string[] | null {
    return this.project.withoutLoading(() => this.strsOf(n, st));
  }

  /** One key from the constant strings a key expression can be: a certificate key read from a header first, then any certificate key. */
  private pickKey(strs: string[]): string {
    return strs.find((k) => /^HTTP_/i.test(k) && isCertKey(k)) ?? strs.find((k) => isCertKey(k)) ?? strs[0];
  }

  /** Resolves a key expression: a literal, a module constant, a setting/env default, a class attribute. */
  keyOf(k: PyNode, st: FnState): { key: string; site?: { file: string; line: number } } | null {
    const s = stringValue(k, st.mod.src);
    if (s !== null) return { key: s };
    const n = unparen(k);
    if (!n) return null;
    const text = st.mod.text(n);
    if (n.type === 'identifier') {
      // A local holding the key (`header = 'HTTP_X_…'; META.get(header)`), or a parameter given one.
      if (st.env.has(text)) {
        const strs = st.env.get(text)!.strs;
        return strs?.length ? { key: this.pickKey(strs) } : null;
      }
      const cl = closureString(st.fn, text);
      if (cl !== null) return { key: cl };
      return this.constantOf(st.mod, text);
    }
    if (n.type === 'binary_operator' || n.type === 'string' || n.type === 'conditional_expression' || (n.type === 'call' && field(n, 'function')?.type === 'attribute' && st.mod.text(field(field(n, 'function')!, 'attribute')!) === 'format')) {
      const strs = this.strsOf(n, st);
      return strs?.length ? { key: this.pickKey(strs) } : null;
    }
    if (n.type === 'attribute') {
      const obj = field(n, 'object');
      const attr = field(n, 'attribute');
      if (!obj || !attr) return null;
      const an = st.mod.text(attr);
      if (st.mod.text(obj) === 'self' && st.fn.cls) {
        const a = this.project.classAttr(st.fn.cls, an);
        if (a) {
          const sv = stringValue(a.value, a.cls.module.src);
          if (sv !== null) return { key: sv, site: { file: a.cls.module.path, line: a.node.line } };
          return this.valueKey(a.value, a.cls.module);
        }
        return this.memberKey(st.fn.cls, an);
      }
      if (st.mod.text(obj) === 'settings') return this.settingKey(an);
      const r = this.project.resolve(st.mod, text);
      if (r?.kind === 'assign') return this.valueKey(r.value, r.mod);
      return null;
    }
    if (n.type === 'call') return this.valueKey(n, st.mod);
    return null;
  }

  private constantOf(mod: PyModule, name: string): { key: string; site?: { file: string; line: number } } | null {
    const r = this.project.resolve(mod, name);
    if (r?.kind === 'assign') return this.valueKey(r.value, r.mod);
    return null;
  }

  /** `'HTTP_X'`, `os.environ.get('A', 'HTTP_X')`, `getattr(settings, 'A', 'HTTP_X')`, `env('A', default='HTTP_X')`. */
  valueKey(v: PyNode, mod: PyModule): { key: string; site?: { file: string; line: number } } | null {
    const s = stringValue(v, mod.src);
    if (s !== null) return { key: s, site: { file: mod.path, line: v.line } };
    const n = unparen(v);
    if (n?.type === 'call') {
      const fname = dotted(field(n, 'function'), mod.src) ?? '';
      const args = field(n, 'arguments');
      const pos = args ? named(args).filter((a) => a.type !== 'keyword_argument' && a.type !== 'comment') : [];
      const kwDefault = args ? named(args).find((a) => a.type === 'keyword_argument' && mod.text(field(a, 'name')!) === 'default') : undefined;
      if (/^getattr$/.test(fname) && pos.length >= 2) {
        const settingName = stringValue(pos[1], mod.src);
        if (settingName && mod.text(pos[0]) === 'settings') {
          const fromSettings = this.settingKey(settingName);
          if (fromSettings) return fromSettings;
        }
        if (pos[2]) return this.valueKey(pos[2], mod);
        return null;
      }
      if (/(environ\.get|getenv|^env(\.str)?|config)$/.test(fname)) {
        const d = pos[1] ?? (kwDefault ? field(kwDefault, 'value') : null);
        if (d) {
          const ds = stringValue(d, mod.src);
          if (ds !== null) return { key: ds, site: { file: mod.path, line: d.line } };
        }
      }
      const target = fname ? this.project.resolve(mod, fname) : null;
      if (target?.kind === 'function') return this.returnedKey(target.fn);
    }
    if (n?.type === 'identifier') return this.constantOf(mod, mod.text(n));
    if (n?.type === 'attribute') {
      const obj = field(n, 'object');
      const attr = field(n, 'attribute');
      if (obj && attr && mod.text(obj) === 'settings') return this.settingKey(mod.text(attr));
      const r = this.project.resolve(mod, mod.text(n));
      if (r?.kind === 'assign') return this.valueKey(r.value, r.mod);
    }
    return null;
  }

  private keyFns = new Set<PyFunction>();

  /** The key a project function returns (`def _user_header(): return os.getenv("X", "HTTP_X_USER")`). */
  private returnedKey(fn: PyFunction): { key: string; site?: { file: string; line: number } } | null {
    if (this.keyFns.has(fn)) return null;
    this.keyFns.add(fn);
    try {
      for (const e of returnExprs(fn)) {
        const k = this.valueKey(e, fn.module);
        if (k) return k;
      }
      return null;
    } finally {
      this.keyFns.delete(fn);
    }
  }

  /** The key a class member names when it is a `@property` (`def header(self): return settings.X`). */
  memberKey(cls: PyClass, name: string): { key: string; site?: { file: string; line: number } } | null {
    const m = classMember(this.project, cls, name);
    if (!m) return null;
    if (m.kind === 'property') return this.returnedKey(m.fn);
    for (const v of memberValues(m)) {
      const k = this.valueKey(v, m.cls.module);
      if (k) return k;
    }
    return null;
  }

  private settingKey(name: string): { key: string; site?: { file: string; line: number } } | null {
    const s = this.model.settings.get(name);
    if (s && typeof s.value === 'string') return { key: s.value, site: { file: s.site.file, line: s.site.line } };
    // Fallback: any analysed settings-like module assigning it.
    for (const mod of this.model.analysed) {
      for (let i = mod.assigns.length - 1; i >= 0; i--) {
        const a = mod.assigns[i];
        if (a.name === name && a.op === '=') {
          const k = this.valueKey(a.value, mod);
          if (k) return k;
        }
      }
    }
    return null;
  }

  private args(call: PyNode, st: FnState, ctx: FlowCtx, peeking: boolean): { pos: AVal[]; posNodes: PyNode[]; kw: Map<string, AVal>; kwNodes: Map<string, PyNode>; all: AVal } {
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

  private call(n: PyNode, st: FnState, ctx: FlowCtx, peeking: boolean): AVal {
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
      const k = a.posNodes[0] ? this.keyOf(a.posNodes[0], st) : null;
      return { ...val('session-val'), sessionKey: k?.key ?? null };
    }
    if (rv.kinds.has('session') && (last === 'cycle_key' || last === 'flush')) return EMPTY();
    if (fname === 'getattr' && a.posNodes[0] && a.posNodes[1]) {
      const base = this.expr(a.posNodes[0], st, ctx, true);
      const an = stringValue(a.posNodes[1], mod.src);
      if (base.kinds.has('request') && (an === 'META' || an === 'environ')) return val('meta');
      if (base.kinds.has('request') && an === 'headers') return val('headers');
      if (base.kinds.has('cert') && an) {
        if (/^not_valid_(after|before)(_utc)?$/.test(an)) {
          const which = an.includes('after') ? 'after' : 'before';
          const v = derive(base, which === 'after' ? 'not-after' : 'not-before');
          if (an.endsWith('_utc')) v.kinds.add('now');
          if (!peeking) this.event(ctx, st, n, { t: 'validity-read', which, val: v });
          return v;
        }
        return derive(base, an === 'subject' ? 'subject' : an === 'issuer' ? 'issuer' : an === 'serial_number' ? 'serial' : 'cert');
      }
    }

    // Certificate parsing.
    if (PARSE_FNS.includes(last) && tainted(a.all)) {
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
    if (last === 'from_cryptography' && tainted(a.all)) return derive(a.all, 'cert');
    if (last === 'to_cryptography' && rv.kinds.has('cert')) return derive(rv, 'cert');

    // Methods on parsed certificates (cryptography and pyOpenSSL).
    if (rv.kinds.has('cert')) {
      switch (last) {
        case 'get_subject':
          return derive(rv, 'subject');
        case 'get_issuer':
          return derive(rv, 'issuer');
        case 'get_serial_number':
          return derive(rv, 'serial');
        case 'digest':
        case 'fingerprint':
          return derive(rv, 'fingerprint');
        case 'get_notAfter':
        case 'get_notBefore': {
          const which = last === 'get_notAfter' ? 'after' : 'before';
          const v = derive(rv, which === 'after' ? 'not-after' : 'not-before');
          ev({ t: 'validity-read', which, val: v });
          return v;
        }
        case 'has_expired':
          ev({ t: 'check', what: 'validity', detail: 'has_expired()' });
          return derive(rv, 'verified');
        case 'verify_directly_issued_by':
          // Against an issuer taken from request data (the certificate itself, a forwarded chain) it is no pinning.
          if (a.pos[0] && tainted(a.pos[0])) return derive(rv);
          ev({ t: 'check', what: 'chain', detail: 'verify_directly_issued_by()' });
          return derive(rv, 'verified');
        case 'get_extension_for_class':
        case 'get_extension_for_oid':
        case 'get_extension':
          return derive(rv, 'extensions');
        case 'public_bytes':
        case 'public_key':
          return derive(rv);
        default:
          return derive(rv);
      }
    }
    if (rv.kinds.has('subject') || rv.kinds.has('issuer')) {
      const isIssuer = rv.kinds.has('issuer');
      if (last === 'get_attributes_for_oid') {
        const oid = a.posNodes[0] ? mod.text(a.posNodes[0]) : '';
        if (SUBJECT_OIDS.test(oid) || !oid) return derive(rv, isIssuer ? 'issuer-attr' : 'subject-attr');
        return derive(rv, isIssuer ? 'issuer-attr' : 'subject-attr');
      }
      if (last === 'rfc4514_string' || last === '__str__') return isIssuer ? derive(rv, 'dn-string', 'issuer') : derive(rv, 'dn-string');
      if (last === 'get_components') return derive(rv, isIssuer ? 'issuer-attr' : 'subject-attr', 'parts');
      if (last === 'der' || last === 'hash' || last === 'public_bytes') return derive(rv, isIssuer ? 'issuer' : 'subject');
      return derive(rv, isIssuer ? 'issuer' : 'subject');
    }
    if (rv.kinds.has('extensions')) {
      if (/ExtendedKeyUsage|EXTENDED_KEY_USAGE/.test(a.posNodes.map((x) => mod.text(x)).join(' '))) return derive(rv, 'extensions');
      if (/SubjectAlternativeName|SUBJECT_ALTERNATIVE_NAME/.test(a.posNodes.map((x) => mod.text(x)).join(' '))) return derive(rv, 'subject-attr');
      if (last === 'get_values_for_type') return derive(rv, 'subject-attr', 'parts');
      return derive(rv, 'extensions');
    }

    // String operations on raw certificate/identity values and DN strings.
    if (rv.kinds.has('raw') || rv.kinds.has('dn-string') || rv.kinds.has('subject-attr')) {
      const dnLike = isDnLike(rv);
      const xf = isXfcc(rv);
      // Splitting a piece of an already split DN (`k, v = rdn.split("=")`) is the same parse, reported at the first split.
      const resplit = !xf && rv.kinds.has('parts') && /^(split|rsplit|partition|rpartition)$/.test(last);
      if ((dnLike || xf) && !resplit && /^(split|rsplit|startswith|endswith|find|rfind|index|rindex|partition|rpartition|count|__contains__)$/.test(last)) {
        ev({ t: 'dnop', op: `.${last}(${a.posNodes.map((x) => mod.text(x)).join(', ')})`, val: rv, target: xf ? 'xfcc' : 'dn' });
      }
      if (/^(split|rsplit|splitlines|partition|rpartition)$/.test(last)) return derive(rv, ...keepStr(rv), 'parts');
      // A piece of a split DN stays a piece after `.strip()` and friends.
      if (/^(encode|decode|strip|lstrip|rstrip|lower|upper|replace|casefold|removeprefix|removesuffix|title)$/.test(last)) return derive(rv, ...keepStr(rv), ...(rv.kinds.has('parts') ? (['parts'] as VKind[]) : []));
      if (/^(format|join)$/.test(last)) return derive(rv, ...keepStr(rv));
      if (/^(startswith|endswith|isdigit|isalnum)$/.test(last)) return derive(rv);
    }
    if (rv.kinds.has('regex-match') && /^(group|groups|groupdict|__getitem__)$/.test(last)) return derive(rv, 'raw', 'regex-match');
    if (rv.kinds.has('parts') && /^(get|pop|__getitem__)$/.test(last)) {
      // `fields.get("emailAddress")` on a DN split into a dict: that attribute's value.
      const named_ = a.posNodes[0] && stringValue(a.posNodes[0], mod.src) !== null && isDnLike(rv) && !rv.kinds.has('issuer');
      return derive(rv, ...keepStr(rv), ...(named_ ? (['subject-attr'] as VKind[]) : []));
    }

    // Regex on DN / XFCC.
    if (/^re\.compile$/.test(fname) || (fname === 'compile' && this.project.qualify(mod, fname) === 're.compile')) return val('pattern');
    if (/^re\.(search|match|fullmatch|findall|finditer|split|sub)$/.test(fname) || (/^(search|match|fullmatch|findall|finditer)$/.test(last) && recv && (/(_RE|_re|regex|pattern|PATTERN|_rx)$/.test(mod.text(recv)) || rv.kinds.has('pattern') || isCompiledRegex(this.project, recv, mod, st.fn.cls, st.fn)))) {
      const subject = /^re\./.test(fname) ? a.pos[1] : a.pos[0];
      if (subject && (isDnLike(subject) || isXfcc(subject))) {
        ev({ t: 'dnop', op: `${fname}()`, val: subject, target: isXfcc(subject) ? 'xfcc' : 'dn' });
      }
      if (subject && tainted(subject)) return derive(subject, 'regex-match', ...(last === 'findall' || last === 'split' ? (['parts', 'raw'] as VKind[]) : []));
      return EMPTY();
    }

    // Verification calls.
    // pyOpenSSL's `X509StoreContext(...).verify_certificate()` — not a project function of that name,
    // which is analysed as project code below.
    if ((last === 'verify_certificate' && !this.resolveCall(fname, st)) || fname.endsWith('X509StoreContext')) {
      ev({ t: 'check', what: 'chain', detail: 'X509StoreContext.verify_certificate()' });
      ev({ t: 'check', what: 'validity', detail: 'X509StoreContext.verify_certificate()' });
      return derive(a.all, 'verified');
    }
    if (last === 'build_client_verifier' || last === 'build_server_verifier' || fname.endsWith('PolicyBuilder')) {
      ev({ t: 'check', what: 'chain', detail: 'cryptography PolicyBuilder verifier' });
      ev({ t: 'check', what: 'validity', detail: 'cryptography PolicyBuilder verifier' });
      if (last === 'build_client_verifier') ev({ t: 'check', what: 'eku', detail: 'client verifier requires clientAuth' });
      return derive(a.all, 'verified');
    }
    if (last === 'verify' && recv && (/public_key\(\)|_key$|key$|ca_pub|issuer_pub/.test(mod.text(recv)) || a.posNodes.some((x) => /\.tbs_certificate_bytes\b/.test(mod.text(x)))) && a.posNodes.some((x) => /\.signature\b/.test(mod.text(x)))) {
      // The key must be a pinned one: a key taken from request data — the presented certificate's
      // own `public_key()` above all — proves only that the certificate is self-consistent.
      if (tainted(rv)) return derive(a.all);
      ev({ t: 'check', what: 'chain', detail: `${mod.text(recv)}.verify(… signature …)` });
      return derive(a.all, 'verified');
    }
    if (/^(load_pem_x509_crl|load_der_x509_crl|get_revoked_certificate_by_serial_number|add_crl|load_crl)$/.test(last) || /ocsp\./i.test(fname) || /OCSPRequestBuilder/.test(fname)) {
      ev({ t: 'check', what: 'revocation', detail: `${fname}()` });
      return derive(a.all);
    }
    if (last === 'compare_digest') {
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
    if (/ip_address|ip_network/.test(last) && a.pos.some((v) => v.kinds.has('remote-addr'))) return val('remote-addr');

    // now()
    if (/(^|\.)(datetime\.)?(utcnow)$/.test(fname)) return val('now');
    if (/(^|\.)datetime\.now$|^now$/.test(fname) && fnNode.type === 'attribute') {
      if (a.pos.length || a.kw.has('tz')) return val('now');
      return val('now-naive');
    }
    if (/timezone\.now$|^now$/.test(fname) && /timezone/.test(fname)) return val('now');
    if (/time\.time$/.test(fname)) return val('now');

    // ORM lookups and user creation.
    if (ORM_LOOKUP.has(last) && recv && (/\bobjects\b|_default_manager|_base_manager|\.filter\(|get_user_model\(\)|UserModel|User\b/.test(mod.text(recv)) || rv.kinds.has('binding') || rv.kinds.has('user'))) {
      const modelName = mod.text(recv).split('.')[0];
      const certDerived = tainted(a.all);
      if (certDerived) {
        if (CREATE_OPS.has(last) && this.createsUser(last, recv, st)) ev({ t: 'create-user', op: last, kw: a.kw, args: a.pos });
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
    if ((last === 'first' || last === 'last' || last === 'get' || last === 'exists') && (rv.kinds.has('binding') || rv.kinds.has('user'))) return derive(rv, ...[...rv.kinds].filter((k) => k === 'binding' || k === 'user'));
    // Queryset chains after a certificate-keyed filter() keep what the rows are.
    if (QUERYSET_CHAIN.has(last) && (rv.kinds.has('binding') || rv.kinds.has('user'))) return derive(rv, ...[...rv.kinds].filter((k) => k === 'binding' || k === 'user'));

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

    // Responses.
    if (DENY_RESPONSE_RE.test(last)) return val('response-deny');
    if (OK_RESPONSE.has(last) || /Response$/.test(last)) {
      const status = a.kwNodes.get('status');
      const statusText = status ? mod.text(status) : '';
      const posStatus = last === 'HttpResponse' && a.posNodes[1] ? mod.text(a.posNodes[1]) : '';
      // `status=200 if found else 404`: a success on one branch is a grant there.
      const branches = statusBranches(status ?? (last === 'HttpResponse' ? a.posNodes[1] ?? null : null), mod);
      if (branches) return branches.ok && branches.deny ? val('response-ok', 'response-deny') : branches.ok ? val('response-ok') : val('response-deny');
      if (/\b[45]\d\d\b|HTTP_4\d\d|HTTP_5\d\d/.test(statusText + ' ' + posStatus)) return val('response-deny');
      if (last === 'redirect' && a.posNodes[0] && /login/i.test(mod.text(a.posNodes[0]))) return val('response-deny');
      return val('response-ok');
    }
    if (/get_response$/.test(fname) || (last === 'get_response')) return val('response-ok');
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
    if (/^(unquote|unquote_plus|urllib\.parse\.unquote|parse\.unquote|b64decode|base64\.b64decode|b64encode|base64\.b64encode|bytes|b16decode|a2b_base64)$/.test(fname) || /(unquote|b64decode|b64encode|standard_b64decode|urlsafe_b64decode)$/.test(last)) return derive(a.all, ...keepStr(a.all));

    // Project function calls: analyse in this context — only when something worth following goes
    // in (the request, a certificate value, a session) or it is a method on self; nothing else can
    // reach a certificate, and not resolving the rest keeps unrelated modules unparsed.
    const interesting = fname.startsWith('self.') || [...a.pos, ...a.kw.values()].some((v) => tainted(v) || v.kinds.has('request') || v.kinds.has('meta') || v.kinds.has('headers') || v.kinds.has('session') || v.kinds.has('cert') || v.kinds.has('user') || v.kinds.has('binding'));
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

    // hashlib over the certificate's bytes (or its PEM) is its fingerprint; over a name, it is still that name.
    if (tainted(a.all) && /(^|\.)(sha\d+|sha3_\d+|md5|blake2[bs]|new)$/.test(fname) && /^hashlib\./.test(this.project.qualify(st.mod, fname) ?? '')) {
      const named_ = a.all.kinds.has('dn-string') || a.all.kinds.has('subject') || a.all.kinds.has('issuer') || a.all.kinds.has('subject-attr') || a.all.kinds.has('issuer-attr') || a.all.kinds.has('serial') || rawKinds(a.all).has('dn') || rawKinds(a.all).has('cn') || rawKinds(a.all).has('issuer-dn') || rawKinds(a.all).has('serial') || rawKinds(a.all).has('user');
      return named_ ? derive(a.all, ...keepStr(a.all)) : derive(a.all, 'fingerprint');
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
      if (last === 'replace' && a.kw.has('tzinfo')) { v.kinds.delete('now-naive'); v.kinds.add('now'); }
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

  /**
   * Does this ORM create call make a user? `create_user`/`create_superuser` always do; `create`,
   * `get_or_create`, `update_or_create` only on Django's user model (per-device or status rows
   * keyed by a certificate are not accounts).
   */
  private createsUser(op: string, recv: PyNode, st: FnState): boolean {
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
  private constructedFields(fname: string, st: FnState, a: { pos: AVal[]; kw: Map<string, AVal> }): { fields: Map<string, AVal>; data: boolean } | null {
    if (!fname || /^(self|super\(\))\./.test(fname)) return null;
    const r = this.project.resolve(st.mod, fname);
    let names: string[] | null = null;
    let data = false;
    if (r?.kind === 'class') {
      const declared = declaredFields(r.cls);
      const isData = r.cls.decorators.some((d) => /(^|\.)(dataclass|attrs|attr\.s|define|frozen|mutable)\b/.test(d)) || r.cls.bases.some((b) => /(^|\.)(NamedTuple|TypedDict|BaseModel|Struct)$/.test(b));
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
          names = str !== null ? str.split(/[\s,]+/).filter(Boolean) : named(spec).map((x) => stringValue(x, r.mod.src)).filter((x): x is string => x !== null);
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

  private isDjangoAuthenticate(fname: string, st: FnState): boolean {
    const q = this.project.qualify(st.mod, fname);
    return q === 'django.contrib.auth.authenticate' || fname === 'auth.authenticate';
  }

  private backendCache: PyFunction[] | null = null;

  /**
   * The backends Django would call: those named in AUTHENTICATION_BACKENDS when the setting is
   * known, else every project class with a backend-style `authenticate` method.
   */
  private projectBackends(): PyFunction[] {
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
  private callBackend(fn: PyFunction, a: { pos: AVal[]; kw: Map<string, AVal> }, ctx: FlowCtx): AVal {
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

  private splatParam(fn: PyFunction): string | null {
    const def = fn.node.type === 'decorated_definition' ? field(fn.node, 'definition') : fn.node;
    const ps = def ? field(def, 'parameters') : null;
    const d = ps?.children.find((c) => c.type === 'dictionary_splat_pattern');
    const id = d?.children.find((c) => c.type === 'identifier');
    return id ? fn.module.text(id) : null;
  }

  private analyseFnPeek(fn: PyFunction, args: AVal[], ctx: FlowCtx): AVal {
    const sig = `${fn.module.path}:${fn.qualname}:${args.map(sigOf).join('|')}`;
    return ctx.memo.get(sig) ?? EMPTY();
  }

  /** The project function a call targets: `self.method(...)` through the class's bases, or a resolved name. */
  private resolveCall(fname: string, st: FnState): { fn: PyFunction; viaSelf: boolean } | null {
    if (!fname) return null;
    if (fname.startsWith('self.') && st.fn.cls) {
      const parts = fname.split('.');
      if (parts.length !== 2) return null;
      const m = this.project.findMethod(st.fn.cls, parts[1]);
      return m ? { fn: m, viaSelf: true } : null;
    }
    if (fname.startsWith('super().')) return null;
    const r = this.project.resolve(st.mod, fname);
    return r?.kind === 'function' ? { fn: r.fn, viaSelf: false } : null;
  }
}

/** The parameter of a RemoteUserBackend method that receives the asserted user name. */
function remoteUserParam(fn: PyFunction, p: string, i: number): boolean {
  if (fn.name === 'authenticate') return p === 'remote_user';
  if (fn.name === 'clean_username') return i === 1;
  if (fn.name === 'configure_user') return p === 'user';
  return false;
}

/**
 * A name an enclosing function binds once to a string literal (`header = 'HTTP_X_…'` in a
 * middleware factory, read by the inner `middleware(request)`); null when it is bound otherwise.
 */
function closureString(fn: PyFunction, name: string): string | null {
  for (let outer = fn.outer; outer; outer = outer.outer) {
    let found: string | null = null;
    let bound = outer.params.includes(name);
    walkScope(outer.body, (n) => {
      if (n.type !== 'assignment' && n.type !== 'augmented_assignment' && n.type !== 'for_statement' && n.type !== 'named_expression') return true;
      const l = unparen(field(n, n.type === 'named_expression' ? 'name' : 'left'));
      const names = l?.type === 'identifier' ? [l] : l ? named(l).filter((x) => x.type === 'identifier') : [];
      if (!names.some((x) => outer!.module.text(x) === name)) return true;
      const v = n.type === 'assignment' && l?.type === 'identifier' ? stringValue(field(n, 'right'), outer!.module.src) : null;
      if (bound || v === null) found = null;
      else found = v;
      bound = true;
      return true;
    });
    if (bound) return found;
  }
  return null;
}

/** `v` with the constant strings it can be (none when they are unknown). */
function withStrs(v: AVal, strs: string[] | null): AVal {
  if (strs) v.strs = strs;
  return v;
}

/** At most this many constant strings are followed per expression (products of alternatives). */
const MAX_STRS = 16;

function product(a: string[], b: string[]): string[] | null {
  if (a.length * b.length > MAX_STRS) return null;
  return a.flatMap((x) => b.map((y) => x + y));
}

/** printf-style `%` with the given argument values: `%s`/`%d`/`%r`/`%%` (anything else: unknown). */
function percentFormat(fmt: string, args: string[][]): string[] | null {
  let outs = [''];
  let i = 0;
  const re = /%(%|[sdr])/g;
  let last = 0;
  for (let m = re.exec(fmt); m; m = re.exec(fmt)) {
    const lit = fmt.slice(last, m.index);
    last = m.index + m[0].length;
    outs = outs.map((o) => o + lit);
    if (m[1] === '%') { outs = outs.map((o) => o + '%'); continue; }
    const arg = args[i++];
    if (!arg) return null;
    const next = product(outs, arg);
    if (!next) return null;
    outs = next;
  }
  if (i !== args.length || /%[^%sdr]/.test(fmt.replace(/%[%sdr]/g, ''))) return null;
  return outs.map((o) => o + fmt.slice(last));
}

function keepStr(v: AVal): VKind[] {
  return [...v.kinds].filter((k) => k === 'raw' || k === 'dn-string' || k === 'subject-attr' || k === 'issuer-attr' || k === 'fingerprint' || k === 'serial');
}

/** The branches of a conditional status (`200 if x else 404`): does one succeed, does one fail? Null when not conditional. */
function statusBranches(n: PyNode | null, mod: PyModule): { ok: boolean; deny: boolean } | null {
  const u = unparen(n);
  if (!u || u.type !== 'conditional_expression') return null;
  const parts = named(u);
  if (parts.length !== 3) return null;
  let ok = false;
  let deny = false;
  for (const b of [parts[0], parts[2]]) {
    const inner = statusBranches(b, mod);
    if (inner) {
      ok ||= inner.ok;
      deny ||= inner.deny;
    } else if (/\b[45]\d\d\b|HTTP_[45]\d\d/.test(mod.text(b))) deny = true;
    else ok = true;
  }
  return { ok, deny };
}

/** The conditional status of a response call (`status=` keyword, or HttpResponse's second argument). */
function conditionalStatus(call: PyNode, last: string, mod: PyModule): { ok: boolean; deny: boolean } | null {
  const args = field(call, 'arguments');
  if (!args) return null;
  const all = named(args);
  const kw = all.find((x) => x.type === 'keyword_argument' && mod.text(field(x, 'name')!) === 'status');
  if (kw) return statusBranches(field(kw, 'value'), mod);
  if (last === 'HttpResponse') {
    const pos = all.filter((x) => x.type !== 'keyword_argument' && x.type !== 'comment');
    return statusBranches(pos[1] ?? null, mod);
  }
  return null;
}

/** `has_permission` / `has_object_permission` of a (DRF-style) permission class. */
function isPermissionHook(fn: PyFunction): boolean {
  return !!fn.cls && (fn.name === 'has_permission' || fn.name === 'has_object_permission');
}

/** `(user, auth)` or the unparenthesised `user, auth` (an `expression_list`). */
function isTupleExpr(e: PyNode): boolean {
  const u = unparen(e);
  return u?.type === 'tuple' || u?.type === 'expression_list';
}

/** What a string built from `u` (f-string, `.format`, `%`) is: a name formatted into text is DN text. */
function formattedKinds(u: AVal): VKind[] {
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
const CONTROL_KINDS = new Set<VKind>(['request', 'meta', 'headers', 'session', 'settings', 'self', 'response-ok', 'response-deny', 'true', 'false', 'none', 'exception']);

/** A container of `v`'s (list, tuple, dict(...), sorted(...), a comprehension): it holds what `v` is. */
function collectionOf(v: AVal): AVal {
  return derive(v, ...[...v.kinds].filter((k) => !CONTROL_KINDS.has(k)));
}

/** One element of iterating `v`: an element of split DN/XFCC parts is still raw text; of a list of attributes, an attribute. */
function elementOf(v: AVal): AVal {
  const kinds = [...v.kinds].filter((k) => !CONTROL_KINDS.has(k) && k !== 'regex-match');
  if (v.kinds.has('parts') && !kinds.includes('raw') && v.kinds.has('raw')) kinds.push('raw');
  return derive(v, ...kinds);
}

/** `hex(serial)`, `format(fp, "x")`, `dict(pairs)`, `sorted(names)`, `next(it)`: the result is what the input is. */
function builtinResult(fname: string, a: { pos: AVal[]; all: AVal }): AVal | null {
  if (/^(dict|list|tuple|set|frozenset|sorted|reversed|iter|enumerate|zip|filter)$/.test(fname)) return collectionOf(a.all);
  if (fname === 'next' && a.pos[0]) return union(elementOf(a.pos[0]), a.pos[1]);
  if (/^(hex|oct|bin|format|repr|int|float|abs|round|ascii)$/.test(fname) && a.pos[0]) return derive(a.pos[0], ...keepStr(a.pos[0]));
  return null;
}

/** Annotated fields declared in a class body, in order (`sha256: str`, `serial: int = 0`), ClassVar excluded. */
function declaredFields(cls: PyClass): string[] {
  const def = cls.node.type === 'decorated_definition' ? field(cls.node, 'definition') ?? cls.node : cls.node;
  const body = field(def, 'body');
  const out: string[] = [];
  if (!body) return out;
  for (const s of named(body)) {
    const asg = s.type === 'expression_statement' ? firstNamed(s) : null;
    if (asg?.type !== 'assignment') continue;
    const left = field(asg, 'left');
    const type = field(asg, 'type');
    if (left?.type !== 'identifier' || !type || /ClassVar/.test(cls.module.text(type))) continue;
    out.push(cls.module.text(left));
  }
  return out;
}

function sigOf(v: AVal): string {
  return `${[...v.kinds].sort().join(',')}#${[...v.reads].map((r) => r.id).join(',')}#${[...v.parses].map((p) => p.id).join(',')}${v.strs ? `#${JSON.stringify(v.strs)}` : ''}`;
}

function lastName(d: string): string {
  const i = d.lastIndexOf('.');
  return i < 0 ? d : d.slice(i + 1);
}

function isConstant(n: PyNode): boolean {
  const u = unparen(n);
  return !!u && (u.type === 'string' || u.type === 'integer' || u.type === 'float' || u.type === 'none' || u.type === 'true' || u.type === 'false' || u.type === 'concatenated_string');
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

/** A tested expression without parentheses, and an assignment expression (`(x := v)`) as the value it tests. */
function testOperand(n: PyNode | null): PyNode | null {
  let u = unparen(n);
  while (u && u.type === 'named_expression') u = unparen(field(u, 'value'));
  return u;
}

/** Is this condition a presence test (truthiness, `is None`, `== ''`, `len(x)`, a verify flag compared with a constant)? */
function isPresenceTest(c: PyNode, mod: PyModule, peek: (n: PyNode) => AVal, isProjectCall: (call: PyNode) => boolean = () => false): boolean {
  let n = testOperand(c)!;
  while (n.type === 'not_operator') n = testOperand(field(n, 'argument'))!;
  if (!n) return false;
  if (n.type === 'boolean_operator') {
    const l = field(n, 'left');
    const r = field(n, 'right');
    return (!!l && isPresenceTest(l, mod, peek, isProjectCall)) || (!!r && isPresenceTest(r, mod, peek, isProjectCall));
  }
  if (n.type === 'comparison_operator') {
    // `'HTTP_X_…' in request.META`: whether the request carries a certificate value at all.
    const ops = n.children.filter((x) => !x.named).map((x) => mod.text(x)).join(' ');
    const operands = named(n);
    if (/^(in|not in)$/.test(ops) && operands.length === 2) {
      const container = peek(operands[1]);
      if ((container.kinds.has('meta') || container.kinds.has('headers')) && peek(n).kinds.has('raw')) return true;
    }
  }
  const v = n.type === 'comparison_operator' ? union(...named(n).map(peek)) : peek(n);
  const raw = v.kinds.has('raw');
  if (!raw) return false;
  if (n.type === 'identifier' || n.type === 'subscript' || n.type === 'call' || n.type === 'attribute') {
    if (n.type === 'call') {
      const f = dotted(field(n, 'function'), mod.src) ?? '';
      // A project helper whose result is still the raw value (`return bool(dn)`) is a presence test;
      // an unknown library call might validate, so it is not.
      if (!/^(bool|len)$/.test(f) && !/\.get$/.test(f) && !isProjectCall(n)) return false;
    }
    return true;
  }
  if (n.type === 'comparison_operator') {
    const ops = n.children.filter((x) => !x.named).map((x) => mod.text(x)).join(' ');
    const operands = named(n);
    if (/^(is|is not)$/.test(ops)) return true;
    if (/^(==|!=)$/.test(ops)) {
      const other = operands.find((o) => isConstant(o));
      if (!other) return false;
      const s = stringValue(other, mod.src);
      if (s === '' || unparen(other)?.type === 'none' || unparen(other)?.type === 'integer') return true;
      // A verify flag compared with SUCCESS/NONE/FAILED is a presence test, not an identity decision.
      const rk = rawKinds(v);
      if (rk.has('verify') && rk.size === 1) return true;
    }
  }
  return false;
}

/** Structure only: `x`, `not x`, `x is None`, `x == ''`, `len(x) == 0`, `bool(x)` (no comparison of contents). */
function isTruthinessTest(c: PyNode, mod: PyModule): boolean {
  let n = testOperand(c);
  while (n && n.type === 'not_operator') n = testOperand(field(n, 'argument'));
  if (!n) return false;
  if (n.type === 'boolean_operator') {
    const l = field(n, 'left');
    const r = field(n, 'right');
    return !!l && !!r && isTruthinessTest(l, mod) && isTruthinessTest(r, mod);
  }
  if (n.type === 'identifier' || n.type === 'attribute' || n.type === 'subscript') return true;
  if (n.type === 'call') return /^(bool|len)$/.test(dotted(field(n, 'function'), mod.src) ?? '') || /\.get$/.test(dotted(field(n, 'function'), mod.src) ?? '');
  if (n.type === 'comparison_operator') {
    const ops = n.children.filter((x) => !x.named).map((x) => mod.text(x)).join(' ');
    if (/^(is|is not)$/.test(ops)) return named(n).some((o) => unparen(o)?.type === 'none');
    if (/^(==|!=)$/.test(ops)) return named(n).some((o) => { const u = unparen(o); return !!u && (stringValue(u, mod.src) === '' || u.type === 'none' || (u.type === 'integer' && mod.text(u) === '0')); });
  }
  return false;
}

/** Does the block immediately deny (return a 4xx response / None / False, or raise)? */
export function blockDenies(b: PyNode, mod: PyModule, rootKind: RootKind, isRoot: boolean): boolean {
  for (const s of named(b)) {
    if (s.type === 'raise_statement') return true;
    if (s.type === 'return_statement') {
      const e = unparen(firstNamed(s));
      if (!e) return rootKind === 'backend' || rootKind === 'drf-auth' || !isRoot;
      if (e.type === 'none' || e.type === 'false') return true;
      if (e.type === 'call') {
        const f = dotted(field(e, 'function'), mod.src) ?? '';
        const last = lastName(f);
        if (DENY_RESPONSE_RE.test(last)) return true;
        const text = mod.text(e);
        const cs = conditionalStatus(e, last, mod);
        if (cs) return !cs.ok;
        if (/status\s*=\s*(4\d\d|5\d\d|status\.HTTP_[45]\d\d)/.test(text)) return true;
        if (last === 'HttpResponse' && /,\s*(4\d\d|5\d\d)\s*\)/.test(text)) return true;
        if (/^(Http404|PermissionDenied)$/.test(last)) return true;
        if (last === 'redirect' && /login/i.test(text)) return true;
      }
      return false;
    }
    if (s.type === 'expression_statement') continue; // logging etc.
    return false;
  }
  return false;
}

/** Inside `body` (already analysed), the session's stored fingerprint is compared with the presented one and a mismatch denies. */
function rechecksSession(body: PyNode, st: FnState, ctx: FlowCtx): boolean {
  const within = (outer: PyNode, inner: PyNode) => outer.start <= inner.start && outer.end >= inner.end;
  const stmts = named(body);
  return ctx.events.some((c) => {
    if (c.t !== 'cond' || !c.sessionRecheck || c.module !== st.mod || !within(body, c.node)) return false;
    // `if stored != presented: deny`
    if (c.denies) return true;
    // `if match: return get_response(request)` and a denial right after it
    const i = stmts.findIndex((x) => x.type === 'if_statement' && within(x, c.node));
    return i >= 0 && c.grants && blockDenies({ ...body, children: stmts.slice(i + 1) }, st.mod, ctx.rootKind, st.isRoot);
  });
}

/** `x`, `q.exists()`, `x is not None` (a row exists) vs `not x`, `x is None` (none does); with the tested operand. */
function existenceTest(c: PyNode, mod: PyModule): { exists: boolean; operand: PyNode } | null {
  let n = unparen(c);
  let neg = false;
  while (n && n.type === 'not_operator') {
    neg = !neg;
    n = unparen(field(n, 'argument'));
  }
  if (!n) return null;
  if (n.type === 'comparison_operator') {
    const ops = n.children.filter((x) => !x.named).map((x) => mod.text(x)).join(' ');
    const operands = named(n);
    if (operands.length !== 2 || !/^(is|is not|==|!=)$/.test(ops)) return null;
    const noneIdx = operands.findIndex((o) => unparen(o)?.type === 'none');
    if (noneIdx < 0) return null;
    const operand = unparen(operands[1 - noneIdx]);
    if (!operand) return null;
    return { exists: (ops === 'is not' || ops === '!=') !== neg, operand };
  }
  // `if binding.revoked:` tests a field of a row, not whether a row exists.
  if (n.type === 'identifier' || n.type === 'call') return { exists: !neg, operand: n };
  return null;
}

function blockReturns(b: PyNode): boolean {
  return named(b).some((s) => s.type === 'return_statement');
}

function describeHandler(stmts: PyNode[], mod: PyModule): string {
  const kinds = stmts.map((s) => (s.type === 'pass_statement' ? 'passes' : s.type === 'expression_statement' ? (/log|print|warn/.test(mod.text(s)) ? 'logs' : 'runs a statement') : s.type));
  return [...new Set(kinds)].join(' and ') + ', and execution continues';
}

// ---------------------------------------------------------------------------------------------
// Entry points and the code model

const VIEW_METHODS = new Set(['get', 'post', 'put', 'patch', 'delete', 'head', 'options', 'dispatch', 'list', 'create', 'retrieve', 'update', 'partial_update', 'destroy']);
const MIDDLEWARE_METHODS = new Set(['__call__', 'process_request', 'process_view', '__acall__']);

export function rootKindOf(fn: PyFunction, project: PythonProject): RootKind | null {
  const cls = fn.cls;
  if (cls) {
    const anc = project.ancestry(cls);
    const isDrfAuth = anc.some((q) => qualifiedIs(q, 'BaseAuthentication', 'rest_framework.authentication.BaseAuthentication', 'RemoteUserAuthentication', 'TokenAuthentication', 'SessionAuthentication'));
    if (fn.name === 'authenticate' && isDrfAuth) return 'drf-auth';
    if (fn.name === 'authenticate' && fn.params.includes('request')) {
      if (anc.some((q) => /BaseAuthentication$/.test(q))) return 'drf-auth';
      return 'backend';
    }
    if (fn.name === 'authenticate' && /Authentication$/.test(cls.name)) return 'drf-auth';
    if (fn.name === 'authenticate') return 'backend';
    // Django calls RemoteUserBackend.clean_username with the asserted user name.
    if ((fn.name === 'clean_username' || fn.name === 'configure_user') && fn.params.length >= 2 && anc.some((q) => qualifiedIs(q, 'RemoteUserBackend'))) return 'backend';
    if (fn.name === 'has_permission' || fn.name === 'has_object_permission') return 'view';
    if (MIDDLEWARE_METHODS.has(fn.name) && fn.params.length >= 2) return 'middleware';
    if (VIEW_METHODS.has(fn.name) && fn.params.length >= 2) return 'view';
    return null;
  }
  if (fn.outer) {
    // Function-style middleware: def middleware(request) inside def factory(get_response)
    if (fn.params[0] === 'request' && fn.outer.params.includes('get_response')) return 'middleware';
    // View decorators: def require_cert(view): def wrapper(request, *args, **kwargs): ...
    if ((fn.params[0] === 'request' || fn.params[0] === 'req') && !fn.outer.cls) return 'view';
    return null;
  }
  if (fn.params[0] === 'request' || fn.params[0] === 'req') return 'view';
  return null;
}

/** Project middleware classes listed in a MIDDLEWARE setting. */
function listedMiddleware(model: ProjectModel): Set<PyClass> {
  const out = new Set<PyClass>();
  const names: string[] = [];
  const s = model.settings.get('MIDDLEWARE') ?? model.settings.get('MIDDLEWARE_CLASSES');
  if (s && Array.isArray(s.value)) for (const v of s.value) if (typeof v === 'string') names.push(v);
  for (const mod of model.analysed) {
    for (const a of mod.assigns) {
      if (a.name !== 'MIDDLEWARE' && a.name !== 'MIDDLEWARE_CLASSES') continue;
      walk(a.value, (n) => {
        const v = stringValue(n, mod.src);
        if (v) names.push(v);
        return n.type !== 'string';
      });
    }
  }
  for (const dottedPath of names) {
    const i = dottedPath.lastIndexOf('.');
    if (i < 0) continue;
    const r = model.python.resolveIn(dottedPath.slice(0, i), dottedPath.slice(i + 1));
    if (r?.kind === 'class') out.add(r.cls);
  }
  return out;
}

export function buildCodeModel(model: ProjectModel): CodeModel {
  const project = model.python;
  const analyser = new FlowAnalyzer(project, model);

  // Call graph over the analysed modules: functions called by other project functions are not roots.
  const called = new Set<PyFunction>();
  const candidates: { fn: PyFunction; kind: RootKind }[] = [];
  // Callees in modules not parsed yet are never candidates (those come from analysed modules).
  project.withoutLoading(() => {
  for (const mod of model.analysed) {
    for (const fn of mod.allFunctions) {
      const kind = rootKindOf(fn, project);
      if (kind) candidates.push({ fn, kind });
      walk(fn.body, (n) => {
        if (n.type === 'function_definition' || n.type === 'class_definition') return false;
        if (n.type === 'call') {
          const f = dotted(field(n, 'function'), mod.src);
          if (f && !f.startsWith('self.') && !f.startsWith('super()')) {
            const r = project.resolve(mod, f);
            if (r?.kind === 'function' && r.fn !== fn) called.add(r.fn);
          } else if (f && f.startsWith('self.') && fn.cls && f.split('.').length === 2) {
            const m = project.findMethod(fn.cls, f.split('.')[1]);
            if (m && m !== fn) called.add(m);
          }
        }
        return true;
      });
    }
  }
  });
  const roots = candidates.filter((c) => !called.has(c.fn) || c.kind === 'middleware' || c.kind === 'backend' || c.kind === 'drf-auth');

  const failed = new Set<PyFunction>();
  const safely = (a: FlowAnalyzer, r: { fn: PyFunction; kind: RootKind }): CertFlow | null => {
    try {
      return a.analyseRoot(r.fn, r.kind);
    } catch (e) {
      // Pathological input (e.g. expressions nested thousands deep): skip this entry point, say so.
      if (!failed.has(r.fn)) {
        failed.add(r.fn);
        const why = e instanceof RangeError ? 'expressions nested too deeply' : (e as Error).message;
        model.errors.push({ file: r.fn.module.path, message: `${r.fn.qualname} (line ${r.fn.node.line}) not analysed: ${why}` });
      }
      return null;
    }
  };
  const run = (a: FlowAnalyzer): CertFlow[] => roots.map((r) => safely(a, r)).filter((f): f is CertFlow => f !== null && f.reads.length > 0);
  let flows = run(analyser);
  // Middleware that copies a header into an environ-style key changes the origin of later reads: re-run.
  // …and so does a middleware that leaves certificate data on the request for the views.
  if (analyser.metaCopies.size || analyser.requestAttrs.size) {
    const again = new FlowAnalyzer(project, model);
    again.metaCopies = analyser.metaCopies;
    again.metaCopySites = analyser.metaCopySites;
    again.requestAttrs = analyser.requestAttrs;
    flows = run(again);
  }

  // Provenance checks in MIDDLEWARE-listed middleware apply to every request.
  const listed = listedMiddleware(model);
  const globalProvenance: FlowEvent[] = [];
  for (const f of flows) {
    if (f.root.kind !== 'middleware' || !f.root.fn.cls || !listed.has(f.root.fn.cls)) continue;
    for (const e of f.events) if (e.t === 'check' && e.what === 'provenance' && provenanceDenies(f, e)) globalProvenance.push(e);
  }
  // Middleware with a provenance check that reads no certificate itself (e.g. only an HMAC header).
  for (const cls of listed) {
    for (const m of cls.methods.values()) {
      if (!MIDDLEWARE_METHODS.has(m.name)) continue;
      const f = safely(analyser, { fn: m, kind: 'middleware' });
      if (!f) continue;
      for (const e of f.events) if (e.t === 'check' && e.what === 'provenance' && provenanceDenies(f, e) && !globalProvenance.includes(e)) globalProvenance.push(e);
    }
  }

  const reads = new Map<number, SourceRead>();
  for (const f of flows) for (const r of f.reads) reads.set(r.id, r);
  const sessionFingerprintWrites = new Set<string>();
  const sessionFingerprintChecks = new Set<string>();
  for (const f of flows) {
    for (const e of f.events) {
      if (e.t === 'session-write' && e.key && (e.val.kinds.has('fingerprint') || rawKinds(e.val).has('fingerprint'))) sessionFingerprintWrites.add(e.key);
      if (e.t === 'session-compare' && e.key) sessionFingerprintChecks.add(e.key);
    }
  }
  return {
    reads: [...reads.values()].sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line),
    flows,
    usesClientCerts: flows.some((f) => f.reads.some((r) => r.kind !== 'user')) || [...reads.values()].some((r) => r.kind !== 'user'),
    globalProvenance,
    sessionFingerprintWrites,
    sessionFingerprintChecks,
  };
}

/** A provenance check counts when the flow denies on it (a denying condition or a raise) — not just computed. */
export function provenanceDenies(flow: CertFlow, e: FlowEvent): boolean {
  return flow.events.some((c) => c.t === 'cond' && c.denies && c.node.start <= e.node.start && c.node.end >= e.node.end && c.module === e.module) ||
    flow.events.some((c) => c.t === 'cond' && c.denies && /compare_digest|REMOTE_ADDR|trusted|allowed|valid|ok|verified|signature|hmac|proxy/i.test(c.text)) ||
    flow.events.some((c) => c.t === 'cond' && c.denies && c.val.kinds.has('verified'));
}

/** Developer aid (`MTLS_AUDIT_DUMP_FLOWS=1`): a readable listing of the flows and their events. */
export function describeFlows(code: CodeModel): string {
  const out: string[] = [];
  for (const f of code.flows) {
    out.push(`flow ${f.root.kind} ${f.root.qualname} (${f.root.file}:${f.root.line}) reads=${f.reads.map((r) => `${r.key}/${r.kind}/${r.origin}@${r.line}`).join(',')} grants=${f.grants.map((g) => `${g.kind}@${g.line}`).join(',')}`);
    for (const e of f.events) {
      const extra = e.t === 'cond' ? ` presence=${e.presence} denies=${e.denies} grants=${e.grants} kinds=${[...e.val.kinds]}` : e.t === 'check' ? ` ${e.what}` : e.t === 'compare' ? ` presenceLike=${e.presenceLike}` : e.t === 'fail-open' ? ` ${e.how}` : '';
      out.push(`  ${e.t}@${e.module.path}:${e.node.line} ${e.module.text(e.node).split('\n')[0].slice(0, 60)}${extra}`);
    }
  }
  return out.join('\n');
}
