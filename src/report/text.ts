// `--format text`: findings grouped by file (probe findings by URL), each with its severity, rule,
// CWE, message, a code frame read from the scanned tree, related locations, remediation and (probe)
// evidence; then the inputs that could not be analysed, probe notes, and a one-line summary.
// ANSI colours only when asked (the CLI asks for a TTY without --output). Output is deterministic:
// no timings unless --verbose.

import { noFindingHeadline } from './headline.js';
import type { Finding, Report, Severity } from '../core/types.js';
import { SEVERITIES } from '../core/types.js';
import { compareInGroup, groupFindings, groupKey } from './order.js';
import { SourceLines } from './sources.js';
import { visible } from '../core/sanitize.js';
import type { RenderOptions } from './options.js';

/** Lines of context shown above and below the flagged line. */
export const CONTEXT_LINES = 2;
/** Files larger than this are not read for code frames (the evidence line is shown instead). */
/** Longest source line shown in a frame; longer ones are cut around the flagged columns. */
const MAX_FRAME_LINE = 160;
const WRAP = 100;

interface Paint {
  sev(s: Severity, text: string): string;
  bold(t: string): string;
  dim(t: string): string;
  red(t: string): string;
  cyan(t: string): string;
  green(t: string): string;
  yellow(t: string): string;
}

const ESC = '\u001b[';
function sgr(code: string, t: string): string {
  return `${ESC}${code}m${t}${ESC}0m`;
}

const COLOUR: Paint = {
  sev: (s, t) => sgr({ critical: '1;97;41', high: '1;31', medium: '1;33', low: '1;36' }[s], t),
  bold: (t) => sgr('1', t),
  dim: (t) => sgr('2', t),
  red: (t) => sgr('31', t),
  cyan: (t) => sgr('36', t),
  green: (t) => sgr('32', t),
  yellow: (t) => sgr('33', t),
};

const PLAIN: Paint = {
  sev: (_s, t) => t,
  bold: (t) => t,
  dim: (t) => t,
  red: (t) => t,
  cyan: (t) => t,
  green: (t) => t,
  yellow: (t) => t,
};

/**
 * Scanned text may carry terminal control sequences (a hostile file could hide or rewrite output);
 * show them as visible escapes. Tabs are kept (the frame aligns carets with them).
 */
export function safe(s: string, keepTabs = false): string {
  return visible(s.replace(/\t/g, keepTabs ? '\t' : '    '));
}

