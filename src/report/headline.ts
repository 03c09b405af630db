// The one-line verdict shown when a report has no finding. A probe with no finding is "clean" only
// when at least one case was judged: if every case was inconclusive or not run (a server that
// answers nothing usable), the headline says that nothing was proven, never that all was refused.

import type { Report } from '../core/types.js';

export function noFindingHeadline(report: Report): { text: string; clean: boolean } {
  if (report.kind !== 'probe') return { text: 'No findings.', clean: true };
  const notes = report.notes ?? [];
  if (notes.length && !notes.some((n) => n.status === 'passed')) {
    return { text: 'No finding, but no case could be judged: nothing is proven either way (see the cases below).', clean: false };
  }
  return { text: 'No finding: every case that ran was refused.', clean: true };
}
