// Draws the identity flows (src/report/identity-flow.ts) as HTML cards joined by CSS/SVG arrows:
//
//   [Client] ──tls──▶ [Proxy] ──headers──▶ [App server] ──wsgi──▶ [Django]
//       └────────────── bypass (around the proxy) ──────▲
//
// Each link carries its state (ok / broken / unknown / neutral), a one-line summary and chips that
// jump to the findings that break it. Nodes list the facts behind the states; the Django node lists
// the handlers that read the client identity with the checks they do (✓), leave to the proxy
// (✓ proxy) or miss (✗). Everything is escaped (see html-util.ts).

import { CHECK_LABEL, type FlowCheck, type FlowFact, type FlowHandler, type FlowLink, type FlowNode, type IdentityFlow, type LinkState } from '../core/identity-flow.js';
import type { Severity } from '../core/types.js';
import { esc, ICON, plural, inlineCode } from './html-util.js';

/** How a finding key is shown: the anchor of its card, its rule and severity. */
export interface FindingAnchor {
  id: string;
  ruleId: string;
  severity: Severity;
}

/** Flows drawn in full; the rest are summarised in a table. */
export const MAX_DRAWN_FLOWS = 12;
/** Handlers listed per Django node. */
export const MAX_HANDLERS = 6;
/** Node facts listed before "+N more". */
const MAX_FACTS = 9;

const NODE_ICON = {
  client:
    '<svg viewBox="0 0 24 24" aria-hidden="true"><rect x="3" y="4.5" width="18" height="12" rx="1.6" fill="none" stroke="currentColor" stroke-width="1.7"/><path d="M8 20h8M12 16.5V20" stroke="currentColor" stroke-width="1.7" stroke-linecap="round"/></svg>',
  proxy:
    '<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M12 2.8l7.5 2.8v5.6c0 4.7-3.2 8.1-7.5 9.5-4.3-1.4-7.5-4.8-7.5-9.5V5.6z" fill="none" stroke="currentColor" stroke-width="1.7" stroke-linejoin="round"/><path d="M9.5 11.2h5v4h-5zM10.5 11.2V9.6a1.5 1.5 0 013 0v1.6" fill="none" stroke="currentColor" stroke-width="1.5"/></svg>',
  app: '<svg viewBox="0 0 24 24" aria-hidden="true"><rect x="4" y="4" width="16" height="6.5" rx="1.4" fill="none" stroke="currentColor" stroke-width="1.7"/><rect x="4" y="13.5" width="16" height="6.5" rx="1.4" fill="none" stroke="currentColor" stroke-width="1.7"/><circle cx="7.5" cy="7.25" r="1" fill="currentColor"/><circle cx="7.5" cy="16.75" r="1" fill="currentColor"/></svg>',
  django: '<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M8.5 7L3.5 12l5 5M15.5 7l5 5-5 5M13.5 5l-3 14" fill="none" stroke="currentColor" stroke-width="1.7" stroke-linecap="round" stroke-linejoin="round"/></svg>',
};

const STATE_WORD: Record<LinkState, string> = { ok: 'ok', broken: 'broken', unknown: 'unproven', neutral: '' };

function stateIcon(s: LinkState | FlowFact['state'] | undefined): string {
  if (s === 'ok') return ICON.ok;
  if (s === 'broken' || s === 'bad') return ICON.bad;
  if (s === 'unknown' || s === 'warn') return ICON.warn;
  return '';
}

function factClass(s: FlowFact['state']): string {
  return s ? ` f-${s}` : '';
}

function siteText(site: { file: string; line: number } | undefined): string {
  if (!site || !site.file) return '';
  return `<span class="site">${esc(site.file)}${site.line ? `:${site.line}` : ''}</span>`;
}

/** Chips that jump to findings: one per rule (with a count), in the order given. */
function findingChips(keys: string[], anchors: Map<string, FindingAnchor>, limit = 6): string {
  const byRule = new Map<string, { a: FindingAnchor; n: number }>();
  const seen = new Set<string>();
  for (const k of keys) {
    const a = anchors.get(k);
    if (!a || seen.has(a.id)) continue;
    seen.add(a.id);
    const have = byRule.get(a.ruleId);
    if (have) have.n++;
    else byRule.set(a.ruleId, { a, n: 1 });
  }
  const all = [...byRule.values()];
  const out = all
    .slice(0, limit)
    .map(({ a, n }) => `<a class="fref sev-${a.severity}" href="#${a.id}" data-finding="${a.id}" title="${esc(`${n} ${a.ruleId} finding${n === 1 ? '' : 's'}`)}">${esc(a.ruleId).replace(/-/g, '-<wbr>')}${n > 1 ? ` <b>×${n}</b>` : ''}</a>`);
  if (all.length > limit) out.push(`<span class="fref more">+${all.length - limit}</span>`);
  return out.length ? `<div class="frefs">${out.join('')}</div>` : '';
}

/** Escaped identifier with break opportunities after underscores and dots (long WSGI keys). */
function breakable(s: string): string {
  return esc(s).replace(/([_./])/g, '$1<wbr>');
}

