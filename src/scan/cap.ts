// The findings budget: at most MAX_FINDINGS_PER_RULE_AND_FILE distinct locations per rule and file
// are kept, so a generated or hostile file with 100,000 flagged lines costs neither memory nor a
// report nobody can read. The rest is counted and summarised in `errors`, and the verdict never gets
// better: when a left-out finding is more severe than every kept one of its group, it is kept too.

import type { Finding, InputError } from '../core/types.js';
import { severityRank } from '../core/types.js';

export const MAX_FINDINGS_PER_RULE_AND_FILE = 100;
/**
 * While rules run, a much larger bound holds memory (before inline suppressions and the baseline
 * are known); the listing bound above is applied to what is left after them, so suppressing the
 * first hundred findings of a file never hides the rest.
 */
export const MAX_FINDINGS_HELD_PER_RULE_AND_FILE = 10_000;

interface Group {
  ruleId: string;
  file: string | undefined;
  locations: Set<string>;
  keptWorst: number;
  dropped: number;
  worstDropped: Finding | null;
}

export class FindingCap {
  private readonly groups = new Map<string, Group>();

  constructor(private readonly limit = MAX_FINDINGS_PER_RULE_AND_FILE) {}

  /** True when the finding is to be kept (a new location within the budget, or one already kept). */
  admit(f: Finding): boolean {
    const file = f.location.file ?? f.location.url;
    const key = `${f.ruleId}\u0000${file ?? ''}`;
    let g = this.groups.get(key);
    if (!g) this.groups.set(key, (g = { ruleId: f.ruleId, file, locations: new Set(), keptWorst: -1, dropped: 0, worstDropped: null }));
    const at = `${f.location.line ?? 0}:${f.location.column ?? 0}:${f.location.case ?? ''}`;
    if (g.locations.has(at)) return true;
    if (g.locations.size < this.limit) {
      g.locations.add(at);
      g.keptWorst = Math.max(g.keptWorst, severityRank(f.severity));
      return true;
    }
    g.dropped++;
    if (!g.worstDropped || severityRank(f.severity) > severityRank(g.worstDropped.severity)) g.worstDropped = f;
    return false;
  }

  /** Findings kept after all (more severe than anything kept in their group) and one error line per capped group. */
  finish(): { extra: Finding[]; errors: InputError[] } {
    const extra: Finding[] = [];
    const errors: InputError[] = [];
    for (const g of this.groups.values()) {
      if (!g.dropped) continue;
      let left = g.dropped;
      if (g.worstDropped && severityRank(g.worstDropped.severity) > g.keptWorst) {
        extra.push(g.worstDropped);
        left--;
      }
      if (left > 0) {
        errors.push({
          ...(g.file ? { file: g.file } : {}),
          message: `${left} more ${g.ruleId} finding${left === 1 ? '' : 's'} not listed: at most ${this.limit} per rule and file are reported (the most severe is always kept)`,
        });
      }
    }
    return { extra, errors };
  }
}
