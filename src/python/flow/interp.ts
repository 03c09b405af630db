// What the parts of the interpreter (statements, decisions, expressions, calls, project-calls)
// see of the analyser: its caches and tables, and the functions of every part. Each part is a set
// of functions whose `this` is the analyser, which holds them all as its methods: a part calls
// any function, its own or another part's, as `this.f(…)`, so no part imports another.

import type { ProjectModel } from '../../model/project.js';
import type { PyNode } from '../parser.js';
import type { PyFunction } from '../module.js';
import type { PythonProject } from '../project.js';
import type { AVal, FlowEvent, ParseSite, SourceRead } from './values.js';
import type { CallSite, FlowCtx, FnState } from './state.js';
import type { KeyResolver } from './keys.js';
import type { LibEntry } from '../library/index.js';
import type { NamedEntry, ResponseAction } from '../library/django.js';

export interface FlowInterp {
  readonly project: PythonProject;
  readonly model: ProjectModel;
  readonly keys: KeyResolver;
  nextId: number;
  readCache: Map<PyNode, SourceRead>;
  readCacheByKey: Map<string, Map<PyNode, SourceRead>>;
  parseCache: Map<PyNode, ParseSite>;
  metaCopies: Map<string, SourceRead>;
  metaCopySites: Map<string, { file: string; line: number }>;
  requestAttrs: Map<string, AVal>;
  currentMemo: Map<string, AVal>;
  backendCache: PyFunction[] | null;
  analyseFn(fn: PyFunction, args: AVal[], ctx: FlowCtx, isRoot: boolean): AVal;
  analyseFnPeek(fn: PyFunction, args: AVal[], ctx: FlowCtx): AVal;
  args(call: PyNode, st: FnState, ctx: FlowCtx, peeking: boolean): { pos: AVal[]; posNodes: PyNode[]; kw: Map<string, AVal>; kwNodes: Map<string, PyNode>; all: AVal };
  assign(a: PyNode, st: FnState, ctx: FlowCtx): void;
  attribute(n: PyNode, st: FnState, ctx: FlowCtx, peeking: boolean): AVal;
  bind(target: PyNode, v: AVal, st: FnState): void;
  block(block: PyNode, st: FnState, ctx: FlowCtx): void;
  call(n: PyNode, st: FnState, ctx: FlowCtx, peeking: boolean): AVal;
  callBackend(fn: PyFunction, a: { pos: AVal[]; kw: Map<string, AVal> }, ctx: FlowCtx): AVal;
  classifyHandler(hb: PyNode, st: FnState, ctx: FlowCtx, excName: string | null): { kind: 'deny' | 'returns-success' | 'returns-error-object' | 'fallback' | 'falls-through' | 'other'; detail: string; node?: PyNode; flags: string[] };
  comparison(n: PyNode, st: FnState, ctx: FlowCtx, peeking: boolean): AVal;
  comprehension(n: PyNode, st: FnState, ctx: FlowCtx, peeking: boolean): AVal;
  cond(c: PyNode, stmtNode: PyNode, st: FnState, ctx: FlowCtx, denies: boolean, grants: boolean): void;
  constantRows(it: PyNode, st: FnState): string[][] | null;
  constructedFields(fname: string, st: FnState, a: { pos: AVal[]; kw: Map<string, AVal> }): { fields: Map<string, AVal>; data: boolean } | null;
  createsUser(op: string, recv: PyNode, st: FnState): boolean;
  denyListTest(c: PyNode, st: FnState, ctx: FlowCtx, evBefore: number, asserted: boolean): void;
  dictionary(n: PyNode, st: FnState, ctx: FlowCtx, peeking: boolean): AVal;
  event(ctx: FlowCtx, st: FnState, node: PyNode, e: Record<string, unknown> & { t: FlowEvent['t'] }): void;
  expr(n: PyNode, st: FnState, ctx: FlowCtx, peeking?: boolean): AVal;
  ifStmt(s: PyNode, st: FnState, ctx: FlowCtx): void;
  isDjangoAuthenticate(fname: string, st: FnState): boolean;
  libraryAttribute(ov: AVal, attr: string, n: PyNode, st: FnState, ctx: FlowCtx, peeking: boolean): AVal | null;
  libraryCall(table: readonly LibEntry[], c: CallSite): AVal | null;
  djangoEntry<A>(table: readonly NamedEntry<A>[], fnNode: PyNode, fname: string, last: string, st: FnState): NamedEntry<A> | null;
  responseOf(fnNode: PyNode, fname: string, last: string, st: FnState): ResponseAction['outcome'] | null;
  isExceptionCall(fnNode: PyNode, fname: string, last: string, st: FnState): boolean;
  joinAfterHandler(hb: PyNode, afterBody: Map<string, AVal>, st: FnState): void;
  membershipRead(n: PyNode, st: FnState, ctx: FlowCtx, peeking: boolean): AVal | null;
  namedExpr(n: PyNode, st: FnState, ctx: FlowCtx, peeking: boolean): AVal;
  paramDefault(fn: PyFunction, p: string): AVal;
  peek(n: PyNode, st: FnState): AVal;
  projectBackends(): PyFunction[];
  regexFallbackAssigns(b: PyNode, st: FnState, ctx: FlowCtx): void;
  resolveCall(fname: string, st: FnState): { fn: PyFunction; viaSelf: boolean } | null;
  returnsBoundRelation(e: PyNode, st: FnState): boolean;
  rootReturn(s: PyNode, e: PyNode | null, v: AVal, st: FnState, ctx: FlowCtx): void;
  sequence(n: PyNode, st: FnState, ctx: FlowCtx, peeking: boolean): AVal;
  sourceRead(n: PyNode, keyNode: PyNode, headers: boolean, st: FnState, ctx: FlowCtx, peeking: boolean): AVal | null;
  splatParam(fn: PyFunction): string | null;
  stmt(s: PyNode, st: FnState, ctx: FlowCtx): void;
  subscript(n: PyNode, st: FnState, ctx: FlowCtx, peeking: boolean): AVal;
  tryStmt(s: PyNode, st: FnState, ctx: FlowCtx): void;
  unraised(e: PyNode, st: FnState, ctx: FlowCtx): void;
  unrolledFor(s: PyNode, st: FnState, ctx: FlowCtx): boolean;
}
