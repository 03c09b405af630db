// Python parsing on tree-sitter-python (the WASM grammar shipped in the npm package, run by
// web-tree-sitter). Each file is parsed once and converted into a compact plain-JS syntax tree
// (`PyNode`) so the analysis never crosses into WASM again and the native tree can be freed.
// See docs/architecture.md for why WASM rather than the native binding.

import { createRequire } from 'node:module';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Parser, Language } from 'web-tree-sitter';
import { makeWalker, RECORD_BYTES, WALK_IMPORTS, type Walk, type WalkImport } from './walker.js';

export interface PyNode {
  type: string;
  /** Field name in the parent (tree-sitter field), if any. */
  field: string | null;
  named: boolean;
  start: number;
  end: number;
  /** 1-based line, 1-based column (UTF-16 units, as tree-sitter reports for JS strings). */
  line: number;
  col: number;
  endLine: number;
  endCol: number;
  children: PyNode[];
  parent: PyNode | null;
  /** Error or missing node produced by error recovery. */
  error: boolean;
}

let parserPromise: Promise<Parser> | null = null;

/**
 * The tree-cursor entry points of web-tree-sitter's emscripten module. Its public TreeCursor copies
 * the cursor into WASM memory and back around every call (4 setValue + 4 getValue each); the raw
 * functions below leave the cursor in the module's transfer buffer between calls, so a whole-tree
 * walk costs one WASM call per property instead (converting is ~2.5x faster). `Parser.init(opts)`
 * hands `opts` to emscripten as the Module object, which is how these become reachable. If a
 * future web-tree-sitter lacks any of them, the public API is used.
 */
interface RawCursorApi {
  gotoFirstChild(tree: number): number;
  gotoNextSibling(tree: number): number;
  gotoParent(tree: number): number;
  typeId(tree: number): number;
  fieldId(tree: number): number;
  startIndex(tree: number): number;
  endIndex(tree: number): number;
  isMissing(tree: number): number;
  del(tree: number): void;
}
let raw: RawCursorApi | null = null;

/** The whole-tree walk in WebAssembly (walker.ts), with web-tree-sitter's heap and allocator. */
interface WasmWalk {
  walk: Walk;
  heap32: () => Int32Array;
  malloc: (bytes: number) => number;
  free: (ptr: number) => void;
  /** A scratch area for the records, grown as needed. */
  out: number;
  cap: number;
}
let wasmWalk: WasmWalk | null = null;

function rawCursorApi(m: Record<string, unknown>): RawCursorApi | null {
  const names = {
    gotoFirstChild: '_ts_tree_cursor_goto_first_child_wasm',
    gotoNextSibling: '_ts_tree_cursor_goto_next_sibling_wasm',
    gotoParent: '_ts_tree_cursor_goto_parent_wasm',
    typeId: '_ts_tree_cursor_current_node_type_id_wasm',
    fieldId: '_ts_tree_cursor_current_field_id_wasm',
    startIndex: '_ts_tree_cursor_start_index_wasm',
    endIndex: '_ts_tree_cursor_end_index_wasm',
    isMissing: '_ts_tree_cursor_current_node_is_missing_wasm',
    del: '_ts_tree_cursor_delete_wasm',
  } as const;
  const api: Record<string, unknown> = {};
  for (const [k, n] of Object.entries(names)) {
    if (typeof m[n] !== 'function') return null;
    api[k] = m[n];
  }
  return api as unknown as RawCursorApi;
}

/**
 * A file of an installed package: `node_modules/<pkg>/<file>` in this module's directory or the
 * nearest one above it that has it (an install of its own or a hoisted one), by Node's resolution
 * otherwise. The .wasm files are found by package, not next to the script that loads them (the CLI
 * may run from a bundle). Looking first spares a scan Node's ES module resolver, which
 * `require.resolve` of a package with an `exports` map loads.
 */
function packageFile(pkg: string, file: string): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ;) {
    const candidate = join(dir, 'node_modules', pkg, file);
    if (existsSync(candidate)) return candidate;
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return createRequire(import.meta.url).resolve(`${pkg}/${file}`);
}

