// `--format html`: one self-contained page for people who did not run the tool. No external
// request of any kind: inline CSS, inline SVG, a small inline script, and a Content-Security-Policy
// that allows exactly that style and that script (by hash) and nothing else, so even a missed
// escape could not load or run anything. Every string from the report is escaped (html-util.ts).
//
// Sections: summary by severity and CWE; the identity-flow diagram of each proxy route (scan) or of
// the probed target (probe); findings grouped by file (scan) or URL (probe) with a code frame read
// from the scanned tree when available, related locations (each with its source line), probe
// evidence and the fix; suppressed findings, input errors and probe cases. Filtering by severity,
// rule and text works offline (the script toggles `hidden`); without script everything is shown.

import { noFindingHeadline } from './headline.js';
import { sha256 } from '../core/hash.js';
import type { Finding, Report, Severity } from '../core/types.js';
import { SEVERITIES, severityRank } from '../core/types.js';
import { compareInGroup, groupFindings, groupKey } from './order.js';
import type { RenderOptions } from './options.js';
import { SourceLines } from './sources.js';
import { CWE_NAMES, cweUrl } from './catalogue.js';
import { ruleById } from '../rules/index.js';
import { probeIdentityFlows } from './identity-flow.js';
import { findingKey, type IdentityFlow } from '../core/identity-flow.js';
import { brokenCount, renderFlows, type FindingAnchor } from './flow-diagram.js';
import { esc, ICON, inlineCode, plural, token, visible } from './html-util.js';

/** Lines of context around the flagged line in a code frame. */
const CONTEXT_LINES = 3;
/** Files larger than this are not read for code frames. */
/** Longest source line shown; longer ones are cut around the flagged columns. */
const MAX_LINE = 200;
/** Longest evidence shown per finding. */
const MAX_EVIDENCE = 24 * 1024;

function cut(text: string, col: number | undefined): { text: string; shift: number } {
  if (text.length <= MAX_LINE) return { text, shift: 0 };
  const c = col ? col - 1 : 0;
  const shift = Math.max(0, Math.min(c - 40, text.length - MAX_LINE));
  return { text: (shift ? '…' : '') + text.slice(shift, shift + MAX_LINE) + (shift + MAX_LINE < text.length ? '…' : ''), shift: shift ? shift - 1 : 0 };
}

/** A code frame: the flagged line (columns marked) with CONTEXT_LINES around it. */
function codeFrame(lines: string[], loc: Finding['location']): string {
  const line = loc.line;
  if (!line || line < 1 || line > lines.length) return '';
  const first = Math.max(1, line - CONTEXT_LINES);
  const last = Math.min(lines.length, Math.max(line, Math.min(loc.endLine ?? line, line + 6)) + CONTEXT_LINES);
  const rows: string[] = [];
  for (let n = first; n <= last; n++) {
    const flagged = n >= line && n <= Math.max(line, loc.endLine ?? line);
    const { text, shift } = cut(lines[n - 1].replace(/\t/g, '    '), n === line ? loc.column : undefined);
    let code: string;
    if (n === line && loc.column && loc.column >= 1) {
      const start = Math.max(0, loc.column - 1 - shift);
      const end = loc.endLine && loc.endLine > line ? text.length : loc.endColumn && loc.endColumn > loc.column ? Math.max(start + 1, loc.endColumn - 1 - shift) : text.length;
      code = `${esc(text.slice(0, start))}<mark>${esc(text.slice(start, end)) || ' '}</mark>${esc(text.slice(end))}`;
    } else code = esc(text);
    rows.push(`<tr class="${flagged ? 'hl' : ''}"><td class="ln">${n}</td><td class="src">${code || ' '}</td></tr>`);
  }
  return `<div class="frame"><table>${rows.join('')}</table></div>`;
}

function sevBadge(s: Severity): string {
  return `<span class="sev sev-${s}">${s}</span>`;
}

function cweTag(c: string): string {
  const name = CWE_NAMES[c];
  const url = cweUrl(c);
  const inner = `${esc(c)}`;
  return url ? `<a class="cwe" href="${esc(url)}" rel="noreferrer noopener" target="_blank" title="${esc(name ?? c)}">${inner}</a>` : `<span class="cwe">${inner}</span>`;
}

function position(l: Finding['location']): string {
  if (!l.line) return '';
  return `:${l.line}${l.column ? `:${l.column}` : ''}`;
}

function ruleTitle(id: string): string | undefined {
  return ruleById(id)?.meta.name;
}

