// `npm run bench`: end-to-end timings of the real CLI, each run a fresh child process, as a user or
// CI job would run it. A report, not a gate: it prints PASS/FAIL against the targets and always
// exits 0 (2 only for a bad command line).
//
//   npm run bench                       # every section, Django's own source as the scan tree
//   npm run bench -- --tree DIR         # scan another tree
//   npm run bench -- --runs 9 --only scan
//
// Adding a bench: write a `BenchSection` (a name, a one-line description, and `run(ctx)` that
// returns printed lines and checks) and append it to SECTIONS below (or call registerBench()).

import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { probeBenchSection } from './bench-probe.js';
import { bigTreeSection, parseHeavySection } from './bench-trees.js';
import { tricksSection } from './bench-tricks.js';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CLI = join(REPO_ROOT, 'bin', 'mtls-audit.js');
/**
 * The CLI the benches run (`--cli FILE`: another build, e.g. an older checkout, to compare in one
 * run). `--cli-without-cache` for a build that has no parse cache (no --no-cache/--cache-dir).
 */
const cliUnderTest = { path: CLI, cacheFlags: true };
export const DEFAULT_TREE = '/usr/lib/python3/dist-packages/django';

export interface BenchContext {
  repoRoot: string;
  /** The tree the scan benches read (`--tree`). */
  tree: string;
  /** Timed runs of mtls-audit per measurement (`--runs`, default 5). */
  runs: number;
  /** Timed runs of the reference tool (`--ref-runs`, default 2: Bandit takes ~10 s a run). */
  refRuns: number;
}

export interface BenchCheck {
  label: string;
  pass: boolean;
  /** Measured value against the target, e.g. "58.1× ≥ 50×". */
  detail: string;
}

export interface BenchResult {
  lines: string[];
  checks: BenchCheck[];
  /** Set when the section could not run (missing tool or input): printed instead of checks. */
  notRun?: string;
}

export interface BenchSection {
  name: string;
  description: string;
  run(ctx: BenchContext): Promise<BenchResult>;
}

