// The parse cache shared by several CLI processes at once (`node bin/mtls-audit.js`, four of them
// on one cache directory): what the in-process tests of test/scan/cache.test.ts cannot show.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { runScan } from '../../src/scan/engine.js';
import { cacheSalt, ParseCache } from '../../src/scan/cache.js';
import { scanRules } from '../../src/rules/index.js';
import type { Report } from '../../src/core/types.js';
import { CLI, REPO_ROOT, scanJson } from '../cli/helpers.js';
import { listFiles, tmp } from '../helpers/files.js';

const EXAMPLE = join(REPO_ROOT, 'examples', 'vulnerable-mtls-app');

/** A report without what differs from run to run (the duration). */
function stable(r: Report): string {
  const copy = JSON.parse(JSON.stringify(r)) as Report;
  delete (copy.stats as { durationMs?: number }).durationMs;
  return JSON.stringify(copy);
}

test('concurrent runs on one cache directory: same reports, whole entries, no temporary files left', async (t) => {
  const cacheDir = tmp('mtls-audit-cache-');
  t.after(() => rmSync(cacheDir, { recursive: true, force: true }));
  const run = () =>
    new Promise<string>((resolve, reject) => {
      const child = spawn(process.execPath, [CLI, 'scan', EXAMPLE, '--format', 'json', '--cache-dir', cacheDir], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.on('error', reject);
      child.on('close', (code) => (code === 0 || code === 1 ? resolve(stable(JSON.parse(out) as Report)) : reject(new Error(`exit ${code}`))));
    });
  const reports = await Promise.all([run(), run(), run(), run()]);
  const expected = stable(scanJson(EXAMPLE, ['--no-cache']).report);
  for (const r of reports) assert.equal(r, expected);
  assert.deepEqual(
    listFiles(cacheDir).filter((f) => f.endsWith('.tmp')),
    [],
  );
  // Every entry the runs left is whole: a run with the CLI's key hits them all.
  const c = new ParseCache(cacheDir, cacheSalt(scanRules.map((r) => r.meta.id)));
  assert.equal(stable(await runScan({ path: EXAMPLE, cache: c })), stable(await runScan({ path: EXAMPLE })));
  assert.equal(c.stats.misses, 0);
  assert.equal(c.stats.corrupt, 0);
  assert.ok(c.stats.hits > 0);
});
