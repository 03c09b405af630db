// accepts-unknown-identity: certificate B (trusted CA, a subject that maps to no user) was sent
// while learning the target; judged here as served under its own subject.

import { defineCheck } from '../check.js';
import { assessRows, runCertCases, type CaseResult } from './cert-cases.js';

export default defineCheck<CaseResult>({
  id: 'unknown-identity',
  rules: ['accepts-unknown-identity'],
  run: (ctx) => runCertCases(ctx, [{ caseId: 'unknown-identity', ruleId: 'accepts-unknown-identity', messageId: 'unknownIdentity', attack: 'unknown', servedAsItself: true, learned: 'other', data: (id) => ({ subject: id.subjectDn }) }]),
  assess: (result) => assessRows(result.rows),
});
