// Bench trees built by the bench itself (in a temporary directory, removed afterwards):
//
// - parse-heavy: Django's source as Debian ships it with a certificate-header read appended to
//   every third Python file, so a third of the tree is parsed and analysed (the shape of the
//   projects this tool is for). mtls-audit cold (also with `--jobs 2`: one parse worker) and
//   warm (re-run with one file changed) against Bandit in the same run.
// - big tree: ≥ 90 MiB of Python, copies of the system's site-packages, to show that peak memory
//   follows what is analysed, not the size of the tree.

import { appendFileSync, cpSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { best, floorRuns, fmtMs, haveCommand, median, parseFloorRuns, runAudit, runBandit, type AuditRun, type BenchCheck, type BenchSection, DEFAULT_TREE } from './bench.js';

/** The line appended to every third Python file of the parse-heavy tree. */
export const CERT_READ = '\n\ndef _mtls_audit_bench_cert(request):\n    _cert = request.META.get("HTTP_X_SSL_CLIENT_CERT")\n    return _cert\n';

/** Python files under `dir`, sorted by path (so "every third" is the same set on every machine). */
function pythonFiles(dir: string): string[] {
  const out: string[] = [];
  const visit = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) visit(p);
      else if (e.isFile() && e.name.endsWith('.py')) out.push(p);
    }
  };
  visit(dir);
  return out.sort((a, b) => (relative(dir, a) < relative(dir, b) ? -1 : 1));
}

/** Copies `src` to `dest` (regular files and directories only: no symbolic links followed). */
function copyTree(src: string, dest: string, onlyPython = false): void {
  cpSync(src, dest, {
    recursive: true,
    verbatimSymlinks: true,
    filter: (from) => {
      const st = statSync(from, { throwIfNoEntry: false });
      if (!st) return false;
      if (st.isDirectory()) return !from.includes('__pycache__');
      return st.isFile() && (!onlyPython || from.endsWith('.py'));
    },
  });
}

/** Builds the parse-heavy tree under `dir`; returns its root and the files that got the read. */
export function buildParseHeavyTree(dir: string, django = DEFAULT_TREE): { root: string; edited: string[] } {
  const root = join(dir, 'django');
  copyTree(django, root);
  const edited = pythonFiles(root).filter((_, i) => i % 3 === 2);
  for (const f of edited) appendFileSync(f, CERT_READ);
  return { root, edited };
}

function rssLine(runs: AuditRun[]): { text: string; max: number | null } {
  const rss = runs.map((r) => r.maxRssMB).filter((x): x is number => x !== null);
  if (!rss.length) return { text: 'unknown (no MTLS_AUDIT_STATS line)', max: null };
  return { text: `max ${Math.max(...rss)} MB, median ${median(rss).toFixed(1)} MB (${rss.join(', ')})`, max: Math.max(...rss) };
}

function summary(runs: AuditRun[]): string {
  const ms = runs.map((r) => r.ms);
  const cpu = runs.map((r) => r.cpuMs).filter((x): x is number => x !== null);
  const last = runs[runs.length - 1];
  return `median ${fmtMs(median(ms))}, best ${fmtMs(best(ms))} (${ms.map((m) => m.toFixed(0)).join(', ')} ms)${cpu.length ? `; CPU median ${fmtMs(median(cpu))}` : ''}; parsed ${last.stats?.filesParsed ?? '?'} files, findings ${last.findings ?? '?'}`;
}

const HEAVY = { cold: 25, warm: 100, rssMB: 200 };

