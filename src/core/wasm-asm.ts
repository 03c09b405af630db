// A minimal WebAssembly binary writer for the small hot loop we run as WebAssembly (the
// tree-sitter walk in src/python/walker.ts).
// No toolchain is needed at build or run time: the functions are written here as instruction
// lists, encoded once per process (a few hundred bytes) and compiled by V8's baseline compiler in
// well under a millisecond. Only what that loop uses is supported: i32 parameters, locals and
// results, function imports, an imported memory, one exported function per module.

export const I32 = 0x7f;

/** Opcodes (WebAssembly core spec, binary format §5.4). */
export const op = {
  block: 0x02,
  loop: 0x03,
  if: 0x04,
  end: 0x0b,
  br: 0x0c,
  brIf: 0x0d,
  return: 0x0f,
  call: 0x10,
  localGet: 0x20,
  localSet: 0x21,
  i32Load: 0x28,
  i32Store: 0x36,
  i32Const: 0x41,
  i32Eqz: 0x45,
  i32Eq: 0x46,
  i32GeU: 0x4f,
  i32Add: 0x6a,
  i32Sub: 0x6b,
  i32And: 0x71,
  i32Or: 0x72,
  i32Shl: 0x74,
} as const;

/** Block type "no result". */
export const VOID = 0x40;

export function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

export function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

const str = (s: string) => [...uleb(s.length), ...Buffer.from(s, 'utf8')];
const vec = (items: number[][]) => [...uleb(items.length), ...items.flat()];
const section = (id: number, body: number[]) => [id, ...uleb(body.length), ...body];

/** Instruction helpers: each returns the encoded bytes. */
export const ins = {
  get: (i: number) => [op.localGet, ...uleb(i)],
  set: (i: number) => [op.localSet, ...uleb(i)],
  const: (v: number) => [op.i32Const, ...sleb(v | 0)],
  call: (f: number) => [op.call, ...uleb(f)],
  /** 4-byte aligned load/store with a constant offset. */
  load: (offset = 0) => [op.i32Load, 2, ...uleb(offset)],
  store: (offset = 0) => [op.i32Store, 2, ...uleb(offset)],
  br: (depth: number) => [op.br, ...uleb(depth)],
  brIf: (depth: number) => [op.brIf, ...uleb(depth)],
};

export interface WasmFunctionImport {
  module: string;
  name: string;
  params: number;
}

export interface WasmModuleSpec {
  /** Functions the body calls, by index in this order: all `(i32 × params) -> i32`. */
  imports: WasmFunctionImport[];
  /** The one exported function: `(i32 × params) -> i32`, extra i32 locals, body bytes (without the final `end`). */
  exportName: string;
  params: number;
  locals: number;
  body: number[];
}

/** Encodes a module (WebAssembly binary format, version 1). */
export function encodeModule(spec: WasmModuleSpec): Uint8Array<ArrayBuffer> {
  const sigs = new Map<number, number>();
  const sigOf = (params: number) => {
    let i = sigs.get(params);
    if (i === undefined) sigs.set(params, (i = sigs.size));
    return i;
  };
  const importSigs = spec.imports.map((f) => sigOf(f.params));
  const mainSig = sigOf(spec.params);
  const types = [...sigs.keys()].map((params) => [0x60, ...uleb(params), ...Array<number>(params).fill(I32), 1, I32]);
  const imports: number[][] = spec.imports.map((f, i) => [...str(f.module), ...str(f.name), 0x00, ...uleb(importSigs[i])]);
  // The memory is imported as `env.memory` (at least one page): the loop works on the caller's.
  imports.push([...str('env'), ...str('memory'), 0x02, 0x00, ...uleb(1)]);
  const exports = [[...str(spec.exportName), 0x00, ...uleb(spec.imports.length)]];
  const sections: number[] = [...section(1, vec(types)), ...section(2, vec(imports)), ...section(3, vec([uleb(mainSig)]))];
  sections.push(...section(7, vec(exports)));
  const locals = spec.locals ? vec([[...uleb(spec.locals), I32]]) : [0];
  const fn = [...locals, ...spec.body, op.end];
  sections.push(...section(10, vec([[...uleb(fn.length), ...fn]])));
  return Uint8Array.from([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, ...sections]);
}
