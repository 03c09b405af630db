// `benchProbe()`: times a full probe of each lab target (every case, default budget and
// concurrency) as a user runs it: `mtls-audit probe … --format json` in a fresh child process,
// wall time from spawn to exit. The lab comes from test/lab (a dev-only import, loaded lazily so
// the CLI never depends on test code). `probeBenchSection` plugs it into scripts/bench.ts.

import { spawn } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Report } from '../src/core/types.js';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const CLI = join(REPO_ROOT, 'bin', 'mtls-audit.js');

/** Issue 5's goal: every target probed in at most 2 s wall. */
export const PROBE_TARGET_MS = 2000;

export interface ProbeBenchRow {
  target: string;
  /** Wall time of each timed run (spawn to exit), ms. */
  runsMs: number[];
  medianMs: number;
  maxMs: number;
  /** The probe's own duration (report.stats.durationMs), median, ms. */
  probeMs: number;
  requests: number;
  findings: number;
  inconclusive: string[];
  notRun: string[];
}

export interface ProbeBenchResult {
  rows: ProbeBenchRow[];
  labStartMs: number;
  targetMs: number;
}

function median(xs: number[]): number {
  const s = xs.slice().sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function runCli(args: string[]): Promise<{ ms: number; code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolvePromise, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [CLI, ...args], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolvePromise({ ms: performance.now() - t0, code, stdout, stderr }));
  });
}

export async function benchProbe(opts: { runs?: number; warmup?: boolean } = {}): Promise<ProbeBenchResult> {
  const { startLab, TARGET_NAMES } = await import('../test/lab/harness.js');
  const runs = Math.max(1, opts.runs ?? 3);
  const t0 = performance.now();
  const lab = await startLab(TARGET_NAMES);
  const labStartMs = Math.round(performance.now() - t0);
  const rows: ProbeBenchRow[] = [];
  try {
    for (const name of TARGET_NAMES) {
      const args = ['probe', ...lab.probeArgs(name), '--format', 'json'];
      // A first run warms gunicorn's workers (lazy imports); it is not timed.
      if (opts.warmup !== false) await runCli(args);
      const times: number[] = [];
      const probeTimes: number[] = [];
      let report: Report | undefined;
      for (let i = 0; i < runs; i++) {
        const r = await runCli(args);
        if (r.code !== 0 && r.code !== 1) throw new Error(`probe of ${name} exited ${r.code}: ${r.stderr.trim()}`);
        report = JSON.parse(r.stdout) as Report;
        times.push(Math.round(r.ms));
        probeTimes.push(report.stats.durationMs);
      }
      const notes = report!.notes ?? [];
      rows.push({
        target: name,
        runsMs: times,
        medianMs: median(times),
        maxMs: Math.max(...times),
        probeMs: median(probeTimes),
        requests: report!.stats.requestsSent ?? 0,
        findings: report!.findings.length,
        inconclusive: notes.filter((n) => n.status === 'inconclusive').map((n) => `${n.case}: ${n.reason}`),
        notRun: notes.filter((n) => n.status === 'not-run').map((n) => `${n.case}: ${n.reason}`),
      });
    }
  } finally {
    await lab.stop();
  }
  return { rows, labStartMs, targetMs: PROBE_TARGET_MS };
}

export function formatProbeBench(r: ProbeBenchResult): string[] {
  const lines = [`lab (nginx, HAProxy, gunicorn ×${r.rows.length}, fresh PKI) started in ${r.labStartMs} ms`];
  for (const row of r.rows) {
    lines.push(
      `${row.target.padEnd(11)} wall median ${row.medianMs} ms, max ${row.maxMs} ms (${row.runsMs.join(', ')}); probe ${row.probeMs} ms; ${row.requests} requests, ${row.findings} findings, ${row.inconclusive.length} inconclusive, ${row.notRun.length} not run`,
    );
  }
  return lines;
}

/** A section for scripts/bench.ts (structurally its BenchSection). */
export const probeBenchSection = {
  name: 'probe',
  description: 'full probe of each lab target (nginx/HAProxy + gunicorn/Django), CLI wall time, target ≤ 2 s per target',
  async run(ctx: { runs: number }): Promise<{ lines: string[]; checks: { label: string; pass: boolean; detail: string }[] }> {
    const r = await benchProbe({ runs: ctx.runs });
    return {
      lines: formatProbeBench(r),
      checks: r.rows.map((row) => ({ label: `probe ${row.target} ≤ ${r.targetMs} ms`, pass: row.maxMs <= r.targetMs, detail: `max ${row.maxMs} ms of ${row.runsMs.length} runs (median ${row.medianMs} ms)` })),
    };
  },
};