export const parseHeavySection: BenchSection = {
  name: 'parse-heavy',
  description: `Django's source with a certificate-header read in every third file, vs bandit (targets: ≥ ${HEAVY.cold}× cold, ≥ ${HEAVY.warm}× warm with one file changed, < ${HEAVY.rssMB} MB)`,
  async run(ctx) {
    const lines: string[] = [];
    const checks: BenchCheck[] = [];
    const source = ctx.tree === DEFAULT_TREE ? DEFAULT_TREE : ctx.tree;
    try {
      if (!statSync(source).isDirectory()) throw new Error();
    } catch {
      return { lines, checks, notRun: `${source} is missing: apt-get install python3-django` };
    }
    const work = mkdtempSync(join(tmpdir(), 'mtls-audit-bench-heavy-'));
    try {
      const { root, edited } = buildParseHeavyTree(work, source);
      const cacheDir = join(work, 'cache');
      lines.push(`tree: ${root} (copy of ${source}; ${edited.length} files given a certificate-header read)`);
      const cold: AuditRun[] = [];
      await runAudit(root, process.env, ['--no-cache']); // page cache warm-up, untimed
      for (let i = 0; i < ctx.runs; i++) cold.push(await runAudit(root, process.env, ['--no-cache']));
      lines.push(`mtls-audit cold (--no-cache): ${summary(cold)}`);
      // Parsing in a worker thread next to the main thread (the default from 4 cores on only).
      const jobs2: AuditRun[] = [];
      for (let i = 0; i < ctx.runs; i++) jobs2.push(await runAudit(root, process.env, ['--no-cache', '--jobs', '2']));
      lines.push(
        `mtls-audit cold, --jobs 2 (one parse worker): ${summary(jobs2)}; peak RSS ${rssLine(jobs2).text}; parse ahead ${median(jobs2.map((r) => r.totals?.['parse-ahead'] ?? NaN)).toFixed(0)} ms vs ${median(cold.map((r) => r.totals?.['parse-ahead'] ?? NaN)).toFixed(0)} ms on one thread`,
      );
      // Warm: the cache is filled by one run, then each timed run follows an edit to one file.
      await runAudit(root, process.env, ['--cache-dir', cacheDir]);
      const warm: AuditRun[] = [];
      for (let i = 0; i < ctx.runs; i++) {
        appendFileSync(edited[i % edited.length], `\n# bench edit ${i}\n`);
        warm.push(await runAudit(root, process.env, ['--cache-dir', cacheDir]));
      }
      lines.push(`mtls-audit warm (cache, one file changed before each run): ${summary(warm)}`);
      const fastest = cold.reduce((a, b) => (b.ms < a.ms ? b : a));
      if (fastest.totals) lines.push(`  cold, summed times (fastest run): ${JSON.stringify(fastest.totals)}`);
      const fw = warm.reduce((a, b) => (b.ms < a.ms ? b : a));
      if (fw.totals) lines.push(`  warm, summed times (fastest run): ${JSON.stringify(fw.totals)}`);
      const rss = rssLine([...cold, ...warm]);
      lines.push(`  peak RSS: ${rss.text}`);
      checks.push({ label: 'peak RSS', pass: rss.max !== null && rss.max < HEAVY.rssMB, detail: `${rss.max ?? '?'} MB < ${HEAVY.rssMB} MB` });
      // What no Node tool goes below here: walking and reading the tree (a warm run must still do
      // that to see which files changed), and that plus tree-sitter parsing the edited files (a
      // cold run must parse them).
      const floor = median(await floorRuns(root, ctx.runs));
      const parseFloor = median(await parseFloorRuns(root, edited, ctx.runs));
      lines.push(`  floor (median): walk + read ${fmtMs(floor)}; walk + read + tree-sitter parse of the ${edited.length} edited files ${fmtMs(parseFloor)}`);
      if (!haveCommand('bandit', ['--version'])) {
        lines.push('bandit: not installed (apt-get install bandit), so no ratio');
        return { lines, checks };
      }
      const bMs: number[] = [];
      const bCpu: number[] = [];
      for (let i = 0; i < ctx.refRuns; i++) {
        const r = await runBandit(root, join(work, 'bandit.json'));
        if (r.code !== 0 && r.code !== 1) {
          lines.push(`bandit exited ${r.code}`);
          return { lines, checks };
        }
        bMs.push(r.ms);
        if (r.cpuMs !== null) bCpu.push(r.cpuMs);
      }
      const b = median(bMs);
      lines.push(`bandit -r -q -f json: median ${fmtMs(b)} (${bMs.map((m) => m.toFixed(0)).join(', ')} ms)${bCpu.length ? `; CPU median ${fmtMs(median(bCpu))}` : ''}`);
      const rc = b / median(cold.map((r) => r.ms));
      const rw = b / median(warm.map((r) => r.ms));
      lines.push(`ratio (median/median): cold ${rc.toFixed(1)}×, warm ${rw.toFixed(1)}×`);
      lines.push(`  ceiling (bandit / floor): cold ${(b / parseFloor).toFixed(1)}×, warm ${(b / floor).toFixed(1)}×`);
      const cpu = (runs: AuditRun[]) => median(runs.map((r) => r.cpuMs ?? NaN));
      // CPU time hardly depends on what else the machine runs (the targets are on wall time).
      if (bCpu.length) lines.push(`  CPU-time ratio (median/median, steadier on a busy machine): cold ${(median(bCpu) / cpu(cold)).toFixed(1)}×, warm ${(median(bCpu) / cpu(warm)).toFixed(1)}×`);
      checks.push({ label: `cold ≥ ${HEAVY.cold}× bandit`, pass: rc >= HEAVY.cold, detail: `${rc.toFixed(1)}×` });
      checks.push({ label: `warm (one file changed) ≥ ${HEAVY.warm}× bandit`, pass: rw >= HEAVY.warm, detail: `${rw.toFixed(1)}×` });
      return { lines, checks };
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  },
};

const BIG = { minMiB: 90, rssMB: 250 };
const SITE_SOURCES = ['/usr/lib/python3/dist-packages', '/usr/lib/python3.11', '/usr/lib/python3.12', '/usr/lib/python3.13'];

/** Copies the system's Python trees (Python files only) until there are ≥ `minBytes` of them. */
export function buildBigTree(dir: string, minBytes: number): { root: string; bytes: number; files: number } | null {
  const sources = SITE_SOURCES.filter((s) => statSync(s, { throwIfNoEntry: false })?.isDirectory());
  if (!sources.length) return null;
  const root = join(dir, 'site-packages');
  let bytes = 0;
  let files = 0;
  for (let round = 0; bytes < minBytes && round < 50; round++) {
    for (const s of sources) {
      if (bytes >= minBytes) break;
      const dest = join(root, `copy${round}_${s.split('/').pop()}`);
      copyTree(s, dest, true);
      for (const f of pythonFiles(dest)) {
        bytes += statSync(f).size;
        files++;
      }
    }
    if (files === 0) return null;
  }
  return { root, bytes, files };
}

export const bigTreeSection: BenchSection = {
  name: 'big-tree',
  description: `a ≥ ${BIG.minMiB} MiB tree of Python (copies of site-packages): peak RSS < ${BIG.rssMB} MB`,
  async run(ctx) {
    const lines: string[] = [];
    const checks: BenchCheck[] = [];
    const work = mkdtempSync(join(tmpdir(), 'mtls-audit-bench-big-'));
    try {
      const big = buildBigTree(work, BIG.minMiB * 1048576);
      if (!big) return { lines, checks, notRun: 'no site-packages directory to copy' };
      lines.push(`tree: ${big.root}: ${big.files} Python files, ${(big.bytes / 1048576).toFixed(1)} MiB`);
      const runs: AuditRun[] = [];
      for (let i = 0; i < Math.min(ctx.runs, 3); i++) runs.push(await runAudit(big.root, process.env, ['--no-cache']));
      lines.push(`mtls-audit (--no-cache): ${summary(runs)}`);
      const fastest = runs.reduce((a, b) => (b.ms < a.ms ? b : a));
      if (fastest.totals) lines.push(`  summed times (fastest run): ${JSON.stringify(fastest.totals)}`);
      const rss = rssLine(runs);
      lines.push(`  peak RSS: ${rss.text}`);
      checks.push({ label: 'peak RSS', pass: rss.max !== null && rss.max < BIG.rssMB, detail: `${rss.max ?? '?'} MB < ${BIG.rssMB} MB` });
      return { lines, checks };
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  },
};
