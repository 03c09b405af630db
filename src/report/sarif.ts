// `--format sarif`: SARIF 2.1.0 as GitHub code scanning accepts it. One run; the driver's rules are
// generated from the rule metas (the same text as docs/rules/<id>.md), results carry
// `partialFingerprints`, suppressed findings are kept with a `suppressions` entry (GitHub shows them
// as dismissed), and inputs that could not be analysed become tool execution notifications.

import { sha256 } from '../core/hash.js';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { RuleMeta } from '../core/rule.js';
import type { Finding, Report, Severity } from '../core/types.js';
import { allRules } from '../rules/index.js';
import { DOCS_BASE, VERSION } from '../version.js';
import type { RenderOptions } from './options.js';
import { cweNumber, helpUri, pascalCase, problemSeverity, rulesById, sarifLevel, SECURITY_SEVERITY } from './catalogue.js';

export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';
export const FINGERPRINT_KEY = 'mtlsAudit/v1';
export const SRCROOT = '%SRCROOT%';

/** The project's home page, derived from the docs base (`…/blob/main/docs/rules`). */
export const INFORMATION_URI = DOCS_BASE.replace(/\/blob\/.*$/, '');

type Json = Record<string, unknown>;

function sentence(s: string): string {
  const t = s.replace(/\s+$/, '');
  if (!t) return t;
  return /[.!?:)\]`'"]$/.test(t) ? t : `${t}.`;
}

function cweTags(cwe: string[]): string[] {
  const tags: string[] = [];
  for (const c of cwe) {
    const n = cweNumber(c);
    if (!n) continue;
    tags.push(`external/cwe/cwe-${n}`, `CWE-${n}`);
  }
  return tags;
}

function ruleProperties(severity: Severity, cwe: string[], layer?: string): Json {
  const tags = ['security', ...cweTags(cwe)];
  if (layer) tags.push(`mtls-audit/${layer}`);
  return {
    tags: [...new Set(tags)],
    'security-severity': SECURITY_SEVERITY[severity],
    precision: 'high',
    'problem.severity': problemSeverity(severity),
  };
}

function helpMarkdown(m: RuleMeta): string {
  const parts = [m.docs.summary.trim(), '', `**Why it is exploitable.** ${m.docs.whyBad.trim()}`, '', `**How to fix.** ${m.fix.trim()}`];
  if (m.docs.example) {
    const lang = m.docs.example.lang === 'text' ? '' : m.docs.example.lang;
    parts.push('', 'Flagged:', '', '```' + lang, m.docs.example.bad.trim(), '```');
    if (m.docs.example.good) parts.push('', 'Fixed:', '', '```' + lang, m.docs.example.good.trim(), '```');
  }
  parts.push('', `[Rule documentation](${helpUri(m.id)})`);
  return parts.join('\n');
}

/** A SARIF reportingDescriptor for a registered rule. */
export function sarifRule(m: RuleMeta): Json {
  const name = pascalCase(m.id);
  return {
    id: m.id,
    ...(name.toLowerCase() !== m.id.toLowerCase() ? { name } : {}),
    shortDescription: { text: sentence(m.docs.summary.replace(/\s+/g, ' ').trim()) },
    fullDescription: { text: sentence(`${sentence(m.docs.summary.trim())} ${m.docs.whyBad.trim()}`.replace(/\s+/g, ' ')) },
    help: { text: `${sentence(m.docs.whyBad.trim())}\n\nHow to fix: ${sentence(m.fix.trim())}`, markdown: helpMarkdown(m) },
    helpUri: helpUri(m.id),
    defaultConfiguration: { level: sarifLevel(m.severity) },
    properties: { ...ruleProperties(m.severity, m.cwe, m.layer), name: m.name },
  };
}

/** A minimal descriptor for a finding whose rule is not in the registry. */
function fallbackRule(f: Finding): Json {
  const rule: Json = {
    id: f.ruleId,
    shortDescription: { text: sentence(f.ruleId) },
    fullDescription: { text: sentence(`${f.ruleId}: ${f.cwe.join(', ') || 'no CWE'}`) },
    help: { text: sentence(f.remediation?.trim() || f.message.trim() || f.ruleId) },
    helpUri: `${DOCS_BASE}/README.md`,
    defaultConfiguration: { level: sarifLevel(f.severity) },
    properties: ruleProperties(f.severity, f.cwe, f.layer),
  };
  // SARIF1001: a name identical to the id (ignoring case) must be omitted.
  const name = pascalCase(f.ruleId);
  if (name && name.toLowerCase() !== f.ruleId.toLowerCase()) return { id: rule.id, name, ...rule };
  return rule;
}

function isUrl(s: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(s);
}

function relUri(file: string): string {
  // Already relative to the scanned root; normalise separators and percent-encode what a URI needs.
  const p = file.replace(/\\/g, '/').replace(/^\.\//, '');
  return p
    .split('/')
    .map((seg) => encodeURIComponent(seg))
    .join('/');
}

function artifactLocation(file: string): Json {
  if (isUrl(file)) return { uri: file };
  return { uri: relUri(file), uriBaseId: SRCROOT };
}

function region(loc: { line?: number; column?: number; endLine?: number; endColumn?: number }): Json | undefined {
  if (!loc.line || loc.line < 1) return undefined;
  const r: Json = { startLine: loc.line };
  if (loc.column && loc.column >= 1) r.startColumn = loc.column;
  if (loc.endLine && loc.endLine >= loc.line) r.endLine = loc.endLine;
  if (loc.endColumn && loc.endColumn >= 1 && loc.column) {
    const endLine = (r.endLine as number | undefined) ?? loc.line;
    // SARIF: endColumn is exclusive and must not precede startColumn on the same line.
    if (endLine > loc.line || loc.endColumn > loc.column) r.endColumn = loc.endColumn;
  }
  return r;
}

function probeFingerprint(f: Finding): string {
  const base = `${f.ruleId}\u0000${f.location.file ?? f.location.url ?? ''}\u0000${f.location.case ?? ''}\u0000${f.location.line ?? ''}`;
  return sha256(base, 'hex').slice(0, 32);
}

/**
 * Where a result is shown. GitHub rejects a result without a physical location, so a finding that
 * names no file or URL is placed on its first related file, else on the report's target (the
 * probed URL, or the scanned root itself).
 */
function physicalLocation(f: Finding, report: Report): Json {
  const loc = f.location;
  if (loc.file) {
    // A file finding without a line concerns the whole file: SARIF's whole-artifact form starts at line 1.
    return { artifactLocation: artifactLocation(loc.file), region: region(loc) ?? { startLine: 1 } };
  }
  // A URL has no lines: the finding concerns the whole response, which SARIF expresses as a
  // whole-artifact region starting at line 1 (validators warn on a location with no region).
  if (loc.url) return { artifactLocation: { uri: loc.url }, region: { startLine: 1 } };
  const rel = f.related?.find((r) => r.file);
  if (rel?.file) {
    const p: Json = { artifactLocation: artifactLocation(rel.file) };
    const r = region({ line: rel.line, column: rel.column });
    if (r) p.region = r;
    return p;
  }
  if (report.kind === 'probe' && isUrl(report.target)) return { artifactLocation: { uri: report.target }, region: { startLine: 1 } };
  return { artifactLocation: { uri: './', uriBaseId: SRCROOT } };
}

function result(f: Finding, ruleIndex: number, report: Report): Json {
  const res: Json = {
    ruleId: f.ruleId,
    ruleIndex,
    level: sarifLevel(f.severity),
    kind: 'fail',
    message: { text: sentence(f.message.trim() || f.ruleId) },
  };
  res.locations = [{ physicalLocation: physicalLocation(f, report) }];
  if (f.related?.length) {
    res.relatedLocations = f.related.map((r, i) => {
      const loc: Json = { id: i + 1, message: { text: sentence(r.message.trim() || 'related location') } };
      if (r.file) {
        const p: Json = { artifactLocation: artifactLocation(r.file) };
        const reg = region({ line: r.line, column: r.column });
        if (reg) p.region = reg;
        loc.physicalLocation = p;
      }
      return loc;
    });
  }
  const fp = f.fingerprint ?? probeFingerprint(f);
  res.partialFingerprints = { [FINGERPRINT_KEY]: fp };
  res.fingerprints = { [FINGERPRINT_KEY]: fp };
  if (f.suppression) {
    const s: Json = { kind: f.suppression.kind, status: 'accepted' };
    if (f.suppression.justification) s.justification = f.suppression.justification;
    res.suppressions = [s];
  }
  const props: Json = { severity: f.severity, cwe: [...f.cwe] };
  if (f.location.case) props.case = f.location.case;
  if (f.location.url && f.location.file) props.url = f.location.url;
  if (f.remediation) props.remediation = f.remediation;
  if (f.evidence) props.evidence = f.evidence;
  res.properties = props;
  return res;
}

/** The primary meta for an id: the one of the report's own layer kind when the id has several. */
function pickMeta(metas: RuleMeta[], kind: Report['kind']): RuleMeta {
  const wantProbe = kind === 'probe';
  return metas.find((m) => (m.layer === 'probe') === wantProbe) ?? metas[0];
}

export function buildSarif(report: Report, opts: RenderOptions = {}): Json {
  const registry = rulesById(allRules);
  const all = [...report.findings, ...(report.suppressed ?? [])];

  // Rules: every registered rule of the report's kind (scan layers or probe), then any rule id
  // that appears in the results, in first-seen order; unknown ids get a minimal descriptor.
  const rules: Json[] = [];
  const index = new Map<string, number>();
  const add = (id: string, make: () => Json) => {
    if (index.has(id)) return;
    index.set(id, rules.length);
    rules.push(make());
  };
  for (const [id, metas] of registry) {
    const ofKind = metas.filter((m) => (m.layer === 'probe') === (report.kind === 'probe'));
    if (ofKind.length) add(id, () => sarifRule(ofKind[0]));
  }
  for (const f of all) {
    const metas = registry.get(f.ruleId);
    add(f.ruleId, () => (metas ? sarifRule(pickMeta(metas, report.kind)) : fallbackRule(f)));
  }

  const results = all.map((f) => result(f, index.get(f.ruleId)!, report));

  const notifications: Json[] = report.errors.map((e) => {
    const n: Json = { level: 'warning', message: { text: sentence(e.message.trim() || 'input could not be analysed') } };
    if (e.file) n.locations = [{ physicalLocation: { artifactLocation: artifactLocation(e.file) } }];
    return n;
  });
  for (const note of report.notes ?? []) {
    if (note.status === 'passed') continue;
    notifications.push({
      level: note.status === 'inconclusive' ? 'warning' : 'note',
      message: { text: sentence(`${note.case}: ${note.status}: ${note.reason}`) },
    });
  }
  const invocation: Json = { executionSuccessful: true };
  if (notifications.length) invocation.toolExecutionNotifications = notifications;

  const run: Json = {
    tool: {
      driver: {
        name: 'mtls-audit',
        fullName: `mtls-audit ${VERSION}`,
        version: VERSION,
        semanticVersion: VERSION,
        informationUri: INFORMATION_URI,
        rules,
      },
    },
    invocations: [invocation],
  };
  if (report.kind === 'scan') {
    const root = resolve(opts.root ?? report.target);
    let uri = pathToFileURL(root).href;
    if (!uri.endsWith('/')) uri += '/';
    run.originalUriBaseIds = { [SRCROOT]: { uri } };
  }
  run.results = results;
  run.columnKind = 'utf16CodeUnits';
  run.properties = { kind: report.kind, target: report.target };
  return { $schema: SARIF_SCHEMA, version: '2.1.0', runs: [run] };
}

export function renderSarif(report: Report, opts: RenderOptions = {}): string {
  return JSON.stringify(buildSarif(report, opts), null, 2) + '\n';
}
