#!/usr/bin/env node
// Thin launcher: the TypeScript sources are compiled to dist/ by `npm ci` (the `prepare` script).
import('../dist/src/cli/main.js').then((m) => m.main(process.argv.slice(2))).catch((err) => {
  process.stderr.write(`mtls-audit: ${err && err.message ? err.message : String(err)}\n`);
  process.exitCode = 2;
});