function facts(list: FlowFact[], max = MAX_FACTS): string {
  if (!list.length) return '';
  const shown = list.slice(0, max);
  const rows = shown.map((f) => `<div class="fact${factClass(f.state)}${f.label ? '' : ' bare'}"><dt>${esc(f.label)}</dt><dd>${f.state ? stateIcon(f.state) : ''}<span class="v">${inlineCode(f.value)}</span>${siteText(f.site)}</dd></div>`);
  if (list.length > max) rows.push(`<div class="fact"><dt></dt><dd class="muted">+${list.length - max} more</dd></div>`);
  return `<dl class="facts">${rows.join('')}</dl>`;
}

function node(kind: keyof typeof NODE_ICON, n: FlowNode, body = ''): string {
  return `<div class="node n-${kind} st-${n.state}">
<div class="node-head"><span class="node-icon">${NODE_ICON[kind]}</span><div class="node-name"><div class="node-title">${esc(n.title)}</div>${n.subtitle ? `<div class="node-sub" title="${esc(n.subtitle)}">${esc(n.subtitle)}</div>` : ''}</div>${n.state !== 'neutral' ? `<span class="node-state st-${n.state}" title="${esc(STATE_WORD[n.state])}">${stateIcon(n.state)}</span>` : ''}</div>
${body || facts(n.facts)}
</div>`;
}

function link(name: string, l: FlowLink, anchors: Map<string, FindingAnchor>): string {
  const word = STATE_WORD[l.state];
  const details =
    l.details.length && name === 'headers'
      ? `<ul class="link-details">${l.details
          .slice(0, 5)
          .map((d) => `<li class="${d.state ? `f-${d.state}` : ''}">${d.state ? stateIcon(d.state) : ''}<span><b>${esc(d.label)}</b> ${esc(d.value)}</span></li>`)
          .join('')}</ul>`
      : '';
  return `<div class="link l-${name} st-${l.state}" data-link="${name}" data-state="${l.state}">
<div class="arrow"><span class="arrow-line"></span><span class="arrow-head"></span>${l.state === 'broken' || l.state === 'ok' || l.state === 'unknown' ? `<span class="arrow-badge">${stateIcon(l.state)}</span>` : ''}</div>
<div class="link-label">${word ? `<span class="pill st-${l.state}">${esc(word)}</span>` : ''}${name === 'wsgi' && l.details.length ? `<span class="link-kind">WSGI environ</span><span class="keys">${l.details.map((k) => `<code>${breakable(k.label)}</code>`).join('')}</span>` : `<span class="link-sum">${inlineCode(l.summary)}</span>`}${details}${findingChips(l.findings, anchors, 4)}</div>
</div>`;
}

function checkChip(c: FlowCheck, anchors: Map<string, FindingAnchor>): string {
  const label = CHECK_LABEL[c.name] + (c.state === 'at-proxy' ? ' (proxy)' : '');
  const title = `${label}: ${c.state === 'missing' ? 'missing or broken' : c.state === 'at-proxy' ? 'checked by the proxy' : 'checked in the code'} — ${c.detail}${c.site && c.site.file ? ` (${c.site.file}:${c.site.line})` : ''}`;
  const cls = `chk chk-${c.state}`;
  const icon = c.state === 'missing' ? ICON.bad : ICON.ok;
  const a = c.findings.map((k) => anchors.get(k)).find((x) => !!x);
  if (a) return `<a class="${cls}" href="#${a.id}" data-finding="${a.id}" title="${esc(title)}">${icon}${esc(label)}</a>`;
  return `<span class="${cls}" title="${esc(title)}">${icon}${esc(label)}</span>`;
}

function handler(h: FlowHandler, anchors: Map<string, FindingAnchor>): string {
  const routes = h.routes.length
    ? `<div class="h-routes">${h.routes
        .slice(0, 4)
        .map((r) => `<code>${esc(r)}</code>`)
        .join(' ')}${h.routes.length > 4 ? ` <span class="muted">+${h.routes.length - 4}</span>` : ''}</div>`
    : '';
  const reads = h.reads.length
    ? `<ul class="reads">${h.reads
        .slice(0, 4)
        .map((r) => `<li class="${r.state ? `f-${r.state}` : ''}">${r.state ? stateIcon(r.state) : ICON.dot}<span><code>${esc(r.label)}</code> ${esc(r.value)}</span></li>`)
        .join('')}${h.reads.length > 4 ? `<li class="muted">+${h.reads.length - 4} more</li>` : ''}</ul>`
    : '';
  const checks = h.checks.length ? `<div class="checks">${h.checks.map((c) => checkChip(c, anchors)).join('')}</div>` : '';
  const where = h.site.file ? `<span class="site">${esc(h.site.file)}:${h.site.line}</span>` : '';
  return `<div class="handler"><div class="h-head"><code class="h-name">${esc(h.qualname)}</code><span class="h-kind">${esc(h.kind)}</span>${where}</div>${routes}${reads}${checks}</div>`;
}

