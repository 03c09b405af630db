// `--format json`: the Report as specified by ../shared/contracts/report.schema.json.

import type { Finding, Report } from '../core/types.js';

function clean(f: Finding): Finding {
  const { messageId: _m, ...rest } = f;
  return rest;
}

export function renderJson(report: Report): string {
  const out = {
    ...report,
    findings: report.findings.map(clean),
    suppressed: (report.suppressed ?? []).map(clean),
  };
  return JSON.stringify(out, null, 2) + '\n';
}
