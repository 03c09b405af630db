// Phase timings for `MTLS_AUDIT_STATS=1` (printed at exit with peak RSS; `npm run bench` shows
// them): milliseconds since the process started at the end of each phase.

/**
 * Milliseconds since the process started. Not `performance.now()`: the first use of the global
 * `performance` loads perf_hooks.
 */
export function now(): number {
  return process.uptime() * 1000;
}

const marks: [string, number][] = [];

export function mark(phase: string): void {
  marks.push([phase, Math.round(now() * 10) / 10]);
}

export function phaseMarks(): Record<string, number> {
  return Object.fromEntries(marks);
}

const sums = new Map<string, number>();

/** Adds `ms` to the running total of `what` (reported next to the phase marks). */
export function addTime(what: string, ms: number): void {
  sums.set(what, (sums.get(what) ?? 0) + ms);
}

export function timeTotals(): Record<string, number> {
  return Object.fromEntries([...sums].map(([k, v]) => [k, Math.round(v * 10) / 10]));
}
