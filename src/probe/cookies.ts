// Set-Cookie parsing, enough to replay sessions: name, value, and whether the server deleted it.

import type { Outcome } from './types.js';

export interface SetCookie {
  name: string;
  value: string;
  deleted: boolean;
}

export function setCookies(o: Outcome): SetCookie[] {
  const raw = o.headers?.['set-cookie'];
  const list = Array.isArray(raw) ? raw : raw ? [raw] : [];
  const out: SetCookie[] = [];
  for (const line of list) {
    const [pair, ...attrs] = line.split(';');
    const eq = pair.indexOf('=');
    if (eq <= 0) continue;
    const name = pair.slice(0, eq).trim();
    const value = pair
      .slice(eq + 1)
      .trim()
      .replace(/^"(.*)"$/, '$1');
    let deleted = value === '';
    for (const a of attrs) {
      const [k, v = ''] = a.split('=').map((s) => s.trim());
      if (/^max-age$/i.test(k) && Number(v) <= 0) deleted = true;
      if (/^expires$/i.test(k)) {
        const t = Date.parse(v);
        if (!Number.isNaN(t) && t < Date.now()) deleted = true;
      }
    }
    out.push({ name, value, deleted });
  }
  return out;
}

/** The cookies a response leaves in a jar (last one wins; deleted ones removed). */
export function jar(o: Outcome): Map<string, string> {
  const m = new Map<string, string>();
  for (const c of setCookies(o)) {
    if (c.deleted) m.delete(c.name);
    else m.set(c.name, c.value);
  }
  return m;
}

export function cookieHeader(cookies: Map<string, string>): string {
  return [...cookies].map(([k, v]) => `${k}=${v}`).join('; ');
}
