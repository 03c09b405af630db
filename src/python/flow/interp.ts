// What the parts of the interpreter (statements, decisions, expressions, calls, project calls)
// see of the analyser: its caches and tables, and the entry points of the other parts. Each part is
// a set of functions taking the analyser as `fa`; a part calls its own functions directly and the
// other parts' through the analyser, so no part imports another.

import type { ProjectModel } from '../../model/project.js';
import type { PyNode } from '../parser.js';
import type { PyFunction } from '../module.js';
import type { PythonProject } from '../project.js';
import type { AVal, FlowEvent, ParseSite, SourceRead } from './values.js';
import type { FlowCtx, FnState } from './state.js';
import type { KeyResolver } from './keys.js';

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
  bind(target: PyNode, v: AVal, st: FnState): void;
  block(block: PyNode, st: FnState, ctx: FlowCtx): void;
  call(n: PyNode, st: FnState, ctx: FlowCtx, peeking: boolean): AVal;
  callBackend(fn: PyFunction, a: { pos: AVal[]; kw: Map<string, AVal> }, ctx: FlowCtx): AVal;
  cond(c: PyNode, stmtNode: PyNode, st: FnState, ctx: FlowCtx, denies: boolean, grants: boolean): void;
  constructedFields(fname: string, st: FnState, a: { pos: AVal[]; kw: Map<string, AVal> }): { fields: Map<string, AVal>; data: boolean } | null;
  createsUser(op: string, recv: PyNode, st: FnState): boolean;
  event(ctx: FlowCtx, st: FnState, node: PyNode, e: Record<string, unknown> & { t: FlowEvent['t'] }): void;
  expr(n: PyNode, st: FnState, ctx: FlowCtx, peeking?: boolean): AVal;
  ifStmt(s: PyNode, st: FnState, ctx: FlowCtx): void;
  isDjangoAuthenticate(fname: string, st: FnState): boolean;
  paramDefault(fn: PyFunction, p: string): AVal;
  peek(n: PyNode, st: FnState): AVal;
  projectBackends(): PyFunction[];
  resolveCall(fname: string, st: FnState): { fn: PyFunction; viaSelf: boolean } | null;
  rootReturn(s: PyNode, e: PyNode | null, v: AVal, st: FnState, ctx: FlowCtx): void;
  sourceRead(n: PyNode, keyNode: PyNode, headers: boolean, st: FnState, ctx: FlowCtx, peeking: boolean): AVal | null;
  tryStmt(s: PyNode, st: FnState, ctx: FlowCtx): void;
  unraised(e: PyNode, st: FnState, ctx: FlowCtx): void;
}
