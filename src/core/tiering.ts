// WebAssembly tiering in a scan. Just before it parses, the engine calls `parseInBaselineIfShort`:
// a short scan started by bin/mtls-audit.js (which says so with a global marker) then parses in
// Liftoff, V8's baseline WebAssembly code, instead of paying for TurboFan compiles it never uses.
// Outside the launcher (tests, the module graph) nothing changes. A scan also keeps V8's young
// generation small (`keepYoungGenerationSmall`, for peak memory). What it is worth:
// `npm run bench -- --only tricks` (docs/architecture.md, speed table); the optimising JIT's
// tuning that used to live here saved ~6 % and was removed.

import { setFlagsFromString } from 'node:v8';
import { speedTrickOff } from './speed.js';

const SHORT_MARKER = Symbol.for('mtls-audit.shortScan');

/** Whether the launcher started this run as a scan (and so tunes it at all). */
function launchedShort(): boolean {
  return (globalThis as Record<symbol, unknown>)[SHORT_MARKER] === true;
}

/** Bytes (UTF-16 units) to parse beyond which tree-sitter's tier-up pays. */
export const BASELINE_PARSE_MAX = 512 * 1024;

/**
 * Tree-sitter (the Python parser) in Liftoff only, for a scan (started by the launcher) with at
 * most BASELINE_PARSE_MAX to parse. Otherwise V8 tiers the hottest WebAssembly functions up on
 * other threads, and Node waits for compiles still running when it exits: a short parse pays for
 * compiles it never uses. From about half a MiB on, the tier-up pays.
 * On V8 11.3 the flag must be set before the parser is created and while it first parses (set
 * later, or cleared before the first parse, and functions still tier up), so the engine creates
 * the parser after this call. A function that has run under it stays in Liftoff for the
 * process's life.
 */
export function parseInBaselineIfShort(parseBytes: number): void {
  if (!launchedShort() || speedTrickOff('liftoff') || parseBytes > BASELINE_PARSE_MAX) return;
  setFlagsFromString('--liftoff-only');
  baselineParse = true;
}
let baselineParse = false;

/**
 * V8's defaults for the two WebAssembly tier-up flags `--liftoff-only` switches off, and for the
 * flag itself (V8 11.3, Node 20; test/integration/tiering.test.ts checks that they, with
 * DEFAULT_HEAP_FLAGS, give back exactly the flags a process starts with).
 */
export const DEFAULT_WASM_FLAGS = ['--no-liftoff-only', '--wasm-tier-up', '--wasm-dynamic-tiering'];

/**
 * A scan keeps the young generation at its starting size (V8 11.3: 1 MiB semi-spaces instead of
 * growing them 2x at a time up to 16 MiB). A scan's objects are mostly long-lived (every parsed
 * file's tree lives until the rules have run), so a big young generation buys little: survivors
 * are copied out of it anyway, and its two semi-spaces (plus what they hold when it grows) sit on
 * top of the old generation at peak. Only for a scan the launcher started, as for the tiering
 * above. docs/architecture.md's memory table has what it is worth.
 */
export function keepYoungGenerationSmall(): void {
  if (!launchedShort() || speedTrickOff('young-gen')) return;
  setFlagsFromString('--semi-space-growth-factor=1');
}

/** V8's default for the flag `keepYoungGenerationSmall` sets (V8 11.3, Node 20). */
export const DEFAULT_HEAP_FLAGS = ['--semi-space-growth-factor=2'];

/**
 * Every flag a scan may set, at V8's default: bin/mtls-audit.js sets them before it writes the
 * code cache (cli/main.ts exports them to it), so the cache matches a fresh process.
 */
export const DEFAULT_V8_FLAGS = [...DEFAULT_WASM_FLAGS, ...DEFAULT_HEAP_FLAGS];

/** For MTLS_AUDIT_STATS: whether the parse ran in Liftoff only. */
export function wasmState(): string {
  return baselineParse ? 'liftoff' : 'default';
}
