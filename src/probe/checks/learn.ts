// Learning the target before any attack: on every protected path and on the login path, the
// legitimate certificate (the "accepted" baseline), no certificate (the "refused" baseline),
// certificate B (a minted certificate for an unknown subject: the refused reference for attacks
// that need some certificate to pass the TLS layer; it is also the accepts-unknown-identity case),
// and, with --backend, the path straight at the app server with no header.

import { PRIORITY, req, type CheckContext, type Learned, type PathBaseline } from '../check.js';
import type { ProbeRequest } from '../types.js';

export async function learn(ctx: Omit<CheckContext, 'learned' | 'refs'>): Promise<Learned> {
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
  return { paths: out };
}
