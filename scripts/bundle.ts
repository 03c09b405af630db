// `npm run build`, after tsc: the CLI as one CommonJS file (dist/src/mtls-audit.cjs) plus V8's code
// cache for it (dist/src/mtls-audit.cjs.cache), which bin/mtls-audit.js runs when present.
//
// Why: a scan is short, so start-up is a large part of it: one file compiled from a code cache
// starts much sooner than ~130 ES modules resolved, read and compiled (what each saves:
// `npm run bench -- --only tricks`, and docs/architecture.md's speed table). The cache is produced by scanning the bundled example once with the fresh bundle (so it holds the
// functions a scan actually compiles); V8 checks it against its version and flags and ignores it
// when they differ. The modules under dist/src stay the source of truth for tests and imports.

import { build, type Plugin } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const BUNDLE = join(root, 'dist', 'src', 'mtls-audit.cjs');

/**
 * commander requires node:child_process when it loads, for executable subcommands, which
 * mtls-audit does not have; loading it (and `net` with it) costs ~2 ms of every run. In the bundle
 * commander gets an object that loads the module on first use instead.
 */
const lazyChildProcessForCommander: Plugin = {
  name: 'lazy-child-process-for-commander',
  setup(b) {
    b.onResolve({ filter: /^(node:)?child_process$/ }, (args) => (/[\\/]node_modules[\\/]commander[\\/]/.test(args.importer) ? { path: 'child_process', namespace: 'lazy-builtin' } : undefined));
    b.onLoad({ filter: /.*/, namespace: 'lazy-builtin' }, () => ({
      contents: "let m; module.exports = new Proxy({}, { get: (_, k) => (m ??= require('node:child_process'))[k] });",
      loader: 'js',
    }));
  },
};

/**
 * web-tree-sitter hands the source to tree-sitter in 10 KiB chunks, copying each one UTF-16 code
 * unit at a time through a DataView call (`stringToUTF16`): in a short scan, JavaScript still in
 * the interpreter, that loop is ~1.5 ms of parsing 30 KB. In the bundle the loop becomes one
 * native UTF-16LE write into the same bytes (what LE_HEAP_STORE_I16 stores). The version is pinned
 * (package.json); if the loop is not found, the build fails rather than ship a silent change.
 */
const STRING_TO_UTF16_LOOP = `for (var i2 = 0; i2 < numCharsToWrite; ++i2) {
            var codeUnit = str.charCodeAt(i2);
            LE_HEAP_STORE_I16((outPtr >> 1) * 2, codeUnit);
            outPtr += 2;
          }`;
const nativeStringToUTF16: Plugin = {
  name: 'native-string-to-utf16',
  setup(b) {
    b.onLoad({ filter: /web-tree-sitter[\\/]tree-sitter\.cjs$/ }, (args) => {
      const src = readFileSync(args.path, 'utf8');
      if (!src.includes(STRING_TO_UTF16_LOOP)) throw new Error(`${args.path}: stringToUTF16's copy loop not found (web-tree-sitter changed?)`);
      const native = 'numCharsToWrite = Math.floor(numCharsToWrite);\n          outPtr += Buffer.from(HEAPU8.buffer, HEAPU8.byteOffset + outPtr, numCharsToWrite * 2).write(str, 0, numCharsToWrite * 2, "utf16le");';
      return { contents: src.replace(STRING_TO_UTF16_LOOP, native), loader: 'js' };
    });
  },
};

async function main(): Promise<void> {
  // The pre-filter's trigger matcher, built now rather than by every scan (src/scan/prefilter.ts).
  const { triggerMatcher } = (await import(pathToFileURL(join(root, 'dist', 'src', 'scan', 'prefilter.js')).href)) as typeof import('../src/scan/prefilter.js');
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
    define: { 'import.meta.url': '__mtls_audit_bundle_url', __MTLS_AUDIT_TRIGGER_MATCHER__: JSON.stringify(triggerMatcher().toJson()) },
    banner: { js: "const __mtls_audit_bundle_url = require('node:url').pathToFileURL(__filename).href;" },
    // Lazy imports (probe, pki, fix, reporters) become lazily evaluated parts of the one file.
    supported: { 'dynamic-import': false },
    // web-tree-sitter's CommonJS build; its .wasm is located by package name (src/python/parser.ts).
    alias: { 'web-tree-sitter': join(root, 'node_modules', 'web-tree-sitter', 'tree-sitter.cjs') },
    // Pure ASCII (esbuild's default, stated): bin/mtls-audit.js reads the file as latin-1, a
    // plain copy, ~1.2 ms sooner than decoding UTF-8 (test/cli/launcher.test.ts checks it).
    charset: 'ascii',
    plugins: [lazyChildProcessForCommander, nativeStringToUTF16],
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
