// `--format json`: the Report as specified by docs/contracts/report.schema.json (the shared
// contract, copied into the repository); the tests validate real and synthetic reports against it.
// Key order is fixed so the output diffs cleanly; internal fields (messageId) are dropped.

import type { Finding, Report } from '../core/types.js';

function clean(f: Finding): Finding {
  const out: Finding = {
    ruleId: f.ruleId,
    severity: f.severity,
    cwe: [...f.cwe],
    message: f.message,
    location: { ...f.location },
  };
  if (f.related?.length) out.related = f.related.map((r) => ({ ...r }));
  if (f.evidence !== undefined) out.evidence = f.evidence;
  if (f.remediation !== undefined) out.remediation = f.remediation;
  if (f.fingerprint !== undefined) out.fingerprint = f.fingerprint;
  if (f.suppression) out.suppression = { ...f.suppression };
  if (f.layer) out.layer = f.layer;
  return out;
}

export function reportToJson(report: Report): Record<string, unknown> {
  const out: Record<string, unknown> = {
    tool: { name: report.tool.name, version: report.tool.version },
    kind: report.kind,
    target: report.target,
    findings: report.findings.map(clean),
    suppressed: (report.suppressed ?? []).map(clean),
    errors: report.errors.map((e) => ({ ...e })),
  };
  if (report.notes) out.notes = report.notes.map((n) => ({ ...n }));
  // Fields added to Report later (e.g. identityFlows) are kept, in their own order, before stats.
  const known = new Set(['tool', 'kind', 'target', 'findings', 'suppressed', 'errors', 'notes', 'stats']);
  for (const [k, v] of Object.entries(report)) if (!known.has(k) && v !== undefined) out[k] = v;
  out.stats = { ...report.stats };
  return out;
}

export function renderJson(report: Report): string {
  return JSON.stringify(reportToJson(report), null, 2) + '\n';
}
