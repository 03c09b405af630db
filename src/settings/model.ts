// Django settings, resolved without executing code. The resolver (src/settings/resolve.ts) finds
// the settings module(s), follows `from .base import *` chains and later overrides, and evaluates
// literal expressions; rules read the result through this interface.

import type { PyNode } from '../python/parser.js';

export type PyValue =
  | string
  | number
  | boolean
  | null
  | PyValue[]
  | { [key: string]: PyValue }
  | { unknown: string };

export function isUnknown(v: PyValue | undefined): v is { unknown: string } {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && typeof (v as { unknown?: unknown }).unknown === 'string' && Object.keys(v).length === 1;
}

export interface SettingSite {
  file: string;
  line: number;
  column: number;
  node?: PyNode;
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
}

export interface SettingsModel {
  /** Settings module files, in resolution order (base first). */
  files: string[];
  get(name: string): ResolvedSetting | undefined;
  names(): string[];
}

export function emptySettings(): SettingsModel {
  return { files: [], get: () => undefined, names: () => [] };
}
