// Configuration (`--config FILE`, or .mtls-audit.yml / .mtls-audit.json at the scanned root).
// First version: no config; issue 7 adds the schema-validated loader.

import type { RuleOptions } from '../core/rule.js';
import type { Severity } from '../core/types.js';

export interface Config {
  exclude?: string[];
  includeTests?: boolean;
  disabled?: string[];
  severity?: Record<string, Severity>;
  ruleOptions?: Partial<RuleOptions>;
  failOn?: Severity;
}

export function loadConfig(_root: string, _file?: string): Config {
  return {};
}
