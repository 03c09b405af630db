// The static scan: discover → read & pre-filter → parse once → model (code, settings, deploy)
// → rules → suppressions/baseline → report. Nothing in the scanned tree is executed or written.

import { resolve } from 'node:path';
import { statSync } from 'node:fs';
import type { Finding, InputError, Report } from '../core/types.js';
import { severityRank } from '../core/types.js';
import { findingFromReport, type RuleOptions, type ScanRule } from '../core/rule.js';
import { discover, readBytesShared, readFiltered, readText, type DiscoveredFile } from './discover.js';
import { AtomMatcher, wantsParse } from './prefilter.js';
import { getPythonParser, type ParsedPython } from '../python/parser.js';
import { parseAhead, parseThreads, WORKER_MIN_CHARS } from '../python/parse-ahead.js';
import { cacheSalt, isInside, ParseCache, parserFor } from './cache.js';
import { PythonProject } from '../python/project.js';
import type { PyModule } from '../python/module.js';
import { DEFAULT_RULE_OPTIONS, diagramOf, scanRules } from '../rules/index.js';
import { buildIdentityFlows } from '../model/identity-flow.js';
import type { ProjectModel } from '../model/project.js';
import { buildCodeModel, describeFlows } from '../python/flow.js';
import { buildSettings } from '../settings/resolve.js';
import { buildDeployment } from '../deploy/build.js';
import { assignFingerprints } from './fingerprint.js';
import { FindingCap, MAX_FINDINGS_HELD_PER_RULE_AND_FILE } from './cap.js';
import { applyInlineSuppressions, applyBaseline } from './suppress.js';
import { VERSION } from '../version.js';
import { mark, addTime, now } from '../core/timing.js';
import { keepYoungGenerationSmall, parseInBaselineIfShort } from '../core/tiering.js';

export interface ScanOptions {
  path: string;
  rules?: string[];
  exclude?: string[];
  includeTests?: boolean;
  baseline?: string;
  ruleOptions?: Partial<RuleOptions>;
  /** Rule ids disabled by config. */
  disabled?: string[];
  /** Severity overrides by rule id (config). */
  severity?: Record<string, Finding['severity']>;
  maxFileBytes?: number;
  /** Python source parsed at most per scan, in characters (default 24 MiB; tests set it lower). */
  parseBudget?: number;
  /** Bytes of pre-filter-skipped files kept for `pullImporters` (default 16 MiB; tests set it lower). */
  skippedKeptBytes?: number;
  onProgress?: (done: number, total: number, what: string) => void;
  /**
   * The per-file parse cache (scan/cache.ts): a directory, or a cache object (tests read its
   * stats). Absent: no cache (the CLI passes the user cache directory unless --no-cache). A
   * directory inside the scanned tree is not used: nothing is ever written there.
   */
  cache?: string | ParseCache;
  /**
   * Threads that may parse at once (the main thread included; default: the cores Node reports).
   * Workers start only when there is enough to parse (python/parse-ahead.ts).
   */
  jobs?: number;
  /** Receives the project model once built (`mtls-audit fix` plans from it). */
  onModel?: (model: ProjectModel) => void;
}

export { UsageError } from '../core/errors.js';
import { UsageError } from '../core/errors.js';

