// The interpreter's state: one root's flow context and one function's state.

import type { PyNode } from '../parser.js';
import type { PyFunction, PyModule } from '../module.js';
import type { AVal, FlowEvent, ParseSite, RootKind, SourceRead } from './values.js';

export interface FlowCtx {
  root: PyFunction;
  rootKind: RootKind;
  events: FlowEvent[];
  functions: Set<PyFunction>;
  reads: Set<SourceRead>;
  parses: ParseSite[];
  stack: PyFunction[];
  memo: Map<string, AVal>;
}

export interface FnState {
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

export const MAX_DEPTH = 32;
/** Loops over constant tables of up to this many rows are analysed row by row. */
export const MAX_UNROLLED_ROWS = 16;

/** One call as the library tables see it (flow/library-calls.ts). */
export interface CallSite {
  n: PyNode;
  fnNode: PyNode;
  fname: string;
  last: string;
  recv: PyNode | null;
  rv: AVal;
  a: { pos: AVal[]; posNodes: PyNode[]; kw: Map<string, AVal>; kwNodes: Map<string, PyNode>; all: AVal };
  st: FnState;
  ctx: FlowCtx;
  peeking: boolean;
}
