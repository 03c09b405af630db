// `mtls-audit rules`: the catalogue, generated from the rule metas.

import type { AnyRule } from '../core/rule.js';

export function renderRulesCatalogue(rules: AnyRule[], format: string): string {
  if (format === 'json') {
    return JSON.stringify(rules.map((r) => ({ id: r.meta.id, layer: r.meta.layer, name: r.meta.name, cwe: r.meta.cwe, severity: r.meta.severity, summary: r.meta.docs.summary, fix: r.meta.fix })), null, 2) + '\n';
  }
  const lines: string[] = [];
  for (const layer of ['code', 'settings', 'deploy', 'probe'] as const) {
    const rs = rules.filter((r) => r.meta.layer === layer);
    if (!rs.length) continue;
    lines.push(`${layer}:`);
    for (const r of rs) lines.push(`  ${r.meta.id.padEnd(34)} ${r.meta.severity.padEnd(8)} ${r.meta.cwe.join(',').padEnd(18)} ${r.meta.docs.summary}`);
  }
  return lines.join('\n') + '\n';
}
