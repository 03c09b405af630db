// core/tiering.ts: a scan started by bin/mtls-audit.js runs without V8's optimising JIT until it
// turns out long, and a short scan parses in Liftoff only; `optimiseIfLong` gives back exactly
// V8's defaults. Each case changes V8 flags, so each runs in a child process.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const tiering = new URL('../../src/core/tiering.js', import.meta.url).href;
const parser = new URL('../../src/python/parser.js', import.meta.url).href;

function child(script: string): { stdout: string; stderr: string; status: number | null } {
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', cwd: fileURLToPath(new URL('.', import.meta.url)) });
  return { stdout: r.stdout, stderr: r.stderr, status: r.status };
}

// What bin/mtls-audit.js does for `scan`, before any of the engine runs.
const LAUNCHER = `
  import { setFlagsFromString, cachedDataVersionTag } from 'node:v8';
  const start = cachedDataVersionTag();
  setFlagsFromString('--no-opt');
  globalThis[Symbol.for('mtls-audit.jitOff')] = true;
`;

test('optimiseIfLong restores exactly the flags a process starts with (the code cache depends on them)', () => {
  const r = child(`${LAUNCHER}
    const { optimiseIfLong, parseInBaselineIfShort, jitState, wasmState, LONG_SCAN } = await import(${JSON.stringify(tiering)});
    // The case is the file count, not the clock: on a loaded machine this child can take over
    // LONG_SCAN.elapsedMs just to get here, which would turn the JIT on before the check.
    LONG_SCAN.elapsedMs = Number.MAX_SAFE_INTEGER;
    optimiseIfLong({ files: 10 });
    parseInBaselineIfShort(1000);
    const off = cachedDataVersionTag();
    const short = jitState() + ' ' + wasmState();
    optimiseIfLong({ files: LONG_SCAN.files + 1 });
    console.log(JSON.stringify({ changed: off !== start, restored: cachedDataVersionTag() === start, short, long: jitState() }));
  `);
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout) as { changed: boolean; restored: boolean; short: string; long: string };
  assert.ok(out.changed, 'the launcher flags change what V8 reports');
  assert.equal(out.short, 'baseline liftoff');
  assert.match(out.long, /^optimising from \d+ ms$/);
  assert.ok(out.restored, 'after optimiseIfLong V8 has its default flags again');
});

// V8 prints one line per compiled WebAssembly function with --trace-wasm-compilation-times.
const PARSER = `
  setFlagsFromString('--trace-wasm-compilation-times');
  const { getPythonParser, parseWith } = await import(${JSON.stringify(parser)});
  const p = await getPythonParser();
  const src = Array.from({ length: 2500 }, (_, i) => 'class V' + i + '(View):\\n    def get(self, request):\\n        return request.META.get("HTTP_X_SSL_CLIENT_CERT", "")[' + i + ':]\\n').join('');
  const parse = () => { for (let i = 0; i < 2; i++) parseWith(p, src); };
  // Tier-up compiles run on other threads: let them finish before counting.
  const settle = () => new Promise((r) => setTimeout(r, 200));
`;

const { LONG_SCAN, BASELINE_PARSE_MAX } = await import('../../src/core/tiering.js');
const LONG_SCAN_PARSE = LONG_SCAN.parseBytes;

function parseTrace(work: string): string {
  const r = child(`${LAUNCHER}
    const { optimiseIfLong, parseInBaselineIfShort, LONG_SCAN, BASELINE_PARSE_MAX } = await import(${JSON.stringify(tiering)});
    // As the engine does: the checkpoint with the bytes to parse, then the parser.
    const work = ${work};
    optimiseIfLong(work);
    parseInBaselineIfShort(work.parseBytes);
    ${PARSER}
    parse();
    await settle();
  `);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /using Liftoff/, 'the trace is there');
  return r.stdout;
}

test('a scan with little to parse parses in Liftoff only; over half a MiB, tree-sitter tiers up to TurboFan', () => {
  assert.doesNotMatch(parseTrace('{ parseBytes: 1000 }'), /using TurboFan/);
  // Long for the JavaScript JIT, still short for tree-sitter's.
  assert.ok(LONG_SCAN_PARSE < BASELINE_PARSE_MAX);
  assert.doesNotMatch(parseTrace('{ parseBytes: LONG_SCAN.parseBytes + 1 }'), /using TurboFan/);
  assert.match(parseTrace('{ parseBytes: BASELINE_PARSE_MAX + 1 }'), /using TurboFan/);
});
