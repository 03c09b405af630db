// The per-file parse cache (src/scan/cache.ts): hits and misses by content, one re-parse after one
// edit, corrupt entries ignored, concurrent runs, --no-cache / --cache-dir, never inside the scanned
// tree, bounded in size, and the same report with and without it. The CLI's part runs in this
// process (its entry, `main`); runs of several CLI processes at once are in
// test/integration/cache.test.ts.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, cpSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runScan } from '../../src/scan/engine.js';
import { defaultCacheDir, isInside, ParseCache } from '../../src/scan/cache.js';
import type { Report } from '../../src/core/types.js';
import { makeTree, removeTree, REPO_ROOT, VULN_VIEW } from '../cli/helpers.js';
import { scanJsonInProcess as scanJson } from '../helpers/in-process-cli.js';
import { listFiles, tmp } from '../helpers/files.js';

const EXAMPLE = join(REPO_ROOT, 'examples', 'vulnerable-mtls-app');
const SHAPES = join(REPO_ROOT, 'test', 'fixtures', 'code', 'shapes');

/** A report without what differs from run to run (the duration). */
function stable(r: Report): string {
  const copy = JSON.parse(JSON.stringify(r)) as Report;
  delete (copy.stats as { durationMs?: number }).durationMs;
  return JSON.stringify(copy);
}

const uncachedReports = new Map<string, Promise<string>>();

/** stable() of the report of `tree` scanned without a cache: scanned once for all the tests that compare with it. */
function uncached(tree: string): Promise<string> {
  let r = uncachedReports.get(tree);
  if (!r) {
    r = runScan({ path: tree }).then(stable);
    uncachedReports.set(tree, r);
  }
  return r;
}

function copyOf(src: string): string {
  const dir = tmp('mtls-audit-cache-tree-');
  cpSync(src, dir, { recursive: true });
  return dir;
}

for (const [name, tree] of [
  ['the example project', EXAMPLE],
  ['the code shapes fixture tree', SHAPES],
] as const) {
  test(`${name}: the same report without the cache, on a cold cache and on a warm one`, async (t) => {
    const cacheDir = tmp('mtls-audit-cache-');
    t.after(() => rmSync(cacheDir, { recursive: true, force: true }));
    const none = await uncached(tree);
    const coldCache = new ParseCache(cacheDir, 'test');
    const cold = await runScan({ path: tree, cache: coldCache });
    const warmCache = new ParseCache(cacheDir, 'test');
    const warm = await runScan({ path: tree, cache: warmCache });
    assert.equal(stable(cold), none);
    assert.equal(stable(warm), none);
    assert.ok(coldCache.stats.misses > 0, 'the cold run parsed');
    assert.equal(warmCache.stats.misses, 0, 'the warm run parsed nothing');
    assert.equal(warmCache.stats.hits, coldCache.stats.hits + coldCache.stats.misses);
  });
}

test('a warm re-run after editing one file re-parses that file only', async (t) => {
  const dir = copyOf(EXAMPLE);
  const cacheDir = tmp('mtls-audit-cache-');
  t.after(() => {
    removeTree(dir);
    rmSync(cacheDir, { recursive: true, force: true });
  });
  const first = new ParseCache(cacheDir, 'test');
  await runScan({ path: dir, cache: first });
  const parsed = first.stats.hits + first.stats.misses;
  assert.ok(parsed > 1);
  const views = listFiles(dir).find((f) => f.endsWith('views.py'));
  assert.ok(views, 'the example has a views.py');
  appendFileSync(join(dir, views), '\n# edited\n');
  const again = new ParseCache(cacheDir, 'test');
  const edited = await runScan({ path: dir, cache: again });
  assert.equal(again.stats.misses, 1, 'one file re-parsed');
  assert.equal(again.stats.hits, parsed - 1);
  assert.equal(stable(edited), stable(await runScan({ path: dir })));
});