export async function runScan(opts: ScanOptions): Promise<Report> {
  const t0 = now();
  mark('start');
  keepYoungGenerationSmall();
  const root = resolve(opts.path);
  let st;
  try {
    st = statSync(root);
  } catch (e) {
    throw new UsageError(`cannot read PATH ${opts.path}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : (e as Error).message}`);
  }
  if (!st.isDirectory()) throw new UsageError(`PATH ${opts.path} is not a directory`);

  const errors: InputError[] = [];
  const { files, errors: walkErrors } = discover(root, {
    exclude: opts.exclude,
    includeTests: opts.includeTests,
    maxFileBytes: opts.maxFileBytes,
  });
  errors.push(...walkErrors);
  mark('discover');

  // Read and pre-filter every Python file first: how much there is to parse decides how V8
  // compiles the parser's WebAssembly (core/tiering.ts), so the parser is created after.
  const pyFiles = files.filter((f) => f.kind === 'python');
  let bytes = 0;
  let parseBytes = 0;
  /**
   * Files the pre-filter skipped, for `pullImporters`: their bytes (as latin-1 strings: on V8's
   * heap, whose collections free them for the trees, where Buffers would leave their memory to
   * the allocator's high-water mark) while they add up to at most SKIPPED_KEPT_BYTES (a project's
   * worth), so a project's importers are found without reading files twice. In a bigger tree
   * none are kept, only paths (read again if needed): what was kept until then is dropped at
   * once, and memory does not grow with the tree.
   */
  const skipped = new Map<string, string | null>();
  const keepBudget = opts.skippedKeptBytes ?? SKIPPED_KEPT_BYTES;
  let skippedKept = 0;
  /** Per Python file, in order: why it could not be read, or its text when it is to be parsed. */
  const outcome: ({ error: string } | { text: string } | null)[] = new Array<{ error: string } | { text: string } | null>(pyFiles.length).fill(null);
  for (let i = 0; i < pyFiles.length; i++) {
    const f = pyFiles[i];
    opts.onProgress?.(i + 1, pyFiles.length, f.path);
    // The pre-filter reads the raw bytes (a view of the read buffer, valid until the next read);
    // only wanted files are decoded.
    let raw: Buffer | null = null;
    const tr = now();
    const r = readFiltered(
      f.abs,
      (bytes, latin1) => {
        raw = bytes;
        const tw = now();
        const w = wantsParse(f.path, bytes, latin1);
        addTime('prefilter', now() - tw);
        return w;
      },
      opts.maxFileBytes,
      true,
    );
    addTime('read', now() - tr);
    if (!r.ok) {
      outcome[i] = { error: r.message };
      continue;
    }
    bytes += (raw as Buffer | null)?.length ?? 0;
    if (r.text === null) {
      const b = raw as Buffer | null;
      if (!b) continue;
      if (skippedKept + b.length <= keepBudget) {
        skipped.set(f.path, b.toString('latin1'));
        skippedKept += b.length;
        continue;
      }
      if (skippedKept !== Infinity) {
        for (const p of skipped.keys()) skipped.set(p, null);
        skippedKept = Infinity;
      }
      skipped.set(f.path, null);
      continue;
    }
    outcome[i] = { text: r.text };
    parseBytes += r.text.length;
  }
  mark('read');
  parseInBaselineIfShort(parseBytes);

  const parser = await getPythonParser();
  mark('parser-ready');
  const python = new PythonProject(parser, files, errors);
  if (opts.parseBudget !== undefined) python.parseBudget = opts.parseBudget;
  const cache = openCache(opts, root);
  const parseOne = parserFor(parser, cache);
  // The files to parse (those the budget admits, as `load` below decides), parsed ahead: in
  // parallel when there is enough (python/parse-ahead.ts); each tree is taken once.
  let ready = new Map<string, ParsedPython>();
  const toParse: string[] = [];
  let chars = 0;
  for (const o of outcome) {
    if (!o || !('text' in o) || chars + o.text.length > python.parseBudget) continue;
    chars += o.text.length;
    toParse.push(o.text);
  }
  if (chars >= 2 * WORKER_MIN_CHARS) {
    const ta = now();
    const ahead = await parseAhead(parser, toParse, parseThreads(opts.jobs), {
      cached: (src) => cache?.lookup(parser, src) ?? null,
      parse: (src) => (cache ? cache.parseMiss(parser, src) : parseOne(src)),
      store: (src, records) => cache?.store(src, records),
    });
    ready = ahead.ready;
    addTime('parse-ahead', now() - ta);
    addTime('parse-workers', ahead.workers);
  }
  python.parseSource = (src) => {
    const r = ready.get(src);
    if (r) {
      ready.delete(src);
      return r;
    }
    const tc = now();
    const out = parseOne(src);
    if (cache) addTime('parse+cache', now() - tc);
    return out;
  };
  const analysed: PyModule[] = [];
  // Errors in file order, as a single pass would give them.
  for (let i = 0; i < pyFiles.length; i++) {
    const o = outcome[i];
    if (!o) continue;
    if ('error' in o) {
      errors.push({ file: pyFiles[i].path, message: o.error });
      continue;
    }
    const mod = python.load(pyFiles[i].path, o.text);
    if (mod) analysed.push(mod);
  }
  ready.clear();
  const tp = now();
  let absByPath: Map<string, string> | null = null;
  const absOf = (p: string) => (absByPath ??= new Map(pyFiles.map((f) => [f.path, f.abs]))).get(p);
  pullImporters(python, analysed, skipped, absOf, opts.maxFileBytes);
  // Nothing reads the skipped files' bytes after this: let them go before the models are built
  // (the scan's peak memory is at the end, with every model alive).
  skipped.clear();
  addTime('pull', now() - tp);
  mark('parse');
  const configFiles: DiscoveredFile[] = files.filter((f) => f.kind === 'config');
  for (const f of configFiles) bytes += f.size;

  const deploy = buildDeployment(root, configFiles, errors, { parser, allFiles: files });
  const settings = buildSettings(python, analysed, deploy, files, errors);
  const model: ProjectModel = { root, files, python, analysed, settings, deploy, code: null as never, errors };
  mark('deploy+settings');
  model.code = buildCodeModel(model);
  mark('code-model');
  if (process.env.MTLS_AUDIT_DUMP_FLOWS) process.stderr.write(describeFlows(model.code) + '\n');
  opts.onModel?.(model);

  const ruleOptions: RuleOptions = { ...DEFAULT_RULE_OPTIONS, ...opts.ruleOptions };
  const selected = selectRules(opts);
  const findings: Finding[] = [];
  const held = new FindingCap(MAX_FINDINGS_HELD_PER_RULE_AND_FILE);
  for (const rule of selected) {
    try {
      rule.check({
        model,
        options: ruleOptions,
        report: (d) => {
          const f = findingFromReport(rule.meta, d);
          if (opts.severity?.[rule.meta.id]) f.severity = opts.severity[rule.meta.id];
          if (!f.evidence && f.location.file && f.location.line) f.evidence = sourceLine(model, f.location.file, f.location.line);
          (f as Finding & { _anchor?: string })._anchor = d.anchor;
          if (held.admit(f)) findings.push(f);
        },
      });
    } catch (e) {
      errors.push({ message: `internal error in rule ${rule.meta.id}: ${(e as Error).message}` });
    }
  }

  const heldBack = held.finish();
  findings.push(...heldBack.extra);
  errors.push(...heldBack.errors);
  mark('rules');
  const unique = dedupe(findings);
  unique.sort(compareFindings);
  assignFingerprints(unique, (file, line) => sourceLine(model, file, line));
  let kept = applyInlineSuppressions(unique, (file, line) => sourceLine(model, file, line));
  let suppressed = unique.filter((f) => f.suppression);
  if (opts.baseline) {
    const r = applyBaseline(kept, opts.baseline);
    kept = r.kept;
    suppressed = [...suppressed, ...r.suppressed];
  }
  const listed = new FindingCap();
  kept = kept.filter((f) => listed.admit(f));
  const capped = listed.finish();
  if (capped.extra.length) kept = [...kept, ...capped.extra].sort(compareFindings);
  errors.push(...capped.errors);
  for (const f of [...kept, ...suppressed]) delete (f as Finding & { _anchor?: string })._anchor;
  if (cache) {
    // Modules are also parsed lazily during the analysis: the limit is applied once all are in.
    const tc = now();
    cache.prune();
    addTime('cache-prune', now() - tc);
    addTime('cache-hits', cache.stats.hits);
    addTime('cache-misses', cache.stats.misses);
  }

  return {
    tool: { name: 'mtls-audit', version: VERSION },
    kind: 'scan',
    target: opts.path,
    findings: kept,
    suppressed,
    identityFlows: buildIdentityFlows(model, kept, diagramOf),
    errors: dedupeErrors(errors),
    stats: {
      durationMs: Math.round((now() - t0) * 10) / 10,
      filesScanned: files.length,
      bytesScanned: bytes,
      filesParsed: python.modules.size,
      suppressed: suppressed.length,
    },
  };
}

