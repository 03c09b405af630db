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

const dist = join(__dirname, '..', 'dist', 'src');
const bundle = join(dist, 'mtls-audit.cjs');

function fail(err) {
  process.stderr.write(`mtls-audit: ${err && err.message ? err.message : String(err)}\n`);
  process.exitCode = 2;
}

function fresh() {
  try {
    return statSync(bundle).mtimeMs >= statSync(join(dist, 'cli', 'main.js')).mtimeMs;
  } catch {
    return false;
  }
}

function loadBundle() {
  let cachedData;
  try {
    cachedData = readFileSync(bundle + '.cache');
  } catch {
    cachedData = undefined;
  }
  const script = new vm.Script(Module.wrap(readFileSync(bundle, 'utf8')), { filename: bundle, cachedData });
  const mod = { exports: {} };
  script.runInThisContext().call(mod.exports, mod.exports, Module.createRequire(bundle), mod, bundle, dirname(bundle));
  return { main: mod.exports.main, script };
}

if (fresh()) {
  let loaded;
  try {
    loaded = loadBundle();
  } catch (e) {
    fail(e);
  }
  if (loaded) {
    loaded.main(process.argv.slice(2)).then(() => {
      // scripts/bundle.ts: keep what this run compiled as the code cache.
      if (process.env.MTLS_AUDIT_CODE_CACHE_OUT) writeFileSync(process.env.MTLS_AUDIT_CODE_CACHE_OUT, loaded.script.createCachedData());
    }, fail);
  }
} else {
  import('../dist/src/cli/main.js').then((m) => m.main(process.argv.slice(2))).catch(fail);
}