test('corrupt, truncated and foreign entries are ignored (and rewritten); the report is unchanged', async (t) => {
  const cacheDir = tmp('mtls-audit-cache-');
  t.after(() => rmSync(cacheDir, { recursive: true, force: true }));
  const expected = await uncached(EXAMPLE);
  await runScan({ path: EXAMPLE, cache: new ParseCache(cacheDir, 'test') });
  const entries = listFiles(cacheDir);
  assert.ok(entries.length >= 3);
  entries.forEach((e, i) => {
    const p = join(cacheDir, e);
    const buf = readFileSync(p);
    if (i % 3 === 0)
      writeFileSync(p, buf.subarray(0, buf.length - 6)); // truncated
    else if (i % 3 === 1)
      writeFileSync(p, Buffer.from('not a cache entry at all')); // garbage
    else {
      // Whole, but a record points past the end of the text.
      const words = new Int32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.length));
      words[4 + 2] = 0x7ffffff0;
      writeFileSync(p, Buffer.from(words.buffer));
    }
  });
  const c = new ParseCache(cacheDir, 'test');
  assert.equal(stable(await runScan({ path: EXAMPLE, cache: c })), expected);
  // Each damaged entry is found once, then rewritten (files with the same text share an entry).
  assert.equal(c.stats.corrupt, entries.length);
  const after = new ParseCache(cacheDir, 'test');
  assert.equal(stable(await runScan({ path: EXAMPLE, cache: after })), expected);
  assert.equal(after.stats.corrupt, 0, 'rewritten whole');
  assert.equal(after.stats.misses, 0);
});

test('another rule set or another salt misses: the key is content + version + rule set', async (t) => {
  const cacheDir = tmp('mtls-audit-cache-');
  t.after(() => rmSync(cacheDir, { recursive: true, force: true }));
  await runScan({ path: EXAMPLE, cache: new ParseCache(cacheDir, 'rules a') });
  const n0 = listFiles(cacheDir).length;
  const other = new ParseCache(cacheDir, 'rules b');
  await runScan({ path: EXAMPLE, cache: other });
  assert.equal(listFiles(cacheDir).length, 2 * n0, 'entries of their own');
  // Through the CLI: --rule changes the rule set, so its runs have entries of their own.
  const tree = makeTree({ 'app/views.py': VULN_VIEW });
  const cliCache = tmp('mtls-audit-cache-');
  t.after(() => {
    removeTree(tree);
    rmSync(cliCache, { recursive: true, force: true });
  });
  await scanJson(tree, ['--cache-dir', cliCache]);
  const n = listFiles(cliCache).length;
  assert.ok(n >= 1);
  await scanJson(tree, ['--cache-dir', cliCache]);
  assert.equal(listFiles(cliCache).length, n, 'same rule set: same entries');
  await scanJson(tree, ['--cache-dir', cliCache, '--rule', 'cert-presence-only']);
  assert.ok(listFiles(cliCache).length > n, 'another rule set: new entries');
});

test('--no-cache writes nothing; by default the cache is under $XDG_CACHE_HOME/mtls-audit, never inside the scanned tree', async (t) => {
  const tree = makeTree({ 'app/views.py': VULN_VIEW });
  const xdg = tmp('mtls-audit-xdg-');
  t.after(() => {
    removeTree(tree);
    rmSync(xdg, { recursive: true, force: true });
  });
  const env = { ...process.env, XDG_CACHE_HOME: xdg };
  const off = await scanJson(tree, ['--no-cache'], { env });
  assert.deepEqual(listFiles(xdg), []);
  assert.equal(defaultCacheDir({ XDG_CACHE_HOME: xdg }), join(xdg, 'mtls-audit'));
  const on = await scanJson(tree, [], { env });
  assert.ok(listFiles(join(xdg, 'mtls-audit')).length >= 1, 'entries under $XDG_CACHE_HOME/mtls-audit');
  assert.equal(stable(on.report), stable(off.report));
  // A cache directory inside the scanned tree is not used.
  const before = listFiles(tree);
  const inside = await scanJson(tree, ['--cache-dir', join(tree, '.cache')], { env });
  assert.deepEqual(listFiles(tree), before, 'nothing written into the tree');
  assert.equal(stable(inside.report), stable(off.report));
  assert.ok(isInside(join(tree, 'a', 'b'), tree) && isInside(tree, tree) && !isInside(xdg, tree));
});

test('bounded: over its size limit, the least recently used entries are removed', async (t) => {
  const cacheDir = tmp('mtls-audit-cache-');
  t.after(() => rmSync(cacheDir, { recursive: true, force: true }));
  const c = new ParseCache(cacheDir, 'test', 4096);
  const report = await runScan({ path: SHAPES, cache: c });
  assert.ok(c.stats.written > 0);
  assert.ok(c.stats.evicted > 0, 'entries removed');
  const total = listFiles(cacheDir).reduce((s, f) => s + statSync(join(cacheDir, f)).size, 0);
  assert.ok(total <= 4096, `cache holds ${total} bytes`);
  assert.equal(stable(report), await uncached(SHAPES));
});
