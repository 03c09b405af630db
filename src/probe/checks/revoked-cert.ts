// accepts-revoked-cert: a throw-away certificate for the legitimate subject, minted from the CA
// with a serial that --crl lists. A verifier that checks the CRL refuses it by serial, whatever
// else it holds; one that does not serves it like the legitimate certificate. Not run without
// --crl, when the CRL lists nothing, when it is not signed by --ca, or without --ca-key.

import { defineCheck } from '../check.js';
import { assessRows, runCertCases, type CaseResult } from './cert-cases.js';

export default defineCheck<CaseResult>({
  id: 'revoked-cert',
  rules: ['accepts-revoked-cert'],
  run: (ctx) =>
    runCertCases(ctx, [
      {
        caseId: 'revoked-cert',
        ruleId: 'accepts-revoked-cert',
        messageId: 'revoked',
        attack: 'revoked',
        data: (_id, c) => ({ name: c.ids.legit.name, serial: c.ids.attacks.revoked?.serial ?? '' }),
      },
    ]),
  assess: (result) => assessRows(result.rows),
});
