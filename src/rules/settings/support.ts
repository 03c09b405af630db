// Helpers shared by the settings-layer rules (not a rule itself).

import type { SettingSite, SValue } from '../../settings/model.js';
import type { UrlSite } from '../../urls/model.js';

export function at(s: SettingSite | UrlSite): { file: string; line: number; column: number; endLine?: number; endColumn?: number } {
  const out: { file: string; line: number; column: number; endLine?: number; endColumn?: number } = { file: s.file, line: s.line, column: s.column };
  if (s.endLine !== undefined) out.endLine = s.endLine;
  if (s.endColumn !== undefined) out.endColumn = s.endColumn;
  return out;
}

/** " (the default of `X`; the environment may override it)" for environment-dependent values. */
export function envNote(v: { envDependent?: boolean; env?: string } | undefined): string {
  if (!v?.envDependent) return '';
  return v.env ? ` (the default of environment variable \`${v.env}\`; the deployed value may differ)` : ' (depends on the environment; this is the default)';
}

/** 2592000 → "30 days", 43200 → "12 hours". */
export function duration(seconds: number): string {
  const units: [number, string][] = [
    [365 * 86400, 'year'],
    [7 * 86400, 'week'],
    [86400, 'day'],
    [3600, 'hour'],
    [60, 'minute'],
  ];
  for (const [n, name] of units) {
    if (seconds >= n && seconds % n === 0) {
      const k = seconds / n;
      return `${k} ${name}${k === 1 ? '' : 's'}`;
    }
  }
  if (seconds >= 86400) return `${(seconds / 86400).toFixed(1)} days`;
  if (seconds >= 3600) return `${(seconds / 3600).toFixed(1)} hours`;
  return `${seconds} seconds`;
}

/** Dedupes reports across settings profiles / routes by a key. */
export function once(): (key: string) => boolean {
  const seen = new Set<string>();
  return (key) => {
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  };
}

export function siteKey(s: { file: string; line: number; column?: number }): string {
  return `${s.file}:${s.line}:${s.column ?? 0}`;
}

export type { SValue };