async function createParser(): Promise<Parser> {
  const runtime = packageFile('web-tree-sitter', 'tree-sitter.wasm');
  const binding: Record<string, unknown> = {
    locateFile: (name: string) => (name === 'tree-sitter.wasm' ? runtime : name),
  };
  // Our own memory object (emscripten's default size) so the walk module can import it too.
  const memory = new WebAssembly.Memory({ initial: 512, maximum: 32768 });
  binding.wasmMemory = memory;
  // The grammar's module compiles while the runtime's does (both off the main thread): V8 keeps
  // compiled modules by their bytes, so Language.load below finds this one done.
  const grammar = readFileSync(packageFile('tree-sitter-python', 'tree-sitter-python.wasm'));
  const precompiled = WebAssembly.compile(grammar).catch(() => null);
  await Parser.init(binding);
  raw = rawCursorApi(binding);
  wasmWalk = raw && !process.env.MTLS_AUDIT_JS_WALK ? createWasmWalk(binding, raw, memory) : null;
  await precompiled;
  const lang = await Language.load(grammar);
  const p = new Parser();
  p.setLanguage(lang);
  return p;
}

function createWasmWalk(binding: Record<string, unknown>, api: RawCursorApi, memory: WebAssembly.Memory): WasmWalk | null {
  const malloc = binding._malloc as ((n: number) => number) | undefined;
  const free = binding._free as ((p: number) => void) | undefined;
  if (typeof malloc !== 'function' || typeof free !== 'function') return null;
  const fns = Object.fromEntries(WALK_IMPORTS.map((k) => [k, api[k as keyof RawCursorApi]])) as Record<WalkImport, (t: number) => number>;
  const walk = makeWalker(memory, fns);
  if (!walk) return null;
  return {
    walk,
    // emscripten replaces its views when the heap grows: always take the current one.
    heap32: () => binding.HEAP32 as Int32Array,
    malloc,
    free,
    out: 0,
    cap: 0,
  };
}

export function getPythonParser(): Promise<Parser> {
  parserPromise ??= createParser();
  return parserPromise;
}

export interface ParsedPython {
  root: PyNode;
  /** Ranges of syntax errors (1-based lines) found by error recovery. */
  syntaxErrors: { line: number; col: number; message: string }[];
  nodeCount: number;
}

/** Parses `source` and converts the tree; the WASM tree is deleted before returning. */
export async function parsePython(source: string): Promise<ParsedPython> {
  const parser = await getPythonParser();
  return parseWith(parser, source);
}

/** Per-language tables: type and field names by id, named-ness by type id. */
const langTables = new WeakMap<object, { types: string[]; fields: (string | null)[]; named: Uint8Array; punct: Uint8Array; keepsPunct: Uint8Array; kinds: Map<number, Kind> }>();

/**
 * Punctuation the analysis never reads: not materialised in the plain tree (a tenth of a typical
 * file's nodes), except where `keepsPunctuation` says. A token with a field name, or one error
 * recovery inserted (MISSING), is kept too.
 */
const PUNCTUATION = new Set(['(', ')', '[', ']', '{', '}', ',', '.', ';']);
/** Parents whose punctuation is kept: error nodes (fix/edits.ts reads list brackets and commas from the source text). */
const KEEPS_PUNCTUATION = new Set(['ERROR']);

/** Whether a node of this kind under a parent of type `parentType` is left out of the plain tree. */
function dropped(type: string, named: boolean, field: string | null, missing: boolean, parentType: string): boolean {
  return !named && field === null && !missing && PUNCTUATION.has(type) && !KEEPS_PUNCTUATION.has(parentType);
}

