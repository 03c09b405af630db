// core/tiering.ts: a scan started by bin/mtls-audit.js with little to parse parses in Liftoff
// only, and DEFAULT_WASM_FLAGS gives back exactly V8's defaults (the code cache depends on them).
// Each case changes V8 flags, so each runs in a child process.

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
  globalThis[Symbol.for('mtls-audit.shortScan')] = true;
`;

test('DEFAULT_WASM_FLAGS restore exactly the flags a process starts with after a Liftoff-only parse', () => {
  const r = child(`${LAUNCHER}
    const { parseInBaselineIfShort, wasmState, DEFAULT_WASM_FLAGS } = await import(${JSON.stringify(tiering)});
    parseInBaselineIfShort(1000);
    const off = cachedDataVersionTag();
    const short = wasmState();
    for (const f of DEFAULT_WASM_FLAGS) setFlagsFromString(f);
    console.log(JSON.stringify({ changed: off !== start, restored: cachedDataVersionTag() === start, short }));
  `);
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout) as { changed: boolean; restored: boolean; short: string };
  assert.ok(out.changed, '--liftoff-only changes what V8 reports');
  assert.equal(out.short, 'liftoff');
  assert.ok(out.restored, 'after DEFAULT_WASM_FLAGS V8 has its default flags again');
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

function parseTrace(work: string): string {
  const r = child(`${LAUNCHER}
    const { parseInBaselineIfShort, BASELINE_PARSE_MAX } = await import(${JSON.stringify(tiering)});
    // As the engine does: the decision with the bytes to parse, then the parser.
    const work = ${work};
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
  assert.doesNotMatch(parseTrace('{ parseBytes: BASELINE_PARSE_MAX }'), /using TurboFan/);
  assert.match(parseTrace('{ parseBytes: BASELINE_PARSE_MAX + 1 }'), /using TurboFan/);
});

test('a launcher scan keeps the young generation small; DEFAULT_V8_FLAGS restore exactly the flags a process starts with', () => {
  const r = child(`${LAUNCHER}
    const { keepYoungGenerationSmall, parseInBaselineIfShort, DEFAULT_V8_FLAGS } = await import(${JSON.stringify(tiering)});
    keepYoungGenerationSmall();
    const small = cachedDataVersionTag();
    parseInBaselineIfShort(1000);
    for (const f of DEFAULT_V8_FLAGS) setFlagsFromString(f);
    console.log(JSON.stringify({ changed: small !== start, restored: cachedDataVersionTag() === start }));
  `);
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout) as { changed: boolean; restored: boolean };
  assert.ok(out.changed, '--semi-space-growth-factor=1 changes what V8 reports');
  assert.ok(out.restored, 'after DEFAULT_V8_FLAGS V8 has its default flags again');
});

test('outside the launcher (no marker), or with the trick turned off, the young generation is left alone', () => {
  for (const setup of ['', `globalThis[Symbol.for('mtls-audit.shortScan')] = true; globalThis[Symbol.for('mtls-audit.speedOff')] = new Set(['young-gen']);`]) {
    const r = child(`
      import { cachedDataVersionTag } from 'node:v8';
      const start = cachedDataVersionTag();
      ${setup}
      const { keepYoungGenerationSmall } = await import(${JSON.stringify(tiering)});
      keepYoungGenerationSmall();
      console.log(JSON.stringify({ same: cachedDataVersionTag() === start }));
    `);
    assert.equal(r.status, 0, r.stderr);
    assert.ok((JSON.parse(r.stdout) as { same: boolean }).same, setup || 'no marker');
  }
});
