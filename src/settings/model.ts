// Django settings, resolved without executing code. The resolver (src/settings/resolve.ts) finds
// the settings module(s), follows `from .base import *` chains and later overrides, and evaluates
// literal expressions; rules read the result through this interface.

import type { PyNode } from '../python/parser.js';

export type PyValue = string | number | boolean | null | PyValue[] | { [key: string]: PyValue } | { unknown: string };

export function isUnknown(v: PyValue | undefined): v is { unknown: string } {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && typeof (v as { unknown?: unknown }).unknown === 'string' && Object.keys(v).length === 1;
}

export interface SettingSite {
  file: string;
  line: number;
  column: number;
  endLine?: number;
  endColumn?: number;
  node?: PyNode;
}

/**
 * An evaluated value together with where it was written. Lists/tuples keep a site per element,
 * dicts a site per key and value, so a rule can point at the element that carries the bad value
 * (e.g. the `min_length` option inside `AUTH_PASSWORD_VALIDATORS`).
 */
export interface SValue {
  value: PyValue;
  /** The expression that produced this value. */
  site: SettingSite;
  /** The value comes from the environment; `value` is the default written in the code (or unknown). */
  envDependent?: boolean;
  /** The environment variable read, when known. */
  env?: string;
  /** Written under a condition the resolver could not decide (`if os.environ.get(...)`). */
  conditional?: boolean;
  /** List/tuple/set elements. */
  items?: SValue[];
  /** Dict entries (keys as strings: Python int keys are stringified). */
  entries?: { key: string; keySite: SettingSite; value: SValue }[];
  /**
   * For a list whose full value is unknown: items it certainly holds. `[*apps_from_env, 'a', 'b']`,
   * then `.append('c')` under a condition, is unknown but holds at least 'a' and 'b'.
   */
  atLeast?: SValue[];
}

/** Items a list value certainly holds: all of them when it is known, its lower bound otherwise. */
export function itemsAtLeast(v: SValue | undefined): SValue[] | null {
  if (!v) return null;
  if (v.items && !isUnknown(v.value)) return v.items;
  return v.atLeast ?? null;
}

export interface ResolvedSetting {
  name: string;
  value: PyValue;
  /** The assignment that gives the final value. */
  site: SettingSite;
  /** True when the value comes from the environment (we report the default). */
  envDependent: boolean;
  /** For list/tuple values: where each element was written. */
  elements?: { value: PyValue; site: SettingSite }[];
  /** The value with per-element/per-entry sites. */
  tree: SValue;
  /** The environment variable the value (or its default) comes from, when known. */
  env?: string;
  /** Every statement that wrote this setting, in execution order (base module first). */
  writes: SettingSite[];
  /** Set under a condition the resolver could not decide. */
  conditional: boolean;
}

/** How a settings module was named. */
export interface SettingsSource {
  /** Dotted module name as written. */
  module: string;
  /** Where it is named: `manage.py`, `wsgi.py`, `Dockerfile`, `.env`, … or `heuristic`. */
  file: string;
  line: number;
  kind: 'manage' | 'wsgi' | 'python' | 'config' | 'heuristic';
}

/** One settings module as Django would load it (a `DJANGO_SETTINGS_MODULE` value), fully resolved. */
export interface SettingsProfile {
  /** Dotted module name. */
  module: string;
  /** Path of the module file. */
  file: string;
  /** Files that contributed, in resolution order (base first). */
  files: string[];
  /** Where the module was named. */
  sources: SettingsSource[];
  /**
   * Something the resolver could not follow can change any setting (a star import of a module
   * outside the project, `exec`, `globals().update`, an unresolved split-settings include):
   * rules must not conclude that a setting is absent.
   */
  opaque: boolean;
  opaqueReasons: string[];
  get(name: string): ResolvedSetting | undefined;
  /** UPPER_CASE names assigned (settings), in first-assignment order. */
  names(): string[];
}

export interface SettingsModel {
  /** Settings module files, in resolution order (base first), over all profiles. */
  files: string[];
  /** The settings of the primary profile. */
  get(name: string): ResolvedSetting | undefined;
  names(): string[];
  /** Every settings module the deployment may load; the first is the primary one. */
  profiles: SettingsProfile[];
}

export function emptySettings(): SettingsModel {
  return { files: [], get: () => undefined, names: () => [], profiles: [] };
}

/** Truthiness of a resolved value as Python sees it; undefined when unknown. */
export function pyTruthy(v: PyValue | undefined): boolean | undefined {
  if (v === undefined || isUnknown(v)) return undefined;
  if (v === null) return false;
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v !== 0;
  if (typeof v === 'string') return v.length > 0;
  if (Array.isArray(v)) return v.length > 0;
  return Object.keys(v).length > 0;
}

/** String elements of a list/tuple setting, or of a list of its items (unknown elements skipped). */
export function stringItems(s: ResolvedSetting | SValue | SValue[] | undefined): string[] {
  if (!s) return [];
  const items = Array.isArray(s) ? s : ('tree' in s ? s.tree : s).items;
  if (!items) return [];
  return items.map((i) => i.value).filter((v): v is string => typeof v === 'string');
}

/** The entry of a dict value by key. */
export function entry(v: SValue | undefined, key: string): SValue | undefined {
  return v?.entries?.find((e) => e.key === key)?.value;
}
