#!/usr/bin/env node
// Launcher (CommonJS: bin/package.json; it starts a few milliseconds sooner than an ES module).
// `npm ci` / `npm run build` compile the TypeScript sources to dist/src and then bundle the CLI
// into one file, dist/src/mtls-audit.cjs, with V8's code cache next to it (scripts/bundle.ts). The
// bundle starts several times faster than the module graph; it is used when it is at least as new
// as the compiled modules, the modules otherwise (a bare `tsc` run).
'use strict';
const { readFileSync, statSync, writeFileSync } = require('node:fs');
const Module = require('node:module');
const { dirname, join } = require('node:path');
const vm = require('node:vm');
const v8 = require('node:v8');

const dist = join(__dirname, '..', 'dist', 'src');
const bundle = join(dist, 'mtls-audit.cjs');

function fail(err) {
  process.stderr.write(`mtls-audit: ${err && err.message ? err.message : String(err)}\n`);
  process.exitCode = 2;
}

// `MTLS_AUDIT_SPEED_OFF=bundle,code-cache,…` (the list: src/core/speed.ts) turns speed tricks off
// one by one, for `npm run bench -- --only tricks`, which measures what each is worth.
const speedOff = new Set((process.env.MTLS_AUDIT_SPEED_OFF || '').split(','));

function fresh() {
  if (speedOff.has('bundle')) return false;
  try {
    return statSync(bundle).mtimeMs >= statSync(join(dist, 'cli', 'main.js')).mtimeMs;
  } catch {
    return false;
  }
}

function loadBundle() {
  let cachedData;
  try {
    cachedData = speedOff.has('code-cache') ? undefined : readFileSync(bundle + '.cache');
  } catch {
    cachedData = undefined;
  }
  const script = new vm.Script(Module.wrap(readFileSync(bundle, 'utf8')), { filename: bundle, cachedData });
  // For MTLS_AUDIT_STATS: whether V8 took the cache (it refuses one made by another V8 or flags).
  globalThis[Symbol.for('mtls-audit.codeCache')] = cachedData ? (script.cachedDataRejected ? 'rejected' : 'accepted') : 'none';
  const mod = { exports: {} };
  script.runInThisContext().call(mod.exports, mod.exports, Module.createRequire(bundle), mod, bundle, dirname(bundle));
  return { main: mod.exports.main, defaultFlags: mod.exports.DEFAULT_V8_FLAGS, script };
}

if (fresh()) {
  let loaded;
  try {
    loaded = loadBundle();
  } catch (e) {
    fail(e);
  }
  if (loaded) {
    // A scan's parse may stay in baseline WebAssembly (src/core/tiering.ts decides, once it
    // knows how much there is to parse).
    if (process.argv[2] === 'scan') {
      globalThis[Symbol.for('mtls-audit.shortScan')] = true;
      globalThis[Symbol.for('mtls-audit.speedOff')] = speedOff;
    }
    loaded.main(process.argv.slice(2)).then(() => {
      // scripts/bundle.ts: keep what this run compiled as the code cache, stamped with the
      // flags a fresh process checks it against (V8's defaults).
      if (process.env.MTLS_AUDIT_CODE_CACHE_OUT) {
        for (const f of loaded.defaultFlags) v8.setFlagsFromString(f);
        writeFileSync(process.env.MTLS_AUDIT_CODE_CACHE_OUT, loaded.script.createCachedData());
      }
    }, fail);
  }
} else {
  import('../dist/src/cli/main.js').then((m) => m.main(process.argv.slice(2))).catch(fail);
}
