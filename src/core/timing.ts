// Phase timings for `MTLS_AUDIT_STATS=1` (printed at exit with peak RSS; `npm run bench` shows
// them): milliseconds since the process started at the end of each phase.

const marks: [string, number][] = [];

export function mark(phase: string): void {
  marks.push([phase, Math.round(performance.now() * 10) / 10]);
}

export function phaseMarks(): Record<string, number> {
  return Object.fromEntries(marks);
}