function renderFinding(f: Finding, id: string, src: SourceLines, opts: { suppressed?: boolean } = {}): string {
  const l = f.location;
  const where = l.file ? `${esc(l.file)}${position(l)}` : l.url ? esc(l.url) : '';
  const title = ruleTitle(f.ruleId);
  const head = `<header class="f-head">${sevBadge(f.severity)}<code class="rule">${esc(f.ruleId)}</code>${title ? `<span class="rule-name">${esc(title)}</span>` : ''}<span class="cwes">${f.cwe.map(cweTag).join('')}</span></header>
<div class="f-where">${where ? `<span class="loc">${where}</span>` : ''}${l.case ? `<span class="case">case <code>${esc(l.case)}</code></span>` : ''}${f.layer ? `<span class="layer">${esc(f.layer)}</span>` : ''}</div>`;
  const parts: string[] = [head, `<p class="msg">${inlineCode(f.message)}</p>`];
  let framed = false;
  if (l.file && l.line) {
    const lines = src.lines(l.file);
    if (lines) {
      const frame = codeFrame(lines, l);
      if (frame) {
        parts.push(frame);
        framed = true;
      }
    }
  }
  if (!framed && f.evidence && !l.url) parts.push(`<div class="frame"><table><tr class="hl"><td class="ln">${l.line ?? ''}</td><td class="src">${esc(f.evidence.replace(/\t/g, '    ').slice(0, MAX_EVIDENCE))}</td></tr></table></div>`);
  if (f.related?.length) {
    const items = f.related.map((r) => {
      const lines = src.lines(r.file);
      const text = lines && r.line && r.line >= 1 && r.line <= lines.length ? lines[r.line - 1].trim() : '';
      const loc = r.file ? `${esc(r.file)}${r.line ? `:${r.line}` : ''}` : '';
      return `<li>${loc ? `<span class="loc">${loc}</span>` : ''}<span class="rel-msg">${inlineCode(r.message)}</span>${text ? `<code class="rel-src">${esc(cut(text, undefined).text)}</code>` : ''}</li>`;
    });
    parts.push(`<div class="related"><h4>Related locations</h4><ul>${items.join('')}</ul></div>`);
  }
  if (f.evidence && l.url) {
    const ev = f.evidence.length > MAX_EVIDENCE ? `${f.evidence.slice(0, MAX_EVIDENCE)}\n… (${f.evidence.length - MAX_EVIDENCE} more characters)` : f.evidence;
    parts.push(`<div class="evidence"><h4>Evidence</h4><pre>${esc(ev.replace(/\s+$/, ''))}</pre></div>`);
  }
  if (f.remediation) parts.push(`<div class="fix"><h4>Fix</h4><p>${inlineCode(f.remediation.trim())}</p></div>`);
  const foot: string[] = [];
  if (f.suppression) foot.push(`suppressed (${esc(f.suppression.kind)})${f.suppression.justification ? `: ${esc(f.suppression.justification)}` : ''}`);
  if (f.fingerprint) foot.push(`fingerprint <code>${esc(f.fingerprint)}</code>`);
  if (foot.length) parts.push(`<footer class="f-foot">${foot.join(' · ')}</footer>`);
  const search = [f.ruleId, title ?? '', f.message, l.file ?? '', l.url ?? '', l.case ?? '', ...f.cwe].join(' ').toLowerCase();
  return `<article class="finding sev-${f.severity}${opts.suppressed ? ' is-suppressed' : ''}" id="${id}" data-severity="${f.severity}" data-rule="${esc(f.ruleId)}" data-search="${esc(search)}">${parts.join('\n')}</article>`;
}

function renderGroups(findings: Finding[], ids: Map<Finding, string>, src: SourceLines): string {
  return groupFindings(findings)
    .map(([k, fs]) => {
      const worst = fs.reduce((w, f) => (severityRank(f.severity) > severityRank(w) ? f.severity : w), 'low' as Severity);
      return `<section class="group" data-group="${esc(k)}"><h3 class="group-head"><span class="sev-dot sev-${worst}"></span><span class="group-name">${k ? esc(k) : '(no location)'}</span><span class="group-count">${plural(fs.length, 'finding')}</span></h3>${fs.map((f) => renderFinding(f, ids.get(f)!, src)).join('\n')}</section>`;
    })
    .join('\n');
}

function summary(report: Report, anchorsBySev: Map<Severity, number>, flows: IdentityFlow[]): string {
  const total = report.findings.length;
  const cards = SEVERITIES.map((s) => {
    const n = anchorsBySev.get(s) ?? 0;
    return `<button type="button" class="card sev-card sev-${s}${n ? '' : ' zero'}" data-only-severity="${s}" title="Show only ${s} findings"><span class="card-n">${n}</span><span class="card-l">${s}</span></button>`;
  }).join('');
  // CWE table: findings per CWE, split by severity (an SVG bar; widths as attributes, no inline style).
  const byCwe = new Map<string, Map<Severity, number>>();
  for (const f of report.findings) {
    for (const c of new Set(f.cwe)) {
      const m = byCwe.get(c) ?? new Map<Severity, number>();
      m.set(f.severity, (m.get(f.severity) ?? 0) + 1);
      byCwe.set(c, m);
    }
  }
  const rows = [...byCwe.entries()]
    .map(([c, m]) => ({ c, m, n: [...m.values()].reduce((a, b) => a + b, 0), w: Math.max(...[...m.keys()].map(severityRank)) }))
    .sort((a, b) => b.w - a.w || b.n - a.n || a.c.localeCompare(b.c, undefined, { numeric: true }));
  const maxN = Math.max(1, ...rows.map((r) => r.n));
  const cweRows = rows
    .map((r) => {
      let x = 0;
      const rects = SEVERITIES.map((s) => {
        const n = r.m.get(s) ?? 0;
        if (!n) return '';
        const w = (n / maxN) * 200;
        const rect = `<rect class="bar-${s}" x="${x.toFixed(1)}" y="0" width="${w.toFixed(1)}" height="12" rx="2"><title>${n} ${s}</title></rect>`;
        x += w;
        return rect;
      }).join('');
      return `<tr><td>${cweTag(r.c)}</td><td class="cwe-name">${esc(CWE_NAMES[r.c] ?? '')}</td><td class="num">${r.n}</td><td><svg class="bar" viewBox="0 0 200 12" width="200" height="12" aria-hidden="true">${rects}</svg></td></tr>`;
    })
    .join('');
  const s = report.stats;
  const stats: string[] = [];
  if (s.filesScanned !== undefined) stats.push(`${plural(s.filesScanned, 'file')} scanned`);
  if (s.filesParsed !== undefined) stats.push(`${s.filesParsed} parsed`);
  if (s.requestsSent !== undefined) stats.push(plural(s.requestsSent, 'request') + ' sent');
  stats.push(`${plural(report.suppressed?.length ?? s.suppressed ?? 0, 'suppressed finding')}`);
  if (report.errors.length) stats.push(`<a href="#errors">${plural(report.errors.length, 'input error')}</a>`);
  stats.push(`${(s.durationMs / 1000).toFixed(2)} s`);
  // Findings by layer (code, settings, deploy, probe).
  const layers = new Map<string, Map<Severity, number>>();
  for (const f of report.findings) {
    const k = f.layer ?? (f.location.url ? 'probe' : 'other');
    const m = layers.get(k) ?? new Map<Severity, number>();
    m.set(f.severity, (m.get(f.severity) ?? 0) + 1);
    layers.set(k, m);
  }
  const layerRows = ['code', 'settings', 'deploy', 'probe', 'other']
    .filter((k) => layers.has(k))
    .map(
      (k) =>
        `<tr><td class="nowrap">${esc(LAYER_LABEL[k] ?? k)}</td>${SEVERITIES.map((sv) => `<td class="num">${layers.get(k)!.get(sv) ? `<span class="sev-dot sev-${sv}"></span> ${layers.get(k)!.get(sv)}` : '<span class="muted">–</span>'}</td>`).join('')}</tr>`,
    )
    .join('');
  const brokenLinks = flows.reduce((n, f) => n + brokenCount(f), 0);
  const flowCard = flows.length
    ? `<a class="card flows-card${brokenLinks ? '' : ' zero'}" href="#flows"><span class="card-n">${brokenLinks}</span><span class="card-l">broken ${brokenLinks === 1 ? 'link' : 'links'} in ${plural(flows.length, 'identity flow')}</span></a>`
    : `<div class="card flows-card zero"><span class="card-n">–</span><span class="card-l">no identity flow</span></div>`;
  return `<section class="summary" id="summary">
<div class="cards"><div class="card total"><span class="card-n">${total}</span><span class="card-l">${total === 1 ? 'finding' : 'findings'}</span></div>${cards}${flowCard}</div>
<div class="panel-box"><div class="panel-title">By CWE</div>${rows.length ? `<table class="tbl cwe-tbl"><thead><tr><th>CWE</th><th>weakness</th><th class="num">findings</th><th>by severity</th></tr></thead><tbody>${cweRows}</tbody></table>` : noFindingHtml(report)}</div>
<div class="panel-box"><div class="panel-title">By layer</div>${layerRows ? `<table class="tbl"><thead><tr><th>layer</th>${SEVERITIES.map((sv) => `<th class="num">${sv}</th>`).join('')}</tr></thead><tbody>${layerRows}</tbody></table>` : '<p class="muted small">No findings.</p>'}
<div class="panel-title spaced">Run</div><p class="stats">${stats.join(' · ')}</p></div>
</section>`;
}

