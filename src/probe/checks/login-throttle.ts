// login-not-throttled (probe form): a bounded burst (at most 30) of failed password logins at
// --password-login, for the legitimate certificate's name with random passwords. The form is read
// first (CSRF token, field names, cookies); a JSON endpoint gets JSON. The TLS layer is passed with
// no certificate when the page answers without one, else with the legitimate certificate.
// Throttled: a 429/423/503, a Retry-After, a switch to 403, a lockout message, or a growing delay.

import { randomBytes } from 'node:crypto';
import { defineCheck, PRIORITY, req } from '../check.js';
import { jar } from '../cookies.js';
import { parseForm, postHeaders } from '../login.js';
import { describe, header } from '../judge.js';
import { exchanges } from '../evidence.js';
import type { Assessment, ClientIdentity, Outcome } from '../types.js';

export const MAX_BURST = 30;
const ROUND = 10;
const LOCKOUT_TEXT = /too many|locked|lockout|rate.?limit|try again later|throttl|slow down/i;

export interface ThrottleResult {
  status: 'finding' | 'passed' | 'inconclusive' | 'not-run';
  reason: string;
  path?: string;
  url?: string;
  attempts?: Outcome[];
  statuses?: string;
}

function median(xs: number[]): number {
  const s = xs.slice().sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)] : 0;
}

function throttleSign(attempts: Outcome[]): string | null {
  const firstStatus = attempts[0].status;
  for (const [i, o] of attempts.entries()) {
    if (o.kind !== 'response') continue;
    const n = i + 1;
    if (o.status === 429 || o.status === 423 || o.status === 503) return `attempt ${n} answered ${describe(o)}`;
    if (header(o, 'retry-after')) return `attempt ${n} carried Retry-After: ${header(o, 'retry-after')}`;
    if (o.status === 403 && firstStatus !== 403) return `attempt ${n} switched to ${describe(o)}`;
    if (LOCKOUT_TEXT.test(o.body ?? '') && !LOCKOUT_TEXT.test(attempts[0].body ?? '')) return `attempt ${n} said “${(o.body ?? '').match(LOCKOUT_TEXT)![0]}”`;
  }
  const ms = attempts.filter((o) => o.kind === 'response').map((o) => o.ms);
  if (ms.length >= 10) {
    const early = median(ms.slice(0, 5));
    const late = median(ms.slice(-5));
    // A deliberate delay (backoff) is seconds, not load noise: demand both a ratio and a margin.
    if (late > Math.max(4 * early, early + 1000)) return `the answers slowed from ${early} ms to ${late} ms`;
  }
  return null;
}

export default defineCheck<ThrottleResult>({
  id: 'login-throttle',
  rules: ['login-not-throttled'],
  async run(ctx) {
    if (!ctx.passwordLogin) return { status: 'not-run', reason: 'no --password-login given' };
    const path = ctx.passwordLogin;
    const url = ctx.url(path);
    // Reach the page: without a certificate if it answers, else with the legitimate one.
    let identity: ClientIdentity | null = null;
    let [page] = await ctx.send([req(url, null, `password login page ${path}, no certificate`, PRIORITY.throttle)]);
    if (page.kind !== 'response' || (page.status ?? 0) >= 400) {
      identity = ctx.ids.legit.identity;
      const [again] = await ctx.send([req(url, identity, `password login page ${path}, legitimate certificate`, PRIORITY.throttle)]);
      if (again.kind === 'not-sent') return { status: 'not-run', reason: again.error ?? 'not sent' };
      if (again.kind !== 'response' || ((again.status ?? 0) >= 400 && again.status !== 405)) {
        return { status: 'inconclusive', reason: `the password login page could not be reached (${describe(page)} without a certificate, ${describe(again)} with it)` };
      }
      page = again;
    }
    // The form and CSRF handling of the certificate login (src/probe/login.ts), with credentials.
    const form = parseForm(page);
    const headers = postHeaders(url, jar(page), form, form.json);
    const body = () => {
      const fields: Record<string, string> = { ...form.hidden, [form.userField]: ctx.ids.legit.name, [form.passField]: `mtls-audit-${randomBytes(8).toString('hex')}` };
      return form.json ? JSON.stringify(fields) : new URLSearchParams(fields).toString();
    };
    const n = Math.min(MAX_BURST, Math.max(1, ctx.burst));
    const attempts: Outcome[] = [];
    let sign: string | null = null;
    for (let i = 0; i < n && !sign; i += ROUND) {
      const round = Array.from({ length: Math.min(ROUND, n - i) }, (_, k) => req(url, identity, `failed password login ${i + k + 1}/${n} at ${path}`, PRIORITY.throttle, { method: 'POST', headers, body: body() }));
      attempts.push(...(await ctx.send(round)));
      const first = attempts[0];
      if (first.kind === 'not-sent') return { status: 'not-run', reason: first.error ?? 'not sent' };
      if (first.kind !== 'response') return { status: 'inconclusive', reason: `the first login attempt failed: ${describe(first)}`, attempts };
      const csrfFail = first.status === 403 && /csrf/i.test(first.body ?? '');
      if (csrfFail || first.status === 404 || first.status === 405 || (first.status === 400 && !/json/i.test(header(first, 'content-type') ?? ''))) {
        return { status: 'inconclusive', reason: `the login could not be submitted: the first attempt answered ${describe(first)}${csrfFail ? ' (CSRF check)' : ''}`, attempts };
      }
      sign = throttleSign(attempts);
    }
    if (sign) return { status: 'passed', reason: `throttled: ${sign}`, attempts };
    if (attempts.some((o) => o.kind === 'not-sent')) return { status: 'not-run', reason: `the burst was cut short by the request budget after ${attempts.filter((o) => o.kind !== 'not-sent').length} attempts`, attempts };
    if (attempts.some((o) => o.kind !== 'response'))
      return {
        status: 'inconclusive',
        reason: `some attempts got no answer (${attempts
          .filter((o) => o.kind !== 'response')
          .map(describe)
          .join(', ')})`,
        attempts,
      };
    const counts = new Map<string, number>();
    for (const o of attempts) counts.set(String(o.status), (counts.get(String(o.status)) ?? 0) + 1);
    const statuses = [...counts].map(([s, c]) => `${s} (${c}×)`).join(', ');
    return { status: 'finding', reason: '', path, url: url.href, attempts, statuses };
  },
  assess(r): Assessment {
    if (r.status !== 'finding') return { findings: [], notes: [{ case: 'password-burst', status: r.status, reason: r.reason }] };
    const a = r.attempts!;
    const ms = a.map((o) => o.ms);
    return {
      findings: [
        {
          ruleId: 'login-not-throttled',
          messageId: 'notThrottled',
          data: { count: a.length, path: r.path!, statuses: r.statuses! },
          url: r.url!,
          case: 'password-burst',
          evidence: `${exchanges([
            { caption: 'attempt 1', outcome: a[0] },
            { caption: `attempt ${a.length}`, outcome: a[a.length - 1] },
          ])}\n# ${a.length} attempts: ${r.statuses}; latency median first 5 ${median(ms.slice(0, 5))} ms, last 5 ${median(ms.slice(-5))} ms`,
        },
      ],
      notes: [],
    };
  },
});
