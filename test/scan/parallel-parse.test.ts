// A scan that parses in worker threads (`jobs`) reports exactly what a single-threaded one does,
// with and without the parse cache.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { runScan } from '../../src/scan/engine.js';
import { ParseCache } from '../../src/scan/cache.js';
import type { Report } from '../../src/core/types.js';
import { timeTotals } from '../../src/core/timing.js';
import { REPO_ROOT } from '../cli/helpers.js';
import { tmp } from '../helpers/files.js';
import { writePythonPackage } from '../helpers/python-corpus.js';

function stable(r: Report): string {
  const copy = JSON.parse(JSON.stringify(r)) as Report;
  delete (copy.stats as { durationMs?: number }).durationMs;
  return JSON.stringify(copy);
}

const workersSoFar = () => timeTotals()['parse-workers'] ?? 0;

test('the example project plus ~1.5 M characters of certificate-reading modules: the same report with 1 and 3 threads, cold and warm cache', async (t) => {
  const dir = tmp('mtls-audit-parallel-');
  const cacheDir = tmp('mtls-audit-parallel-cache-');
  t.after(() => {
    rmSync(dir, { recursive: true, force: true });
    rmSync(cacheDir, { recursive: true, force: true });
  });
  cpSync(join(REPO_ROOT, 'examples', 'vulnerable-mtls-app'), dir, { recursive: true });
  writePythonPackage(dir, 'bulk', 60, 24_000);

  const single = await runScan({ path: dir, jobs: 1 });
  const before = workersSoFar();
  const parallel = await runScan({ path: dir, jobs: 3 });
  assert.equal(workersSoFar() - before, 2, 'two workers parsed');
  assert.equal(stable(parallel), stable(single));
  assert.ok(single.findings.length > 0);
  assert.ok(single.errors.some((e) => /syntax error/.test(e.message)));

  const cold = new ParseCache(cacheDir, 'test');
  assert.equal(stable(await runScan({ path: dir, jobs: 3, cache: cold })), stable(single));
  assert.ok(cold.stats.misses > 60 && cold.stats.written === cold.stats.misses, 'what the workers parsed is cached too');
  const warm = new ParseCache(cacheDir, 'test');
  const w0 = workersSoFar();
  assert.equal(stable(await runScan({ path: dir, jobs: 3, cache: warm })), stable(single));
  assert.equal(warm.stats.misses, 0);
  assert.equal(workersSoFar() - w0, 0, 'a warm run starts no worker');
});
