// The rule registry: every rule of RULES.md, by layer. The catalogue (`mtls-audit rules`),
// docs/rules/<id>.md and SARIF rule metadata are generated from these metas.

import type { AnyRule, RuleOptions, RuleOptionSpec, ScanRule } from '../core/rule.js';
import type { DiagramPlace } from '../core/identity-flow.js';
import { isScanRule } from '../core/rule.js';
import { codeRules } from './code/index.js';
import { settingsRules } from './settings/index.js';
import { deployRules } from './deploy/index.js';
import { probeRules } from './probe/index.js';

export const allRules: AnyRule[] = [...codeRules, ...settingsRules, ...deployRules, ...probeRules];

/**
 * The registry by id. An id names one rule per layer (RULES.md has `login-not-throttled` both as a
 * settings rule and as a probe rule); a second rule with a layer and id already taken is a
 * programming error. By id alone, the first registered wins (the static one).
 */
const BY_ID = new Map<string, AnyRule>();
const BY_LAYER_ID = new Set<string>();
for (const r of allRules) {
  const key = `${r.meta.layer}:${r.meta.id}`;
  if (BY_LAYER_ID.has(key)) throw new Error(`rule ${key} registered twice`);
  BY_LAYER_ID.add(key);
  if (!BY_ID.has(r.meta.id)) BY_ID.set(r.meta.id, r);
}

/** Every threshold rules declare (`meta.options`), with the id of the rule that declares it. */
export function ruleOptionSpecs(): Map<keyof RuleOptions, RuleOptionSpec & { rule: string }> {
  const out = new Map<keyof RuleOptions, RuleOptionSpec & { rule: string }>();
  for (const r of allRules) {
    for (const [k, spec] of Object.entries(r.meta.options ?? {}) as [keyof RuleOptions, RuleOptionSpec][]) {
      if (out.has(k)) throw new Error(`option ${k} declared by ${out.get(k)!.rule} and ${r.meta.id}`);
      out.set(k, { ...spec, rule: r.meta.id });
    }
  }
  return out;
}

/** The thresholds' defaults, from the rules' metas. */
export const DEFAULT_RULE_OPTIONS: RuleOptions = Object.fromEntries([...ruleOptionSpecs()].map(([k, spec]) => [k, spec.default])) as unknown as RuleOptions;

export const scanRules: ScanRule<string>[] = allRules.filter(isScanRule);

export function ruleById(id: string): AnyRule | undefined {
  return BY_ID.get(id);
}

/** A rule's place in the identity-flow picture (its `meta.diagram`), by id. */
export function diagramOf(id: string): DiagramPlace | undefined {
  return ruleById(id)?.meta.diagram;
}
