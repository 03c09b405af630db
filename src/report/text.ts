// `--format text`: findings grouped by file with a code frame (placeholder until the full reporter).

import type { Report } from '../core/types.js';
import type { RenderOptions } from './index.js';

export function renderText(report: Report, _opts: RenderOptions = {}): string {
  const lines: string[] = [];
  for (const f of report.findings) {
    lines.push(`${f.location.file ?? f.location.url}:${f.location.line ?? ''} ${f.severity} ${f.ruleId} ${f.message}`);
  }
  lines.push(`${report.findings.length} finding(s)`);
  return lines.join('\n') + '\n';
}
