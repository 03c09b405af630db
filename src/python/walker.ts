// The tree walk as WebAssembly: one call walks a whole tree-sitter tree (pre-order, through
// web-tree-sitter's own cursor functions, imported so that every step is a direct wasm-to-wasm
// call) and writes one 16-byte record per node into the parser's memory:
//
//   +0  type id | field id << 16
//   +4  start index      +8  end index
//   +12 (parent record index + 1) | missing << 31      (the root has 0)
//
// The JavaScript side then builds the plain tree from the records without crossing into
// WebAssembly again. Walking from JavaScript costs about eight calls per node across the boundary,
// which in a short-lived process (code not yet optimised) was a third of the parse time.

import { encodeModule, ins, op, VOID } from '../core/wasm-asm.js';

/** web-tree-sitter's cursor entry points the walk imports (all take the tree's address). */
export const WALK_IMPORTS = ['gotoFirstChild', 'gotoNextSibling', 'gotoParent', 'typeId', 'fieldId', 'startIndex', 'endIndex', 'isMissing'] as const;
export type WalkImport = (typeof WALK_IMPORTS)[number];

export const RECORD_BYTES = 16;

const [FIRST, NEXT, PARENT, TYPE, FIELD, START, END, MISSING] = WALK_IMPORTS.map((_, i) => i);
// Parameters and locals.
const TREE = 0;
const OUT = 1;
const CAP = 2;
const COUNT = 3;
const CUR = 4;
const PAR = 5;
const S = 6;
const E = 7;
const REC = 8;
const M = 9;

/** Records the cursor's node with parent record `PAR`; returns -1 from the function when `CAP` records are written. */
function emit(): number[] {
  return [
    ...ins.get(COUNT),
    ...ins.get(CAP),
    op.i32GeU,
    op.if,
    VOID,
    ...ins.const(-1),
    op.return,
    op.end,
    ...ins.get(OUT),
    ...ins.get(COUNT),
    ...ins.const(4),
    op.i32Shl,
    op.i32Add,
    ...ins.set(REC),
    ...ins.get(TREE),
    ...ins.call(START),
    ...ins.set(S),
    ...ins.get(TREE),
    ...ins.call(END),
    ...ins.set(E),
    ...ins.get(REC),
    ...ins.get(TREE),
    ...ins.call(TYPE),
    ...ins.get(TREE),
    ...ins.call(FIELD),
    ...ins.const(16),
    op.i32Shl,
    op.i32Or,
    ...ins.store(0),
    ...ins.get(REC),
    ...ins.get(S),
    ...ins.store(4),
    ...ins.get(REC),
    ...ins.get(E),
    ...ins.store(8),
    ...ins.const(0),
    ...ins.set(M),
    ...ins.get(S),
    ...ins.get(E),
    op.i32Eq,
    op.if,
    VOID,
    ...ins.get(TREE),
    ...ins.call(MISSING),
    ...ins.set(M),
    op.end,
    ...ins.get(REC),
    ...ins.get(PAR),
    ...ins.const(1),
    op.i32Add,
    ...ins.get(M),
    ...ins.const(31),
    op.i32Shl,
    op.i32Or,
    ...ins.store(12),
    ...ins.get(COUNT),
    ...ins.set(CUR),
    ...ins.get(COUNT),
    ...ins.const(1),
    op.i32Add,
    ...ins.set(COUNT),
  ];
}

/** parent record index of record `CUR`. */
const parentOfCur = (): number[] => [...ins.get(OUT), ...ins.get(CUR), ...ins.const(4), op.i32Shl, op.i32Add, ...ins.load(12), ...ins.const(0x7fffffff), op.i32And, ...ins.const(1), op.i32Sub];

/** `walk(tree, out, cap)`: the number of records written, or -1 if more than `cap` were needed. */
export function walkerModuleBytes(): Uint8Array<ArrayBuffer> {
  const body = [
    ...ins.const(-1),
    ...ins.set(PAR),
    ...emit(),
    op.block,
    VOID, // $done
    op.loop,
    VOID, // $outer
    ...ins.get(TREE),
    ...ins.call(FIRST),
    op.if,
    VOID,
    ...ins.get(CUR),
    ...ins.set(PAR),
    ...emit(),
    ...ins.br(1), // → $outer
    op.end,
    op.loop,
    VOID, // $up
    ...ins.get(TREE),
    ...ins.call(NEXT),
    op.if,
    VOID,
    ...parentOfCur(),
    ...ins.set(PAR),
    ...emit(),
    ...ins.br(2), // → $outer
    op.end,
    ...ins.get(TREE),
    ...ins.call(PARENT),
    op.i32Eqz,
    ...ins.brIf(2), // → $done
    ...parentOfCur(),
    ...ins.set(CUR),
    ...ins.br(0), // → $up
    op.end, // $up
    op.end, // $outer
    op.end, // $done
    ...ins.get(COUNT),
  ];
  return encodeModule({
    imports: WALK_IMPORTS.map((name) => ({ module: 'ts', name, params: 1 })),
    exportName: 'walk',
    params: 3,
    locals: 7,
    body,
  });
}

export type Walk = (tree: number, out: number, cap: number) => number;

/** Instantiates the walk over web-tree-sitter's memory and cursor functions (null if that fails). */
export function makeWalker(memory: WebAssembly.Memory, fns: Record<WalkImport, (tree: number) => number>): Walk | null {
  try {
    const mod = new WebAssembly.Module(walkerModuleBytes());
    const inst = new WebAssembly.Instance(mod, { ts: fns, env: { memory } });
    return inst.exports.walk as Walk;
  } catch {
    return null;
  }
}