/** How many bytes of pre-filter-skipped files a scan keeps in memory for `pullImporters`. */
const SKIPPED_KEPT_BYTES = 16 * 1024 * 1024;

/** `pullImporters`' bytes of a kept file, reused (grown to the largest). */
let pullBuffer = Buffer.alloc(0);

/** Words that make a top-level function a certificate helper others may import. */
const CERT_HELPER_RE = /SSL_CLIENT|CLIENT_CERT|CLIENT_S_DN|CLIENT_I_DN|CLIENT_VERIFY|CLIENT_FINGERPRINT|FORWARDED_CLIENT|REMOTE_USER|x509|load_certificate/;

/**
 * A module without trigger words can still hold the view that calls an analysed module's
 * certificate helper (`from .certs import client_cert`): load those importers too (a few rounds).
 * The skipped files are still raw bytes: one pass of an automaton of the helpers' names finds the
 * few that mention one, and only those are decoded and matched exactly.
 */
function pullImporters(python: PythonProject, analysed: PyModule[], skipped: Map<string, string | null>, absOf: (path: string) => string | undefined, maxFileBytes?: number): void {
  const done = new Set<string>();
  for (let round = 0; round < 3 && skipped.size; round++) {
    const helpers: { mod: string; name: string }[] = [];
    for (const m of analysed) {
      if (done.has(m.path)) continue;
      done.add(m.path);
      for (const fn of m.functions.values()) {
        if (CERT_HELPER_RE.test(m.text(fn.node))) helpers.push({ mod: m.name.split('.').pop() ?? m.name, name: fn.name });
      }
    }
    if (!helpers.length) return;
    const names = [...new Set(helpers.map((h) => h.name))];
    const mentions = new AtomMatcher([{ atoms: names }]);
    const esc = (x: string) => x.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const fromImport = new RegExp(`^[ \\t]*from\\s+\\S+\\s+import\\s+[^\\n]*\\b(${names.map(esc).join('|')})\\b`, 'm');
    const qualified = new RegExp(`\\b(${helpers.map((h) => `${esc(h.mod)}\\.${esc(h.name)}`).join('|')})\\b`);
    let added = false;
    for (const [path, kept] of skipped) {
      let buf: Buffer;
      if (kept !== null) {
        // Back to bytes for the automaton, in one reused buffer.
        if (kept.length > pullBuffer.length) pullBuffer = Buffer.allocUnsafeSlow(kept.length);
        buf = pullBuffer.subarray(0, pullBuffer.write(kept, 'latin1'));
      } else {
        const abs = absOf(path);
        const r = abs ? readBytesShared(abs, maxFileBytes) : null;
        if (!r?.ok) continue;
        buf = r.buf;
      }
      if (!mentions.groups(buf)) continue;
      const raw = kept ?? buf.toString('latin1');
      if (!fromImport.test(raw) && !qualified.test(raw)) continue;
      skipped.delete(path);
      const mod = python.load(path);
      if (mod) {
        analysed.push(mod);
        added = true;
      }
    }
    if (!added) return;
  }
}