function tablesFor(lang: Language) {
  let t = langTables.get(lang);
  if (!t) {
    const types = lang.types;
    const named = new Uint8Array(65536);
    const punct = new Uint8Array(65536);
    const keepsPunct = new Uint8Array(65536);
    for (let i = 0; i < types.length; i++) {
      named[i] = lang.nodeTypeIsNamed(i) ? 1 : 0;
      punct[i] = !named[i] && PUNCTUATION.has(types[i]) ? 1 : 0;
      keepsPunct[i] = named[i] && KEEPS_PUNCTUATION.has(types[i]) ? 1 : 0;
    }
    named[65535] = 1; // ERROR
    keepsPunct[65535] = 1;
    // Kinds by (field id, type id, missing), filled as the records meet them.
    t = { types, fields: lang.fields, named, punct, keepsPunct, kinds: new Map<number, Kind>() };
    langTables.set(lang, t);
  }
  return t;
}

/**
 * A file's line starts; index → line and column (1-based; tree-sitter counts only `\n` as a line
 * break). Shared by every node of a file: a node's position is worked out when it is asked for,
 * not when the tree is built (most nodes' positions are never read, and working them out for every
 * node was a bisection and two small arrays each, a fifth of the conversion).
 */
export class LineTable {
  private readonly starts: Int32Array;
  constructor(source: string) {
    let n = 1;
    for (let i = source.indexOf('\n'); i !== -1; i = source.indexOf('\n', i + 1)) n++;
    const starts = new Int32Array(n);
    let k = 1;
    for (let i = source.indexOf('\n'); i !== -1; i = source.indexOf('\n', i + 1)) starts[k++] = i + 1;
    this.starts = starts;
  }
  /** 0-based index of the line holding `index`. */
  private row(index: number): number {
    const s = this.starts;
    let lo = 0;
    let hi = s.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (s[mid] <= index) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }
  line(index: number): number {
    return this.row(index) + 1;
  }
  col(index: number): number {
    return index - this.starts[this.row(index)] + 1;
  }
}

/** A leaf's children: one shared, frozen empty list (half the nodes are leaves). */
const NO_CHILDREN: PyNode[] = Object.freeze([]) as unknown as PyNode[];

/**
 * What a node is apart from where: its type, field in the parent, named-ness and error state.
 * A file has a few hundred distinct ones; they are shared (interned per language), so a node
 * holds one reference instead of four fields.
 */
class Kind {
  constructor(
    readonly type: string,
    readonly field: string | null,
    readonly named: boolean,
    readonly error: boolean,
  ) {}
}

/** Kinds by their strings (the cursor walks, which see names, not ids). */
const kindsByName = new Map<string, Kind>();

function kindOf(type: string, field: string | null, named: boolean, missing: boolean): Kind {
  const error = type === 'ERROR' || missing;
  const key = `${type}\0${field ?? ''}\0${named ? 1 : 0}${error ? 1 : 0}${field === null ? 0 : 1}`;
  let k = kindsByName.get(key);
  if (!k) kindsByName.set(key, (k = new Kind(type, field, named, error)));
  return k;
}

/**
 * The plain tree's node: five fields (64 bytes in V8 without pointer compression, where storing
 * every property took 96). Type, field, named-ness and error state come from the shared Kind;
 * `up` is the parent, or for the root the file's LineTable, from which line and column are worked
 * out when asked for (most nodes' positions are never read).
 */
class Node implements PyNode {
  children: PyNode[] = NO_CHILDREN;
  constructor(
    private readonly kind: Kind,
    readonly start: number,
    readonly end: number,
    private readonly up: Node | LineTable,
  ) {}
  get type(): string {
    return this.kind.type;
  }
  get field(): string | null {
    return this.kind.field;
  }
  get named(): boolean {
    return this.kind.named;
  }
  get error(): boolean {
    return this.kind.error;
  }
  get parent(): PyNode | null {
    const u = this.up;
    return u instanceof Node ? u : null;
  }
  /** The file's line table, kept by the root. */
  private lines(): LineTable {
    let u = this.up;
    while (u instanceof Node) u = u.up;
    return u;
  }
  get line(): number {
    return this.lines().line(this.start);
  }
  get col(): number {
    return this.lines().col(this.start);
  }
  get endLine(): number {
    return this.lines().line(this.end);
  }
  get endCol(): number {
    return this.lines().col(this.end);
  }
}

