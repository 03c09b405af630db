// session-replay-across-certs: the cookies the legitimate certificate obtained (at --login-path,
// else on the first protected path) replayed with no certificate and with certificate B, on every
// protected path. Accepted only where that identity alone is refused: the refused reference is the
// no-certificate baseline, or certificate B's own baseline.

import { defineCheck, PRIORITY, req, type PathBaseline } from '../check.js';
import { cookieHeader, jar } from '../cookies.js';
import { describe, judge } from '../judge.js';
import { assessRows, protectedBaselines, type CaseResult, type CaseRow } from './cert-cases.js';
import type { ClientIdentity, Outcome } from '../types.js';

interface Job {
  row: CaseRow;
  b: PathBaseline;
  identity: ClientIdentity | null;
  refused: Outcome;
}

export interface ReplayResult extends CaseResult {
  notApplicable?: string;
  context?: string;
}

export default defineCheck<ReplayResult>({
  id: 'session-replay',
  rules: ['session-replay-across-certs'],
  async run(ctx) {
    const source = ctx.learned.paths.find((b) => b.role === 'login') ?? ctx.learned.paths[0];
    const cookies = source?.legit.kind === 'response' ? jar(source.legit) : new Map<string, string>();
    if (!source || !cookies.size) {
      return { rows: [], notApplicable: `not applicable: the legitimate certificate got no cookie on ${source?.path ?? '(no path)'} (${source ? describe(source.legit) : 'no request'}), so there is no session to replay` };
    }
    const B = ctx.ids.attacks.unknown;
    const rows: CaseRow[] = [];
    const jobs: Job[] = [];
    const base = { ruleId: 'session-replay-across-certs', messageId: 'replayed' };
    for (const b of protectedBaselines(ctx)) {
      const variants: { caseId: string; identity: ClientIdentity | null; refused?: Outcome; with: string }[] = [
        { caseId: 'session-replay-no-cert', identity: null, refused: b.none, with: 'with no certificate' },
        { caseId: 'session-replay-other-cert', identity: B ?? null, refused: b.other, with: 'with certificate B (an unknown subject from the trusted CA)' },
      ];
      for (const v of variants) {
        const row: CaseRow = { ...base, caseId: v.caseId, path: b.path, url: b.url, verdict: 'inconclusive', reason: '', baseline: b, data: { cookies: [...cookies.keys()].join(', '), name: ctx.ids.legit.name, with: v.with } };
        rows.push(row);
        if (v.caseId === 'session-replay-other-cert' && (!B || !v.refused)) {
          row.verdict = 'not-run';
          row.reason = ctx.ids.missing.unknown ?? 'certificate B unavailable';
          continue;
        }
        jobs.push({ row, b, identity: v.identity, refused: v.refused! });
      }
    }
    const cookie = cookieHeader(cookies);
    const outs = await ctx.send(jobs.map((j) => req(ctx.url(j.b.path), j.identity, `${j.row.caseId} on ${j.b.path} (cookies from ${source.path})`, PRIORITY.session, { headers: { Cookie: cookie } })));
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
    return { rows, context: `# the session: GET ${source.path} with ${ctx.ids.legit.identity.label} → ${describe(source.legit)}` };
  },
  assess(result) {
    if (result.notApplicable) return { findings: [], notes: [{ case: 'session-replay', status: 'not-run', reason: result.notApplicable }] };
    const a = assessRows(result.rows.map((r) => ({ ...r, baseline: undefined })));
    a.findings = a.findings.map((f) => {
      const { alone, ...data } = f.data;
      return { ...f, data, evidence: `${f.evidence}\n${result.context}\n# the same identity without the cookie → ${alone}` };
    });
    return a;
  },
});
