// accepts-dn-injection: certificates from the trusted CA whose CN is an unknown marker but whose
// subject embeds the legitimate CN: `O=CN=alice` and `CN=marker\,CN=alice`. Served as the
// legitimate name (and not under the marker) means the target parsed the DN string. Not run on a
// path where accepts-unknown-identity holds (any subject gets in there). Needs --ca-key.

import { defineCheck, type CheckContext, type PathBaseline } from '../check.js';
import { judge } from '../judge.js';
import { assessRows, runCertCases, type CaseResult } from './cert-cases.js';

function unknownHolds(b: PathBaseline, ctx: CheckContext): string | null {
  const other = ctx.ids.attacks.unknown;
  // In session mode certificate B's answer is the one after its own login.
  const o = b.session ? b.session.other?.outcome : b.other;
  if (!o || !other?.marker) return null;
  const v = judge(o, ctx.refs(b, b.none), { name: other.marker, marker: other.marker });
  return v.verdict === 'accepted' ? 'not reported: accepts-unknown-identity holds on this path (any subject is served)' : null;
}

export default defineCheck<CaseResult>({
  id: 'dn-injection',
  rules: ['accepts-dn-injection'],
  run: (ctx) =>
    runCertCases(ctx, [
      { caseId: 'dn-injection-o', ruleId: 'accepts-dn-injection', messageId: 'dnInjection', attack: 'dnInjectionO', skip: unknownHolds, data: (id, c) => ({ name: c.ids.legit.name, subject: id.subjectDn }) },
      { caseId: 'dn-injection-comma', ruleId: 'accepts-dn-injection', messageId: 'dnInjection', attack: 'dnInjectionComma', skip: unknownHolds, data: (id, c) => ({ name: c.ids.legit.name, subject: id.subjectDn }) },
    ]),
  assess: (result) => assessRows(result.rows),
});
