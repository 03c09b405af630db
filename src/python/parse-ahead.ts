// Parsing a scan's files before the models are built, in parallel when there is enough of it:
// worker threads (parse-worker.ts, one parser each) and the main thread take files from one shared
// counter, largest first, until none is left; a worker posts the walk's records and the main
// thread builds the trees from them (as from the parse cache). A short scan (most of them: the
// pre-filter leaves a few files) never starts a worker, and at most the cores the machine
// reports parse at once. A worker costs ~30 MB of peak memory that outlives it, and on two cores
// it competes with the main thread's garbage collector, so by default workers start only on
// machines with at least four cores (`--jobs N` decides otherwise). docs/architecture.md has
// what it is worth.

import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Parser } from 'web-tree-sitter';
import { fromRecords, type ParsedPython } from './parser.js';
import type { ParseWorkerData, ParseWorkerResult } from './parse-worker.js';

/** Source (UTF-16 units) to parse per worker below which a worker costs more than it saves. */
export const WORKER_MIN_CHARS = 512 * 1024;
/** Workers at most (besides the main thread): each costs memory. */
export const MAX_WORKERS = 3;
/** Cores from which a scan parses in parallel unless told (`--jobs`). */
export const PARALLEL_FROM_CORES = 4;

export interface ParseAheadHooks {
  /** The tree of `src` from the parse cache, or null. */
  cached(src: string): ParsedPython | null;
  /** Parses `src` on this thread (and caches it). */
  parse(src: string): ParsedPython;
  /** Caches the records a worker made for `src`. */
  store(src: string, records: Int32Array): void;
}

export interface ParseAheadResult {
  /** Trees by source text; what is missing (a file that failed to parse) is parsed again on use. */
  ready: Map<string, ParsedPython>;
  /** Worker threads that parsed (0: the main thread alone). */
  workers: number;
}

/**
 * How many workers parse `chars` of source when at most `threads` threads may (the main thread
 * included): none below 2 × WORKER_MIN_CHARS, then one per WORKER_MIN_CHARS.
 */
export function workersFor(chars: number, threads: number): number {
  return Math.max(0, Math.min(threads - 1, MAX_WORKERS, Math.floor(chars / WORKER_MIN_CHARS) - 1));
}

/**
 * The threads a scan may parse with: `jobs` when given, else the cores Node reports when there
 * are at least PARALLEL_FROM_CORES, else one.
 */
export function parseThreads(jobs?: number, cores = availableParallelism()): number {
  if (jobs !== undefined) return Math.max(1, jobs);
  return cores >= PARALLEL_FROM_CORES ? cores : 1;
}

/** The worker's script, next to this module or (from the bundle in dist/src) under python/. */
function workerScript(): string | null {
  const here = dirname(fileURLToPath(import.meta.url));
  for (const p of [join(here, 'parse-worker.js'), join(here, 'python', 'parse-worker.js')]) if (existsSync(p)) return p;
  return null;
}

/**
 * Parses every text of `texts` (cache hits first), with workers when `threads` allow and the
 * misses are large enough. Never throws: a text that fails here is left out of `ready`.
 */
export async function parseAhead(parser: Parser, texts: string[], threads: number, hooks: ParseAheadHooks): Promise<ParseAheadResult> {
  const ready = new Map<string, ParsedPython>();
  const misses: string[] = [];
  let missChars = 0;
  // A text twice (two files alike) is parsed once here; `ready` gives its tree to one of them.
  for (const t of new Set(texts)) {
    const hit = hooks.cached(t);
    if (hit) ready.set(t, hit);
    else {
      misses.push(t);
      missChars += t.length;
    }
  }
  const script = workerScript();
  const wanted = script && parser.language ? workersFor(missChars, threads) : 0;
  const parseHere = (t: string) => {
    try {
      ready.set(t, hooks.parse(t));
    } catch {
      /* parsed again, and reported, when the module is loaded */
    }
  };
  if (!wanted || !script) {
    for (const t of misses) parseHere(t);
    return { ready, workers: 0 };
  }
  // Largest first: the last files taken are small, so the threads finish close together.
  const order = misses.sort((a, b) => b.length - a.length);
  const next = new Int32Array(new SharedArrayBuffer(4));
  const data: ParseWorkerData = { texts: order, next };
  const results = Array.from({ length: wanted }, () => runWorker(script, data));
  for (let i = Atomics.add(next, 0, 1); i < order.length; i = Atomics.add(next, 0, 1)) parseHere(order[i]);
  const lang = parser.language!;
  for (const r of await Promise.all(results)) {
    if (!r) continue;
    r.indexes.forEach((i, k) => {
      const rec = r.records[k];
      if (!rec) return;
      const src = order[i];
      ready.set(src, fromRecords(rec, 0, rec.length / 4, src, lang));
      hooks.store(src, rec);
    });
  }
  // What a failed worker had taken.
  for (const t of order) if (!ready.has(t)) parseHere(t);
  return { ready, workers: wanted };
}

/** One worker's results, or null when it failed (its files are then parsed on this thread). */
function runWorker(script: string, data: ParseWorkerData): Promise<ParseWorkerResult | null> {
  return new Promise((resolve) => {
    let worker: Worker;
    try {
      worker = new Worker(script, { workerData: data, stdout: true, stderr: true });
    } catch {
      resolve(null);
      return;
    }
    let done = false;
    const finish = (r: ParseWorkerResult | null) => {
      if (done) return;
      done = true;
      resolve(r);
      void worker.terminate();
    };
    worker.once('message', (m: ParseWorkerResult) => finish(m));
    worker.once('error', () => finish(null));
    worker.once('exit', () => finish(null));
  });
}