const LAYER_LABEL: Record<string, string> = { code: 'Django code', settings: 'Django settings', deploy: 'Deployment', probe: 'Live probe', other: 'Other' };

function toolbar(findings: Finding[], bySev: Map<Severity, number>): string {
  const rules = new Map<string, { n: number; sev: Severity }>();
  for (const f of findings) {
    const r = rules.get(f.ruleId);
    if (r) {
      r.n++;
      if (severityRank(f.severity) > severityRank(r.sev)) r.sev = f.severity;
    } else rules.set(f.ruleId, { n: 1, sev: f.severity });
  }
  const sevs = SEVERITIES.map((s) => `<label class="tog sev-${s}"><input type="checkbox" name="severity" value="${s}" checked><span>${s} <b>${bySev.get(s) ?? 0}</b></span></label>`).join('');
  const ruleList = [...rules.entries()]
    .sort((a, b) => severityRank(b[1].sev) - severityRank(a[1].sev) || a[0].localeCompare(b[0]))
    .map(([id, r]) => `<label class="rule-opt"><input type="checkbox" name="rule" value="${esc(id)}" checked><span class="sev-dot sev-${r.sev}"></span><code>${esc(id)}</code><b>${r.n}</b></label>`)
    .join('');
  return `<div class="toolbar" role="search">
<div class="tog-group" aria-label="severity">${sevs}</div>
<details class="rule-menu"><summary>Rules <span id="rule-count">${rules.size}/${rules.size}</span></summary><div class="rule-pop"><div class="rule-actions"><button type="button" data-rules="all">all</button><button type="button" data-rules="none">none</button></div>${ruleList}</div></details>
<input type="search" id="q" placeholder="Filter text, file, CWE…" aria-label="filter findings by text">
<button type="button" id="reset" class="reset">Reset</button>
<span class="shown" id="shown" aria-live="polite">${plural(findings.length, 'finding')}</span>
</div>`;
}

