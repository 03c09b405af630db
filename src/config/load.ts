// Configuration: `--config FILE`, else `.mtls-audit.yml`, `.mtls-audit.yaml` or `.mtls-audit.json` at
// the scanned root. Validated against the JSON Schema of src/config/schema.ts (shipped as
// docs/config.schema.json) with ajv; any problem is one UsageError line naming the file, the key
// and the problem (the CLI exits 2). Unknown keys and unknown rule ids are errors.
//
//   rules:                       # per rule id: off | on | <severity> | { enabled, severity }
//     cert-eku-unchecked: off
//     session-expiry-long: high
//   exclude: ["legacy/**"]
//   includeTests: false
//   failOn: high
//   thresholds:
//     maxSessionAgeSeconds: 3600
//
// A config inside the scanned tree is part of that tree: it is read (never executed), a symbolic
// link is followed only to a regular file inside the tree, and an explicit --config replaces it.

import { closeSync, fstatSync, lstatSync, openSync, readSync, realpathSync, statSync, constants } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative, isAbsolute, sep } from 'node:path';
import { yaml } from '../core/lazy.js';
import { MAX_FLOW_DEPTH, nestingTooDeep } from '../core/nesting.js';
import type { ErrorObject, ValidateFunction } from 'ajv';
import type { RuleOptions } from '../core/rule.js';
import type { Severity } from '../core/types.js';
import { UsageError } from '../core/errors.js';
import { configSchema, knownRuleIds } from './schema.js';

export interface Config {
  exclude?: string[];
  includeTests?: boolean;
  /** Rule ids turned off. */
  disabled?: string[];
  /** Severity overrides by rule id. */
  severity?: Record<string, Severity>;
  ruleOptions?: Partial<RuleOptions>;
  failOn?: Severity;
  /** The file the settings came from (as named in messages). */
  file?: string;
}

/** Names looked for at the scanned root, in this order; more than one present is an error. */
export const CONFIG_NAMES = ['.mtls-audit.yml', '.mtls-audit.yaml', '.mtls-audit.json'] as const;

/** Config files larger than this are refused. */
const MAX_CONFIG_BYTES = 1024 * 1024;

type RuleSetting = 'on' | 'off' | boolean | Severity | { enabled?: boolean; severity?: Severity };

interface RawConfig {
  $schema?: string;
  rules?: Record<string, RuleSetting>;
  exclude?: string[];
  includeTests?: boolean;
  failOn?: Severity;
  thresholds?: Partial<RuleOptions>;
}

export function loadConfig(root: string, file?: string): Config {
  const path = file ?? findConfig(root);
  if (path === null) return {};
  const text = readConfig(path, file !== undefined, root);
  const raw = parseConfig(path, text);
  validate(path, raw);
  return toConfig(raw as RawConfig, path);
}

/** The config file at the scanned root, or null. */
function findConfig(root: string): string | null {
  let st;
  try {
    st = statSync(root);
  } catch {
    return null; // the scan itself reports an unreadable PATH
  }
  if (!st.isDirectory()) return null;
  const present = CONFIG_NAMES.filter((n) => {
    try {
      lstatSync(join(root, n));
      return true;
    } catch {
      return false;
    }
  });
  if (present.length > 1) throw new UsageError(`invalid config: ${present.map((n) => join(root, n)).join(' and ')} both exist; keep one`);
  return present.length ? join(root, present[0]) : null;
}