/** The scan's parse cache, keyed also by the rule set; none when off or inside the scanned tree. */
function openCache(opts: ScanOptions, root: string): ParseCache | null {
  if (!opts.cache) return null;
  if (typeof opts.cache !== 'string') return opts.cache;
  if (isInside(opts.cache, root)) return null;
  return new ParseCache(opts.cache, cacheSalt(selectRules(opts).map((r) => r.meta.id)));
}

function selectRules(opts: ScanOptions): ScanRule<string>[] {
  let rules = scanRules;
  if (opts.rules && opts.rules.length) {
    const unknown = opts.rules.filter((id) => !scanRules.some((r) => r.meta.id === id));
    if (unknown.length) throw new UsageError(`unknown rule id: ${unknown.join(', ')} (see \`mtls-audit rules\`)`);
    rules = rules.filter((r) => opts.rules!.includes(r.meta.id));
  }
  if (opts.disabled?.length) rules = rules.filter((r) => !opts.disabled!.includes(r.meta.id));
  return rules;
}

const lineCache = new WeakMap<ProjectModel, Map<string, string[]>>();

/** The source line of a finding, from the parsed module or by reading the (config) file. */
export function sourceLine(model: ProjectModel, file: string, line: number): string {
  const mod = model.python.modules.get(file);
  if (mod) return mod.lineText(line);
  let cache = lineCache.get(model);
  if (!cache) lineCache.set(model, (cache = new Map<string, string[]>()));
  let lines = cache.get(file);
  if (!lines) {
    const f = model.files.find((x) => x.path === file);
    const r = f ? readText(f.abs) : null;
    lines = r && r.ok ? r.text.split(/\r?\n/) : [];
    cache.set(file, lines);
  }
  return lines[line - 1] ?? '';
}

function dedupe(findings: Finding[]): Finding[] {
  const seen = new Map<string, Finding>();
  for (const f of findings) {
    const k = `${f.ruleId}|${f.location.file}|${f.location.line}|${f.location.column ?? 0}`;
    const prev = seen.get(k);
    if (!prev) seen.set(k, f);
    else if (f.related?.length) {
      const have = new Set((prev.related ?? []).map((r) => `${r.file}:${r.line}:${r.message}`));
      for (const r of f.related) if (!have.has(`${r.file}:${r.line}:${r.message}`)) (prev.related ??= []).push(r);
    }
  }
  return [...seen.values()];
}

export function compareFindings(a: Finding, b: Finding): number {
  return (
    (a.location.file ?? '').localeCompare(b.location.file ?? '') ||
    (a.location.line ?? 0) - (b.location.line ?? 0) ||
    (a.location.column ?? 0) - (b.location.column ?? 0) ||
    severityRank(b.severity) - severityRank(a.severity) ||
    a.ruleId.localeCompare(b.ruleId)
  );
}

function dedupeErrors(errors: InputError[]): InputError[] {
  const seen = new Set<string>();
  return errors.filter((e) => {
    const k = `${e.file}|${e.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
