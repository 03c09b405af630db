// The test runs after the build: `npm test` (scripts/test.sh) runs `node dist/scripts/run-tests.js`,
// every test; `npm run test:unit` runs it with `--unit`, the unit suites only.
//
// Node 20's test runner starts one process per test file, and for the unit suites that start is
// most of the cost: loading the module graph and a first scan that compiles what it runs take
// ~0.5 s of CPU in each of ~80 files whose tests take less. So the unit files are imported by two
// processes (run side by side), each file's tests exactly as they are, in file order: ~3× less
// CPU. Every other file (servers, browsers, the CLI as a process) keeps a process of its own.
//
// What that gives up is one process per unit file, so a test that leaves state behind for another
// file could go unnoticed; `--isolated` gives every file its own process again (also with
// `--unit`). Grouping also shows what isolation hides: state one file leaves behind that breaks
// another.

import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** dist/scripts/run-tests.js → the repository root. */
const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * The unit suites: no server, browser or Debian package, and the CLI called in-process
 * (test/helpers/in-process-cli.ts). Everything else under test/ runs with `npm test` only.
 */
export const UNIT_DIRS = ['python', 'rules', 'settings', 'scan', 'config', 'report', 'architecture'];

/** Processes (and groups of files) run side by side. */
const CONCURRENCY = 2;

/**
 * Directories whose files start servers, a browser or the lab (several seconds each): started
 * first, so the short files fill in at the end instead of one long file running alone there.
 */
const SLOW_DIRS = ['probe', 'html', 'fix', 'hostile', 'ci'];

/** Slow directories first (in SLOW_DIRS order), the rest as sorted. */
function slowFirst(files: string[]): string[] {
  const rank = (f: string): number => {
    const top = relative(join(REPO_ROOT, 'dist', 'test'), f).split(/[\\/]/)[0];
    const i = SLOW_DIRS.indexOf(top);
    return i === -1 ? SLOW_DIRS.length : i;
  };
  return files
    .map((f, i) => ({ f, i, r: rank(f) }))
    .sort((a, b) => a.r - b.r || a.i - b.i)
    .map((x) => x.f);
}

function testFiles(dir: string): string[] {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries.flatMap((e) => (e.isDirectory() ? testFiles(join(dir, e.name)) : e.name.endsWith('.test.js') ? [join(dir, e.name)] : []));
}

/**
 * Every compiled test file under dist/test (or under the given top-level directories of it),
 * sorted: only those whose source (the same path under test/, .ts) still exists, as tsc leaves
 * the output of a moved or deleted test behind.
 */
export function compiledTestFiles(root = REPO_ROOT, dirs?: string[]): string[] {
  const dist = join(root, 'dist');
  const found = dirs ? dirs.flatMap((d) => testFiles(join(dist, 'test', d))) : testFiles(join(dist, 'test'));
  return found.filter((f) => existsSync(join(root, relative(dist, f)).replace(/\.js$/, '.ts'))).sort();
}

/** The unit test files (UNIT_DIRS). */
export function unitTestFiles(root = REPO_ROOT): string[] {
  return compiledTestFiles(root, UNIT_DIRS);
}

/** One entry module per group in `dir`, importing its files in order (round robin over the sorted list). */
function groupEntries(files: string[], dir: string): string[] {
  return Array.from({ length: Math.min(CONCURRENCY, files.length) }, (_, k) => {
    const group = files.filter((_, i) => i % CONCURRENCY === k);
    const entry = join(dir, `unit-${k + 1}-of-${CONCURRENCY}.test.mjs`);
    writeFileSync(entry, group.map((f) => `import ${JSON.stringify(pathToFileURL(f).href)};\n`).join(''));
    return entry;
  });
}

function main(args: string[]): number {
  const unitOnly = args.includes('--unit');
  const isolated = args.includes('--isolated');
  const unknown = args.filter((a) => a !== '--unit' && a !== '--isolated');
  if (unknown.length) {
    process.stderr.write(`run-tests: unknown argument ${unknown[0]} (known: --unit, --isolated)\n`);
    return 2;
  }
  const unit = unitTestFiles();
  const unitSet = new Set(unit);
  const rest = unitOnly ? [] : slowFirst(compiledTestFiles().filter((f) => !unitSet.has(f)));
  if (unit.length + rest.length === 0) {
    process.stderr.write('run-tests: no compiled tests under dist/test: run `npm run build` first\n');
    return 2;
  }
  let tmp: string | undefined;
  let targets = [...unit, ...rest];
  if (!isolated && unit.length) {
    tmp = mkdtempSync(join(tmpdir(), 'mtls-audit-unit-'));
    // The groups first: the longest runs start early, the short files fill in around them.
    targets = [...groupEntries(unit, tmp), ...rest];
  }
  // The tests' temporary directory (TMPDIR for them and every server they start): a run of its
  // own, so what a test leaves behind (certificates and keys included) is seen and named.
  // Searchable by others (not listable or writable): tests that run the CLI as `nobody` reach
  // their own directories in it, which mkdtemp keeps private.
  const testTmp = mkdtempSync(join(tmpdir(), 'mtls-audit-tests-'));
  chmodSync(testTmp, 0o711);
  try {
    const r = spawnSync(process.execPath, ['--test', `--test-concurrency=${CONCURRENCY}`, ...targets], { cwd: REPO_ROOT, stdio: 'inherit', env: { ...process.env, TMPDIR: testTmp } });
    if (r.error) throw r.error;
    const left = readdirSync(testTmp).sort();
    if (left.length) {
      process.stderr.write(`run-tests: the tests left ${left.length} entr${left.length === 1 ? 'y' : 'ies'} in their temporary directory (a test that does not clean up): ${left.slice(0, 10).join(', ')}${left.length > 10 ? ', …' : ''}\n`);
      return r.status || 1;
    }
    return r.status ?? 1;
  } finally {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
    rmSync(testTmp, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) process.exitCode = main(process.argv.slice(2));
