// Deciding "accepted" against two baselines, never by status 200 alone.
//
// Baseline A: the legitimate certificate (must look served: 2xx, or a 3xx that is not a redirect
// to a login page). Baseline R: the refused reference (no certificate; for an attack sent with
// another certificate or to the backend, the matching refused request). The baselines separate by
// transport (R failed the TLS handshake), status class, a redirect to a login page, or the identity
// shown in the body (A shows the legitimate name and R does not). An attack is accepted when it
// matches A on every feature that separates A from R; when nothing separates them it is
// inconclusive, never passed.

import type { Outcome } from './types.js';

export type VerdictKind = 'accepted' | 'refused' | 'inconclusive';

export interface Verdict {
  verdict: VerdictKind;
  reason: string;
}

export interface Refs {
  accepted: Outcome;
  refused: Outcome;
  /** The name the target shows for the legitimate certificate's owner (its CN). */
  legitName: string;
  /** Paths a redirect to which means "log in first". */
  loginPaths: string[];
}

export interface Expectation {
  /** The name the response must show when the target shows names (the impersonated owner, or the attack subject). */
  name: string;
  /** A unique string of the attack subject: when the body shows it, the target served the attack subject, not `name`. */
  marker?: string;
}

const LOGIN_HINT = /(^|[/_.-])(log-?in|sign-?in|auth|sso|cas|saml|oidc|oauth2?)([/_.?-]|$)/i;

export function statusClass(o: Outcome): number {
  return o.kind === 'response' && o.status ? Math.floor(o.status / 100) : 0;
}

export function header(o: Outcome, name: string): string | undefined {
  const v = o.headers?.[name.toLowerCase()];
  return Array.isArray(v) ? v.join(', ') : v;
}

export function describe(o: Outcome): string {
  if (o.kind === 'response') {
    const loc = header(o, 'location');
    return `${o.status}${o.statusText ? ` ${o.statusText}` : ''}${loc && statusClass(o) === 3 ? ` → ${loc}` : ''}`;
  }
  if (o.kind === 'tls-refused') return `refused in the TLS handshake (${o.error})`;
  if (o.kind === 'timeout') return 'no answer (timed out)';
  if (o.kind === 'not-sent') return 'not sent (request budget exhausted)';
  return `connection failed (${o.error})`;
}

