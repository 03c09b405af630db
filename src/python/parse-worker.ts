// A parse worker (src/python/parse-ahead.ts starts it): tree-sitter and the WebAssembly walk in a
// thread of their own. It takes the next file to parse from a shared counter until none is left,
// and posts the walk's records of each (the main thread builds the trees from them, as from the
// parse cache). Records only: a tree made of JavaScript objects cannot leave the thread cheaply.

import { parentPort, workerData } from 'node:worker_threads';
import { getPythonParser, parseToRecords } from './parser.js';

export interface ParseWorkerData {
  texts: string[];
  /** Int32Array over a SharedArrayBuffer: [0] is the next index to take. */
  next: Int32Array;
}

export interface ParseWorkerResult {
  indexes: number[];
  records: (Int32Array | null)[];
}

async function work(): Promise<void> {
  const { texts, next } = workerData as ParseWorkerData;
  const parser = await getPythonParser();
  const out: ParseWorkerResult = { indexes: [], records: [] };
  for (let i = Atomics.add(next, 0, 1); i < texts.length; i = Atomics.add(next, 0, 1)) {
    let r: Int32Array | null = null;
    try {
      r = parseToRecords(parser, texts[i]);
    } catch {
      // Left null: the main thread parses it again and reports what went wrong.
    }
    out.indexes.push(i);
    out.records.push(r);
  }
  const transfer = out.records.filter((r): r is Int32Array => r !== null).map((r) => r.buffer as ArrayBuffer);
  parentPort?.postMessage(out, transfer);
}

if (parentPort) void work();
