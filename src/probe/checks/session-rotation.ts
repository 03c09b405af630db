// session-id-not-rotated: the cookies the target sets before authentication (the no-certificate
// baseline of --login-path, else of the first protected path) are sent along with the legitimate
// certificate's login. A cookie that keeps its value through the login and then serves a protected
// path as the legitimate owner without the certificate is a fixed session. Not applicable when the
// target sets no cookie before authentication. The login is the shared one (src/probe/login.ts).

import { defineCheck, PRIORITY, req, type CheckContext, type PathBaseline } from '../check.js';
import { cookieHeader, jar } from '../cookies.js';
import { login as doLogin } from '../login.js';
import { describe, judge, separation } from '../judge.js';
import { exchanges } from '../evidence.js';
import type { Assessment, ClientIdentity, Outcome } from '../types.js';

export interface RotationResult {
  status: 'finding' | 'passed' | 'inconclusive' | 'not-run';
  reason: string;
  survivors?: string[];
  login?: Outcome;
  replay?: Outcome;
  pre?: Outcome;
  source?: PathBaseline;
  target?: PathBaseline;
  with?: string;
}

function pickTarget(ctx: CheckContext): { b: PathBaseline; identity: ClientIdentity | null; refused: Outcome; with: string } | null {
  for (const b of ctx.learned.paths.filter((p) => p.role === 'protected')) {
    if (b.none.kind === 'response' && separation(ctx.refs(b, b.none)).by) return { b, identity: null, refused: b.none, with: 'with no certificate' };
    const B = ctx.ids.attacks.unknown;
    if (B && b.other?.kind === 'response' && separation(ctx.refs(b, b.other)).by) return { b, identity: B, refused: b.other, with: 'with certificate B' };
  }
  return null;
}

export default defineCheck<RotationResult>({
  id: 'session-rotation',
  rules: ['session-id-not-rotated'],
  async run(ctx) {
    const source = ctx.learned.paths.find((b) => b.role === 'login') ?? ctx.learned.paths[0];
    if (!source) return { status: 'not-run', reason: 'no path to log in at' };
    const pre = source.none;
    const preJar = pre.kind === 'response' ? jar(pre) : new Map<string, string>();
    if (!preJar.size) return { status: 'not-run', reason: `not applicable: the target issues no cookie before authentication (${source.path} without a certificate: ${describe(pre)})` };
    // The same login as everywhere (forms, CSRF, same-origin redirects), starting from those cookies.
    const flow = await doLogin(
      ctx,
      source.path,
      { identity: ctx.ids.legit.identity, who: 'the legitimate certificate' },
      { cookies: preJar, purpose: `session rotation: login at ${source.path} with the pre-authentication cookies`, submit: source.role === 'login' },
    );
    const login = flow.steps[0];
    if (login.kind === 'not-sent') return { status: 'not-run', reason: login.error ?? 'not sent' };
    if (login.kind !== 'response') return { status: 'inconclusive', reason: `the login with the pre-authentication cookies failed: ${describe(login)}` };
    const survivors = [...preJar.keys()].filter((n) => flow.cookies.get(n) === preJar.get(n));
    if (!survivors.length) return { status: 'passed', reason: `rotated: the login replaced every pre-authentication cookie (${[...preJar.keys()].join(', ')})` };
    const target = pickTarget(ctx);
    if (!target) return { status: 'inconclusive', reason: `${survivors.join(', ')} kept their value through the login, but no protected path separates its baselines to tell whether they now carry the identity` };
    const survivorJar = new Map(survivors.map((n) => [n, preJar.get(n)!]));
    const [replay] = await ctx.send([req(ctx.url(target.b.path), target.identity, `session rotation: pre-authentication cookies on ${target.b.path}`, PRIORITY.session, { headers: { Cookie: cookieHeader(survivorJar) } })]);
    if (replay.kind === 'not-sent') return { status: 'not-run', reason: replay.error ?? 'not sent' };
    const v = judge(replay, ctx.refs(target.b, target.refused), { name: ctx.ids.legit.name });
    const common = { survivors, login, replay, pre, source, target: target.b, with: target.with };
    if (v.verdict === 'accepted') return { ...common, status: 'finding', reason: v.reason };
    if (v.verdict === 'inconclusive') return { ...common, status: 'inconclusive', reason: v.reason };
    return { ...common, status: 'passed', reason: `${survivors.join(', ')} kept their value through the login but did not carry the identity ${target.with} (refused: ${v.reason})` };
  },
  assess(r, ctx): Assessment {
    if (r.status !== 'finding') return { findings: [], notes: [{ case: 'session-id-not-rotated', status: r.status, reason: r.reason }] };
    return {
      findings: [
        {
          ruleId: 'session-id-not-rotated',
          messageId: 'notRotated',
          data: { cookies: r.survivors!.join(', '), loginPath: r.source!.path, path: r.target!.path, name: ctx.ids.legit.name, with: r.with!, status: describe(r.replay!) },
          url: r.target!.url,
          case: 'session-id-not-rotated',
          evidence: exchanges([
            { caption: 'before authentication', outcome: r.pre! },
            { caption: 'the certificate login, sending those cookies', outcome: r.login! },
            { caption: `the pre-authentication cookies ${r.with}`, outcome: r.replay! },
          ]),
        },
      ],
      notes: [],
    };
  },
});
