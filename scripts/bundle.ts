// `npm run build`, after tsc: the CLI as one CommonJS file (dist/src/mtls-audit.cjs) plus V8's code
// cache for it (dist/src/mtls-audit.cjs.cache), which bin/mtls-audit.js runs when present.
//
// Why: a scan is short, so start-up is a large part of it: one file compiled from a code cache
// starts much sooner than ~130 ES modules resolved, read and compiled (what each saves:
// `npm run bench -- --only tricks`, and docs/architecture.md's speed table). The cache is produced by scanning the bundled example once with the fresh bundle (so it holds the
// functions a scan actually compiles); V8 checks it against its version and flags and ignores it
// when they differ. The modules under dist/src stay the source of truth for tests and imports.

import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const BUNDLE = join(root, 'dist', 'src', 'mtls-audit.cjs');

async function main(): Promise<void> {
  await build({
    entryPoints: [join(root, 'dist', 'src', 'cli', 'main.js')],
    outfile: BUNDLE,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    logLevel: 'warning',
    // Smaller to read and to check against the code cache; names are kept for readable stack traces.
    minifyWhitespace: true,
    minifySyntax: true,
    legalComments: 'none',
    // `import.meta.url` of the bundle itself: it sits in dist/src/, where version.ts and the
    // template lookup expect their module (`../../package.json`, `templates/` above).
    define: { 'import.meta.url': '__mtls_audit_bundle_url' },
    banner: { js: "const __mtls_audit_bundle_url = require('node:url').pathToFileURL(__filename).href;" },
    // Lazy imports (probe, pki, fix, reporters) become lazily evaluated parts of the one file.
    supported: { 'dynamic-import': false },
    // web-tree-sitter's CommonJS build; its .wasm is located by package name (src/python/parser.ts).
    alias: { 'web-tree-sitter': join(root, 'node_modules', 'web-tree-sitter', 'tree-sitter.cjs') },
  });

  // The code cache: run a scan of the example with the new bundle and keep what V8 compiled.
  const cache = `${BUNDLE}.cache`;
  rmSync(cache, { force: true });
  const out = mkdtempSync(join(tmpdir(), 'mtls-audit-bundle-'));
  try {
    const r = spawnSync(process.execPath, [join(root, 'bin', 'mtls-audit.js'), 'scan', join(root, 'examples', 'vulnerable-mtls-app'), '-f', 'json', '-o', join(out, 'report.json')], {
      env: { ...process.env, MTLS_AUDIT_CODE_CACHE_OUT: cache },
      encoding: 'utf8',
      timeout: 120_000,
    });
    if (r.signal) throw new Error(`bundle check scan did not finish (${r.signal}): the bundle is broken`);
    if (r.status !== 0 && r.status !== 1) throw new Error(`bundle check scan failed (exit ${r.status}): ${r.stderr}`);
    statSync(cache);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

main().catch((e: Error) => {
  process.stderr.write(`bundle: ${e.message}\n`);
  process.exitCode = 1;
});
