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