const CSS = `
:root{--bg:#f5f6f8;--panel:#fff;--ink:#1b2330;--muted:#5f6b7a;--line:#e3e7ed;--code:#f3f5f8;--accent:#2f5bd3;
--crit:#b3261e;--crit-bg:#fde8e7;--high:#c2410c;--high-bg:#fff0e5;--med:#a16207;--med-bg:#fef6dc;--low:#2f5bd3;--low-bg:#e8effd;
--ok:#18794e;--ok-bg:#e5f5ec;--bad:#c62828;--bad-bg:#fdecec;--warn:#b26a00;--warn-bg:#fff5e0;--neutral:#8a96a6}
*{box-sizing:border-box}
html{font-size:14px}
body{margin:0;background:var(--bg);color:var(--ink);font:1rem/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,"Noto Sans",sans-serif;-webkit-font-smoothing:antialiased}
code,pre,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,"DejaVu Sans Mono","Liberation Mono",monospace;font-size:.92em}
a{color:var(--accent);text-decoration:none}a:hover{text-decoration:underline}
.ic{width:1em;height:1em;vertical-align:-.15em;flex:none}
.muted{color:var(--muted)}.small{font-size:.88rem}
.topbar{background:#111827;color:#e5e7eb;padding:14px 32px;display:flex;align-items:center;gap:14px;flex-wrap:wrap}
.logo{width:26px;height:26px;color:#7dd3fc}
.brand{font-weight:700;font-size:1.15rem;letter-spacing:.2px;color:#fff}
.kind{background:#374151;color:#e5e7eb;border-radius:999px;padding:1px 10px;font-size:.8rem;text-transform:uppercase;letter-spacing:.6px}
.target{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;color:#cbd5e1;overflow-wrap:anywhere}
.version{margin-left:auto;color:#9ca3af;font-size:.85rem}
main{max-width:1440px;margin:0 auto;padding:22px 32px 48px}
h2{font-size:1.2rem;margin:30px 0 12px;display:flex;align-items:baseline;gap:10px}
h2 .h-note{font-size:.88rem;font-weight:400;color:var(--muted)}
.panel{background:var(--panel);border:1px solid var(--line);border-radius:10px}
.summary{display:grid;grid-template-columns:minmax(0,1.7fr) minmax(0,1fr);gap:14px;align-items:start}
.cards{grid-column:1 / -1;display:grid;grid-template-columns:repeat(6,minmax(0,1fr));gap:12px}
.card{background:var(--panel);border:1px solid var(--line);border-radius:10px;padding:14px 12px;display:flex;flex-direction:column;align-items:flex-start;gap:2px;font:inherit;color:inherit;text-align:left}
button.card{cursor:pointer;border-top-width:4px}button.card:hover{box-shadow:0 2px 8px rgba(15,23,42,.08)}
.card-n{font-size:1.9rem;font-weight:700;line-height:1.1}
.card-l{font-size:.8rem;text-transform:uppercase;letter-spacing:.7px;color:var(--muted)}
.card.total{background:#1f2937;color:#fff;border-color:#1f2937}.card.total .card-l{color:#cbd5e1}
.sev-card.sev-critical{border-top-color:var(--crit)}.sev-card.sev-critical .card-n{color:var(--crit)}
.sev-card.sev-high{border-top-color:var(--high)}.sev-card.sev-high .card-n{color:var(--high)}
.sev-card.sev-medium{border-top-color:var(--med)}.sev-card.sev-medium .card-n{color:var(--med)}
.sev-card.sev-low{border-top-color:var(--low)}.sev-card.sev-low .card-n{color:var(--low)}
.card.zero .card-n{color:#b6bec9}
.panel-box{background:var(--panel);border:1px solid var(--line);border-radius:10px;padding:10px 14px}
.panel-title{font-size:.76rem;text-transform:uppercase;letter-spacing:.6px;color:var(--muted);font-weight:700;margin:2px 0 6px}
.panel-title.spaced{margin-top:14px}
a.card{text-decoration:none;border-top-width:4px;border-top-color:var(--bad)}a.card.zero{border-top-color:var(--ok)}a.card:hover{box-shadow:0 2px 8px rgba(15,23,42,.08)}
.card.flows-card .card-n{color:var(--bad)}.card.flows-card.zero .card-n{color:var(--ok)}
.tbl{border-collapse:collapse;width:100%}
.tbl th{font-size:.76rem;text-transform:uppercase;letter-spacing:.6px;color:var(--muted);text-align:left;font-weight:600;padding:6px 8px;border-bottom:1px solid var(--line)}
.tbl td{padding:4px 8px;border-bottom:1px solid #f0f2f5;vertical-align:middle}
.cwe-tbl td:first-child,.tbl td.nowrap{white-space:nowrap}
.tbl tr:last-child td{border-bottom:0}
.num{text-align:right;font-variant-numeric:tabular-nums}
.cwe-name{color:var(--muted)}
.bar{display:block}.bar-critical{fill:var(--crit)}.bar-high{fill:var(--high)}.bar-medium{fill:#d4a017}.bar-low{fill:var(--low)}
.stats{margin:8px 0 2px;color:var(--muted);font-size:.88rem}
.clean{display:flex;gap:8px;align-items:center;color:var(--ok);font-weight:600;margin:6px 0}
.unproven{display:flex;gap:8px;align-items:center;color:var(--warn);font-weight:600;margin:6px 0}
.sev{display:inline-block;border-radius:4px;padding:1px 7px;font-size:.72rem;font-weight:700;text-transform:uppercase;letter-spacing:.6px}
.sev-critical.sev{background:var(--crit);color:#fff}.sev-high.sev{background:var(--high);color:#fff}.sev-medium.sev{background:#eab308;color:#3b2a00}.sev-low.sev{background:var(--low);color:#fff}
.sev-dot{display:inline-block;width:9px;height:9px;border-radius:50%;flex:none}
.sev-dot.sev-critical{background:var(--crit)}.sev-dot.sev-high{background:var(--high)}.sev-dot.sev-medium{background:#eab308}.sev-dot.sev-low{background:var(--low)}
/* identity flows */
.legend{display:flex;flex-wrap:wrap;gap:8px 18px;align-items:center;color:var(--muted);font-size:.85rem;margin:-4px 0 12px}
.lg{display:inline-flex;align-items:center;gap:6px}
.lg-line{display:inline-block;width:28px;height:0;border-top:3px solid var(--neutral)}
.lg-line.st-ok{border-top-color:var(--ok)}.lg-line.st-broken{border-top-color:var(--bad)}.lg-line.st-unknown{border-top:3px dashed var(--warn)}
.flow{background:var(--panel);border:1px solid var(--line);border-radius:12px;margin:0 0 16px;overflow:hidden}
.flow-head{display:flex;align-items:center;gap:12px;padding:10px 16px;border-bottom:1px solid var(--line);background:#fafbfc}
.flow-head h3{margin:0;font-size:.98rem;font-weight:600;font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;overflow-wrap:anywhere}
.verdict{margin-left:auto;display:inline-flex;gap:6px;align-items:center;font-size:.82rem;font-weight:600;border-radius:999px;padding:2px 10px;white-space:nowrap}
.verdict.bad{background:var(--bad-bg);color:var(--bad)}.verdict.good{background:var(--ok-bg);color:var(--ok)}
.flow-scroll{overflow-x:auto;padding:16px 16px 6px}
.flow-grid{display:grid;min-width:1200px;grid-template-columns:minmax(140px,.8fr) minmax(130px,.75fr) minmax(220px,1.3fr) minmax(150px,.85fr) minmax(200px,1.15fr) minmax(112px,.6fr) minmax(300px,1.9fr);grid-template-rows:auto 70px;align-items:stretch}
.node{border:1.5px solid var(--line);border-radius:10px;background:#fff;padding:10px 11px;min-width:0;position:relative;z-index:1;display:flex;flex-direction:column}
.n-client .facts{margin-top:auto}
.node.st-broken{border-color:#f0a3a3;box-shadow:0 0 0 3px var(--bad-bg)}
.node.st-ok{border-color:#9fd5b7}
.node.st-unknown{border-color:#f1cf8a;border-style:dashed}
.node-head{display:flex;align-items:flex-start;gap:8px;margin-bottom:6px}
.node-icon{width:30px;height:30px;border-radius:8px;background:#eef2f7;color:#334155;display:flex;align-items:center;justify-content:center;flex:none}
.node-icon svg{width:20px;height:20px}
.st-broken>.node-head .node-icon{background:var(--bad-bg);color:var(--bad)}
.st-ok>.node-head .node-icon{background:var(--ok-bg);color:var(--ok)}
.st-unknown>.node-head .node-icon{background:var(--warn-bg);color:var(--warn)}
.node-name{min-width:0;flex:1}
.node-title{font-weight:700;text-transform:none}
.node-sub{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.78rem;color:var(--muted);overflow-wrap:anywhere}
.node-state{flex:none}.node-state.st-broken{color:var(--bad)}.node-state.st-ok{color:var(--ok)}.node-state.st-unknown{color:var(--warn)}
.facts{margin:0;display:flex;flex-direction:column;gap:3px}
.fact{display:flex;flex-wrap:wrap;gap:0 8px;font-size:.82rem;align-items:baseline}
.fact dt{color:var(--muted);flex:0 1 auto;max-width:100%;overflow-wrap:anywhere}
.fact dd{margin:0;min-width:0;flex:1 1 110px;overflow-wrap:anywhere}
.fact.bare dt{display:none}
.fact dd .ic{margin-right:3px}
.f-bad{color:var(--bad)}.f-warn{color:var(--warn)}.f-ok{color:var(--ok)}
.fact.f-bad dt,.fact.f-warn dt,.fact.f-ok dt{color:var(--muted)}
.fact.f-bad dd{color:var(--bad);font-weight:500}
.site{display:block;font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.72rem;color:#8a94a3;font-weight:400}
.link{display:flex;flex-direction:column;align-items:stretch;padding:0 6px;min-width:0}
.arrow{position:relative;height:22px;margin-top:18px;color:var(--neutral)}
.arrow-line{position:absolute;left:0;right:9px;top:10px;border-top:2.5px solid currentColor}
.arrow-head{position:absolute;right:0;top:5px;width:0;height:0;border-left:11px solid currentColor;border-top:6px solid transparent;border-bottom:6px solid transparent}
.arrow-badge{position:absolute;left:50%;top:0;transform:translateX(-50%);background:#fff;border:2px solid currentColor;border-radius:50%;width:22px;height:22px;display:flex;align-items:center;justify-content:center;font-size:12px}
.link.st-ok .arrow{color:var(--ok)}.link.st-broken .arrow{color:var(--bad)}
.link.st-unknown .arrow{color:var(--warn)}.link.st-unknown .arrow-line{border-top-style:dashed}
.link-label{margin-top:6px;font-size:.78rem;text-align:center;display:flex;flex-direction:column;align-items:center;gap:4px;overflow-wrap:anywhere}
.link-sum{color:#3b4656}
.link-kind{font-size:.68rem;text-transform:uppercase;letter-spacing:.6px;color:var(--muted)}
.keys{display:flex;flex-direction:column;gap:2px;align-items:center}
.keys code{font-size:.7rem;background:var(--code);border-radius:4px;padding:0 4px;text-align:center}
.fref b{font-weight:700}
.link.st-broken .link-sum{color:var(--bad);font-weight:600}
.pill{display:inline-block;border-radius:999px;padding:0 8px;font-size:.68rem;font-weight:700;text-transform:uppercase;letter-spacing:.6px}
.pill.st-ok{background:var(--ok-bg);color:var(--ok)}.pill.st-broken{background:var(--bad);color:#fff}.pill.st-unknown{background:var(--warn-bg);color:var(--warn)}
.link-details{list-style:none;margin:0;padding:0;text-align:left;display:flex;flex-direction:column;gap:2px}
.link-details li{display:flex;gap:4px;align-items:baseline}
.frefs{display:flex;flex-wrap:wrap;gap:4px;justify-content:center;margin-top:2px}
.fref{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.7rem;border-radius:4px;padding:0 5px;border:1px solid;background:#fff;white-space:nowrap}
.fref.sev-critical{color:var(--crit);border-color:#f1b3af}.fref.sev-high{color:var(--high);border-color:#f6c3a0}.fref.sev-medium{color:var(--med);border-color:#ecd38a}.fref.sev-low{color:var(--low);border-color:#b8c9f3}
.fref.more{color:var(--muted);border-color:var(--line)}
.node .frefs{justify-content:flex-start;margin-top:6px}
.handler{border-top:1px solid var(--line);padding:7px 0 6px}
.handler:first-of-type{border-top:0;padding-top:2px}
.h-head{display:flex;flex-wrap:wrap;gap:4px 8px;align-items:baseline}
.h-name{font-weight:700;color:#111827;background:none;font-size:.86rem}
.h-kind{font-size:.68rem;text-transform:uppercase;letter-spacing:.5px;background:#eef2f7;color:#475569;border-radius:4px;padding:0 5px}
.h-head .site{display:inline;margin-left:auto}
.h-routes{margin:2px 0}.h-routes code{font-size:.76rem;background:var(--code);border-radius:4px;padding:0 4px}
.reads{list-style:none;margin:3px 0;padding:0;font-size:.78rem}
.reads li{display:flex;gap:4px;align-items:baseline}
.reads code{font-size:.74rem}
.reads li.f-bad{color:var(--bad)}.reads li.f-ok{color:var(--ok)}.reads li.f-warn{color:var(--warn)}
.checks{display:flex;flex-wrap:wrap;gap:4px;margin-top:4px}
.chk{display:inline-flex;align-items:center;gap:3px;font-size:.72rem;border-radius:999px;padding:1px 8px 1px 6px;border:1px solid;white-space:nowrap}
.chk-missing{color:var(--bad);background:var(--bad-bg);border-color:#f3b7b7;font-weight:600}
.chk-done{color:var(--ok);background:var(--ok-bg);border-color:#a9dcc0}
.chk-at-proxy{color:#1d5fa8;background:#e8f1fc;border-color:#b4cff0}
a.chk:hover{text-decoration:none;filter:brightness(.96)}
.also{margin-top:8px;border-top:1px dashed var(--line);padding-top:6px}
.also-title{font-size:.7rem;text-transform:uppercase;letter-spacing:.6px;color:var(--muted)}
.also .frefs{justify-content:flex-start}
.bypass{position:relative;min-width:0}
.b-left{grid-column:1;margin-left:50%;border-left:2.5px solid;border-bottom:2.5px solid;border-bottom-left-radius:14px;height:38px}
.b-mid{grid-column:2 / 5;border-bottom:2.5px solid;height:38px}
.b-right{grid-column:5;margin-right:50%;border-right:2.5px solid;border-bottom:2.5px solid;border-bottom-right-radius:14px;height:38px;z-index:2}
.bypass{border-color:var(--neutral)}
.bypass.st-ok{border-color:var(--ok)}.bypass.st-broken{border-color:var(--bad)}
.bypass.st-unknown{border-color:var(--warn);border-style:dashed}
.b-left.st-unknown,.b-mid.st-unknown,.b-right.st-unknown{border-top:0}
.b-left.st-unknown{border-right:0}.b-right.st-unknown{border-left:0}.b-mid.st-unknown{border-left:0;border-right:0;border-top:0}
.bypass-head{position:absolute;right:-8.2px;top:-4px;width:0;height:0;border-bottom:12px solid;border-bottom-color:inherit;border-left:7px solid transparent;border-right:7px solid transparent}
.bypass.st-unknown .bypass-head{border-style:solid;border-left-color:transparent;border-right-color:transparent}
.bypass-label{position:absolute;left:50%;top:38px;transform:translate(-50%,-50%);background:#fff;padding:2px 12px;display:flex;gap:8px;align-items:center;font-size:.78rem;width:max-content;max-width:100%}
.bypass-label .link-sum{text-align:left}
.bypass-label .frefs{margin:0;flex-wrap:wrap}
.bypass-label{flex-wrap:wrap;justify-content:center;row-gap:2px}
.bypass-label .fref{white-space:nowrap;flex:none}
.bypass-label .frefs{flex-basis:100%}
.bypass.st-broken .link-sum{color:var(--bad);font-weight:600}
.bypass-title{font-size:.68rem;text-transform:uppercase;letter-spacing:.6px;color:var(--muted);white-space:nowrap}
.link .fref{white-space:normal;text-align:center;max-width:100%}
.more-flows{margin:8px 0 0}.more-flows summary{cursor:pointer;color:var(--accent)}
/* toolbar */
.toolbar{position:sticky;top:0;z-index:20;display:flex;flex-wrap:wrap;align-items:center;gap:10px;background:rgba(245,246,248,.96);backdrop-filter:blur(4px);padding:10px 0;border-bottom:1px solid var(--line);margin-bottom:12px}
.tog-group{display:flex;gap:6px}
.tog{display:inline-flex;align-items:center;cursor:pointer;user-select:none}
.tog input{position:absolute;opacity:0;pointer-events:none}
.tog span{border:1px solid var(--line);background:#fff;border-radius:999px;padding:3px 11px;font-size:.82rem;text-transform:capitalize;color:#9aa4b2}
.tog b{font-weight:700;margin-left:2px}
.tog input:checked+span{color:#fff;border-color:transparent}
.tog.sev-critical input:checked+span{background:var(--crit)}.tog.sev-high input:checked+span{background:var(--high)}.tog.sev-medium input:checked+span{background:#c99400}.tog.sev-low input:checked+span{background:var(--low)}
.tog input:focus-visible+span{outline:2px solid var(--accent);outline-offset:2px}
.rule-menu{position:relative}
.rule-menu summary{cursor:pointer;list-style:none;border:1px solid var(--line);background:#fff;border-radius:8px;padding:3px 10px;font-size:.85rem}
.rule-menu summary::-webkit-details-marker{display:none}
.rule-menu summary::after{content:" ▾";color:var(--muted)}
.rule-pop{position:absolute;z-index:30;top:calc(100% + 4px);left:0;background:#fff;border:1px solid var(--line);border-radius:10px;box-shadow:0 10px 30px rgba(15,23,42,.14);padding:8px;min-width:340px;max-height:60vh;overflow:auto}
.rule-actions{display:flex;gap:6px;margin-bottom:6px}
.rule-actions button,.reset{font:inherit;font-size:.8rem;border:1px solid var(--line);background:#fff;border-radius:6px;padding:2px 9px;cursor:pointer}
.rule-opt{display:flex;align-items:center;gap:7px;padding:3px 4px;border-radius:6px;cursor:pointer;font-size:.85rem}
.rule-opt:hover{background:#f3f5f8}.rule-opt b{margin-left:auto;color:var(--muted);font-weight:600}
#q{font:inherit;font-size:.85rem;border:1px solid var(--line);border-radius:8px;padding:4px 10px;min-width:240px;background:#fff}
.shown{margin-left:auto;color:var(--muted);font-size:.85rem}
/* findings */
.group{margin:0 0 18px}
.group-head{display:flex;align-items:center;gap:8px;font-size:.95rem;margin:16px 0 8px;font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-weight:600;overflow-wrap:anywhere}
.group-count{margin-left:auto;font-family:system-ui,sans-serif;font-weight:400;color:var(--muted);font-size:.82rem;white-space:nowrap}
.finding{background:var(--panel);border:1px solid var(--line);border-left:4px solid var(--neutral);border-radius:8px;padding:12px 16px;margin:0 0 10px;scroll-margin-top:70px}
.finding.sev-critical{border-left-color:var(--crit)}.finding.sev-high{border-left-color:var(--high)}.finding.sev-medium{border-left-color:#eab308}.finding.sev-low{border-left-color:var(--low)}
.finding:target{box-shadow:0 0 0 3px rgba(47,91,211,.28)}
.finding.is-suppressed{opacity:.75}
.f-head{display:flex;flex-wrap:wrap;align-items:center;gap:6px 10px}
.rule{font-weight:700;font-size:.95rem}
.rule-name{color:var(--muted)}
.cwes{margin-left:auto;display:flex;gap:4px}
.cwe{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.74rem;background:#eef2f7;color:#3b4a5e;border-radius:4px;padding:0 6px}
.f-where{display:flex;flex-wrap:wrap;gap:6px 12px;margin-top:3px;font-size:.82rem;color:var(--muted)}
.loc{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;color:#334155;overflow-wrap:anywhere}
.layer{text-transform:uppercase;font-size:.68rem;letter-spacing:.6px;border:1px solid var(--line);border-radius:4px;padding:0 5px}
.msg{margin:8px 0}
.msg code,.fix code,.rel-msg code,.link-sum code,.fact code{background:var(--code);border-radius:4px;padding:0 4px}
.frame{background:#0f172a;color:#e2e8f0;border-radius:8px;overflow-x:auto;margin:8px 0}
.frame table{border-collapse:collapse;width:100%;font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.82rem;line-height:1.55}
.frame td{padding:0 12px;white-space:pre}
.frame .ln{color:#64748b;text-align:right;user-select:none;width:1%;border-right:1px solid #1e293b;padding-right:10px}
.frame tr.hl{background:rgba(248,113,113,.13)}.frame tr.hl .ln{color:#fca5a5}
.frame mark{background:rgba(250,204,21,.28);color:#fff;border-bottom:2px solid #facc15;border-radius:2px}
.related h4,.evidence h4,.fix h4{margin:10px 0 4px;font-size:.74rem;text-transform:uppercase;letter-spacing:.6px;color:var(--muted)}
.related ul{list-style:none;margin:0;padding:0;display:flex;flex-direction:column;gap:4px}
.related li{display:flex;flex-wrap:wrap;gap:4px 10px;align-items:baseline;font-size:.86rem}
.rel-src{display:block;flex-basis:100%;background:var(--code);border-radius:4px;padding:1px 8px;font-size:.78rem;white-space:pre;overflow-x:auto;color:#334155}
.evidence pre{background:#f8fafc;border:1px solid var(--line);border-radius:8px;padding:10px 12px;overflow:auto;max-height:360px;font-size:.8rem;margin:0;white-space:pre-wrap;overflow-wrap:anywhere}
.fix p{margin:0;font-size:.9rem}
.f-foot{margin-top:8px;font-size:.74rem;color:#8a94a3}
.f-foot code{font-size:.72rem}
.none-shown{padding:24px;text-align:center;color:var(--muted);background:#fff;border:1px dashed var(--line);border-radius:10px}
details.block{background:var(--panel);border:1px solid var(--line);border-radius:10px;padding:8px 14px;margin:0 0 12px}
details.block>summary{cursor:pointer;font-weight:600}
.errs{margin:8px 0 4px;padding-left:18px}.errs li{margin:2px 0;font-size:.88rem}
.notes td.st{font-weight:600;white-space:nowrap}.notes td.st-passed{color:var(--ok)}.notes td.st-inconclusive,.notes td.st-not-run{color:var(--warn)}
footer.page{max-width:1440px;margin:0 auto;padding:0 32px 32px;color:var(--muted);font-size:.82rem}
[hidden]{display:none!important}
@media (max-width:900px){.summary{grid-template-columns:1fr}.cards{grid-template-columns:repeat(3,1fr)}main{padding:16px}.topbar{padding:12px 16px}}
@media print{.toolbar{display:none}.flow-scroll{overflow:visible}body{background:#fff}}
`;

