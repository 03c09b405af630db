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

/** Whether the launcher started this scan without the optimising JIT (and so tunes it at all). */
function launchedShort(): boolean {
  return (globalThis as Record<symbol, unknown>)[OFF_MARKER] === true;
}

let since: number | null = null;

/**
 * Python files, or bytes (UTF-16 units) to parse, or milliseconds since start, beyond which a scan
 * is long. Bytes: parsing the standard library's files into our trees (Liftoff), wall until exit,
 * without vs with the optimising JIT: 50 KB 40–45 vs 45–50 ms, 100 KB 87–101 vs 69–85, 200 KB
 * 103–125 vs 92–118, 300 KB 157–256 vs 158–177; a scan of /usr/lib/python3.11 (~400 KB to parse)
 * went from 590–750 ms to 460–500 ms with the JIT on from the read on.
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
 * hottest WebAssembly functions up: TurboFan compiles ~115 ms of them on another thread, the
 * grammar's lexer and tree-sitter's main loop 30–60 ms each, and Node waits for compiles still
 * running when it exits. Django's source (a few files, tens of KB to parse): wall 220–330 →
 * 165–190 ms, CPU 300–390 → 175–230 ms, peak RSS 105 → 75 MB. Parsing the standard library's
 * files (JS without TurboFan, as in a short scan), wall until exit, Liftoff only vs V8's tiering:
 * 300 KB 187–278 vs 238–280 ms, 500 KB 244–286 vs 247–290, 700 KB 342–364 vs 317–378, 1 MB
 * 489–729 vs 414–460, 1.5 MB 833–949 vs 661–663; so tier-up from half a MiB on (5 MB: 1.1 s
 * with it, 1.6 s without).
 * Measured on V8 11.3: the flag must be set before the parser is created and while it first
 * parses (set later, or cleared before the first parse, and functions still tier up), so the
 * engine creates the parser after this call. A function that has run under it stays in Liftoff
 * for the process's life, also once `optimiseIfLong` has given V8 its defaults back.
 */
export function parseInBaselineIfShort(parseBytes: number): void {
  if (!launchedShort() || parseBytes > BASELINE_PARSE_MAX) return;
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
  if (!launchedShort()) return 'default';
  return since === null ? 'baseline' : `optimising from ${since} ms`;
}

/** For MTLS_AUDIT_STATS: whether the parse ran in Liftoff only. */
export function wasmState(): string {
  return baselineParse ? 'liftoff' : 'default';
}
