// Parsing ahead, in worker threads when there is enough to parse (src/python/parse-ahead.ts): the
// same trees as the main thread's parser, every text parsed once, cache hits not parsed again,
// and the thread policy.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getPythonParser, parseWith, type ParsedPython } from '../../src/python/parser.js';
import { MAX_WORKERS, parseAhead, parseThreads, WORKER_MIN_CHARS, workersFor } from '../../src/python/parse-ahead.js';
import { pythonModule } from '../helpers/python-corpus.js';
import { flat } from '../helpers/trees.js';

const same = (a: ParsedPython, b: ParsedPython) => {
  assert.deepEqual(flat(a.root), flat(b.root));
  assert.deepEqual(a.syntaxErrors, b.syntaxErrors);
  assert.equal(a.nodeCount, b.nodeCount);
};

test('workers: none below twice the per-worker minimum, then one per minimum, at most MAX_WORKERS and one less than the threads', () => {
  assert.equal(workersFor(0, 8), 0);
  assert.equal(workersFor(2 * WORKER_MIN_CHARS - 1, 8), 0);
  assert.equal(workersFor(2 * WORKER_MIN_CHARS, 8), 1);
  assert.equal(workersFor(3 * WORKER_MIN_CHARS, 8), 2);
  assert.equal(workersFor(100 * WORKER_MIN_CHARS, 64), MAX_WORKERS);
  assert.equal(workersFor(100 * WORKER_MIN_CHARS, 2), 1);
  assert.equal(workersFor(100 * WORKER_MIN_CHARS, 1), 0);
  // Threads: --jobs when given; otherwise the cores from four on, one below.
  assert.equal(parseThreads(undefined, 2), 1);
  assert.equal(parseThreads(undefined, 3), 1);
  assert.equal(parseThreads(undefined, 4), 4);
  assert.equal(parseThreads(3, 2), 3);
  assert.equal(parseThreads(1, 16), 1);
});

test('worker threads and the main thread give the trees the main thread alone gives, each text parsed once, cache hits not at all', async () => {
  const parser = await getPythonParser();
  // ~1.6 M characters in 60 modules (some with syntax errors), one text twice.
  const texts = Array.from({ length: 60 }, (_, k) => pythonModule(k, 20_000 + (k % 7) * 4000));
  texts.push(texts[3]);
  const cachedTexts = new Set(texts.slice(0, 5));
  const calls = { cached: 0, parse: 0, store: 0 };
  const { ready, workers } = await parseAhead(parser, texts, 3, {
    cached: (src) => {
      calls.cached++;
      return cachedTexts.has(src) ? parseWith(parser, src) : null;
    },
    parse: (src) => {
      calls.parse++;
      return parseWith(parser, src);
    },
    store: (src, records) => {
      calls.store++;
      assert.equal(records.length % 4, 0);
      assert.ok(!cachedTexts.has(src));
    },
  });
  assert.equal(workers, 2, 'two workers for ~3 minimums of source with three threads');
  assert.ok(calls.store > 0, 'the workers parsed some');
  assert.ok(calls.parse > 0, 'the main thread parsed some');
  const unique = new Set(texts);
  assert.equal(calls.cached, unique.size);
  assert.equal(calls.parse + calls.store, unique.size - cachedTexts.size);
  assert.equal(ready.size, unique.size);
  for (const t of unique) same(ready.get(t)!, parseWith(parser, t));
  assert.ok(
    [...ready.values()].some((p) => p.syntaxErrors.length > 0),
    'syntax errors come through',
  );
});

test('below the threshold, or with one thread, nothing starts a worker and the main thread parses', async () => {
  const parser = await getPythonParser();
  const texts = Array.from({ length: 5 }, (_, k) => pythonModule(k, 2000));
  const counts = { parse: 0, store: 0 };
  const hooks = {
    cached: () => null,
    parse: (src: string) => {
      counts.parse++;
      return parseWith(parser, src);
    },
    store: () => counts.store++,
  };
  const small = await parseAhead(parser, texts, 8, hooks);
  assert.equal(small.workers, 0);
  const big = Array.from({ length: 40 }, (_, k) => pythonModule(k, 40_000));
  const one = await parseAhead(parser, big, 1, hooks);
  assert.equal(one.workers, 0);
  assert.equal(counts.store, 0);
  assert.equal(counts.parse, texts.length + big.length);
});
