// session-replay-across-certs: the session the legitimate certificate's login obtained, replayed
// with no certificate and with certificate B on every protected path, and, where the path needs
// that session (session mode) and --backend is given, straight to the app server with neither
// certificate nor header. Accepted only where that identity alone is refused: the refused
// reference is the no-certificate baseline, certificate B's own baseline, or the backend's.
//
// The session: in session mode the login learning did (lib: src/probe/login.ts); otherwise the
// login at --login-path (else the first protected path) with the legitimate certificate, carried
// on from its learning request through forms and same-origin redirects.

import { defineCheck, PRIORITY, req, type CheckContext, type PathBaseline } from '../check.js';
import { cookieHeader } from '../cookies.js';
import { describe, judge } from '../judge.js';
import { login, loginLines, type LoginResult } from '../login.js';
import { assessRows, protectedBaselines, type CaseResult, type CaseRow } from './cert-cases.js';
import type { ClientIdentity, Outcome } from '../types.js';

interface Job {
  row: CaseRow;
  b: PathBaseline;
  identity: ClientIdentity | null;
  refused: Outcome;
  onBackend: boolean;
  session: LoginResult;
}

export interface ReplayResult extends CaseResult {
  notApplicable?: string;
}

/** The legitimate certificate's session outside session mode (one login, shared by the paths). */
async function plainSession(ctx: CheckContext): Promise<LoginResult | null> {
  const source = ctx.learned.paths.find((b) => b.role === 'login') ?? ctx.learned.paths[0];
  if (!source || source.legit.kind !== 'response') return null;
  return login(ctx, source.path, { identity: ctx.ids.legit.identity, who: 'the legitimate certificate' }, { first: source.legit, purpose: `session: certificate login at ${source.path}`, submit: source.role === 'login' });
}

export default defineCheck<ReplayResult>({
  id: 'session-replay',
  rules: ['session-replay-across-certs'],
  async run(ctx) {
    const paths = protectedBaselines(ctx);
    const plain = paths.some((b) => !b.session) ? await plainSession(ctx) : null;
    const B = ctx.ids.attacks.unknown;
    const rows: CaseRow[] = [];
    const jobs: Job[] = [];
    const base = { ruleId: 'session-replay-across-certs', messageId: 'replayed' };
    const empty: string[] = [];
    for (const b of paths) {
      const session = b.session?.login ?? plain;
      if (!session || !session.cookies.size) {
        const src = session?.path ?? ctx.learned.paths[0]?.path ?? '(no path)';
        empty.push(`the legitimate certificate got no cookie at ${src} (${session ? loginLines(session) : 'no answer'}), so there is no session to replay on ${b.path}`);
        continue;
      }
      const variants: { caseId: string; identity: ClientIdentity | null; refused?: Outcome; with: string; onBackend?: boolean }[] = [
        { caseId: 'session-replay-no-cert', identity: null, refused: b.none, with: 'with no certificate' },
        { caseId: 'session-replay-other-cert', identity: B ?? null, refused: b.other, with: 'with certificate B (an unknown subject from the trusted CA)' },
      ];
      if (b.session && ctx.backend && b.backendNone)
        variants.push({ caseId: 'session-replay-backend', identity: null, refused: b.backendNone, with: `directly to the backend ${ctx.backend.origin} (no certificate, no header)`, onBackend: true });
      for (const v of variants) {
        const row: CaseRow = {
          ...base,
          caseId: v.caseId,
          path: b.path,
          url: v.onBackend ? ctx.url(b.path, true).href : b.url,
          verdict: 'inconclusive',
          reason: '',
          baseline: b,
          login: session,
          data: { cookies: [...session.cookies.keys()].join(', '), name: ctx.ids.legit.name, with: v.with },
        };
        rows.push(row);
        if (v.caseId === 'session-replay-other-cert' && (!B || !v.refused)) {
          row.verdict = 'not-run';
          row.reason = ctx.ids.missing.unknown ?? 'certificate B unavailable';
          continue;
        }
        jobs.push({ row, b, identity: v.identity, refused: v.refused!, onBackend: !!v.onBackend, session });
      }
    }
    if (!rows.length && empty.length) return { rows: [], notApplicable: `not applicable: ${empty[0]}` };
    const outs = await ctx.send(
      jobs.map((j) => req(ctx.url(j.b.path, j.onBackend), j.identity, `${j.row.caseId} on ${j.b.path} (session from ${j.session.path})`, PRIORITY.session, { headers: { Cookie: cookieHeader(j.session.cookies) } })),
    );
    jobs.forEach((j, i) => {
      const o = outs[i];
      j.row.outcome = o;
      if (o.kind === 'not-sent') {
        j.row.verdict = 'not-run';
        j.row.reason = o.error ?? 'not sent';
        return;
      }
      const v = judge(o, ctx.refs(j.b, j.refused), { name: ctx.ids.legit.name });
      j.row.verdict = v.verdict;
      j.row.reason = v.reason;
      j.row.data.alone = describe(j.refused);
    });
    return { rows };
  },
  assess(result) {
    if (result.notApplicable) return { findings: [], notes: [{ case: 'session-replay', status: 'not-run', reason: result.notApplicable }] };
    const byKey = new Map(result.rows.map((r) => [`${r.caseId}\u0000${r.url}`, r]));
    const a = assessRows(result.rows.map((r) => ({ ...r, baseline: undefined, login: undefined })));
    a.findings = a.findings.map((f) => {
      const { alone, ...data } = f.data;
      const row = byKey.get(`${f.case}\u0000${f.url}`)!;
      const b = row.baseline!;
      const how = b.session ? `${describe(b.legit)} with the session, ${describe(b.session.legitAlone)} without it` : describe(b.legit);
      return {
        ...f,
        data,
        evidence: `${f.evidence}\n# the session: certificate login at ${row.login!.path} with the legitimate certificate: ${loginLines(row.login!)}\n# the legitimate certificate on ${b.path}: ${how}\n# the same identity without the cookie → ${alone}`,
      };
    });
    return a;
  },
});
