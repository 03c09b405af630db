import type { Report } from '../core/types.js';
import type { RenderOptions } from './index.js';
import { UsageError } from '../core/errors.js';

export function renderHtml(_report: Report, _opts: RenderOptions = {}): string {
  throw new UsageError('--format html is not available yet');
}