/** Appends `child` to `parent`'s children (a leaf's shared empty list is replaced on the first). */
function addChild(parent: PyNode, child: PyNode): void {
  if (parent.children === NO_CHILDREN) parent.children = [child];
  else parent.children.push(child);
}

/** What the walk needs from a tree cursor; implemented over the raw API and the public one. */
interface CursorOps {
  type(): string;
  field(): string | null;
  /** Of the node whose `type()` was asked last. */
  named(): boolean;
  start(): number;
  end(): number;
  missing(): boolean;
  firstChild(): boolean;
  nextSibling(): boolean;
  parent(): boolean;
}

/** One node of the plain tree (both walks build them here); error and MISSING nodes are noted. */
function makeNode(lines: LineTable, syntaxErrors: ParsedPython['syntaxErrors'], kind: Kind, start: number, end: number, missing: boolean, parent: Node | null): Node {
  if (kind.error && syntaxErrors.length < 20) syntaxErrors.push({ line: lines.line(start), col: lines.col(start), message: missing ? `syntax error: missing ${kind.type}` : 'syntax error' });
  return new Node(kind, start, end, parent ?? lines);
}

/** Pre-order walk building the plain tree; one implementation for both cursor kinds. */
function convert(c: CursorOps, source: string): ParsedPython {
  const lines = new LineTable(source);
  const syntaxErrors: ParsedPython['syntaxErrors'] = [];
  let count = 0;
  /** The cursor's node, or null when it is dropped punctuation (a leaf). */
  const mk = (parent: Node | null): Node | null => {
    const type = c.type();
    const named = c.named();
    const field = c.field();
    const start = c.start();
    const end = c.end();
    const missing = start === end && c.missing();
    count++;
    if (parent && dropped(type, named, field, missing, parent.type)) return null;
    return makeNode(lines, syntaxErrors, kindOf(type, field, named, missing), start, end, missing, parent);
  };
  const root = mk(null)!;
  // `stack` holds the parents of the cursor's node.
  const stack: Node[] = [root];
  let more = c.firstChild();
  while (more) {
    const parent = stack[stack.length - 1];
    const node = mk(parent);
    if (node) {
      addChild(parent, node);
      if (c.firstChild()) {
        stack.push(node);
        continue;
      }
    }
    for (;;) {
      if (c.nextSibling()) break;
      if (!c.parent()) {
        more = false;
        break;
      }
      stack.pop();
      if (stack.length === 0) {
        more = false;
        break;
      }
    }
  }
  return { root, syntaxErrors, nodeCount: count };
}

/**
 * A fresh cursor for the raw API; returns the tree's address the raw calls take. Reading a
 * property marshals the cursor into the transfer buffer; from then on only the raw calls touch it,
 * and it is freed with the raw delete (the JS copy goes stale: never delete it).
 */
function openRawCursor(tree: NonNullable<ReturnType<Parser['parse']>>): number {
  void tree.walk().nodeTypeId;
  return (tree as unknown as { 0: number })[0];
}

/** The fast cursor over the raw API (see RawCursorApi). */
function rawOps(api: RawCursorApi, parser: Parser, tree: NonNullable<ReturnType<Parser['parse']>>): { ops: CursorOps; free: () => void } {
  const { types, fields, named } = tablesFor(parser.language!);
  const t = openRawCursor(tree);
  // `convert` asks for a node's type before whether it is named: the id is fetched once.
  let typeId = 0;
  const ops: CursorOps = {
    type: () => types[(typeId = api.typeId(t))] || 'ERROR',
    field: () => {
      const id = api.fieldId(t);
      return id ? (fields[id] ?? null) : null;
    },
    named: () => named[typeId] === 1,
    start: () => api.startIndex(t),
    end: () => api.endIndex(t),
    missing: () => api.isMissing(t) === 1,
    firstChild: () => api.gotoFirstChild(t) === 1,
    nextSibling: () => api.gotoNextSibling(t) === 1,
    parent: () => api.gotoParent(t) === 1,
  };
  return { ops, free: () => api.del(t) };
}

