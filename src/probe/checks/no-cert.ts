// accepts-no-cert: the no-certificate baseline itself, on every protected path, through the proxy
// and (with --backend) straight at the app server. No extra request: learning sent them.

import { defineCheck } from '../check.js';
import { judgeNoCert } from '../judge.js';
import { assessRows, protectedBaselines, type CaseResult, type CaseRow } from './cert-cases.js';

export default defineCheck<CaseResult>({
  id: 'no-cert',
  rules: ['accepts-no-cert'],
  async run(ctx) {
    const rows: CaseRow[] = [];
    for (const b of protectedBaselines(ctx)) {
      const routes = [{ caseId: 'no-cert', o: b.none, messageId: 'noCert', url: b.url }];
      if (b.backendNone) routes.push({ caseId: 'no-cert-backend', o: b.backendNone, messageId: 'backendNoCert', url: ctx.url(b.path, true).href });
      for (const r of routes) {
        const row: CaseRow = { caseId: r.caseId, ruleId: 'accepts-no-cert', messageId: r.messageId, path: b.path, url: r.url, verdict: 'not-run', reason: '', baseline: b, data: { backend: ctx.backend?.origin ?? '' } };
        rows.push(row);
        if (r.o.kind === 'not-sent') {
          row.reason = r.o.error ?? 'not sent';
          continue;
        }
        const v = judgeNoCert(r.o, b.legit, ctx.ids.legit.name, ctx.loginPaths);
        Object.assign(row, { verdict: v.verdict, reason: v.reason, outcome: r.o });
        row.data.reason = v.reason;
      }
    }
    return { rows };
  },
  assess: (result) => assessRows(result.rows),
});
