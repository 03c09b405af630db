// The optimising compilers in a scan. bin/mtls-audit.js starts a scan without the optimising JIT
// (a scan of a few hundred files ends before TurboFan's background compiles pay off) and says so
// with a global marker. The engine calls `optimiseIfLong` at its checkpoints, and once the scan is
// big or has already taken a while the JIT is switched back on for the rest (a long analysis runs
// ~3× faster optimised). Just before it parses, the engine calls `parseInBaselineIfShort`: a short
// scan's parse then stays in Liftoff, V8's baseline WebAssembly code.
// Outside the launcher (tests, the module graph) nothing is switched off and nothing changes.

import { setFlagsFromString } from 'node:v8';
import { now } from './timing.js';
import { speedTrickOff } from './speed.js';

const OFF_MARKER = Symbol.for('mtls-audit.jitOff');

/** Whether the launcher started this scan as a short one (and so tunes it at all). */
function launchedShort(): boolean {
  return (globalThis as Record<symbol, unknown>)[OFF_MARKER] === true;
}


let since: number | null = null;

/**
 * Python files, or bytes (UTF-16 units) to parse, or milliseconds since start, beyond which a scan
 * is long and the optimising JIT pays for its compiles (measurements: docs/architecture.md, speed
 * table).
 */
export const LONG_SCAN = { files: 3000, parseBytes: 128 * 1024, elapsedMs: 400 };

export function optimiseIfLong(work: { files?: number; parseBytes?: number }): void {
  if (since !== null || !launchedShort()) return;
  if ((work.files ?? 0) > LONG_SCAN.files || (work.parseBytes ?? 0) > LONG_SCAN.parseBytes || now() > LONG_SCAN.elapsedMs) {
    since = Math.round(now());
    for (const f of OPTIMISING) setFlagsFromString(f);
  }
}

/** Bytes (UTF-16 units) to parse beyond which tree-sitter's tier-up pays (measured below). */
export const BASELINE_PARSE_MAX = 512 * 1024;

/**
 * Tree-sitter (the Python parser) in Liftoff only, for a scan (started by the launcher) with at
 * most BASELINE_PARSE_MAX to parse, whatever the JavaScript JIT does. Otherwise V8 tiers the
 * hottest WebAssembly functions up on other threads, and Node waits for compiles still running
 * when it exits: a short parse pays for compiles it never uses. From about half a MiB on, the
 * tier-up pays (docs/architecture.md, speed table).
 * On V8 11.3 the flag must be set before the parser is created and while it first parses (set
 * later, or cleared before the first parse, and functions still tier up), so the engine creates
 * the parser after this call. A function that has run under it stays in Liftoff for the
 * process's life, also once `optimiseIfLong` has given V8 its defaults back.
 */
export function parseInBaselineIfShort(parseBytes: number): void {
  if (!launchedShort() || speedTrickOff('liftoff') || parseBytes > BASELINE_PARSE_MAX) return;
  setFlagsFromString('--liftoff-only');
  baselineParse = true;
}
let baselineParse = false;

/**
 * V8's defaults again: the optimising JIT, and WebAssembly tier-up with the two flags
 * `--liftoff-only` switches off (V8 11.3, Node 20; test/core/tiering.test.ts checks that this
 * gives back exactly the flags a process starts with). bin/mtls-audit.js sets them too before it
 * writes the code cache (cli/main.ts exports them to it).
 */
export const OPTIMISING = ['--opt', '--no-liftoff-only', '--wasm-tier-up', '--wasm-dynamic-tiering'];

/** For MTLS_AUDIT_STATS: `default`, `baseline` (started and stayed without it), or when it came back on. */
export function jitState(): string {
  if (!launchedShort() || speedTrickOff('jit-off')) return 'default';
  return since === null ? 'baseline' : `optimising from ${since} ms`;
}

/** For MTLS_AUDIT_STATS: whether the parse ran in Liftoff only. */
export function wasmState(): string {
  return baselineParse ? 'liftoff' : 'default';
}
