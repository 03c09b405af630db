// The rule contract (ESLint-style): a rule is one module exporting `defineRule({ meta, check })`.
// `meta` is the single source of truth for the catalogue (`mtls-audit rules`), docs/rules/<id>.md
// and the SARIF rule metadata. `check` queries the shared ProjectModel and reports through `ctx`.

import type { DiagramPlace } from './identity-flow.js';
import type { Finding, Layer, Location, RelatedLocation, Severity } from './types.js';
import type { ProjectModel } from '../model/project.js';

export interface RuleDocs {
  /** One sentence: what the rule reports. */
  summary: string;
  /** Why an attacker can exploit it. */
  whyBad: string;
  /** What the rule deliberately does not report. */
  notReported?: string;
  /** A minimal example that the rule flags, and the fixed version (checked by tests). */
  example?: { lang: 'python' | 'nginx' | 'haproxy' | 'yaml' | 'text'; bad: string; good?: string };
  references?: string[];
}

export interface RuleMeta<M extends string = string> {
  id: string;
  layer: Layer;
  /** Short human title. */
  name: string;
  cwe: string[];
  severity: Severity;
  docs: RuleDocs;
  /** How to fix it: concrete, copy-pasteable where possible. */
  fix: string;
  /** Message templates with {{placeholders}}. */
  messages: Record<M, string>;
  /** Its place in the identity-flow picture (which link or check its findings break), if any. */
  diagram?: DiagramPlace;
  /**
   * The thresholds it reads from `ctx.options`, each written here once: the config schema, its
   * defaults and docs/config.schema.json are generated from these (rules/index.ts).
   */
  options?: Partial<Record<keyof RuleOptions, RuleOptionSpec>>;
}

/** One threshold a rule reads: an integer in [minimum, maximum], `default` when not configured. */
export interface RuleOptionSpec {
  description: string;
  default: number;
  minimum: number;
  maximum: number;
}

export interface ReportDescriptor<M extends string> {
  messageId: M;
  data?: Record<string, string | number>;
  /** Where the finding points (RULES.md "Where a finding points"). */
  at: Location & { file: string; line: number };
  related?: RelatedLocation[];
  /** Code excerpt or directive text; the engine fills in the source line when absent. */
  evidence?: string;
  /** Extra remediation text specific to this site (appended to meta.fix). */
  remediation?: string;
  /** Stable anchor for the fingerprint (e.g. the header key); defaults to the evidence text. */
  anchor?: string;
}

export interface RuleContext<M extends string = string> {
  model: ProjectModel;
  options: RuleOptions;
  report(d: ReportDescriptor<M>): void;
}

/** Options rules read; set through `--config`. Each is declared, with its default, in the `meta.options` of the rule that reads it. */
export interface RuleOptions {
  /** session-expiry-long: maximum SESSION_COOKIE_AGE in seconds. */
  maxSessionAgeSeconds: number;
  /** password-validators-weak: minimum MinimumLengthValidator length. */
  minPasswordLength: number;
  /** password-reset-weak: maximum PASSWORD_RESET_TIMEOUT in seconds. */
  maxPasswordResetSeconds: number;
}

export interface ScanRule<M extends string = string> {
  meta: RuleMeta<M>;
  check(ctx: RuleContext<M>): void;
}

/** Probe rules carry metadata only: the probe plugins report under their ids. */
export interface ProbeRule<M extends string = string> {
  meta: RuleMeta<M>;
}

export type AnyRule = ScanRule<string> | ProbeRule<string>;

export function defineRule<M extends string>(rule: ScanRule<M>): ScanRule<M> {
  return rule;
}

export function defineProbeRule<M extends string>(meta: RuleMeta<M>): ProbeRule<M> {
  return { meta };
}

export function isScanRule(r: AnyRule): r is ScanRule<string> {
  return typeof (r as ScanRule).check === 'function';
}

/** Substitutes {{name}} placeholders; throws on a missing one so tests catch typos. */
export function formatMessage(template: string, data: Record<string, string | number> = {}): string {
  return template.replace(/\{\{\s*(\w+)\s*\}\}/g, (_m, key: string) => {
    if (!(key in data)) throw new Error(`message placeholder {{${key}}} has no value`);
    return String(data[key]);
  });
}

export function findingFromReport<M extends string>(meta: RuleMeta<M>, d: ReportDescriptor<M>): Finding {
  const template = meta.messages[d.messageId];
  if (template === undefined) throw new Error(`rule ${meta.id}: unknown messageId ${d.messageId}`);
  const f: Finding = {
    ruleId: meta.id,
    severity: meta.severity,
    cwe: [...meta.cwe],
    message: formatMessage(template, d.data),
    location: { ...d.at },
    layer: meta.layer,
    messageId: d.messageId,
    remediation: d.remediation ? `${d.remediation} ${meta.fix}` : meta.fix,
  };
  if (d.related && d.related.length) f.related = d.related;
  if (d.evidence) f.evidence = d.evidence;
  return f;
}