export interface ChildRun {
  ms: number;
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command to completion; `ms` is wall time from spawn to exit, as a user would wait. */
export function timeChild(cmd: string, args: string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): Promise<ChildRun> {
  return new Promise((resolveRun, reject) => {
    const t0 = performance.now();
    const child = spawn(cmd, args, { cwd: opts.cwd ?? REPO_ROOT, env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    child.on('error', reject);
    child.on('close', (code) => {
      resolveRun({ ms: performance.now() - t0, code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
    });
  });
}

export function best(xs: number[]): number {
  return Math.min(...xs);
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export const fmtMs = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`);

export interface AuditRun extends ChildRun {
  maxRssMB: number | null;
  cpuMs: number | null;
  stats: { filesScanned?: number; filesParsed?: number; bytesScanned?: number; durationMs?: number } | null;
  findings: number | null;
  errors: number | null;
  /** From the MTLS_AUDIT_STATS line: which build ran, phase end marks and summed times (ms). */
  launcher: string | null;
  phases: Record<string, number> | null;
  totals: Record<string, number> | null;
}

/** One `mtls-audit scan TREE --format json` run, with the child's own peak RSS (MTLS_AUDIT_STATS). */
export async function runAudit(tree: string, env: NodeJS.ProcessEnv, extraArgs: string[] = []): Promise<AuditRun> {
  const args = cliUnderTest.cacheFlags ? extraArgs : extraArgs.filter((a, i) => a !== '--no-cache' && a !== '--cache-dir' && extraArgs[i - 1] !== '--cache-dir');
  const r = await timeChild(process.execPath, [cliUnderTest.path, 'scan', tree, '--format', 'json', ...args], { env: { ...env, MTLS_AUDIT_STATS: '1' } });
  if (r.code !== 0 && r.code !== 1) throw new Error(`mtls-audit exited ${r.code}: ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`);
  let maxRssMB: number | null = null;
  let cpuMs: number | null = null;
  let launcher: string | null = null;
  let phases: Record<string, number> | null = null;
  let totals: Record<string, number> | null = null;
  for (const line of r.stderr.split('\n')) {
    if (!line.startsWith('{"maxRssMB"')) continue;
    try {
      const st = JSON.parse(line) as { maxRssMB: number; cpuMs?: number; launcher?: string; phases?: Record<string, number>; totals?: Record<string, number> };
      maxRssMB = st.maxRssMB;
      cpuMs = st.cpuMs ?? null;
      launcher = st.launcher ?? null;
      phases = st.phases ?? null;
      totals = st.totals ?? null;
    } catch {
      /* not the stats line */
    }
  }
  let stats: AuditRun['stats'] = null;
  let findings: number | null = null;
  let errors: number | null = null;
  try {
    const rep = JSON.parse(r.stdout) as { stats?: AuditRun['stats']; findings?: unknown[]; errors?: unknown[] };
    stats = rep.stats ?? null;
    findings = rep.findings?.length ?? null;
    errors = rep.errors?.length ?? null;
  } catch {
    /* leave nulls: reported as unknown */
  }
  return { ...r, maxRssMB, cpuMs, stats, findings, errors, launcher, phases, totals };
}

/**
 * Bandit with its CPU time: bash's `times` builtin prints the user and system time of the shell's
 * children (here: bandit) on its second line. Bandit's JSON goes to `outFile`.
 */
export async function runBandit(tree: string, outFile: string): Promise<ChildRun & { cpuMs: number | null }> {
  const r = await timeChild('bash', ['-c', 'bandit -r -q -f json -o "$1" "$2" ; rc=$?; times >&2; exit $rc', 'bench', outFile, tree]);
  const lines = r.stderr.trim().split('\n');
  const m = /^(\d+)m([\d.]+)s (\d+)m([\d.]+)s$/.exec(lines[lines.length - 1] ?? '');
  const cpuMs = m ? (Number(m[1]) * 60 + Number(m[2]) + Number(m[3]) * 60 + Number(m[4])) * 1000 : null;
  return { ...r, cpuMs };
}

export function haveCommand(cmd: string, args: string[]): boolean {
  const r = spawnSync(cmd, args, { stdio: 'ignore' });
  return !r.error;
}

/**
 * The MTLS_AUDIT_STATS phase marks (ms since the process clock started, at the end of each phase)
 * as durations: "start-up 40 ms, discover 24 ms, read + pre-filter 30 ms (pre-filter 12), …".
 */
export function describePhases(phases: Record<string, number>, totals: Record<string, number>, wallMs: number): string {
  const order = ['main', 'start', 'discover', 'read', 'parser-ready', 'parse', 'deploy+settings', 'code-model', 'rules', 'scan', 'report'];
  const label: Record<string, string> = {
    main: 'start-up (Node, the bundle)',
    start: 'CLI + scan modules',
    read: 'read + pre-filter',
    'parser-ready': 'waiting for the parser',
    'deploy+settings': 'deploy + settings',
    'code-model': 'code model',
    scan: 'identity flows',
  };
  const detail: Record<string, string[]> = { read: ['prefilter'], parse: ['parse', 'module', 'pull'] };
  const names: Record<string, string> = { prefilter: 'pre-filter', parse: 'tree-sitter + conversion', module: 'module model', pull: 'importers' };
  const parts: string[] = [];
  let prev = 0;
  for (const k of order) {
    const at = phases[k];
    if (at === undefined) continue;
    const t = (detail[k] ?? []).filter((x) => totals[x] !== undefined).map((x) => `${names[x]} ${totals[x].toFixed(0)}`);
    parts.push(`${label[k] ?? k} ${(at - prev).toFixed(0)} ms${t.length ? ` (${t.join(', ')})` : ''}`);
    prev = at;
  }
  // Before the process clock starts (exec, NODE_EXTRA_CA_CERTS) and after the last mark (exit).
  parts.push(`outside the phases ${Math.max(0, wallMs - prev).toFixed(0)} ms`);
  return parts.join(', ');
}

const TARGET_RATIO = 50;

/**
 * What no Node tool can go below on this machine: a Node process that lists the tree the way the
 * scan walks it (one readdir per directory, the scan's pruned directories skipped) and reads every
 * Python file, doing nothing with them. Start-up and the kernel's work are most of it on a slow
 * sandbox; the scan's own share is the difference.
 */
const FLOOR_SCRIPT = `
const { readdirSync, readFileSync } = require('node:fs');
const skip = new Set(${JSON.stringify(['.git', 'node_modules', '__pycache__', 'site-packages', 'LC_MESSAGES', 'tests'])});
let n = 0;
const walk = (d) => { for (const e of readdirSync(d, { withFileTypes: true })) {
  if (e.isDirectory()) { if (!skip.has(e.name)) walk(d + '/' + e.name); }
  else if (e.isFile() && e.name.endsWith('.py')) { readFileSync(d + '/' + e.name); n++; } } };
walk(process.argv[1]);`;

/**
 * The floor of a cold scan that must parse `files`: a Node process that walks and reads the tree
 * as FLOOR_SCRIPT does and then has tree-sitter (the scan's own parser, dist/src/python/parser.js)
 * parse those files, keeping nothing.
 */
export async function parseFloorRuns(tree: string, files: string[], runs: number): Promise<number[]> {
  const parser = pathToFileURL(join(REPO_ROOT, 'dist', 'src', 'python', 'parser.js')).href;
  const script = `${FLOOR_SCRIPT}
const files = JSON.parse(require('node:fs').readFileSync(process.argv[2], 'utf8'));
import(${JSON.stringify(parser)}).then(async (m) => { const p = await m.getPythonParser(); for (const f of files) p.parse(readFileSync(f, 'utf8')).delete(); });`;
  const list = join(mkdtempSync(join(tmpdir(), 'mtls-audit-floor-')), 'files.json');
  writeFileSync(list, JSON.stringify(files));
  try {
    const ms: number[] = [];
    for (let i = 0; i < runs; i++) ms.push((await timeChild(process.execPath, ['-e', script, tree, list])).ms);
    return ms;
  } finally {
    rmSync(dirname(list), { recursive: true, force: true });
  }
}

export async function floorRuns(tree: string, runs: number): Promise<number[]> {
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) ms.push((await timeChild(process.execPath, ['-e', FLOOR_SCRIPT, tree])).ms);
  return ms;
}
const TARGET_RSS_MB = 150;

/** mtls-audit against Debian's Bandit, end to end, on the same tree in the same run. */
export const scanVsBandit: BenchSection = {
  name: 'scan',
  description: `mtls-audit scan (--no-cache) vs bandit -r on the same tree (targets: ≥ ${TARGET_RATIO}× faster, < ${TARGET_RSS_MB} MB peak RSS)`,
  async run(ctx) {
    const lines: string[] = [];
    const checks: BenchCheck[] = [];
    if (!existsSync(ctx.tree) || !statSync(ctx.tree).isDirectory()) {
      return {
        lines,
        checks,
        notRun: ctx.tree === DEFAULT_TREE ? `${ctx.tree} is missing: apt-get install python3-django (or pass --tree DIR)` : `--tree ${ctx.tree} is not a directory`,
      };
    }
    if (!existsSync(join(ctx.repoRoot, 'dist', 'src', 'cli', 'main.js'))) return { lines, checks, notRun: 'dist/ is not built: run `npm run build`' };

    // One untimed run first so both tools meet a warm page cache (Bandit's first timed run warms
    // it too, and we keep its best).
    // Cold: without the parse cache (a warm re-run is the parse-heavy section's second figure).
    await runAudit(ctx.tree, process.env, ['--no-cache']);
    const audit: AuditRun[] = [];
    for (let i = 0; i < ctx.runs; i++) audit.push(await runAudit(ctx.tree, process.env, ['--no-cache']));
    const aMs = audit.map((r) => r.ms);
    const rss = audit.map((r) => r.maxRssMB).filter((x): x is number => x !== null);
    const last = audit[audit.length - 1];
    lines.push(`tree: ${ctx.tree}`);
    lines.push(`mtls-audit: best ${fmtMs(best(aMs))}, median ${fmtMs(median(aMs))} of ${ctx.runs} (${aMs.map((m) => m.toFixed(0)).join(', ')} ms)`);
    lines.push(
      `  files scanned ${last.stats?.filesScanned ?? '?'}, parsed ${last.stats?.filesParsed ?? '?'}, ${last.stats?.bytesScanned !== undefined ? (last.stats.bytesScanned / 1048576).toFixed(1) + ' MiB read' : '? MiB'}; ` +
        `findings ${last.findings ?? '?'}, input errors ${last.errors ?? '?'}; engine time ${last.stats?.durationMs !== undefined ? fmtMs(last.stats.durationMs) : '?'} (the rest is process start-up and module loading)`,
    );
    const fastest = audit.reduce((a, b) => (b.ms < a.ms ? b : a));
    if (fastest.phases) lines.push(`  where the time goes (fastest run, ${fastest.launcher ?? '?'} build): ${describePhases(fastest.phases, fastest.totals ?? {}, fastest.ms)}`);
    lines.push(`  peak RSS: ${rss.length ? `${Math.max(...rss)} MB (max over runs)` : 'unknown (no MTLS_AUDIT_STATS line on stderr)'}`);
    const aCpu = audit.map((r) => r.cpuMs).filter((x): x is number => x !== null);
    if (aCpu.length) lines.push(`  CPU time (user+system, all threads): best ${fmtMs(best(aCpu))}, median ${fmtMs(median(aCpu))}`);
    checks.push({ label: 'peak RSS', pass: rss.length > 0 && Math.max(...rss) < TARGET_RSS_MB, detail: `${rss.length ? Math.max(...rss) : '?'} MB < ${TARGET_RSS_MB} MB` });

    const floor = await floorRuns(ctx.tree, ctx.runs);
    lines.push(`  floor: a Node process that only walks the tree and reads its Python files takes best ${fmtMs(best(floor))}, median ${fmtMs(median(floor))}; ` + `the scan's own share is ~${fmtMs(Math.max(0, best(aMs) - best(floor)))}`);

    let noCaBest: number | undefined;
    // The sandbox this project is developed in sets NODE_EXTRA_CA_CERTS, which makes every Node
    // process read and parse a CA bundle before any of our code runs. Show what that costs.
    if (process.env.NODE_EXTRA_CA_CERTS) {
      const env = { ...process.env };
      delete env.NODE_EXTRA_CA_CERTS;
      const bare = [];
      const bareCa = [];
      for (let i = 0; i < 3; i++) {
        bare.push((await timeChild(process.execPath, ['-e', '0'], { env })).ms);
        bareCa.push((await timeChild(process.execPath, ['-e', '0'])).ms);
      }
      const noCa: number[] = [];
      for (let i = 0; i < ctx.runs; i++) noCa.push((await runAudit(ctx.tree, env, ['--no-cache'])).ms);
      lines.push(`  note: NODE_EXTRA_CA_CERTS is set here; a bare \`node -e 0\` takes ${fmtMs(best(bareCa))} with it, ${fmtMs(best(bare))} without. ` + `mtls-audit without it: best ${fmtMs(best(noCa))}, median ${fmtMs(median(noCa))}.`);
      noCaBest = best(noCa);
    }

    if (!haveCommand('bandit', ['--version'])) {
      lines.push('bandit: not installed (apt-get install bandit), so no ratio');
      checks.push({ label: `≥ ${TARGET_RATIO}× faster than bandit`, pass: false, detail: 'bandit missing: not measured' });
      return { lines, checks };
    }
    const bMs: number[] = [];
    const bCpu: number[] = [];
    let banditFiles: number | null = null;
    const outDir = mkdtempSync(join(tmpdir(), 'mtls-audit-bench-'));
    try {
      for (let i = 0; i < ctx.refRuns; i++) {
        const out = join(outDir, 'bandit.json');
        const r = await runBandit(ctx.tree, out);
        if (r.code !== 0 && r.code !== 1) {
          lines.push(`bandit exited ${r.code}: ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`);
          checks.push({ label: `≥ ${TARGET_RATIO}× faster than bandit`, pass: false, detail: 'bandit failed: not measured' });
          return { lines, checks };
        }
        bMs.push(r.ms);
        if (r.cpuMs !== null) bCpu.push(r.cpuMs);
        try {
          const j = JSON.parse(readFileSync(out, 'utf8')) as { metrics?: Record<string, unknown> };
          banditFiles = Object.keys(j.metrics ?? {}).filter((k) => k !== '_totals').length;
        } catch {
          /* count unknown */
        }
      }
    } finally {
      rmSync(outDir, { recursive: true, force: true });
    }
    const ratio = best(bMs) / best(aMs);
    lines.push(`bandit -r -q -f json: best ${fmtMs(best(bMs))} of ${ctx.refRuns} (${bMs.map((m) => m.toFixed(0)).join(', ')} ms), ${banditFiles ?? '?'} files${bCpu.length ? `; CPU time best ${fmtMs(best(bCpu))}` : ''}`);
    lines.push(`ratio (best/best): ${ratio.toFixed(1)}×; median/median: ${(median(bMs) / median(aMs)).toFixed(1)}×`);
    // CPU time hardly depends on what else the machine runs, so this ratio is the steadier one
    // on a busy host (it is not the target: the target is wall time, end to end).
    if (aCpu.length && bCpu.length) lines.push(`  CPU-time ratio (best/best): ${(best(bCpu) / best(aCpu)).toFixed(1)}× (steadier on a busy machine; the target is on wall time)`);
    if (noCaBest !== undefined) lines.push(`  ratio without NODE_EXTRA_CA_CERTS (best/best): ${(best(bMs) / noCaBest).toFixed(1)}×`);
    // The most any Node tool could reach here: when this is near the target, the target is a
    // statement about the machine's process start-up and file system, not about the scan.
    lines.push(`  ceiling: bandit / floor (best/best) ${(best(bMs) / best(floor)).toFixed(1)}×`);
    checks.push({ label: `≥ ${TARGET_RATIO}× faster than bandit`, pass: ratio >= TARGET_RATIO, detail: `${ratio.toFixed(1)}× (${fmtMs(best(bMs))} / ${fmtMs(best(aMs))}) vs ≥ ${TARGET_RATIO}×` });
    if (noCaBest !== undefined) {
      // The same target with Node started as on a machine without that variable: it costs every
      // Node process ~40 ms before any of mtls-audit's code runs, and nothing in a scan uses it.
      const r = best(bMs) / noCaBest;
      checks.push({ label: `≥ ${TARGET_RATIO}× faster than bandit, Node without NODE_EXTRA_CA_CERTS`, pass: r >= TARGET_RATIO, detail: `${r.toFixed(1)}× (${fmtMs(best(bMs))} / ${fmtMs(noCaBest)}) vs ≥ ${TARGET_RATIO}×` });
    }
    return { lines, checks };
  },
};

/** Every bench, in order. Append new sections here (or call registerBench from an imported module). */
export const SECTIONS: BenchSection[] = [scanVsBandit, tricksSection, parseHeavySection, bigTreeSection, probeBenchSection];

export function registerBench(section: BenchSection): void {
  if (SECTIONS.some((s) => s.name === section.name)) throw new Error(`bench section ${section.name} registered twice`);
  SECTIONS.push(section);
}

function parseArgs(argv: string[]): { ctx: BenchContext; only: string[] } {
  const ctx: BenchContext = { repoRoot: REPO_ROOT, tree: DEFAULT_TREE, runs: 5, refRuns: 2 };
  const only: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const val = () => {
      const v = argv[++i];
      if (v === undefined) usage(`${a} needs a value`);
      return v;
    };
    if (a === '--tree') ctx.tree = resolve(val());
    else if (a === '--runs') ctx.runs = positiveInt(a, val());
    else if (a === '--ref-runs' || a === '--bandit-runs') ctx.refRuns = positiveInt(a, val());
    else if (a === '--only') only.push(val());
    else if (a === '--cli') cliUnderTest.path = resolve(val());
    else if (a === '--cli-without-cache') cliUnderTest.cacheFlags = false;
    else if (a === '-h' || a === '--help') {
      process.stdout.write(`usage: npm run bench -- [--tree DIR] [--runs N] [--ref-runs N] [--only SECTION]... [--cli FILE [--cli-without-cache]]\nsections:\n${SECTIONS.map((s) => `  ${s.name}: ${s.description}`).join('\n')}\n`);
      process.exit(0);
    } else usage(`unknown argument ${a}`);
  }
  const unknown = only.filter((n) => !SECTIONS.some((s) => s.name === n));
  if (unknown.length) usage(`unknown section ${unknown.join(', ')} (have: ${SECTIONS.map((s) => s.name).join(', ')})`);
  return { ctx, only };
}

function positiveInt(flag: string, v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) usage(`${flag} wants a positive integer, got ${v}`);
  return n;
}

function usage(msg: string): never {
  process.stderr.write(`bench: ${msg}\n`);
  process.exit(2);
}

function loadLine(when: string): string {
  const [l1, l5] = loadavg();
  const cores = availableParallelism();
  return `load average ${when}: ${l1.toFixed(2)} (1 min), ${l5.toFixed(2)} (5 min) on ${cores} cores${l1 > cores / 2 ? ' — other work is competing for the CPU; timings are inflated' : ''}`;
}

export async function main(argv: string[]): Promise<void> {
  const { ctx, only } = parseArgs(argv);
  const sections = only.length ? SECTIONS.filter((s) => only.includes(s.name)) : SECTIONS;
  const verdicts: string[] = [loadLine('at start')];
  process.stdout.write(`${verdicts[0]}\n`);
  for (const s of sections) {
    process.stdout.write(`\n== ${s.name}: ${s.description}\n`);
    let res: BenchResult;
    try {
      res = await s.run(ctx);
    } catch (e) {
      res = { lines: [], checks: [{ label: 'ran', pass: false, detail: (e as Error).message }] };
    }
    for (const l of res.lines) process.stdout.write(`${l}\n`);
    if (res.notRun) {
      process.stdout.write(`NOT RUN: ${res.notRun}\n`);
      verdicts.push(`NOT RUN  ${s.name}: ${res.notRun}`);
      continue;
    }
    for (const c of res.checks) {
      const v = `${c.pass ? 'PASS' : 'FAIL'}     ${s.name}: ${c.label}: ${c.detail}`;
      process.stdout.write(`${v}\n`);
      verdicts.push(v);
    }
  }
  verdicts.push(loadLine('at end'));
  process.stdout.write(`\n== summary\n${verdicts.join('\n')}\n`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).catch((e) => {
    process.stderr.write(`bench: ${(e as Error).message}\n`);
    process.exitCode = 0;
  });
}
