// The probe plugin contract (sslyze's shape): a check produces jobs (requests, each on its own
// connection) through `ctx.send`, possibly in several rounds (a follow-up request may depend on an
// earlier answer), assembles a typed result, and `assess` turns that result into findings and
// case notes. Checks never touch the network themselves: the runner does, within the budget.

import type { Identities } from './identities.js';
import type { Refs } from './judge.js';
import type { Assessment, ClientIdentity, LoginResult, Outcome, ProbeRequest } from './types.js';

/**
 * Session mode of a protected path: the legitimate certificate alone was not served there (401,
 * 403, a login redirect), so the probe logged in with it and took the baseline with that session.
 */
export interface SessionBaseline {
  /** Where the certificate login happens (--login-path, or the login page the path redirects to). */
  loginPath: string;
  /** The legitimate certificate's login. */
  login: LoginResult;
  /** The legitimate certificate without the session (what the path answered before the login). */
  legitAlone: Outcome;
  /** Certificate B's own login and the path after it (the unknown-identity case in session mode). */
  other?: { login: LoginResult; outcome: Outcome };
}

/** What the target answered to the learning requests on one path. */
export interface PathBaseline {
  path: string;
  /** `protected`: a --protected-path; `login`: the --login-path. */
  role: 'protected' | 'login';
  url: string;
  /** The legitimate certificate (in session mode: with the session its login obtained). */
  legit: Outcome;
  /** Set in session mode (see SessionBaseline); certificate cases then log in per certificate. */
  session?: SessionBaseline;
  /** Why session mode was tried on this path and gave no usable session. */
  sessionProblem?: string;
  /** No certificate. */
  none: Outcome;
  /** Certificate B: minted from the CA for an unknown subject (with --ca-key). */
  other?: Outcome;
  /** No certificate and no header, straight to --backend. */
  backendNone?: Outcome;
}

export interface Learned {
  paths: PathBaseline[];
}

export interface CheckContext {
  target: URL;
  backend?: URL;
  protectedPaths: string[];
  loginPath?: string;
  passwordLogin?: string;
  /** Paths a redirect to which means "log in first". */
  loginPaths: string[];
  ids: Identities;
  learned: Learned;
  burst: number;
  send(reqs: ProbeRequest[]): Promise<Outcome[]>;
  /** A URL on the target (or on --backend) for a path. */
  url(path: string, onBackend?: boolean): URL;
  /** Judge references for a path: the legitimate baseline against a refused reference. */
  refs(b: PathBaseline, refused: Outcome): Refs;
}

export interface ProbeCheck<R> {
  /** Plugin id (file name under src/probe/checks/). */
  id: string;
  /** Rule ids (RULES.md "Probe rules") it reports under. */
  rules: readonly string[];
  run(ctx: CheckContext): Promise<R>;
  assess(result: R, ctx: CheckContext): Assessment;
}

export function defineCheck<R>(c: ProbeCheck<R>): ProbeCheck<R> {
  return c;
}

export function req(url: URL, identity: ClientIdentity | null, purpose: string, priority: number, extra: { method?: 'GET' | 'POST'; headers?: Record<string, string>; body?: string } = {}): ProbeRequest {
  return { method: extra.method ?? 'GET', url, headers: extra.headers ?? {}, ...(extra.body !== undefined ? { body: extra.body } : {}), identity, priority, purpose };
}

/** Priorities of the queue: learning first, then the certificate cases, sessions, throttling, spoofing. */
export const PRIORITY = { learn: 0, cert: 1, session: 2, throttle: 3, spoof: 4, narrow: 5 } as const;

export function noteCase(caseId: string, path: string): string {
  return `${caseId} ${path}`;
}
