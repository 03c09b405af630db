// Grouping and ordering shared by the human-facing reporters (text, html).

import type { Finding } from '../core/types.js';
import { severityRank } from '../core/types.js';

/** Findings are grouped by file (scan) or URL (probe). */
export function groupKey(f: Finding): string {
  return f.location.file ?? f.location.url ?? '';
}

/** Order inside a group: position, then worst first, then rule, case and message (deterministic). */
export function compareInGroup(a: Finding, b: Finding): number {
  return (
    (a.location.line ?? 0) - (b.location.line ?? 0) ||
    (a.location.column ?? 0) - (b.location.column ?? 0) ||
    severityRank(b.severity) - severityRank(a.severity) ||
    a.ruleId.localeCompare(b.ruleId) ||
    (a.location.case ?? '').localeCompare(b.location.case ?? '') ||
    a.message.localeCompare(b.message)
  );
}

/** Findings grouped by file/URL: groups in path order (no location last), each sorted by compareInGroup. */
export function groupFindings(findings: Finding[]): [string, Finding[]][] {
  const groups = new Map<string, Finding[]>();
  for (const f of findings) {
    const k = groupKey(f);
    const g = groups.get(k);
    if (g) g.push(f);
    else groups.set(k, [f]);
  }
  const keys = [...groups.keys()].sort((a, b) => (a === '' ? 1 : b === '' ? -1 : a < b ? -1 : a > b ? 1 : 0));
  return keys.map((k) => [k, groups.get(k)!.slice().sort(compareInGroup)]);
}
