// The abstract interpreter: one analyser per scan follows the certificate values of each entry
// point (`analyseRoot`). It holds the caches and tables the parts share and the parts' functions
// as its methods (see interp.ts): statements, decisions, expressions, calls and project-calls; key
// resolution is the KeyResolver it owns.

import type { ProjectModel } from '../../model/project.js';
import type { PyNode } from '../parser.js';
import type { PyClass, PyFunction, PyModule } from '../module.js';
import { field, named, stringValue, unparen } from '../ast.js';
import { qualifiedIs, type PythonProject } from '../project.js';
import { classMember } from '../members.js';
import { classifyKey, derive, EMPTY, sigOf, val, type AVal, type CertFlow, type FlowEvent, type ParseSite, type RootKind, type SourceRead } from './values.js';
import { remoteUserParam } from './library.js';
import { listedMiddleware } from './roots.js';
import { MAX_DEPTH, type FlowCtx, type FnState } from './state.js';
import { KeyResolver } from './keys.js';
import type { FlowInterp } from './interp.js';
import * as statements from './statements.js';
import * as decisions from './decisions.js';
import * as expressions from './expressions.js';
import * as calls from './calls.js';
import * as libraryCalls from './library-calls.js';
import * as djangoCalls from './django-calls.js';
import * as projectCalls from './project-calls.js';

export class FlowAnalyzer implements FlowInterp {
  /** Resolves request keys (`HTTP_X_…`) and the constant strings expressions can be. */
  readonly keys: KeyResolver;
  nextId = 1;
  readCache = new Map<PyNode, SourceRead>();
  /** Reads of a node whose key differs from its first read's (a loop over a table of keys, unrolled). */
  readCacheByKey = new Map<string, Map<PyNode, SourceRead>>();
  parseCache = new Map<PyNode, ParseSite>();
  /** Environ-style keys a project middleware fills from a header read: key -> header read. */
  metaCopies = new Map<string, SourceRead>();
  /** Where each of those keys is written (`request.META['SSL_CLIENT_…'] = …`). */
  metaCopySites = new Map<string, { file: string; line: number }>();
  /** Request attributes a project middleware sets from certificate data: name -> value. */
  requestAttrs = new Map<string, AVal>();
  /** Call summaries of the root being analysed (peeks read them, never write). */
  currentMemo = new Map<string, AVal>();

