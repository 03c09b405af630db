// The rule catalogue, generated from the rule metas: `mtls-audit rules` (text, json, markdown),
// docs/rules/<id>.md and docs/rules/README.md (scripts/gen-docs.ts), and the helpers the SARIF
// reporter shares with them (CWE links, severity scores, one entry per rule id).
//
// Everything here is a pure function of the metas, so a test can regenerate the docs in memory and
// compare them with the files in the repository.

import type { AnyRule, RuleMeta } from '../core/rule.js';
import type { Layer, Severity } from '../core/types.js';
import { DOCS_BASE } from '../version.js';

export const LAYERS: readonly Layer[] = ['code', 'settings', 'deploy', 'probe'];

export const LAYER_TITLES: Record<Layer, string> = {
  code: 'Code rules (Django Python source)',
  settings: 'Settings and authentication-surface rules',
  deploy: 'Deployment rules (reverse proxy, app server, containers, ingress)',
  probe: 'Probe rules (live target)',
};

/** Names of the CWEs the catalogue uses (cwe.mitre.org); others are shown by number only. */
export const CWE_NAMES: Record<string, string> = {
  'CWE-20': 'Improper Input Validation',
  'CWE-287': 'Improper Authentication',
  'CWE-290': 'Authentication Bypass by Spoofing',
  'CWE-295': 'Improper Certificate Validation',
  'CWE-296': "Improper Following of a Certificate's Chain of Trust",
  'CWE-297': 'Improper Validation of Certificate with Host Mismatch',
  'CWE-298': 'Improper Validation of Certificate Expiration',
  'CWE-299': 'Improper Check for Certificate Revocation',
  'CWE-306': 'Missing Authentication for Critical Function',
  'CWE-307': 'Improper Restriction of Excessive Authentication Attempts',
  'CWE-308': 'Use of Single-factor Authentication',
  'CWE-309': 'Use of Password System for Primary Authentication',
  'CWE-345': 'Insufficient Verification of Data Authenticity',
  'CWE-347': 'Improper Verification of Cryptographic Signature',
  'CWE-384': 'Session Fixation',
  'CWE-521': 'Weak Password Requirements',
  'CWE-613': 'Insufficient Session Expiration',
  'CWE-636': "Not Failing Securely ('Failing Open')",
  'CWE-640': 'Weak Password Recovery Mechanism for Forgotten Password',
};

export function cweNumber(cwe: string): string | null {
  const m = /^CWE-(\d+)$/i.exec(cwe.trim());
  return m ? m[1] : null;
}

export function cweUrl(cwe: string): string | null {
  const n = cweNumber(cwe);
  return n ? `https://cwe.mitre.org/data/definitions/${n}.html` : null;
}

/** GitHub code scanning's `security-severity` (CVSS-like score as a string). */
export const SECURITY_SEVERITY: Record<Severity, string> = { critical: '9.5', high: '7.5', medium: '5.0', low: '3.0' };

/** SARIF `level` for a severity. */
export function sarifLevel(s: Severity): 'error' | 'warning' | 'note' {
  return s === 'critical' || s === 'high' ? 'error' : s === 'medium' ? 'warning' : 'note';
}

/** GitHub's `problem.severity` for a severity. */
export function problemSeverity(s: Severity): 'error' | 'warning' | 'recommendation' {
  return s === 'critical' || s === 'high' ? 'error' : s === 'medium' ? 'warning' : 'recommendation';
}

export function helpUri(id: string): string {
  return `${DOCS_BASE}/${id}.md`;
}

/** `cert-presence-only` → `CertPresenceOnly` (SARIF rule names are Pascal-case identifiers). */
export function pascalCase(id: string): string {
  return id
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((p) => p[0].toUpperCase() + p.slice(1))
    .join('');
}

/**
 * Rule metas grouped by id, in registry order. One id may have more than one meta (e.g.
 * `login-not-throttled` is both a settings rule and a probe rule): the first is the primary one.
 */
export function rulesById(rules: AnyRule[] | RuleMeta[]): Map<string, RuleMeta[]> {
  const out = new Map<string, RuleMeta[]>();
  for (const r of rules) {
    const meta = 'meta' in r ? r.meta : r;
    const list = out.get(meta.id);
    if (list) list.push(meta);
    else out.set(meta.id, [meta]);
  }
  return out;
}