export function isLoginRedirect(o: Outcome, loginPaths: string[]): boolean {
  if (statusClass(o) !== 3) return false;
  const loc = header(o, 'location');
  if (!loc) return false;
  let path = loc;
  try {
    path = new URL(loc, o.request.url).pathname;
  } catch {
    /* keep the raw value */
  }
  return loginPaths.some((p) => p && (path === p || path.startsWith(p))) || LOGIN_HINT.test(path);
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Whether the body shows `name` as a whole word (so `alice` is not found in `malice`). */
export function showsName(o: Outcome, name: string): boolean {
  if (o.kind !== 'response' || !o.body || name.length < 3) return false;
  return new RegExp(`(?<![A-Za-z0-9_.-])${escapeRe(name)}(?![A-Za-z0-9_-])`).test(o.body);
}

/** Why the legitimate baseline cannot serve as "accepted", or null when it can. */
export function acceptedBaselineProblem(a: Outcome, loginPaths: string[]): string | null {
  if (a.kind !== 'response') return `the legitimate certificate was not served: ${describe(a)}`;
  const c = statusClass(a);
  if (c !== 2 && c !== 3) return `the legitimate certificate was answered ${describe(a)}`;
  if (isLoginRedirect(a, loginPaths)) return `the legitimate certificate was redirected to a login page (${describe(a)})`;
  return null;
}

export type Separation = 'transport' | 'status' | 'login-redirect' | 'identity';

export function separation(refs: Refs): { by: Separation | null; reason: string } {
  const { accepted: a, refused: r, legitName, loginPaths } = refs;
  const problem = acceptedBaselineProblem(a, loginPaths);
  if (problem) return { by: null, reason: problem };
  if (r.kind === 'tls-refused') return { by: 'transport', reason: 'the refused baseline failed the TLS handshake' };
  if (r.kind !== 'response') return { by: null, reason: `the refused baseline could not be taken: ${describe(r)}` };
  if (statusClass(r) !== statusClass(a)) return { by: 'status', reason: `the baselines differ in status (${a.status} vs ${r.status})` };
  if (isLoginRedirect(r, loginPaths) && !isLoginRedirect(a, loginPaths)) return { by: 'login-redirect', reason: 'the refused baseline is redirected to a login page' };
  if (showsName(a, legitName) && !showsName(r, legitName)) return { by: 'identity', reason: `only the legitimate baseline shows ${legitName}` };
  return {
    by: null,
    reason: `the baselines do not separate: with the legitimate certificate ${describe(a)}, and ${describe(r)} for the refused reference, with no login redirect or identity to tell them apart`,
  };
}

/** Whether an attack response was served like the legitimate one. */
export function judge(o: Outcome, refs: Refs, expect: Expectation): Verdict {
  const sep = separation(refs);
  if (!sep.by) return { verdict: 'inconclusive', reason: sep.reason };
  if (o.kind === 'tls-refused') return { verdict: 'refused', reason: describe(o) };
  if (o.kind !== 'response') return { verdict: 'inconclusive', reason: describe(o) };
  const a = refs.accepted;
  const r = refs.refused;
  if (isLoginRedirect(o, refs.loginPaths)) return { verdict: 'refused', reason: `redirected to a login page (${describe(o)})` };
  if (statusClass(o) !== statusClass(a)) {
    if (r.kind === 'response' && r.status === o.status) return { verdict: 'refused', reason: `answered ${describe(o)}, like the refused baseline` };
    if (statusClass(o) === 5) return { verdict: 'inconclusive', reason: `server error ${describe(o)}` };
    return { verdict: 'refused', reason: `answered ${describe(o)}` };
  }
  const namesShown = showsName(a, refs.legitName);
  if (namesShown || sep.by === 'identity') {
    if (!showsName(o, expect.name)) return { verdict: 'refused', reason: `answered ${describe(o)} without showing ${expect.name}` };
  }
  if (expect.marker && expect.marker !== expect.name && o.body?.includes(expect.marker)) {
    return { verdict: 'refused', reason: `served as the attack subject ${expect.marker}, not as ${expect.name}` };
  }
  return { verdict: 'accepted', reason: `served like the legitimate request (${describe(o)}${namesShown ? `, showing ${expect.name}` : ''})` };
}

/** The no-certificate request itself: was it served like the legitimate one? */
export function judgeNoCert(r: Outcome, a: Outcome, legitName: string, loginPaths: string[]): Verdict {
  const problem = acceptedBaselineProblem(a, loginPaths);
  if (problem) return { verdict: 'inconclusive', reason: problem };
  if (r.kind === 'tls-refused') return { verdict: 'refused', reason: describe(r) };
  if (r.kind !== 'response') return { verdict: 'inconclusive', reason: describe(r) };
  if (isLoginRedirect(r, loginPaths)) return { verdict: 'refused', reason: `redirected to a login page (${describe(r)})` };
  if (statusClass(r) !== statusClass(a)) {
    return statusClass(r) === 5 ? { verdict: 'inconclusive', reason: `server error ${describe(r)}` } : { verdict: 'refused', reason: `answered ${describe(r)}` };
  }
  if (showsName(a, legitName)) {
    return showsName(r, legitName) ? { verdict: 'accepted', reason: `served ${describe(r)} showing ${legitName}` } : { verdict: 'refused', reason: `answered ${describe(r)} without showing ${legitName}` };
  }
  if ((r.body ?? '').trim() === (a.body ?? '').trim()) return { verdict: 'accepted', reason: `served ${describe(r)} with the same body as the legitimate request` };
  return {
    verdict: 'inconclusive',
    reason: `answered ${describe(r)} like the legitimate request (${describe(a)}) but with another body, and no identity, status or login redirect tells them apart`,
  };
}
