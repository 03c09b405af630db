// accepts-untrusted-ca: the legitimate subject issued by an impostor CA (the trusted CA's name,
// another key; no authority key identifier, so a lookup by name finds the real CA) and by an
// unrelated CA. Needs no CA key.

import { defineCheck } from '../check.js';
import { assessRows, runCertCases, type CaseResult } from './cert-cases.js';

export default defineCheck<CaseResult>({
  id: 'untrusted-ca',
  rules: ['accepts-untrusted-ca'],
  run: (ctx) =>
    runCertCases(ctx, [
      {
        caseId: 'impostor-ca',
        ruleId: 'accepts-untrusted-ca',
        messageId: 'untrustedCa',
        attack: 'impostorCa',
        data: (_id, c) => ({ name: c.ids.legit.name, issuer: "an impostor CA with the trusted CA's name and another key" }),
      },
      { caseId: 'unrelated-ca', ruleId: 'accepts-untrusted-ca', messageId: 'untrustedCa', attack: 'unrelatedCa', data: (_id, c) => ({ name: c.ids.legit.name, issuer: 'an unrelated CA' }) },
    ]),
  assess: (result) => assessRows(result.rows),
});
