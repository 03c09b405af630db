// Reporters: every format renders the same Report.

import type { Report } from '../core/types.js';
import { renderJson } from './json.js';
import { renderText } from './text.js';
import { renderSarif } from './sarif.js';
import { renderHtml } from './html.js';

export type { Format, RenderOptions } from './options.js';
import type { Format, RenderOptions } from './options.js';

export function renderReport(report: Report, format: Format, opts: RenderOptions = {}): string {
  switch (format) {
    case 'json':
      return renderJson(report);
    case 'sarif':
      return renderSarif(report, opts);
    case 'html':
      return renderHtml(report, opts);
    default:
      return renderText(report, opts);
  }
}