/** The public TreeCursor (used when web-tree-sitter's raw functions are not reachable). */
function publicOps(tree: NonNullable<ReturnType<Parser['parse']>>): { ops: CursorOps; free: () => void } {
  const cursor = tree.walk();
  const ops: CursorOps = {
    type: () => cursor.nodeType,
    field: () => cursor.currentFieldName,
    named: () => cursor.nodeIsNamed,
    start: () => cursor.startIndex,
    end: () => cursor.endIndex,
    missing: () => cursor.nodeIsMissing,
    firstChild: () => cursor.gotoFirstChild(),
    nextSibling: () => cursor.gotoNextSibling(),
    parent: () => cursor.gotoParent(),
  };
  return { ops, free: () => cursor.delete() };
}

/** Builds the plain tree from the walk's records (see walker.ts for their layout). */
export function fromRecords(heap: Int32Array, base: number, count: number, source: string, lang: Language): ParsedPython {
  const { types, fields, named, punct, keepsPunct, kinds } = tablesFor(lang);
  const lines = new LineTable(source);
  const syntaxErrors: ParsedPython['syntaxErrors'] = [];
  const nodes: (Node | undefined)[] = new Array<Node | undefined>(count);
  // Children lists of exactly their size, counted first (lists grown by push keep spare room:
  // ~20 % more heap for the parse-heavy bench tree's trees). Dropped punctuation (`dropped`, a
  // leaf: it never is a parent) is marked -1.
  const kids = new Int32Array(count);
  for (let i = 1, o = base + 4; i < count; i++, o += 4) {
    const pm = heap[o + 3];
    const parentIndex = (pm & 0x7fffffff) - 1;
    if (parentIndex < 0) continue;
    const tf = heap[o];
    if (punct[tf & 0xffff] && tf >>> 16 === 0 && pm >= 0 && !keepsPunct[heap[base + parentIndex * 4] & 0xffff]) kids[i] = -1;
    else kids[parentIndex]++;
  }
  for (let i = 0, o = base; i < count; i++, o += 4) {
    if (kids[i] < 0) continue;
    const tf = heap[o];
    const typeId = tf & 0xffff;
    const fieldId = tf >>> 16;
    const start = heap[o + 1];
    const end = heap[o + 2];
    const pm = heap[o + 3];
    const missing = pm < 0;
    const parentIndex = (pm & 0x7fffffff) - 1;
    const parent = parentIndex >= 0 ? nodes[parentIndex]! : null;
    const key = (tf << 1) | (missing ? 1 : 0);
    let kind = kinds.get(key);
    if (!kind) kinds.set(key, (kind = kindOf(types[typeId] || 'ERROR', fieldId ? (fields[fieldId] ?? null) : null, named[typeId] === 1, missing)));
    const node = makeNode(lines, syntaxErrors, kind, start, end, missing, parent);
    nodes[i] = node;
    if (kids[i]) {
      node.children = new Array<PyNode>(kids[i]);
      kids[i] = 0; // from here on: how many are filled
    }
    if (parent) parent.children[kids[parentIndex]++] = node;
  }
  return { root: nodes[0]!, syntaxErrors, nodeCount: count };
}

type TsTree = NonNullable<ReturnType<Parser['parse']>>;

/**
 * The WebAssembly walk over a fresh cursor into the scratch area, with room for `cap` records;
 * `use` gets the records in place. Null if the tree needs more records than fit.
 */
function walkInto<T>(w: WasmWalk, api: RawCursorApi, tree: TsTree, cap: number, use: (heap: Int32Array, base: number, count: number) => T): T | null {
  if (w.cap < cap) {
    if (w.out) w.free(w.out);
    w.out = w.malloc(cap * RECORD_BYTES);
    w.cap = w.out ? cap : 0;
    if (!w.out) return null;
  }
  const t = openRawCursor(tree);
  try {
    const count = w.walk(t, w.out, w.cap);
    if (count < 0) return null;
    return use(w.heap32(), w.out >> 2, count);
  } finally {
    api.del(t);
  }
}