function metasOf(rules: AnyRule[] | RuleMeta[]): RuleMeta[] {
  return rules.map((r) => ('meta' in r ? r.meta : r));
}

function oneLine(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

function mdCell(s: string): string {
  return oneLine(s).replace(/\|/g, '\\|');
}

function cweLinks(cwe: string[]): string {
  return cwe
    .map((c) => {
      const url = cweUrl(c);
      return url ? `[${c}](${url})` : c;
    })
    .join(', ');
}

// ---------------------------------------------------------------------------------------------
// `mtls-audit rules`

export interface CatalogueEntry {
  id: string;
  layer: Layer;
  name: string;
  severity: Severity;
  cwe: string[];
  summary: string;
  whyBad: string;
  notReported?: string;
  fix: string;
  helpUri: string;
}

export function catalogueEntries(rules: AnyRule[] | RuleMeta[]): CatalogueEntry[] {
  return metasOf(rules).map((m) => {
    const e: CatalogueEntry = {
      id: m.id,
      layer: m.layer,
      name: m.name,
      severity: m.severity,
      cwe: [...m.cwe],
      summary: m.docs.summary,
      whyBad: m.docs.whyBad,
      fix: m.fix,
      helpUri: helpUri(m.id),
    };
    if (m.docs.notReported) e.notReported = m.docs.notReported;
    return e;
  });
}

export function renderRulesCatalogue(rules: AnyRule[] | RuleMeta[], format: string): string {
  if (format === 'json') return JSON.stringify(catalogueEntries(rules), null, 2) + '\n';
  if (format === 'markdown') return renderRuleIndex(rules, { linkBase: DOCS_BASE });
  const metas = metasOf(rules);
  if (!metas.length) return 'No rules are registered.\n';
  const idWidth = Math.max(...metas.map((m) => m.id.length));
  const cweWidth = Math.max(...metas.map((m) => m.cwe.join(', ').length));
  const lines: string[] = [];
  for (const layer of LAYERS) {
    const rs = metas.filter((m) => m.layer === layer);
    if (!rs.length) continue;
    if (lines.length) lines.push('');
    lines.push(`${LAYER_TITLES[layer]} (${rs.length})`);
    for (const m of rs) {
      lines.push(`  ${m.id.padEnd(idWidth)}  ${m.severity.padEnd(8)}  ${m.cwe.join(', ').padEnd(cweWidth)}  ${oneLine(m.docs.summary)}`);
    }
  }
  lines.push('');
  lines.push(`${metas.length} rules. Details: mtls-audit rules --format markdown, or ${DOCS_BASE}/README.md`);
  return lines.join('\n') + '\n';
}

// ---------------------------------------------------------------------------------------------
// docs/rules

export const GENERATED_NOTE = '<!-- Generated from the rule metadata by `npm run docs` (scripts/gen-docs.ts). Do not edit. -->';

function fence(lang: string, code: string): string {
  const body = code.replace(/^\n+/, '').replace(/\s+$/, '');
  const longest = Math.max(2, ...(body.match(/`+/g) ?? []).map((s) => s.length));
  const ticks = '`'.repeat(longest + 1);
  return `${ticks}${lang === 'text' ? '' : lang}\n${body}\n${ticks}`;
}

function normUrl(u: string): string {
  return u
    .trim()
    .replace(/^http:/, 'https:')
    .replace(/\/+$/, '')
    .toLowerCase();
}

function reference(ref: string): string {
  const r = ref.trim();
  if (/^https?:\/\/\S+$/.test(r)) return `<${r}>`;
  return r;
}

function metaSections(m: RuleMeta, level: string): string[] {
  const out: string[] = [];
  out.push(`${level} Why it is exploitable`, '', m.docs.whyBad.trim(), '');
  if (m.docs.notReported) out.push(`${level} What is not reported`, '', m.docs.notReported.trim(), '');
  const ex = m.docs.example;
  if (ex) {
    out.push(`${level} Example`, '', 'Flagged:', '', fence(ex.lang, ex.bad), '');
    if (ex.good) out.push('Fixed:', '', fence(ex.lang, ex.good), '');
  }
  out.push(`${level} How to fix`, '', m.fix.trim(), '');
  const options = Object.entries(m.options ?? {});
  if (options.length) {
    out.push(`${level} Options`, '', 'Set under `thresholds:` in `.mtls-audit.yml` (docs/config.schema.json).', '');
    for (const [k, o] of options) if (o) out.push(`- \`${k}\` (default ${o.default}, ${o.minimum}–${o.maximum}): ${oneLine(o.description)}`);
    out.push('');
  }
  const messages = Object.values(m.messages);
  if (messages.length) {
    out.push(`${level} Messages`, '');
    for (const msg of messages) out.push(`- ${oneLine(msg)}`);
    out.push('');
  }
  return out;
}

/**
 * docs/rules/<id>.md for one rule. `others` are further metas that share the id (another layer
 * checking the same weakness, e.g. the probe form of `login-not-throttled`).
 */
export function renderRuleDoc(meta: RuleMeta, others: RuleMeta[] = []): string {
  const all = [meta, ...others];
  const cwe = [...new Set(all.flatMap((m) => m.cwe))];
  const out: string[] = [GENERATED_NOTE, '', `# ${meta.id}: ${oneLine(meta.name)}`, ''];
  out.push('| | |', '|---|---|');
  out.push(`| Rule id | \`${meta.id}\` |`);
  out.push(`| Layer | ${all.map((m) => m.layer).join(', ')} |`);
  out.push(`| Severity | ${[...new Set(all.map((m) => m.severity))].join(', ')} |`);
  out.push(`| CWE | ${cweLinks(cwe)} |`);
  out.push('');
  out.push(meta.docs.summary.trim(), '');
  out.push(...metaSections(meta, '##'));
  for (const o of others) {
    out.push(`## ${o.layer === 'probe' ? 'Probe form' : `${o.layer[0].toUpperCase()}${o.layer.slice(1)} form`}: ${oneLine(o.name)}`, '');
    out.push(o.docs.summary.trim(), '');
    out.push(...metaSections(o, '###'));
  }
  const refs: string[] = [];
  for (const c of cwe) {
    const url = cweUrl(c);
    if (url) refs.push(`- [${c}${CWE_NAMES[c] ? `: ${CWE_NAMES[c]}` : ''}](${url})`);
  }
  // The CWE pages are listed above by name; a reference repeating one of them is dropped.
  const cweUrls = new Set(
    cwe
      .map((c) => cweUrl(c))
      .filter((u): u is string => !!u)
      .map(normUrl),
  );
  for (const r of [...new Set(all.flatMap((m) => m.docs.references ?? []))]) {
    if (cweUrls.has(normUrl(r))) continue;
    refs.push(`- ${reference(r)}`);
  }
  out.push('## References', '', ...refs, '');
  return out.join('\n');
}

/** docs/rules/README.md (and `mtls-audit rules --format markdown` with an absolute `linkBase`). */
export function renderRuleIndex(rules: AnyRule[] | RuleMeta[], opts: { linkBase?: string } = {}): string {
  const metas = metasOf(rules);
  const base = opts.linkBase ? `${opts.linkBase.replace(/\/$/, '')}/` : './';
  const out: string[] = [GENERATED_NOTE, '', '# mtls-audit rules', ''];
  out.push(`${metas.length} rules. Each finding carries one of these rule ids, its CWE list and its default severity.`, '');
  if (!metas.length) out.push('No rules are registered.', '');
  for (const layer of LAYERS) {
    const rs = metas.filter((m) => m.layer === layer);
    if (!rs.length) continue;
    out.push(`## ${LAYER_TITLES[layer]}`, '');
    out.push('| Rule | Severity | CWE | Reports |', '|---|---|---|---|');
    for (const m of rs) out.push(`| [\`${m.id}\`](${base}${m.id}.md) | ${m.severity} | ${m.cwe.join(', ')} | ${mdCell(m.docs.summary)} |`);
    out.push('');
  }
  return out.join('\n');
}

/** Every generated docs/rules file, by file name: `<id>.md` for each rule id, and `README.md`. */
export function renderRuleDocs(rules: AnyRule[] | RuleMeta[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const [id, metas] of rulesById(rules)) out.set(`${id}.md`, renderRuleDoc(metas[0], metas.slice(1)));
  out.set('README.md', renderRuleIndex(rules));
  return out;
}