function readConfig(path: string, explicit: boolean, root: string): string {
  const what = explicit ? `--config ${path}` : `config ${path}`;
  let st;
  try {
    st = lstatSync(path);
  } catch (e) {
    throw new UsageError(`cannot read ${what}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : ((e as NodeJS.ErrnoException).code ?? (e as Error).message)}`);
  }
  if (st.isSymbolicLink() && !explicit) {
    // A link in the scanned tree is followed only to a file inside the tree.
    let target: string;
    let top: string;
    try {
      target = realpathSync(path);
      top = realpathSync(root);
    } catch (e) {
      throw new UsageError(`cannot read ${what}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    const rel = relative(top, target);
    if (rel === '' || rel.startsWith('..' + sep) || rel === '..' || isAbsolute(rel)) throw new UsageError(`cannot read ${what}: a symbolic link out of the scanned tree (not followed)`);
  }
  let fd: number;
  try {
    // O_NONBLOCK: a FIFO named like a config file must not hang the scan.
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    throw new UsageError(`cannot read ${what}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  try {
    const fst = fstatSync(fd);
    if (!fst.isFile()) throw new UsageError(`cannot read ${what}: not a regular file`);
    if (fst.size > MAX_CONFIG_BYTES) throw new UsageError(`cannot read ${what}: larger than ${MAX_CONFIG_BYTES} bytes`);
    const buf = Buffer.alloc(fst.size);
    let off = 0;
    while (off < buf.length) {
      const n = readSync(fd, buf, off, buf.length - off, off);
      if (n === 0) break;
      off += n;
    }
    const bytes = buf.subarray(0, off);
    const text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
    return text;
  } catch (e) {
    if (e instanceof UsageError) throw e;
    if (e instanceof TypeError) throw new UsageError(`invalid config ${path}: not valid UTF-8`);
    throw new UsageError(`cannot read ${what}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  } finally {
    closeSync(fd);
  }
}

function oneLine(s: string): string {
  return s.split('\n')[0].replace(/\s+/g, ' ').trim();
}

function parseConfig(path: string, text: string): unknown {
  if (/\.json$/i.test(path)) {
    try {
      return JSON.parse(text);
    } catch (e) {
      const msg = oneLine((e as Error).message);
      const pos = /at position (\d+)/.exec(msg);
      let where = '';
      if (pos) {
        const before = text.slice(0, Number(pos[1]));
        const line = before.split('\n').length;
        where = ` at line ${line}, column ${Number(pos[1]) - before.lastIndexOf('\n')}`;
      }
      throw new UsageError(`invalid config ${path}: not valid JSON${where}: ${msg.replace(/\s*(in JSON )?at position \d+.*$/, '')}`);
    }
  }
  // YAML 1.2 (so `off`/`on` stay strings); JSON is YAML too, so a --config FILE of either kind works.
  const deep = nestingTooDeep(text);
  if (deep) throw new UsageError(`invalid config ${path}: collections nested more than ${MAX_FLOW_DEPTH} levels deep at line ${deep.line}, column ${deep.col}`);
  const docs = yaml().parseAllDocuments(text, { uniqueKeys: true, prettyErrors: true });
  const list = Array.isArray(docs) ? docs : [docs];
  if (list.length > 1) throw new UsageError(`invalid config ${path}: more than one YAML document`);
  const doc = list[0];
  if (!doc) return {};
  const err = doc.errors[0];
  if (err) {
    const at = err.linePos?.[0];
    const msg = oneLine(err.message).replace(/ at line \d+, column \d+:?$/, '');
    throw new UsageError(`invalid config ${path}: YAML syntax error${at ? ` at line ${at.line}, column ${at.col}` : ''}: ${msg}`);
  }
  const value: unknown = doc.toJS({ maxAliasCount: 100 });
  return value === null || value === undefined ? {} : value;
}

let validator: ValidateFunction | null = null;

function getValidator(): ValidateFunction {
  if (validator) return validator;
  // ajv is loaded only when a config file exists (scans without one do not pay for it).
  const require = createRequire(import.meta.url);
  const { Ajv2020 } = require('ajv/dist/2020') as typeof import('ajv/dist/2020.js');
  const ajv = new Ajv2020({ allErrors: false, strict: true, verbose: true });
  validator = ajv.compile(configSchema());
  return validator;
}

function validate(path: string, raw: unknown): void {
  const v = getValidator();
  if (v(raw)) return;
  const errors = (v.errors ?? []).filter((e) => e.keyword !== 'if');
  const e = errors[0];
  if (!e) throw new UsageError(`invalid config ${path}: does not match docs/config.schema.json`);
  throw new UsageError(`invalid config ${path}: ${describe(e, raw)}`);
}

/** `rules.cert-eku-unchecked` from `/rules/cert-eku-unchecked` (JSON Pointer, unescaped). */
function keyPath(pointer: string, extra?: string): string {
  const parts = pointer
    .split('/')
    .slice(1)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (extra !== undefined) parts.push(extra);
  if (!parts.length) return '(top level)';
  return parts.map((p, i) => (/^\d+$/.test(p) ? `[${p}]` : i ? `.${p}` : p)).join('');
}

function show(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  const s = JSON.stringify(v);
  return s.length > 60 ? s.slice(0, 57) + '…' : s;
}

function kind(t: string | string[]): string {
  const m: Record<string, string> = { object: 'a mapping', array: 'a list', string: 'a string', integer: 'an integer', number: 'a number', boolean: 'true or false', null: 'null' };
  return (Array.isArray(t) ? t : [t]).map((x) => m[x] ?? x).join(' or ');
}

/** Levenshtein distance, for "did you mean". */
function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) for (let j = 1; j <= b.length; j++) d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
  return d[a.length][b.length];
}

function suggest(word: string, known: string[]): string {
  const w = word.toLowerCase();
  const prefixed = w.length >= 4 ? known.filter((k) => k.toLowerCase().startsWith(w)) : [];
  if (prefixed.length === 1) return ` (did you mean ${prefixed[0]}?)`;
  let best: string | null = null;
  let bestD = Infinity;
  for (const k of known) {
    const dd = distance(word.toLowerCase(), k.toLowerCase());
    if (dd < bestD) {
      bestD = dd;
      best = k;
    }
  }
  return best !== null && bestD <= Math.max(2, Math.floor(word.length / 4)) ? ` (did you mean ${best}?)` : '';
}

function describe(e: ErrorObject, raw: unknown): string {
  const at = keyPath(e.instancePath);
  switch (e.keyword) {
    case 'additionalProperties': {
      const key = String((e.params as { additionalProperty: string }).additionalProperty);
      const known = Object.keys(((e.parentSchema as { properties?: Record<string, unknown> }) ?? {}).properties ?? {});
      const where = keyPath(e.instancePath, key);
      if (e.instancePath === '/rules') return `${where}: unknown rule id${suggest(key, knownRuleIds())} (see \`mtls-audit rules\`)`;
      if (/^\/rules\/[^/]+$/.test(e.instancePath)) return `${where}: unknown key (a rule takes enabled and severity)`;
      return `${where}: unknown key${suggest(key, known)} (known: ${known.filter((k) => k !== '$schema').join(', ')})`;
    }
    case 'type':
      return `${at}: expected ${kind((e.params as { type: string | string[] }).type)}, got ${show(e.data)}`;
    case 'enum': {
      const allowed = (e.params as { allowedValues: unknown[] }).allowedValues.map((x) => String(x));
      return `${at}: expected one of ${allowed.join(', ')}, got ${show(e.data)}`;
    }
    case 'minimum':
    case 'maximum': {
      const limit = (e.params as { limit: number }).limit;
      return `${at}: must be ${e.keyword === 'minimum' ? 'at least' : 'at most'} ${limit}, got ${show(e.data)}`;
    }
    case 'minLength':
      return `${at}: must not be empty`;
    case 'minProperties':
      return `${at}: set enabled, severity or both`;
    default:
      void raw;
      return `${at}: ${e.message ?? 'invalid'}`;
  }
}

function toConfig(raw: RawConfig, path: string): Config {
  const out: Config = { file: path };
  const disabled: string[] = [];
  const severity: Record<string, Severity> = {};
  for (const [id, v] of Object.entries(raw.rules ?? {})) {
    if (v === 'off' || v === false) disabled.push(id);
    else if (v === 'on' || v === true) continue;
    else if (typeof v === 'string') severity[id] = v;
    else {
      if (v.enabled === false) disabled.push(id);
      else if (v.severity) severity[id] = v.severity;
    }
  }
  if (disabled.length) out.disabled = disabled;
  if (Object.keys(severity).length) out.severity = severity;
  if (raw.exclude) out.exclude = [...raw.exclude];
  if (raw.includeTests !== undefined) out.includeTests = raw.includeTests;
  if (raw.failOn) out.failOn = raw.failOn;
  if (raw.thresholds && Object.keys(raw.thresholds).length) out.ruleOptions = { ...raw.thresholds };
  return out;
}
