// The rule registry: every rule of RULES.md, by layer. The catalogue (`mtls-audit rules`),
// docs/rules/<id>.md and SARIF rule metadata are generated from these metas.

import type { AnyRule, ScanRule } from '../core/rule.js';
import type { DiagramPlace } from '../core/identity-flow.js';
import { isScanRule } from '../core/rule.js';
import { codeRules } from './code/index.js';
import { settingsRules } from './settings/index.js';
import { deployRules } from './deploy/index.js';
import { probeRules } from './probe/index.js';

export const allRules: AnyRule[] = [...codeRules, ...settingsRules, ...deployRules, ...probeRules];

export const scanRules: ScanRule<string>[] = allRules.filter(isScanRule);

export function ruleById(id: string): AnyRule | undefined {
  return allRules.find((r) => r.meta.id === id);
}

/** A rule's place in the identity-flow picture (its `meta.diagram`), by id. */
export function diagramOf(id: string): DiagramPlace | undefined {
  return ruleById(id)?.meta.diagram;
}
