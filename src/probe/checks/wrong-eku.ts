// accepts-wrong-eku: the legitimate subject, from the trusted CA, with an EKU extension that holds
// serverAuth only. (No EKU at all is valid for any purpose and is not tried.) Needs --ca-key.

import { defineCheck } from '../check.js';
import { assessRows, runCertCases, type CaseResult } from './cert-cases.js';

export default defineCheck<CaseResult>({
  id: 'wrong-eku',
  rules: ['accepts-wrong-eku'],
  run: (ctx) => runCertCases(ctx, [{ caseId: 'server-auth-eku', ruleId: 'accepts-wrong-eku', messageId: 'wrongEku', attack: 'wrongEku', data: (_id, c) => ({ name: c.ids.legit.name }) }]),
  assess: (result) => assessRows(result.rows),
});
