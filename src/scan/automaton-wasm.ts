// The pre-filter automaton's scan loop as WebAssembly (see prefilter.ts for the automaton). In a
// process that lives a quarter of a second, JavaScript runs this loop interpreted or half-optimised
// for much of the scan; V8's baseline WebAssembly compiler makes it fast from the first byte. The
// tables are copied into the module's own memory once; each file is copied in and scanned.

import { encodeModule, ins, op, VOID } from '../core/wasm-asm.js';

export interface AutomatonTables {
  cls: Uint8Array;
  nClasses: number;
  /** Premultiplied, negated on output states (prefilter.ts). */
  delta: Int32Array;
  out: Uint32Array;
  /** The mask that ends the scan early (every group found). */
  all: number;
}

// Parameters and locals of `scan`.
const PTR = 0;
const LEN = 1;
const END = 2;
const FOUND = 3;
const N = 4;
const Q = 5;
/** Four cursors and four states (one per stream). */
const P = [6, 7, 8, 9];
const ST = [10, 11, 12, 13];
const LOCALS = 12;

/** Files shorter than this are scanned as one stream. */
export const STREAMS_FROM = 512;

/**
 * One automaton step of a stream: `s = delta[s + cls[*p++]]`, and on an output state the groups
 * are added; when all are found it branches to `$done`, at depth `doneDepth` where the step is placed.
 */
function step(t: AutomatonTables, deltaAt: number, outAt: number, p: number, st: number, doneDepth: number): number[] {
  return [
    ...ins.get(st),
    ...ins.get(p),
    ...ins.load8u(0),
    ...ins.load8u(0),
    op.i32Add,
    ...ins.const(2),
    op.i32Shl,
    ...ins.load(deltaAt),
    ...ins.tee(st),
    ...ins.const(0),
    op.i32LtS,
    op.if,
    VOID,
    ...ins.const(0),
    ...ins.get(st),
    op.i32Sub,
    ...ins.set(st),
    ...ins.get(FOUND),
    ...ins.get(st),
    ...ins.const(t.nClasses),
    op.i32DivU,
    ...ins.const(2),
    op.i32Shl,
    ...ins.load(outAt),
    op.i32Or,
    ...ins.tee(FOUND),
    ...ins.const(t.all),
    op.i32Eq,
    ...ins.brIf(doneDepth + 1),
    op.end,
    ...ins.get(p),
    ...ins.const(1),
    op.i32Add,
    ...ins.set(p),
  ];
}

/**
 * `scan(ptr, len)`: the group mask of the bytes at `ptr`. Tables at fixed offsets: classes at 0,
 * transitions at `deltaAt`, outputs at `outAt`.
 *
 * The automaton's next state depends on the previous one (a load per byte on the critical path),
 * so one stream runs at memory latency. Longer inputs are cut in four quarters scanned in one
 * loop, each stream starting `overlap` bytes (the longest atom less one) before its quarter from
 * the start state, so an atom across a cut is still seen whole by the stream that covers its end;
 * the last stream then continues alone through the remainder.
 */