const SCRIPT = `
(function(){
  var findings=[].slice.call(document.querySelectorAll('#findings .finding'));
  var groups=[].slice.call(document.querySelectorAll('#findings .group'));
  var sevBoxes=[].slice.call(document.querySelectorAll('input[name=severity]'));
  var ruleBoxes=[].slice.call(document.querySelectorAll('input[name=rule]'));
  var q=document.getElementById('q');
  var shown=document.getElementById('shown');
  var ruleCount=document.getElementById('rule-count');
  var none=document.getElementById('none-shown');
  function on(list){var s={};list.forEach(function(b){if(b.checked)s[b.value]=1;});return s;}
  function apply(){
    var sev=on(sevBoxes),rule=on(ruleBoxes),text=(q&&q.value||'').trim().toLowerCase(),n=0;
    findings.forEach(function(f){
      var ok=!!sev[f.getAttribute('data-severity')]&&!!rule[f.getAttribute('data-rule')]&&(!text||(f.getAttribute('data-search')||'').indexOf(text)>=0);
      f.hidden=!ok;if(ok)n++;
    });
    groups.forEach(function(g){g.hidden=!g.querySelector('.finding:not([hidden])');});
    if(shown)shown.textContent=(n===findings.length?'':n+' of ')+findings.length+' finding'+(findings.length===1?'':'s')+(n===findings.length?'':' shown');
    if(ruleCount)ruleCount.textContent=ruleBoxes.filter(function(b){return b.checked;}).length+'/'+ruleBoxes.length;
    if(none)none.hidden=n>0||findings.length===0;
  }
  sevBoxes.concat(ruleBoxes).forEach(function(b){b.addEventListener('change',apply);});
  if(q)q.addEventListener('input',apply);
  [].forEach.call(document.querySelectorAll('[data-rules]'),function(b){b.addEventListener('click',function(){var v=b.getAttribute('data-rules')==='all';ruleBoxes.forEach(function(x){x.checked=v;});apply();});});
  [].forEach.call(document.querySelectorAll('[data-only-severity]'),function(b){b.addEventListener('click',function(){var s=b.getAttribute('data-only-severity');sevBoxes.forEach(function(x){x.checked=x.value===s;});ruleBoxes.forEach(function(x){x.checked=true;});if(q)q.value='';apply();var t=document.getElementById('findings');if(t)t.scrollIntoView();});});
  var reset=document.getElementById('reset');
  if(reset)reset.addEventListener('click',function(){sevBoxes.concat(ruleBoxes).forEach(function(x){x.checked=true;});if(q)q.value='';apply();});
  function reveal(id){var f=document.getElementById(id);if(!f||!f.hidden)return;sevBoxes.forEach(function(x){if(x.value===f.getAttribute('data-severity'))x.checked=true;});ruleBoxes.forEach(function(x){if(x.value===f.getAttribute('data-rule'))x.checked=true;});if(q)q.value='';apply();}
  [].forEach.call(document.querySelectorAll('a[data-finding]'),function(a){a.addEventListener('click',function(){reveal(a.getAttribute('data-finding'));});});
  if(location.hash)reveal(location.hash.slice(1));
  apply();
})();
`;

