// Shared machinery of the certificate cases: one request per attack certificate and protected
// path, judged against the path's baselines; rows become findings (accepted) or case notes.
// In session mode (the path needs the session a certificate login gives) each attack certificate
// makes its own fresh login first, and the path is then requested with that certificate and
// whatever cookies its login obtained.

import { noteCase, PRIORITY, req, type CheckContext, type PathBaseline } from '../check.js';
import { describe, judge, separation, type VerdictKind } from '../judge.js';
import { exchange } from '../evidence.js';
import type { AttackSet, MintedIdentity } from '../identities.js';
import { echoedIdentity, loginAndGet, loginLines, type LoginResult } from '../login.js';
import type { Assessment, CaseNote, Outcome, ProbeFinding } from '../types.js';

export interface CaseRow {
  caseId: string;
  ruleId: string;
  messageId: string;
  path: string;
  url: string;
  verdict: VerdictKind | 'not-run';
  reason: string;
  outcome?: Outcome;
  baseline?: PathBaseline;
  /** Session mode: this certificate's own login before the request on the path. */
  login?: LoginResult;
  data: Record<string, string | number>;
}

export interface CaseResult {
  rows: CaseRow[];
}

export interface CertCaseSpec {
  caseId: string;
  ruleId: string;
  messageId: string;
  attack: keyof AttackSet;
  /** The attack is served under its own subject (unknown identity), not as the legitimate name. */
  servedAsItself?: boolean;
  data: (id: MintedIdentity, ctx: CheckContext) => Record<string, string | number>;
  /** A reason not to run the case on this path. */
  skip?: (b: PathBaseline, ctx: CheckContext) => string | null;
  /** Use a learning outcome instead of sending a request. */
  learned?: 'other';
}

export function baselineLine(b: PathBaseline): string {
  if (b.session) {
    return `# baselines on ${b.path}: legitimate certificate with the session of its login at ${b.session.loginPath} → ${describe(b.legit)}, without it → ${describe(b.session.legitAlone)}; no certificate → ${describe(b.none)}`;
  }
  return `# baselines on ${b.path}: legitimate certificate → ${describe(b.legit)}; no certificate → ${describe(b.none)}`;
}

export function protectedBaselines(ctx: CheckContext): PathBaseline[] {
  return ctx.learned.paths.filter((b) => b.role === 'protected');
}

export async function runCertCases(ctx: CheckContext, specs: CertCaseSpec[]): Promise<CaseResult> {
  const rows: CaseRow[] = [];
  const pending: { row: CaseRow; spec: CertCaseSpec; id: MintedIdentity; b: PathBaseline; k: number }[] = [];
  const jobs = [];
  for (const spec of specs) {
    const id = ctx.ids.attacks[spec.attack];
    if (!id) {
      rows.push({ caseId: spec.caseId, ruleId: spec.ruleId, messageId: spec.messageId, path: '', url: '', verdict: 'not-run', reason: ctx.ids.missing[spec.attack] ?? 'attack certificate unavailable', data: {} });
      continue;
    }
    for (const b of protectedBaselines(ctx)) {
      const row: CaseRow = { caseId: spec.caseId, ruleId: spec.ruleId, messageId: spec.messageId, path: b.path, url: b.url, verdict: 'inconclusive', reason: '', baseline: b, data: spec.data(id, ctx) };
      rows.push(row);
      const sep = separation(ctx.refs(b, b.none));
      if (!sep.by) {
        row.reason = sep.reason;
        continue;
      }
      const skip = spec.skip?.(b, ctx);
      if (skip) {
        row.verdict = 'not-run';
        row.reason = skip;
        continue;
      }
      if (b.session) {
        pending.push({ row, spec, id, b, k: -2 });
      } else if (spec.learned === 'other') {
        pending.push({ row, spec, id, b, k: -1 });
      } else {
        pending.push({ row, spec, id, b, k: jobs.length });
        jobs.push(req(ctx.url(b.path), id, `${spec.caseId} on ${b.path}`, PRIORITY.cert));
      }
    }
  }
  const [outs, logins] = await Promise.all([
    ctx.send(jobs),
    Promise.all(
      pending.map(async (p) => {
        if (p.k !== -2) return null;
        // Certificate B's login was made while learning (it is also the refused reference of others).
        if (p.spec.learned === 'other' && p.b.session!.other) return p.b.session!.other;
        return loginAndGet(ctx, p.b.session!.loginPath, p.b.path, p.id, PRIORITY.cert, p.spec.caseId);
      }),
    ),
  ]);
  for (const [i, p] of pending.entries()) {
    const session = logins[i];
    if (session) p.row.login = session.login;
    const o = session ? session.outcome : p.k >= 0 ? outs[p.k] : p.b.other;
    if (!o) {
      p.row.verdict = 'not-run';
      p.row.reason = 'certificate B was not sent';
      continue;
    }
    p.row.outcome = o;
    if (o.kind === 'not-sent') {
      p.row.verdict = 'not-run';
      p.row.reason = o.error ?? 'not sent';
      continue;
    }
    const v = judge(o, ctx.refs(p.b, p.b.none), {
      name: p.spec.servedAsItself ? (p.id.marker ?? ctx.ids.legit.name) : ctx.ids.legit.name,
      ...(p.id.marker ? { marker: p.id.marker } : {}),
    });
    p.row.verdict = v.verdict;
    p.row.reason = v.reason;
  }
  return { rows };
}

/** `# the response names: alice` when the app echoes the user it served. */
export function servedAs(o: Outcome): string {
  const who = echoedIdentity(o);
  return who ? `\n# the response names the user it served: ${who}` : '';
}

export function assessRows(rows: CaseRow[]): Assessment {
  const findings: ProbeFinding[] = [];
  const notes: CaseNote[] = [];
  for (const r of rows) {
    if (r.verdict === 'accepted' && r.outcome) {
      findings.push({
        ruleId: r.ruleId,
        messageId: r.messageId,
        data: { ...r.data, path: r.path, status: describe(r.outcome) },
        url: r.url,
        case: r.caseId,
        evidence: `${exchange(r.outcome)}${r.login ? `\n# its own login: ${loginLines(r.login)}` : ''}${servedAs(r.outcome)}${r.baseline ? `\n${baselineLine(r.baseline)}` : ''}`,
      });
      continue;
    }
    const status = r.verdict === 'refused' ? 'passed' : r.verdict === 'accepted' ? 'inconclusive' : r.verdict;
    notes.push({ case: r.path ? noteCase(r.caseId, r.path) : r.caseId, status, reason: r.verdict === 'refused' ? `refused: ${r.reason}` : r.reason });
  }
  return { findings, notes };
}
