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

const PTR = 0;
const LEN = 1;
const END = 2;
const S = 3;
const FOUND = 4;

/** `scan(ptr, len)`: the group mask of the bytes at `ptr`. Tables at fixed offsets: classes at 0, transitions at `deltaAt`, outputs at `outAt`. */
export function automatonModuleBytes(t: AutomatonTables, deltaAt: number, outAt: number, pages: number): Uint8Array<ArrayBuffer> {
  const body = [
    ...ins.get(PTR), ...ins.get(LEN), op.i32Add, ...ins.set(END),
    op.block, VOID, // $done
    op.loop, VOID, // $next
    ...ins.get(PTR), ...ins.get(END), op.i32GeU, ...ins.brIf(1),
    // s = delta[s + cls[byte]]
    ...ins.get(S), ...ins.get(PTR), ...ins.load8u(0), ...ins.load8u(0), op.i32Add,
    ...ins.const(2), op.i32Shl, ...ins.load(deltaAt), ...ins.tee(S),
    ...ins.const(0), op.i32LtS, op.if, VOID,
    ...ins.const(0), ...ins.get(S), op.i32Sub, ...ins.set(S),
    ...ins.get(FOUND), ...ins.get(S), ...ins.const(t.nClasses), op.i32DivU, ...ins.const(2), op.i32Shl, ...ins.load(outAt), op.i32Or, ...ins.tee(FOUND),
    ...ins.const(t.all), op.i32Eq, ...ins.brIf(2), // → $done
    op.end,
    ...ins.get(PTR), ...ins.const(1), op.i32Add, ...ins.set(PTR),
    ...ins.br(0), // → $next
    op.end,
    op.end,
    ...ins.get(FOUND),
  ];
  return encodeModule({ imports: [], importMemory: false, pages, exportName: 'scan', params: 2, locals: 3, body });
}

export class WasmAutomaton {
  private memory: WebAssembly.Memory;
  private readonly scanFn: (ptr: number, len: number) => number;
  private readonly dataAt: number;

  private constructor(memory: WebAssembly.Memory, scan: (ptr: number, len: number) => number, dataAt: number) {
    this.memory = memory;
    this.scanFn = scan;
    this.dataAt = dataAt;
  }

  /** Null when WebAssembly is unavailable (the JavaScript loop is used then). */
  static create(t: AutomatonTables): WasmAutomaton | null {
    try {
      const deltaAt = 256;
      const outAt = deltaAt + t.delta.length * 4;
      const dataAt = (outAt + t.out.length * 4 + 15) & ~15;
      const pages = Math.ceil((dataAt + 65536) / 65536);
      const inst = new WebAssembly.Instance(new WebAssembly.Module(automatonModuleBytes(t, deltaAt, outAt, pages)));
      const memory = inst.exports.memory as WebAssembly.Memory;
      new Uint8Array(memory.buffer, 0, 256).set(t.cls);
      new Int32Array(memory.buffer, deltaAt, t.delta.length).set(t.delta);
      new Uint32Array(memory.buffer, outAt, t.out.length).set(t.out);
      return new WasmAutomaton(memory, inst.exports.scan as (ptr: number, len: number) => number, dataAt);
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