function djangoBody(d: IdentityFlow['django'], anchors: Map<string, FindingAnchor>): string {
  const parts: string[] = [];
  if (d.handlers.length) {
    parts.push(
      d.handlers
        .slice(0, MAX_HANDLERS)
        .map((h) => handler(h, anchors))
        .join(''),
    );
    if (d.handlers.length > MAX_HANDLERS) parts.push(`<div class="muted small">+${plural(d.handlers.length - MAX_HANDLERS, 'more handler')}</div>`);
  } else if (!d.facts.length) {
    parts.push('<div class="muted small">No view or middleware on this route reads a client identity.</div>');
  }
  if (d.facts.length) parts.push(facts(d.facts));
  // Django-wide findings (settings, unauthenticated views) on this route.
  if (d.also.length) parts.push(`<div class="also"><div class="also-title">Also in Django</div>${findingChips(d.also, anchors, 8)}</div>`);
  return parts.join('');
}

function bypass(l: FlowLink, anchors: Map<string, FindingAnchor>): string {
  const word = STATE_WORD[l.state];
  return `<div class="bypass b-left st-${l.state}"></div>
<div class="bypass b-mid st-${l.state}" data-link="bypass" data-state="${l.state}"><div class="bypass-label"><span class="bypass-title">around the proxy</span>${word ? `<span class="pill st-${l.state}">${esc(word)}</span>` : ''}<span class="link-sum">${inlineCode(l.summary)}</span>${findingChips(l.findings, anchors, 4)}</div></div>
<div class="bypass b-right st-${l.state}"><span class="bypass-head"></span></div>`;
}

/** Broken links of a flow, the Django node counting as one when a handler misses a check. */
export function brokenCount(f: IdentityFlow): number {
  return Object.values(f.links).filter((l) => l.state === 'broken').length + (f.django.state === 'broken' ? 1 : 0);
}

export function renderFlow(f: IdentityFlow, anchors: Map<string, FindingAnchor>): string {
  const broken = brokenCount(f);
  const verdict = broken ? `<span class="verdict bad">${ICON.bad}${plural(broken, 'broken link')}</span>` : `<span class="verdict good">${ICON.ok}no broken link</span>`;
  return `<article class="flow" id="${esc(f.id)}" data-broken="${broken}">
<header class="flow-head"><h3>${esc(f.title)}</h3>${verdict}</header>
<div class="flow-scroll"><div class="flow-grid">
${node('client', f.client)}
${link('tls', f.links.tls, anchors)}
${node('proxy', f.proxy)}
${link('headers', f.links.headers, anchors)}
${node('app', f.appServer)}
${link('wsgi', f.links.wsgi, anchors)}
${node('django', f.django, djangoBody(f.django, anchors))}
${bypass(f.links.bypass, anchors)}
</div></div>
</article>`;
}

const LEGEND = `<div class="legend" aria-label="legend">
<span class="lg"><span class="lg-line st-ok"></span>verified / proven</span>
<span class="lg"><span class="lg-line st-broken"></span>broken (a finding proves it)</span>
<span class="lg"><span class="lg-line st-unknown"></span>not proven by the scanned files</span>
<span class="lg"><span class="chk chk-done">${ICON.ok}check done</span></span>
<span class="lg"><span class="chk chk-at-proxy">${ICON.ok}done by the proxy</span></span>
<span class="lg"><span class="chk chk-missing">${ICON.bad}missing</span></span>
</div>`;

/** The identity-flow section: a legend, the drawn flows (most broken first) and a table of the rest. */
export function renderFlows(flows: IdentityFlow[], anchors: Map<string, FindingAnchor>, kind: 'scan' | 'probe'): string {
  if (!flows.length) {
    const why = kind === 'probe' ? 'The probe judged no case.' : 'No proxy route to the app and no Django code reading a client certificate or identity was found in the scanned tree.';
    return `<p class="muted">${esc(why)}</p>`;
  }
  const order = flows.map((f, i) => ({ f, i, b: brokenCount(f) })).sort((a, b) => b.b - a.b || a.i - b.i);
  const drawn = order.slice(0, MAX_DRAWN_FLOWS).map((x) => renderFlow(x.f, anchors));
  let rest = '';
  if (order.length > MAX_DRAWN_FLOWS) {
    const rows = order
      .slice(MAX_DRAWN_FLOWS)
      .map(
        ({ f }) =>
          `<tr><td>${esc(f.title)}</td>${(['tls', 'headers', 'bypass'] as const).map((k) => `<td class="st-${f.links[k].state}">${stateIcon(f.links[k].state)} ${esc(STATE_WORD[f.links[k].state] || 'n/a')}</td>`).join('')}<td class="st-${f.django.state}">${stateIcon(f.django.state)} ${esc(STATE_WORD[f.django.state] || 'n/a')}</td></tr>`,
      )
      .join('');
    rest = `<details class="more-flows"><summary>${plural(order.length - MAX_DRAWN_FLOWS, 'more route')} (not drawn)</summary><table class="tbl"><thead><tr><th>route</th><th>client → proxy</th><th>proxy → app</th><th>around the proxy</th><th>Django</th></tr></thead><tbody>${rows}</tbody></table></details>`;
  }
  return LEGEND + drawn.join('\n') + rest;
}
