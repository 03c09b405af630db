// What each start-up trick is worth: a scan of the bench tree with the trick on, alternated with
// the same scan with it off (`MTLS_AUDIT_SPEED_OFF`, read by bin/mtls-audit.js and
// src/core/tiering.ts), medians of wall and CPU time. A trick keeps its place when it saves at
// least a tenth of the scan it is removed from (issue: speed machinery that pays for itself);
// docs/architecture.md's speed table holds the figures of a dated run.

import { existsSync } from 'node:fs';
import { fmtMs, median, runAudit, type BenchCheck, type BenchSection } from './bench.js';
import { SPEED_TRICKS } from '../src/core/speed.js';

/** The saving a trick must bring, as a share of the scan without it. */
export const MIN_SHARE = 0.1;

export const tricksSection: BenchSection = {
  name: 'tricks',
  description: `each start-up trick on vs off on the same tree (keeps its place when it saves ≥ ${MIN_SHARE * 100} % of the scan)`,
  async run(ctx) {
    const lines: string[] = [];
    const checks: BenchCheck[] = [];
    if (!existsSync(ctx.tree)) return { lines, checks, notRun: `${ctx.tree} is missing` };
    const env = (off: string) => ({ ...process.env, MTLS_AUDIT_SPEED_OFF: off });
    await runAudit(ctx.tree, env(''), ['--no-cache']); // page cache warm-up, untimed
    lines.push(`tree: ${ctx.tree}; ${ctx.runs} runs each, trick on and off alternated`);
    for (const t of SPEED_TRICKS) {
      const on: { ms: number; cpu: number; rss: number }[] = [];
      const off: { ms: number; cpu: number; rss: number }[] = [];
      for (let i = 0; i < ctx.runs; i++) {
        const a = await runAudit(ctx.tree, env(''), ['--no-cache']);
        const b = await runAudit(ctx.tree, env(t.id), ['--no-cache']);
        on.push({ ms: a.ms, cpu: a.cpuMs ?? NaN, rss: a.maxRssMB ?? NaN });
        off.push({ ms: b.ms, cpu: b.cpuMs ?? NaN, rss: b.maxRssMB ?? NaN });
      }
      const wOn = median(on.map((x) => x.ms));
      const wOff = median(off.map((x) => x.ms));
      const cOn = median(on.map((x) => x.cpu));
      const cOff = median(off.map((x) => x.cpu));
      const rOn = median(on.map((x) => x.rss));
      const rOff = median(off.map((x) => x.rss));
      const share = (wOff - wOn) / wOff;
      lines.push(`${t.id.padEnd(10)} (${t.what}): wall ${fmtMs(wOn)} on, ${fmtMs(wOff)} off (${(share * 100).toFixed(0)} % saved); CPU ${fmtMs(cOn)} on, ${fmtMs(cOff)} off; peak RSS ${rOn.toFixed(1)} MB on, ${rOff.toFixed(1)} MB off`);
      if ('memory' in t) {
        // A memory trick keeps its place when it lowers peak RSS and costs no tenth of the scan.
        checks.push({ label: `${t.id} lowers peak RSS`, pass: rOn < rOff, detail: `${rOn.toFixed(1)} MB on, ${rOff.toFixed(1)} MB off` });
        checks.push({ label: `${t.id} costs < ${MIN_SHARE * 100} % of the scan`, pass: share > -MIN_SHARE, detail: `${(share * 100).toFixed(0)} % of ${fmtMs(wOff)} saved` });
      } else checks.push({ label: `${t.id} saves ≥ ${MIN_SHARE * 100} %`, pass: share >= MIN_SHARE, detail: `${(share * 100).toFixed(0)} % of ${fmtMs(wOff)}` });
    }
    return { lines, checks };
  },
};
