import type { Report } from '../core/types.js';
import type { RenderOptions } from './index.js';

export function renderSarif(report: Report, _opts: RenderOptions = {}): string {
  return JSON.stringify({ version: '2.1.0', runs: [{ tool: { driver: { name: 'mtls-audit', rules: [] } }, results: report.findings }] }, null, 2);
}
