// accepts-expired-cert: the legitimate subject, from the trusted CA, expired 30 days ago and valid
// only from 30 days ahead. Needs --ca-key.

import { defineCheck } from '../check.js';
import { assessRows, runCertCases, type CaseResult } from './cert-cases.js';

const DAY = 24 * 60 * 60 * 1000;
const day = (offset: number) => new Date(Date.now() + offset * DAY).toISOString().slice(0, 10);

export default defineCheck<CaseResult>({
  id: 'expired-cert',
  rules: ['accepts-expired-cert'],
  run: (ctx) =>
    runCertCases(ctx, [
      { caseId: 'expired-cert', ruleId: 'accepts-expired-cert', messageId: 'expired', attack: 'expired', data: (_id, c) => ({ name: c.ids.legit.name, date: day(-30) }) },
      { caseId: 'not-yet-valid-cert', ruleId: 'accepts-expired-cert', messageId: 'notYetValid', attack: 'notYetValid', data: (_id, c) => ({ name: c.ids.legit.name, date: day(30) }) },
    ]),
  assess: (result) => assessRows(result.rows),
});
