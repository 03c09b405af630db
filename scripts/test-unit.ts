// `npm run test:unit` (after the build): the unit suites, fast. Node 20's test runner starts one
// process per test file, and here that start is most of the cost: loading the module graph and a
// first scan that compiles what it runs take ~0.5 s of CPU in each of ~50 files whose tests take
// less. So the files are imported by two processes (run side by side), each file's tests exactly
// as they are, in file order: ~3× less CPU and wall time.
//
// What that gives up is one process per file, so a test that leaves state behind for another
// file could go unnoticed here: `npm test` (scripts/test.sh) still runs every file in its own
// process, and `npm run test:unit -- --isolated` does the same for these suites.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** dist/scripts/test-unit.js → the repository root. */
const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * The unit suites: no server, browser or Debian package, and the CLI called in-process
 * (test/helpers/in-process-cli.ts). Everything else under test/ runs with `npm test` only.
 */
export const UNIT_DIRS = ['python', 'rules', 'settings', 'scan', 'config', 'report', 'architecture'];

/** Processes (and groups of files) run side by side. */
const CONCURRENCY = 2;

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
 * Every compiled unit test file, sorted: those whose source (the same path under test/, .ts)
 * still exists, as tsc leaves the output of a moved or deleted test behind.
 */
export function unitTestFiles(root = REPO_ROOT): string[] {
  const dist = join(root, 'dist');
  return UNIT_DIRS.flatMap((d) => testFiles(join(dist, 'test', d)))
    .filter((f) => existsSync(join(root, relative(dist, f)).replace(/\.js$/, '.ts')))
    .sort();
}

function main(args: string[]): number {
  const files = unitTestFiles();
  if (files.length === 0) {
    process.stderr.write('test:unit: no compiled tests under dist/test: run `npm run build` first\n');
    return 2;
  }
  const isolated = args.includes('--isolated');
  let targets = files;
  let tmp: string | undefined;
  if (!isolated) {
    // One entry module per group, importing its files in order (round robin over the sorted list).
    tmp = mkdtempSync(join(tmpdir(), 'mtls-audit-unit-'));
    const dir = tmp;
    targets = Array.from({ length: Math.min(CONCURRENCY, files.length) }, (_, k) => {
      const group = files.filter((_, i) => i % CONCURRENCY === k);
      const entry = join(dir, `unit-${k + 1}-of-${CONCURRENCY}.test.mjs`);
      writeFileSync(entry, group.map((f) => `import ${JSON.stringify(pathToFileURL(f).href)};\n`).join(''));
      return entry;
    });
  }
  try {
    const r = spawnSync(process.execPath, ['--test', `--test-concurrency=${CONCURRENCY}`, ...targets], { cwd: REPO_ROOT, stdio: 'inherit' });
    if (r.error) throw r.error;
    return r.status ?? 1;
  } finally {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) process.exitCode = main(process.argv.slice(2));
