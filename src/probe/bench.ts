// `benchProbe()`: times a full probe (every case, default budget and concurrency) of each lab
// target. scripts/bench.ts calls it; it starts the lab from test/lab (a dev-only import, loaded
// lazily so the CLI never depends on test code).

import { runProbe } from './probe.js';
import type { ProbeOptions } from './types.js';

export interface ProbeBenchRow {
  target: string;
  /** Wall time of each timed run, ms. */
  runsMs: number[];
  medianMs: number;
  maxMs: number;
  requests: number;
  findings: number;
  inconclusive: number;
  notRun: number;
}

export interface ProbeBenchResult {
  rows: ProbeBenchRow[];
  labStartMs: number;
  /** The goal of issue 5: every target probed in ≤ 2 s wall. */
  targetMs: number;
}

export async function benchProbe(opts: { runs?: number; warmup?: boolean } = {}): Promise<ProbeBenchResult> {
  const { startLab, TARGET_NAMES } = await import('../../test/lab/harness.js');
  const runs = Math.max(1, opts.runs ?? 3);
  const t0 = performance.now();
  const lab = await startLab(TARGET_NAMES);
  const labStartMs = Math.round(performance.now() - t0);
  const rows: ProbeBenchRow[] = [];
  try {
    for (const name of TARGET_NAMES) {
      const t = lab.targets[name]!;
      const p = lab.pki.files;
      const read = (await import('node:fs')).readFileSync;
      const options: ProbeOptions = {
        url: t.url + t.protectedPaths[0],
        certPem: read(p['alice:crt'], 'utf8'),
        keyPem: read(p['alice:key'], 'utf8'),
        caPem: read(p['ca:crt'], 'utf8'),
        caKeyPem: read(p['ca:key'], 'utf8'),
        crlData: read(p['ca:crl']),
        serverCaPem: read(p['ca:crt'], 'utf8'),
        backend: t.backend,
        protectedPaths: t.protectedPaths,
        ...(t.loginPath ? { loginPath: t.loginPath } : {}),
        ...(t.passwordLogin ? { passwordLogin: t.passwordLogin } : {}),
      };
      if (opts.warmup !== false) await runProbe(options);
      const times: number[] = [];
      let last;
      for (let i = 0; i < runs; i++) {
        const s = performance.now();
        last = await runProbe(options);
        times.push(Math.round(performance.now() - s));
      }
      const sorted = times.slice().sort((a, b) => a - b);
      const notes = last!.report.notes ?? [];
      rows.push({
        target: name,
        runsMs: times,
        medianMs: sorted[Math.floor(sorted.length / 2)],
        maxMs: sorted[sorted.length - 1],
        requests: last!.report.stats.requestsSent ?? 0,
        findings: last!.report.findings.length,
        inconclusive: notes.filter((n) => n.status === 'inconclusive').length,
        notRun: notes.filter((n) => n.status === 'not-run').length,
      });
    }
  } finally {
    await lab.stop();
  }
  return { rows, labStartMs, targetMs: 2000 };
}

export function formatProbeBench(r: ProbeBenchResult): string {
  const lines = [`probe (lab started in ${r.labStartMs} ms; target ≤ ${r.targetMs} ms per target, default budget and concurrency):`];
  for (const row of r.rows) {
    lines.push(
      `  ${row.target.padEnd(11)} median ${String(row.medianMs).padStart(5)} ms  max ${String(row.maxMs).padStart(5)} ms  ${row.requests} requests  ${row.findings} findings  ${row.inconclusive} inconclusive  ${row.notRun} not run${row.maxMs > r.targetMs ? '  OVER TARGET' : ''}`,
    );
  }
  return lines.join('\n') + '\n';
}
