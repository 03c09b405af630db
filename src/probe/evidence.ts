// Evidence for a finding (the request line, the headers that matter, the TLS identity, the status
// and a short body excerpt) and the --verbose request log.

import { describe, header } from './judge.js';
import type { Outcome } from './types.js';
import { visible } from '../core/sanitize.js';

const MAX_HEADER = 96;
const MAX_BODY_EXCERPT = 200;

function clip(s: string, n: number): string {
  const flat = s.replace(/\r?\n/g, '⏎');
  return flat.length > n ? `${flat.slice(0, n)}… (${s.length} chars)` : flat;
}

export function identityLabel(o: Outcome): string {
  return o.request.identity ? o.request.identity.label : 'none';
}

export function requestLines(o: Outcome): string[] {
  const r = o.request;
  const lines = [`> ${r.method} ${r.url.pathname}${r.url.search} HTTP/1.1`, `> Host: ${r.url.host}`];
  for (const [k, v] of Object.entries(r.headers)) lines.push(`> ${k}: ${clip(v, MAX_HEADER)}`);
  if (r.body !== undefined) lines.push(`> (body) ${clip(r.body, MAX_HEADER)}`);
  lines.push(`> [${r.url.protocol === 'https:' ? `TLS client certificate: ${identityLabel(o)}` : 'plain HTTP, no TLS'}]`);
  return lines;
}

export function responseLines(o: Outcome): string[] {
  if (o.kind !== 'response') return [`< (${describe(o)})`];
  const lines = [`< HTTP/1.1 ${o.status}${o.statusText ? ` ${o.statusText}` : ''}`];
  for (const h of ['location', 'retry-after', 'content-type']) {
    const v = header(o, h);
    if (v) lines.push(`< ${h.replace(/(^|-)([a-z])/g, (_m, d: string, c: string) => d + c.toUpperCase())}: ${clip(v, MAX_HEADER)}`);
  }
  const cookies = o.headers?.['set-cookie'];
  for (const c of Array.isArray(cookies) ? cookies : cookies ? [cookies] : []) lines.push(`< Set-Cookie: ${clip(c.split(';')[0], 60)}`);
  const body = (o.body ?? '').trim();
  if (body) lines.push(`< ${clip(body, MAX_BODY_EXCERPT)}`);
  return lines;
}

/** One exchange, as the text reporter shows it under the finding. */
export function exchange(o: Outcome): string {
  return [...requestLines(o), ...responseLines(o)].join('\n');
}

/** Several exchanges separated by a blank line, optionally each with a caption. */
export function exchanges(items: { caption?: string; outcome: Outcome }[]): string {
  return items.map((i) => (i.caption ? `# ${i.caption}\n` : '') + exchange(i.outcome)).join('\n\n');
}

/** The --verbose log: every request sent, in order. */
export function renderRequestLog(log: Outcome[]): string {
  const sorted = log.slice().sort((a, b) => a.seq - b.seq);
  const lines = [`requests (${sorted.length}):`];
  for (const o of sorted) {
    const r = o.request;
    const hdrs = Object.keys(r.headers);
    const hdrText = hdrs.length ? ` headers: ${hdrs.length > 6 ? `${hdrs.slice(0, 6).join(', ')} +${hdrs.length - 6}` : hdrs.join(', ')}` : '';
    lines.push(`  #${o.seq} ${r.method} ${r.url.href} [cert: ${r.url.protocol === 'https:' ? identityLabel(o) : 'plain HTTP'}]${hdrText} → ${describe(o)} (${o.ms} ms) — ${r.purpose}`);
  }
  // The server chooses its status text and headers: nothing it sends reaches the terminal raw.
  return visible(lines.join('\n')) + '\n';
}
