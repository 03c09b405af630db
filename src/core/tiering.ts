// The optimising JIT in a scan. bin/mtls-audit.js starts a scan without it (a scan of a few hundred
// files ends before TurboFan's background compiles pay off) and says so with a global marker; the
// engine calls `optimiseIfLong` at its checkpoints, and once the scan is big or has already taken
// a while the JIT is switched back on for the rest (a long analysis runs ~3× faster optimised).
// Outside the launcher (tests, the module graph) the JIT was never off and nothing changes.

import { setFlagsFromString } from 'node:v8';

const OFF_MARKER = Symbol.for('mtls-audit.jitOff');

let since: number | null = null;

/** Python files, or bytes to parse, or milliseconds since start, beyond which a scan is long. */
export const LONG_SCAN = { files: 3000, parseBytes: 1 << 20, elapsedMs: 400 };

export function optimiseIfLong(work: { files?: number; parseBytes?: number }): void {
  if (since !== null || (globalThis as Record<symbol, unknown>)[OFF_MARKER] !== true) return;
  if ((work.files ?? 0) > LONG_SCAN.files || (work.parseBytes ?? 0) > LONG_SCAN.parseBytes || performance.now() > LONG_SCAN.elapsedMs) {
    since = Math.round(performance.now());
    setFlagsFromString('--opt');
  }
}

/** For MTLS_AUDIT_STATS: `default`, `baseline` (started and stayed without it), or when it came back on. */
export function jitState(): string {
  if ((globalThis as Record<symbol, unknown>)[OFF_MARKER] !== true) return 'default';
  return since === null ? 'baseline' : `optimising from ${since} ms`;
}
