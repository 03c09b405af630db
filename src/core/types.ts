// Shared data types: every layer (parsers, model, rules, probe, reporters) speaks these.
// The JSON report (`docs/contracts/report.schema.json`) is a direct serialisation of `Report`.

export type Severity = 'critical' | 'high' | 'medium' | 'low';
export const SEVERITIES: readonly Severity[] = ['critical', 'high', 'medium', 'low'];

/** Higher is worse. */
export function severityRank(s: Severity): number {
  return { low: 1, medium: 2, high: 3, critical: 4 }[s];
}

/** Where a rule looks: Django code, Django settings, deployment configs, or a live target. */
export type Layer = 'code' | 'settings' | 'deploy' | 'probe';

export interface Location {
  /** Path relative to the scanned root, forward slashes. */
  file?: string;
  /** 1-based. */
  line?: number;
  /** 1-based. */
  column?: number;
  endLine?: number;
  endColumn?: number;
  /** Probe findings: the URL that was attacked. */
  url?: string;
  /** Probe findings: the attack case. */
  case?: string;
}

export interface RelatedLocation {
  file?: string;
  line?: number;
  column?: number;
  message: string;
}

export interface Suppression {
  kind: 'inSource' | 'external';
  justification?: string;
}

export interface Finding {
  ruleId: string;
  severity: Severity;
  cwe: string[];
  message: string;
  location: Location;
  related?: RelatedLocation[];
  evidence?: string;
  remediation?: string;
  fingerprint?: string;
  /** Set when an inline `# mtls-audit: ignore[...]` or a baseline hides the finding. */
  suppression?: Suppression;
  layer?: Layer;
  /** The message id inside the rule (for tests and tooling). */
  messageId?: string;
}

export interface InputError {
  file?: string;
  message: string;
}

export interface ReportStats {
  durationMs: number;
  filesScanned?: number;
  bytesScanned?: number;
  filesParsed?: number;
  requestsSent?: number;
  suppressed?: number;
}

export interface Report {
  tool: { name: 'mtls-audit'; version: string };
  kind: 'scan' | 'probe';
  target: string;
  findings: Finding[];
  /** Findings hidden by an inline suppression or a baseline; kept for SARIF and audits. */
  suppressed?: Finding[];
  errors: InputError[];
  stats: ReportStats;
  /** Probe only: cases that could not be judged or were not run, with the reason. */
  notes?: { case: string; status: 'inconclusive' | 'not-run' | 'passed'; reason: string }[];
  /** Scan only: the path a client identity takes per proxy route, with the links findings break (drawn by `--format html`). */
  identityFlows?: import('./identity-flow.js').IdentityFlow[];
}
