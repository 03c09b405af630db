// Learning the target before any attack: on every protected path and on the login path, the
// legitimate certificate (the "accepted" baseline), no certificate (the "refused" baseline),
// certificate B (a minted certificate for an unknown subject: the refused reference for attacks
// that need some certificate to pass the TLS layer; it is also the accepts-unknown-identity case),
// and, with --backend, the path straight at the app server with no header.
//
// Session mode: where the legitimate certificate alone is answered 401/403 or redirected to a
// login page, the probe logs in with it (at --login-path, else at the login page the redirect
// names, on the same origin only), keeps the cookies, and takes the path's "accepted" baseline
// again with that session. The answer without the session is kept (SessionBaseline.legitAlone).

import { PRIORITY, req, type CheckContext, type Learned, type PathBaseline } from '../check.js';
import { cookieHeader } from '../cookies.js';
import { acceptedBaselineProblem, describe, header, isLoginRedirect } from '../judge.js';
import { login, loginAndGet, loginLines, type LoginResult } from '../login.js';
import type { Outcome, ProbeRequest } from '../types.js';

type LearnCtx = Omit<CheckContext, 'learned' | 'refs'>;

/** The legitimate certificate alone was refused the way an app refuses "not logged in". */
export function wantsLogin(o: Outcome, loginPaths: string[]): boolean {
  return o.kind === 'response' && (o.status === 401 || o.status === 403 || isLoginRedirect(o, loginPaths));
}

/** The login path for a protected path: --login-path, else where its login redirect points (same origin). */
function loginPathFor(ctx: LearnCtx, b: PathBaseline): string | null {
  if (ctx.loginPath) return ctx.loginPath;
  const loc = header(b.legit, 'location');
  if (!loc || !isLoginRedirect(b.legit, ctx.loginPaths)) return null;
  try {
    const u = new URL(loc, b.legit.request.url);
    return u.origin === ctx.target.origin ? u.pathname + u.search : null;
  } catch {
    return null;
  }
}

async function sessionBaselines(ctx: LearnCtx, paths: PathBaseline[]): Promise<void> {
  const logins = new Map<string, Promise<LoginResult>>();
  await Promise.all(
    paths.map(async (b) => {
      if (b.role !== 'protected' || !wantsLogin(b.legit, ctx.loginPaths)) return;
      const loginPath = loginPathFor(ctx, b);
      if (!loginPath || loginPath === b.path) return;
      const learned = paths.find((p) => p.role === 'login' && p.path === loginPath);
      let pending = logins.get(loginPath);
      if (!pending) {
        pending = login(
          ctx,
          loginPath,
          { identity: ctx.ids.legit.identity, who: 'the legitimate certificate' },
          { ...(learned ? { first: learned.legit } : {}), priority: PRIORITY.learn, purpose: `baseline: certificate login at ${loginPath}` },
        );
        logins.set(loginPath, pending);
      }
      // Certificate B logs in too, meanwhile: in session mode that is the unknown-identity case.
      const B = ctx.ids.attacks.unknown;
      const otherLogin = B ? loginAndGet(ctx, loginPath, b.path, B, PRIORITY.learn, `baseline: certificate B (unknown subject)`) : undefined;
      const session = await pending;
      const other = await otherLogin;
      const url = ctx.url(b.path);
      const last = session.final;
      // The login's redirect may already have fetched the path with the session: that is the baseline.
      const reuse = last.kind === 'response' && last.request.method === 'GET' && last.request.url.href === url.href && last.request.identity === ctx.ids.legit.identity && session.steps.length > 1;
      const withSession = reuse
        ? last
        : (await ctx.send([req(url, ctx.ids.legit.identity, `baseline: legitimate certificate with its session on ${b.path}`, PRIORITY.learn, { headers: session.cookies.size ? { Cookie: cookieHeader(session.cookies) } : {} })]))[0];
      const problem = acceptedBaselineProblem(withSession, ctx.loginPaths);
      if (problem || !session.cookies.size) {
        b.sessionProblem = `after the certificate login at ${loginPath} (${loginLines(session)}), ${problem ?? `the login set no cookie (${b.path}: ${describe(withSession)})`}`;
        return;
      }
      b.session = { loginPath, login: session, legitAlone: b.legit, ...(other ? { other } : {}) };
      b.legit = withSession;
    }),
  );
}

export async function learn(ctx: LearnCtx): Promise<Learned> {
  const paths: { path: string; role: PathBaseline['role'] }[] = ctx.protectedPaths.map((path) => ({ path, role: 'protected' as const }));
  if (ctx.loginPath && !ctx.protectedPaths.includes(ctx.loginPath)) paths.push({ path: ctx.loginPath, role: 'login' });
  const other = ctx.ids.attacks.unknown;
  const jobs: { i: number; slot: 'legit' | 'none' | 'other' | 'backendNone'; r: ProbeRequest }[] = [];
  paths.forEach(({ path }, i) => {
    const url = ctx.url(path);
    jobs.push({ i, slot: 'legit', r: req(url, ctx.ids.legit.identity, `baseline: legitimate certificate on ${path}`, PRIORITY.learn) });
    jobs.push({ i, slot: 'none', r: req(url, null, `baseline: no certificate on ${path}`, PRIORITY.learn) });
    if (other) jobs.push({ i, slot: 'other', r: req(url, other, `baseline: certificate B (unknown subject) on ${path}`, PRIORITY.learn) });
    if (ctx.backend) jobs.push({ i, slot: 'backendNone', r: req(ctx.url(path, true), null, `baseline: backend, no header, on ${path}`, PRIORITY.learn) });
  });
  const outs = await ctx.send(jobs.map((j) => j.r));
  const out: PathBaseline[] = paths.map(({ path, role }) => ({ path, role, url: ctx.url(path).href }) as PathBaseline);
  jobs.forEach((j, k) => {
    out[j.i][j.slot] = outs[k];
  });
  await sessionBaselines(ctx, out);
  return { paths: out };
}