/** The anchor id of each finding (and of each finding key, for the diagrams). */
function anchorIds(report: Report): { ids: Map<Finding, string>; byKey: Map<string, FindingAnchor> } {
  const ids = new Map<Finding, string>();
  const byKey = new Map<string, FindingAnchor>();
  report.findings.forEach((f, i) => {
    const id = `finding-${i + 1}`;
    ids.set(f, id);
    const k = findingKey(f);
    if (!byKey.has(k)) byKey.set(k, { id, ruleId: f.ruleId, severity: f.severity });
  });
  (report.suppressed ?? []).forEach((f, i) => ids.set(f, `suppressed-${i + 1}`));
  return { ids, byKey };
}

function noFindingHtml(report: Report): string {
  const h = noFindingHeadline(report);
  return h.clean ? `<p class="clean">${ICON.ok}${h.text}</p>` : `<p class="unproven">${ICON.warn}${h.text}</p>`;
}

export function renderHtml(report: Report, opts: RenderOptions = {}): string {
  const root = opts.root ?? (report.kind === 'scan' ? report.target : undefined);
  const src = new SourceLines(root);
  const { ids, byKey } = anchorIds(report);
  const bySev = new Map<Severity, number>();
  for (const f of report.findings) bySev.set(f.severity, (bySev.get(f.severity) ?? 0) + 1);
  const flows: IdentityFlow[] = report.identityFlows ?? (report.kind === 'probe' ? probeIdentityFlows(report) : []);

  const title = `mtls-audit ${report.kind}: ${visible(report.target)}`;
  const findingsHtml = report.findings.length ? `${toolbar(report.findings, bySev)}<div id="none-shown" class="none-shown" hidden>No finding matches the filters.</div>${renderGroups(report.findings, ids, src)}` : noFindingHtml(report);

  const extra: string[] = [];
  if (report.suppressed?.length) {
    extra.push(
      `<details class="block" id="suppressed"><summary>${plural(report.suppressed.length, 'suppressed finding')} (inline suppressions and baseline)</summary>${report.suppressed
        .slice()
        .sort((a, b) => groupKey(a).localeCompare(groupKey(b)) || compareInGroup(a, b))
        .map((f) => renderFinding(f, ids.get(f)!, src, { suppressed: true }))
        .join('\n')}</details>`,
    );
  }
  if (report.errors.length) {
    const errs = report.errors
      .slice()
      .sort((a, b) => (a.file ?? '\uffff').localeCompare(b.file ?? '\uffff') || a.message.localeCompare(b.message))
      .map((e) => `<li>${e.file ? `<span class="loc">${esc(e.file)}</span>: ` : ''}${esc(e.message)}</li>`)
      .join('');
    extra.push(`<details class="block" id="errors" open><summary>${plural(report.errors.length, 'input')} that could not be analysed</summary><ul class="errs">${errs}</ul></details>`);
  }
  if (report.notes?.length) {
    const rows = report.notes.map((n) => `<tr><td><code>${esc(n.case)}</code></td><td class="st st-${token(n.status)}">${esc(n.status)}</td><td>${esc(n.reason)}</td></tr>`).join('');
    extra.push(
      `<details class="block notes" id="cases"${report.notes.some((n) => n.status !== 'passed') ? ' open' : ''}><summary>${plural(report.notes.length, 'probe case')} without a finding</summary><table class="tbl"><thead><tr><th>case</th><th>status</th><th>reason</th></tr></thead><tbody>${rows}</tbody></table></details>`,
    );
  }

  const flowNote = report.kind === 'probe' ? 'what the live cases proved, leg by leg' : 'per proxy route: client → proxy → app server → Django, and around the proxy';
  const body = `<header class="topbar">${ICON.shield}<span class="brand">mtls-audit</span><span class="kind">${esc(report.kind)}</span><span class="target" title="target">${esc(report.target)}</span><span class="version">${esc(report.tool.name)} ${esc(report.tool.version)}</span></header>
<main>
${summary(report, bySev, flows)}
<h2 id="flows">Identity flow <span class="h-note">${esc(flowNote)}</span></h2>
<section class="flows">${renderFlows(flows, byKey, report.kind)}</section>
<h2 id="findings-title">Findings</h2>
<section id="findings">${findingsHtml}</section>
${extra.join('\n')}
</main>
<footer class="page">Generated by ${esc(report.tool.name)} ${esc(report.tool.version)}. This file is self-contained: it loads nothing from the network.</footer>`;

  const csp = `default-src 'none'; style-src 'sha256-${sha256(CSS, 'base64')}'; script-src 'sha256-${sha256(SCRIPT, 'base64')}'; img-src data:; base-uri 'none'; form-action 'none'`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${esc(csp)}">
<meta name="referrer" content="no-referrer">
<meta name="generator" content="${esc(report.tool.name)} ${esc(report.tool.version)}">
<title>${esc(title)}</title>
<style>${CSS}</style>
</head>
<body>
${body}
<script>${SCRIPT}</script>
</body>
</html>
`;
}
