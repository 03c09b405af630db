// The evaluator's value domain: bindings and namespaces, the state of one module's evaluation,
// and the helpers that build, re-site and compare values (Python's `==`, `is`, `in`, `<`…).

import type { PyNode } from '../../python/parser.js';
import type { PyModule } from '../../python/module.js';
import { isUnknown, type PyValue, type SettingSite, type SValue } from '../model.js';

export interface Binding {
  v: SValue;
  /** The statement that wrote it last. */
  stmt: SettingSite;
  writes: SettingSite[];
  conditional: boolean;
  /** Imported modules/objects: their qualified name (`os`, `os.environ`, `environ.Env`). */
  qual?: string;
  /** A django-environ `Env` instance: its scheme (`Env(DEBUG=(bool, False))`). */
  envScheme?: Map<string, { cast: string | null; def?: SValue }>;
  /** A python-decouple config object (`AutoConfig(...)`, `Config(...)`). */
  decouple?: boolean;
  /** A function defined in the module without decorators (its `function_definition`). */
  fnDef?: PyNode;
}

export type Namespace = Map<string, Binding>;

export interface EvalResult {
  ns: Namespace;
  /** Files that contributed, in order (base first). */
  files: string[];
  /** Why the result may be incomplete (see SettingsProfile.opaque). */
  opaque: string[];
}

export interface State {
  mod: PyModule;
  ns: Namespace;
  files: string[];
  opaque: string[];
  /** Inside a branch whose condition is unknown. */
  conditional: boolean;
  /** Inside a branch chosen by an environment-dependent condition (decided on the defaults). */
  envCond: boolean;
  /** Inside a `try` body: a failing import jumps to the handler. */
  inTry?: boolean;
}

export type Flow = 'ok' | 'importError';

export function siteOf(mod: PyModule, n: PyNode): SettingSite {
  return { file: mod.path, line: n.line, column: n.col, endLine: n.endLine, endColumn: n.endCol, node: n };
}

export function unknown(reason: string, site: SettingSite, extra: Partial<SValue> = {}): SValue {
  return { value: { unknown: reason }, site, ...extra };
}

/** Builds the plain value of a list from its items. */
export function listValue(items: SValue[], site: SettingSite, extra: Partial<SValue> = {}): SValue {
  return { value: items.map((i) => i.value), site, items, envDependent: items.some((i) => i.envDependent) || extra.envDependent, ...strip(extra, 'envDependent') };
}

export function dictValue(entries: NonNullable<SValue['entries']>, site: SettingSite, extra: Partial<SValue> = {}): SValue {
  const obj: Record<string, PyValue> = {};
  for (const e of entries) obj[e.key] = e.value.value;
  return { value: obj, site, entries, envDependent: entries.some((e) => e.value.envDependent) || extra.envDependent, ...strip(extra, 'envDependent') };
}

function strip<T extends object>(o: T, k: keyof T): Partial<T> {
  const c = { ...o };
  delete c[k];
  return c;
}

export function withSite(v: SValue, site: SettingSite): SValue {
  return { ...v, site };
}

export function markEnv(v: SValue, env?: string): SValue {
  return { ...v, envDependent: true, env: env ?? v.env };
}

export function pyEquals(a: PyValue, b: PyValue): boolean | undefined {
  if (isUnknown(a) || isUnknown(b)) return undefined;
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) {
      const e = pyEquals(a[i], b[i]);
      if (e !== true) return e;
    }
    return true;
  }
  if (typeof a === 'object' && a !== null && typeof b === 'object' && b !== null && !Array.isArray(a) && !Array.isArray(b)) {
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    if (ka.length !== kb.length) return false;
    for (const k of ka) {
      if (!(k in b)) return false;
      const e = pyEquals((a as Record<string, PyValue>)[k], (b as Record<string, PyValue>)[k]);
      if (e !== true) return e;
    }
    return true;
  }
  // Python: True == 1, False == 0.
  const na = typeof a === 'boolean' ? Number(a) : a;
  const nb = typeof b === 'boolean' ? Number(b) : b;
  return na === nb;
}

export function cmp(op: string, a: PyValue, b: PyValue): boolean | undefined {
  if (isUnknown(a) || isUnknown(b)) return undefined;
  switch (op) {
    case '==':
      return pyEquals(a, b);
    case '!=': {
      const e = pyEquals(a, b);
      return e === undefined ? undefined : !e;
    }
    case 'is':
      return a === null || b === null || typeof a === 'boolean' || typeof b === 'boolean' ? a === b : undefined;
    case 'is not':
      return a === null || b === null || typeof a === 'boolean' || typeof b === 'boolean' ? a !== b : undefined;
    case 'in':
    case 'not in': {
      let r: boolean | undefined;
      if (typeof b === 'string' && typeof a === 'string') r = b.includes(a);
      else if (Array.isArray(b)) {
        r = false;
        for (const x of b) {
          const e = pyEquals(a, x);
          if (e === undefined) return undefined;
          if (e) r = true;
        }
      } else if (b && typeof b === 'object' && (typeof a === 'string' || typeof a === 'number')) r = String(a) in b;
      if (r === undefined) return undefined;
      return op === 'in' ? r : !r;
    }
    case '<':
    case '>':
    case '<=':
    case '>=':
      if ((typeof a === 'number' && typeof b === 'number') || (typeof a === 'string' && typeof b === 'string')) {
        return op === '<' ? a < b : op === '>' ? a > b : op === '<=' ? a <= b : a >= b;
      }
      return undefined;
  }
  return undefined;
}