function visibleLength(s: string): number {
  return s.replace(/\u001b\[[0-9;]*m/g, '').length;
}

/** Word-wraps `text` at WRAP columns; `first` prefixes the first line, later lines align under it. */
function wrap(text: string, indent: string, first = ''): string[] {
  const hang = indent.length + visibleLength(first);
  const out: string[] = [];
  for (const para of text.split('\n')) {
    const words = para.split(/ +/);
    let line = '';
    for (const w of words) {
      if (line && hang + line.length + 1 + w.length > WRAP) {
        out.push(line);
        line = w;
      } else line = line ? `${line} ${w}` : w;
    }
    out.push(line);
  }
  return out.map((l, i) => (i === 0 ? `${indent}${first}${l}` : `${' '.repeat(hang)}${l}`).replace(/\s+$/, ''));
}

/** A code frame: CONTEXT_LINES around the flagged line, with a gutter and carets under the flagged columns. */
export function codeFrame(lines: string[], f: Pick<Finding['location'], 'line' | 'column' | 'endLine' | 'endColumn'>, paint: Paint = PLAIN, indent = '    '): string[] {
  const line = f.line;
  if (!line || line < 1 || line > lines.length) return [];
  const first = Math.max(1, line - CONTEXT_LINES);
  const last = Math.min(lines.length, line + CONTEXT_LINES);
  const width = String(last).length;
  const out: string[] = [];
  for (let n = first; n <= last; n++) {
    let text = lines[n - 1];
    let shift = 0;
    if (text.length > MAX_FRAME_LINE) {
      const col = n === line && f.column ? f.column - 1 : 0;
      shift = Math.max(0, Math.min(col - 20, text.length - MAX_FRAME_LINE));
      text = (shift ? '…' : '') + text.slice(shift, shift + MAX_FRAME_LINE) + (shift + MAX_FRAME_LINE < text.length ? '…' : '');
      if (shift) shift -= 1; // the leading ellipsis takes one column
    }
    const marker = n === line ? paint.red('>') : ' ';
    const gutter = `${marker} ${String(n).padStart(width)} | `;
    out.push(`${indent}${n === line ? gutter : paint.dim(gutter)}${safe(text, true)}`.replace(/\s+$/, ''));
    if (n === line && f.column && f.column >= 1) {
      const startIdx = Math.max(0, f.column - 1 - shift);
      let endIdx: number;
      if (f.endLine && f.endLine > line) endIdx = text.length;
      else if (f.endColumn && f.endColumn > f.column) endIdx = f.endColumn - 1 - shift;
      else endIdx = startIdx + 1;
      endIdx = Math.min(Math.max(endIdx, startIdx + 1), Math.max(text.length, startIdx + 1));
      // Keep tabs so the carets line up with tab-indented code.
      const pad = safe(text.slice(0, startIdx), true).replace(/[^\t]/g, ' ');
      const carets = '^'.repeat(Math.max(1, safe(text.slice(startIdx, endIdx)).length));
      out.push(`${indent}${paint.dim(`  ${' '.repeat(width)} | `)}${pad}${paint.red(carets)}`);
    }
  }
  return out;
}

/** Removes the indentation common to all non-blank lines (evidence is often one indented source line). */
function dedentLines(lines: string[]): string[] {
  const indents = lines.filter((l) => l.trim()).map((l) => /^[ \t]*/.exec(l)![0].length);
  const min = indents.length ? Math.min(...indents) : 0;
  return lines.map((l) => l.slice(min));
}

function position(f: Finding): string {
  const l = f.location;
  if (!l.line) return '';
  return l.column ? `${l.line}:${l.column}` : `${l.line}`;
}

function renderFinding(f: Finding, src: SourceLines, paint: Paint, verbose: boolean, sameSiteAsPrevious = false): string[] {
  const out: string[] = [];
  const pos = position(f);
  const head = [pos ? paint.bold(pos.padEnd(7)) : '', paint.sev(f.severity, f.severity.toUpperCase()), paint.bold(safe(f.ruleId)), paint.dim(f.cwe.join(', '))].filter(Boolean);
  if (f.location.case) head.push(paint.cyan(`[case: ${safe(f.location.case)}]`));
  out.push(`  ${head.join('  ')}`);
  out.push(...wrap(safe(f.message), '    '));
  let framed = false;
  if (sameSiteAsPrevious)
    framed = true; // the frame just above shows this site
  else if (f.location.file && f.location.line) {
    const lines = src.lines(f.location.file);
    if (lines) {
      const frame = codeFrame(lines, f.location, paint, '    ');
      if (frame.length) {
        out.push('', ...frame, '');
        framed = true;
      }
    }
  }
  if (f.location.url && f.location.file) out.push(`    url: ${safe(f.location.url)}`);
  for (const r of f.related ?? []) {
    const where = r.file ? `${safe(r.file)}${r.line ? `:${r.line}` : ''}` : '';
    out.push(...wrap(safe(r.message), '    ', `${paint.cyan('related:')} ${where ? `${where} ` : ''}`));
  }
  // Scan findings: the frame shows the evidence line; without a frame, show the evidence itself.
  // Probe findings: the evidence is the request/response that proves the case: always show it.
  const showEvidence = f.evidence && (f.location.url || !framed || verbose);
  if (showEvidence && f.evidence) {
    out.push(`    ${paint.cyan('evidence:')}`);
    for (const l of dedentLines(f.evidence.replace(/\s+$/, '').split(/\r?\n/))) out.push(`      ${safe(l)}`.replace(/\s+$/, ''));
  }
  if (f.remediation) out.push(...wrap(safe(f.remediation.trim()), '    ', `${paint.green('fix:')} `));
  if (f.suppression) out.push(`    ${paint.dim(`suppressed (${f.suppression.kind}): ${safe(f.suppression.justification ?? '')}`)}`);
  if (verbose && f.fingerprint) out.push(`    ${paint.dim(`fingerprint: ${f.fingerprint}`)}`);
  if (out[out.length - 1] !== '') out.push('');
  return out;
}

function renderGroups(findings: Finding[], src: SourceLines, paint: Paint, verbose: boolean): string[] {
  const out: string[] = [];
  for (const [k, fs] of groupFindings(findings)) {
    out.push(paint.bold(k ? safe(k) : '(no location)'));
    fs.forEach((f, i) => {
      const prev = i > 0 ? fs[i - 1].location : undefined;
      const l = f.location;
      const same = !!prev && !!l.line && prev.line === l.line && prev.column === l.column && prev.endLine === l.endLine && prev.endColumn === l.endColumn;
      out.push(...renderFinding(f, src, paint, verbose, same));
    });
  }
  return out;
}

function plural(n: number, word: string, pl = `${word}s`): string {
  return `${n} ${n === 1 ? word : pl}`;
}

/** The summary line: counts by severity, suppressed and errors. */
export function summaryLine(report: Report, paint: Paint = PLAIN): string {
  const counts = new Map<Severity, number>(SEVERITIES.map((s) => [s, 0]));
  for (const f of report.findings) counts.set(f.severity, (counts.get(f.severity) ?? 0) + 1);
  const bySev = SEVERITIES.map((s) => {
    const n = counts.get(s)!;
    return n ? paint.sev(s, `${n} ${s}`) : `${n} ${s}`;
  }).join(', ');
  const suppressed = report.suppressed?.length ?? report.stats.suppressed ?? 0;
  const parts = [`${plural(report.findings.length, 'finding')} (${bySev})`, `${suppressed} suppressed`];
  if (report.errors.length) parts.push(plural(report.errors.length, 'input error'));
  const notRun = (report.notes ?? []).filter((n) => n.status !== 'passed');
  if (notRun.length) parts.push(`${plural(notRun.length, 'case')} inconclusive or not run`);
  return parts.join('; ');
}

export function renderText(report: Report, opts: RenderOptions = {}): string {
  const paint = opts.color ? COLOUR : PLAIN;
  const verbose = opts.verbose === true;
  const root = opts.root ?? (report.kind === 'scan' ? report.target : undefined);
  const src = new SourceLines(root);
  const out: string[] = [];

  if (report.findings.length) out.push(...renderGroups(report.findings, src, paint, verbose));
  else {
    const h = noFindingHeadline(report);
    out.push(h.clean ? paint.green(h.text) : paint.yellow(h.text), '');
  }

  if (verbose && report.suppressed?.length) {
    out.push(paint.bold(`suppressed (${report.suppressed.length}):`));
    for (const f of report.suppressed.slice().sort((a, b) => groupKey(a).localeCompare(groupKey(b)) || compareInGroup(a, b))) {
      const where = groupKey(f) + (f.location.line ? `:${f.location.line}` : '');
      out.push(`  ${safe(where)}  ${f.severity}  ${safe(f.ruleId)}  ${f.suppression?.kind ?? ''}: ${safe(f.suppression?.justification ?? '')}`.replace(/\s+$/, ''));
    }
    out.push('');
  }

  if (report.errors.length) {
    out.push(paint.yellow(`errors (${report.errors.length}): inputs that could not be analysed`));
    const errs = report.errors.slice().sort((a, b) => (a.file ?? '\uffff').localeCompare(b.file ?? '\uffff') || a.message.localeCompare(b.message));
    for (const e of errs) out.push(...wrap(safe(e.message), '  ', e.file ? `${safe(e.file)}: ` : ''));
    out.push('');
  }

  const notes = (report.notes ?? []).filter((n) => verbose || n.status !== 'passed');
  if (notes.length) {
    out.push(paint.bold('cases:'));
    for (const n of notes) {
      const status = n.status === 'passed' ? paint.green(n.status) : paint.yellow(n.status);
      out.push(...wrap(safe(n.reason), '  ', `${status} ${safe(n.case)}: `));
    }
    out.push('');
  }

  if (verbose) {
    const s = report.stats;
    const bits = [`target ${safe(report.target)}`];
    if (s.filesScanned !== undefined) bits.push(`${plural(s.filesScanned, 'file')} scanned`);
    if (s.filesParsed !== undefined) bits.push(`${s.filesParsed} parsed`);
    if (s.bytesScanned !== undefined) bits.push(`${s.bytesScanned} bytes`);
    if (s.requestsSent !== undefined) bits.push(`${plural(s.requestsSent, 'request')} sent`);
    bits.push(`${s.durationMs} ms`);
    out.push(paint.dim(bits.join(', ')));
  }
  out.push(summaryLine(report, paint));
  return out.join('\n') + '\n';
}
