// The optimising compilers in a scan. bin/mtls-audit.js starts a scan without the optimising JIT
// (a scan of a few hundred files ends before TurboFan's background compiles pay off) and says so
// with a global marker. The engine calls `optimiseIfLong` at its checkpoints, and once the scan is
// big or has already taken a while the JIT is switched back on for the rest (a long analysis runs
// ~3× faster optimised). Just before it parses, the engine calls `parseInBaselineIfShort`: a short
// scan's parse then stays in Liftoff, V8's baseline WebAssembly code.
// Outside the launcher (tests, the module graph) nothing is switched off and nothing changes.

import { setFlagsFromString } from 'node:v8';
import { now } from './timing.js';

const OFF_MARKER = Symbol.for('mtls-audit.jitOff');

let since: number | null = null;

/** Python files, or bytes to parse, or milliseconds since start, beyond which a scan is long. */
export const LONG_SCAN = { files: 3000, parseBytes: 1 << 20, elapsedMs: 400 };

export function optimiseIfLong(work: { files?: number; parseBytes?: number }): void {
  if (since !== null || (globalThis as Record<symbol, unknown>)[OFF_MARKER] !== true) return;
  if ((work.files ?? 0) > LONG_SCAN.files || (work.parseBytes ?? 0) > LONG_SCAN.parseBytes || now() > LONG_SCAN.elapsedMs) {
    since = Math.round(now());
    for (const f of OPTIMISING) setFlagsFromString(f);
  }
}

/**
 * Tree-sitter (the Python parser) in Liftoff only, for a scan still short when its parse begins
 * (the checkpoints before it have seen the number of files, the bytes to parse and the time taken).
 * Otherwise V8 tiers the hottest WebAssembly functions up: on Django's source (11 files, ~0.2 MB
 * parsed) TurboFan compiles ~115 ms of them on another thread, the grammar's lexer and
 * tree-sitter's main loop 30–60 ms each, and Node waits for those compiles before it exits: wall
 * 220–330 → 165–190 ms, CPU 300–390 → 175–230 ms, peak RSS 105 → 75 MB. For long parses tier-up
 * pays (5 MB of Python: 1.1 s with it, 1.6 s without), so a long scan keeps it.
 * Measured on V8 11.3: the flag must be set before the parser is created and stay set while it
 * first parses (set later, or cleared before the first parse, and functions still tier up; a
 * function that has run under it stays in Liftoff for the process's life). So the engine creates
 * the parser after this call, and the flag stays until the process ends.
 */
export function parseInBaselineIfShort(): void {
  if (since !== null || (globalThis as Record<symbol, unknown>)[OFF_MARKER] !== true) return;
  setFlagsFromString('--liftoff-only');
  baselineParse = true;
}
let baselineParse = false;

/**
 * V8's defaults again: the optimising JIT, and WebAssembly tier-up with the two flags
 * `--liftoff-only` switches off (V8 11.3, Node 20; test/core/tiering.test.ts checks that this
 * gives back exactly the flags a process starts with).
 */
export const OPTIMISING = ['--opt', '--no-liftoff-only', '--wasm-tier-up', '--wasm-dynamic-tiering'];

/** For MTLS_AUDIT_STATS: `default`, `baseline` (started and stayed without it), or when it came back on. */
export function jitState(): string {
  if ((globalThis as Record<symbol, unknown>)[OFF_MARKER] !== true) return 'default';
  return since === null ? 'baseline' : `optimising from ${since} ms`;
}

/** For MTLS_AUDIT_STATS: whether the parse ran in Liftoff only. */
export function wasmState(): string {
  return baselineParse ? 'liftoff' : 'default';
}