export function automatonModuleBytes(t: AutomatonTables, deltaAt: number, outAt: number, pages: number, overlap: number): Uint8Array<ArrayBuffer> {
  // Each quarter must be longer than the overlap.
  const streamsFrom = Math.max(STREAMS_FROM, 8 * (overlap + 1));
  /** Stream 3 alone from its cursor to the end; `doneDepth`: branch depth of `$done` where this is placed. */
  const single = (doneDepth: number) => [
    op.loop,
    VOID, // $next
    ...ins.get(P[3]),
    ...ins.get(END),
    op.i32GeU,
    ...ins.brIf(doneDepth + 1),
    ...step(t, deltaAt, outAt, P[3], ST[3], doneDepth + 1),
    ...ins.br(0),
    op.end,
  ];
  const body = [
    ...ins.get(PTR),
    ...ins.get(LEN),
    op.i32Add,
    ...ins.set(END),
    op.block,
    VOID, // $done
    // Short input: stream 3 alone from the start.
    ...ins.get(LEN),
    ...ins.const(streamsFrom),
    op.i32LtU,
    op.if,
    VOID,
    ...ins.get(PTR),
    ...ins.set(P[3]),
    ...single(1),
    ...ins.br(1), // → $done
    op.end,
    // q = len / 4; n = q + overlap; stream k starts at ptr + k*q - overlap (stream 0 at ptr).
    ...ins.get(LEN),
    ...ins.const(2),
    op.i32ShrU,
    ...ins.set(Q),
    ...ins.get(Q),
    ...ins.const(overlap),
    op.i32Add,
    ...ins.set(N),
    ...ins.get(PTR),
    ...ins.set(P[0]),
    ...[1, 2, 3].flatMap((k) => [...ins.get(PTR), ...ins.get(Q), ...ins.const(k), op.i32Mul, op.i32Add, ...ins.const(overlap), op.i32Sub, ...ins.set(P[k])]),
    op.block,
    VOID, // $fourEnd
    op.loop,
    VOID, // $four: n steps of each stream
    ...ins.get(N),
    op.i32Eqz,
    ...ins.brIf(1), // → $fourEnd
    ...[0, 1, 2, 3].flatMap((k) => step(t, deltaAt, outAt, P[k], ST[k], 2)),
    ...ins.get(N),
    ...ins.const(1),
    op.i32Sub,
    ...ins.set(N),
    ...ins.br(0), // → $four
    op.end,
    op.end, // $fourEnd
    // Stream 3 is now at ptr + 4q: on through the last len % 4 bytes.
    ...single(0),
    op.end, // $done
    ...ins.get(FOUND),
  ];
  return encodeModule({ imports: [], importMemory: false, pages, exportName: 'scan', params: 2, locals: LOCALS, body });
}

/** A WebAssembly automaton before instantiation: the module's bytes and where its tables go. */
export interface WasmAutomatonImage {
  bytes: Uint8Array;
  deltaAt: number;
  outAt: number;
  /** Where each input is copied. */
  dataAt: number;
}

export function wasmAutomatonImage(t: AutomatonTables, overlap: number): WasmAutomatonImage {
  const deltaAt = 256;
  const outAt = deltaAt + t.delta.length * 4;
  const dataAt = (outAt + t.out.length * 4 + 15) & ~15;
  const pages = Math.ceil((dataAt + 65536) / 65536);
  return { bytes: automatonModuleBytes(t, deltaAt, outAt, pages, overlap), deltaAt, outAt, dataAt };
}

export class WasmAutomaton {
  private readonly memory: WebAssembly.Memory;
  private readonly scanFn: (ptr: number, len: number) => number;
  private readonly dataAt: number;

  private constructor(memory: WebAssembly.Memory, scan: (ptr: number, len: number) => number, dataAt: number) {
    this.memory = memory;
    this.scanFn = scan;
    this.dataAt = dataAt;
  }

  /** `overlap`: the longest atom's length less one. Null when WebAssembly is unavailable (the JavaScript loop is used then). */
  static create(t: AutomatonTables, overlap: number): WasmAutomaton | null {
    try {
      return WasmAutomaton.instantiate(wasmAutomatonImage(t, overlap), t);
    } catch {
      return null;
    }
  }

  /** From an image made earlier (scripts/bundle.ts makes the trigger automaton's at build time). */
  static instantiate(image: WasmAutomatonImage, t: AutomatonTables): WasmAutomaton | null {
    try {
      const inst = new WebAssembly.Instance(new WebAssembly.Module(image.bytes as Uint8Array<ArrayBuffer>));
      const memory = inst.exports.memory as WebAssembly.Memory;
      new Uint8Array(memory.buffer, 0, 256).set(t.cls);
      new Int32Array(memory.buffer, image.deltaAt, t.delta.length).set(t.delta);
      new Uint32Array(memory.buffer, image.outAt, t.out.length).set(t.out);
      return new WasmAutomaton(memory, inst.exports.scan as (ptr: number, len: number) => number, image.dataAt);
    } catch {
      return null;
    }
  }

  groups(bytes: Uint8Array): number {
    const need = this.dataAt + bytes.length;
    if (need > this.memory.buffer.byteLength) this.memory.grow(Math.ceil((need - this.memory.buffer.byteLength) / 65536));
    new Uint8Array(this.memory.buffer, this.dataAt, bytes.length).set(bytes);
    return this.scanFn(this.dataAt, bytes.length);
  }
}