/**
 * The WebAssembly walk of a tree of `length` characters of source: real Python has at most ~0.5
 * nodes per character (0.21 on average over Django's source); a tree that needs more room
 * (pathological input) is walked again with four per character.
 */
function walkAnySize<T>(w: WasmWalk, api: RawCursorApi, tree: TsTree, length: number, use: (heap: Int32Array, base: number, count: number) => T): T | null {
  return walkInto(w, api, tree, Math.ceil(0.75 * length) + 1024, use) ?? walkInto(w, api, tree, 4 * length + 1024, use);
}

const copyRecords = (heap: Int32Array, base: number, count: number) => heap.slice(base, base + count * 4);

/**
 * Parses `source` into the walk's records only (no tree: a parse worker's job, src/python/
 * parse-ahead.ts); null when the WebAssembly walk is not available or fails.
 */
export function parseToRecords(parser: Parser, source: string): Int32Array | null {
  const tree = parser.parse(source);
  if (!tree) return null;
  try {
    return wasmWalk && raw ? walkAnySize(wasmWalk, raw, tree, source.length, copyRecords) : null;
  } catch {
    return null;
  } finally {
    tree.delete();
  }
}

export function parseWith(parser: Parser, source: string): ParsedPython {
  return recordsOf(parser, source, false).parsed;
}

/**
 * Parses `source`; with `keepRecords`, also returns the walk's records (four 32-bit words per
 * node, walker.ts), from which `fromRecords` rebuilds the same tree. `records` is null when the
 * WebAssembly walk is not available (the tree then comes from a cursor walk).
 */
export function recordsOf(parser: Parser, source: string, keepRecords = true): { parsed: ParsedPython; records: Int32Array | null } {
  const tree = parser.parse(source);
  if (!tree) throw new Error('tree-sitter returned no tree');
  let records: Int32Array | null = null;
  const lang = parser.language;
  if (wasmWalk && raw && lang) {
    try {
      const r = walkAnySize(wasmWalk, raw, tree, source.length, (heap, base, count) => {
        if (keepRecords) records = copyRecords(heap, base, count);
        return fromRecords(heap, base, count, source, lang);
      });
      if (r) {
        tree.delete();
        return { parsed: r, records };
      }
    } catch {
      // Fall back to the cursor walk below (it gives the same tree).
      records = null;
    }
  }
  const { ops, free } = raw && parser.language ? rawOps(raw, parser, tree) : publicOps(tree);
  try {
    return { parsed: convert(ops, source), records: null };
  } finally {
    free();
    tree.delete();
  }
}

/** Which walk `parseWith` uses: the WebAssembly one (walker.ts), the raw cursor calls, or the public API. */
export function walkKind(): 'wasm' | 'raw-cursor' | 'public-api' {
  return wasmWalk ? 'wasm' : raw ? 'raw-cursor' : 'public-api';
}

/** Test hook: the WebAssembly walk with room for `cap` records only (null when the tree needs more). */
export function parseWithRecordCap(parser: Parser, source: string, cap: number): ParsedPython | null {
  const tree = parser.parse(source);
  if (!tree || !wasmWalk || !raw || !parser.language) throw new Error('no WebAssembly walk');
  // A private scratch area of exactly `cap` records.
  const w: WasmWalk = { ...wasmWalk, out: 0, cap: 0 };
  try {
    const lang = parser.language;
    return walkInto(w, raw, tree, cap, (heap, base, count) => fromRecords(heap, base, count, source, lang));
  } finally {
    if (w.out) w.free(w.out);
    tree.delete();
  }
}

/** Test hook: parse through the public cursor API, to check the raw walk gives the same tree. */
export function parseWithPublicApi(parser: Parser, source: string): ParsedPython {
  const tree = parser.parse(source);
  if (!tree) throw new Error('tree-sitter returned no tree');
  const { ops, free } = publicOps(tree);
  try {
    return convert(ops, source);
  } finally {
    free();
    tree.delete();
  }
}