  constructor(
    readonly project: PythonProject,
    readonly model: ProjectModel,
  ) {
    this.keys = new KeyResolver(project, model);
  }

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
    const grants = ctx.events.filter((e): e is Extract<FlowEvent, { t: 'grant' }> => e.t === 'grant').map((e) => ({ file: e.module.path, line: e.node.line, kind: e.kind }));
    for (const e of ctx.events) if (e.t === 'login') grants.push({ file: e.module.path, line: e.node.line, kind: 'login()' });
    return {
      root: { file: fn.module.path, line: (fn.node.type === 'decorated_definition' ? (field(fn.node, 'definition') ?? fn.node) : fn.node).line, qualname: fn.qualname, kind, fn },
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
  paramDefault(fn: PyFunction, p: string): AVal {
    const def = fn.node.type === 'decorated_definition' ? field(fn.node, 'definition') : fn.node;
    const ps = def ? field(def, 'parameters') : null;
    const d = ps?.children.find((c) => (c.type === 'default_parameter' || c.type === 'typed_default_parameter') && fn.module.text(field(c, 'name')!) === p);
    const v = d ? field(d, 'value') : null;
    if (!v) return EMPTY();
    const s = stringValue(v, fn.module.src);
    if (s !== null) return { ...EMPTY(), strs: [s] };
    const u = unparen(v);
    const c = u?.type === 'identifier' ? this.project.withoutLoading(() => this.keys.constantOf(fn.module, fn.module.text(u), u)) : null;
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
        const k = m.kind === 'attr' ? this.keys.valueKey(m.value, m.cls.module) : this.keys.memberKey(cls, 'header');
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

  /** Functions a call chain reached at MAX_DEPTH and did not follow (buildCodeModel analyses them on their own). */
  readonly depthHits = new Set<PyFunction>();

  analyseFn(fn: PyFunction, args: AVal[], ctx: FlowCtx, isRoot: boolean): AVal {
    if (ctx.stack.includes(fn)) return EMPTY();
    if (ctx.stack.length >= MAX_DEPTH) {
      this.depthHits.add(fn);
      return EMPTY();
    }
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

  backendCache: PyFunction[] | null = null;

  event(ctx: FlowCtx, st: FnState, node: PyNode, e: Record<string, unknown> & { t: FlowEvent['t'] }): void {
    ctx.events.push({ ...(e as object), node, module: st.mod, fn: st.fn } as FlowEvent);
  }

  // ----- the parts' functions, held as the analyser's methods (see interp.ts) ------------------

  // statements.ts
  readonly block = statements.block;
  readonly stmt = statements.stmt;
  readonly unrolledFor = statements.unrolledFor;
  readonly constantRows = statements.constantRows;
  readonly assign = statements.assign;
  readonly bind = statements.bind;

  // decisions.ts
  readonly ifStmt = decisions.ifStmt;
  readonly regexFallbackAssigns = decisions.regexFallbackAssigns;
  readonly cond = decisions.cond;
  readonly denyListTest = decisions.denyListTest;
  readonly tryStmt = decisions.tryStmt;
  readonly joinAfterHandler = decisions.joinAfterHandler;
  readonly classifyHandler = decisions.classifyHandler;
  readonly unraised = decisions.unraised;
  readonly rootReturn = decisions.rootReturn;
  readonly returnsBoundRelation = decisions.returnsBoundRelation;

  // expressions.ts
  readonly peek = expressions.peek;
  readonly expr = expressions.expr;
  readonly sequence = expressions.sequence;
  readonly dictionary = expressions.dictionary;
  readonly comprehension = expressions.comprehension;
  readonly namedExpr = expressions.namedExpr;
  readonly attribute = expressions.attribute;
  readonly subscript = expressions.subscript;
  readonly comparison = expressions.comparison;
  readonly membershipRead = expressions.membershipRead;
  readonly sourceRead = expressions.sourceRead;

  // calls.ts
  readonly args = calls.args;
  readonly call = calls.call;
  readonly libraryCall = libraryCalls.libraryCall;
  readonly libraryAttribute = libraryCalls.libraryAttribute;
  readonly djangoEntry = djangoCalls.djangoEntry;
  readonly responseOf = djangoCalls.responseOf;
  readonly isExceptionCall = djangoCalls.isExceptionCall;

  // project-calls.ts
  readonly createsUser = projectCalls.createsUser;
  readonly constructedFields = projectCalls.constructedFields;
  readonly isDjangoAuthenticate = projectCalls.isDjangoAuthenticate;
  readonly projectBackends = projectCalls.projectBackends;
  readonly callBackend = projectCalls.callBackend;
  readonly splatParam = projectCalls.splatParam;
  readonly analyseFnPeek = projectCalls.analyseFnPeek;
  readonly resolveCall = projectCalls.resolveCall;

  // Key resolution, for callers outside the analysis (rules).

  strsOf(k: PyNode, st: FnState, depth = 0): string[] | null {
    return this.keys.strsOf(k, st, depth);
  }

  keyOf(k: PyNode, st: FnState): { key: string; site?: { file: string; line: number } } | null {
    return this.keys.keyOf(k, st);
  }

  valueKey(v: PyNode, mod: PyModule): { key: string; site?: { file: string; line: number } } | null {
    return this.keys.valueKey(v, mod);
  }

  memberKey(cls: PyClass, name: string): { key: string; site?: { file: string; line: number } } | null {
    return this.keys.memberKey(cls, name);
  }
}
