// cert-check-fail-open: a parsing/validation error is swallowed and the request continues.

import { defineRule } from '../../core/rule.js';
import { at, events, nodeKey, uniqueBy } from './support.js';

export default defineRule({
  meta: {
    id: 'cert-check-fail-open',
    layer: 'code',
    name: 'Certificate check fails open',
    cwe: ['CWE-636', 'CWE-287'],
    severity: 'high',
    diagram: { check: 'fail-closed' },
    docs: {
      summary:
        'An exception in certificate parsing/validation is swallowed and the request continues as authenticated or falls back to a weaker check; an error object is returned where callers test truthiness; an exception is built but not raised; a regex mismatch keeps the raw input as the identity.',
      whyBad: 'The attacker chooses the failure: a malformed, expired or forged certificate makes the check throw, and the code then proceeds as if it had passed.',
      notReported: 'Handlers that deny: return 401/403/400, return None/False from a backend or verifier, or raise (PermissionDenied, AuthenticationFailed).',
      example: {
        lang: 'python',
        bad: 'try:\n    cert.verify_directly_issued_by(CA)\nexcept Exception:\n    logger.warning("bad cert")\nreturn JsonResponse({"ok": True})',
        good: 'try:\n    cert.verify_directly_issued_by(CA)\nexcept (ValueError, TypeError, InvalidSignature):\n    return JsonResponse({"error": "untrusted certificate"}, status=403)',
      },
      references: ['https://cwe.mitre.org/data/definitions/636.html'],
    },
    fix: 'Fail closed: every except clause around certificate parsing or validation must deny (return 403/401 or raise PermissionDenied/AuthenticationFailed); raise exceptions rather than returning them; when a regex does not match, reject the input.',
    messages: {
      swallowed: 'This `except` swallows a certificate validation error ({{detail}}); the request goes on as if the check had passed.',
      returnsSuccess: 'This `except` turns a certificate error into success ({{detail}}).',
      fallback: 'This `except` falls back to a weaker identity ({{detail}}) when certificate parsing or validation fails.',
      errorObject: 'The error is returned as an object ({{detail}}); callers that test the result for truthiness treat it as success.',
      unraised: '{{detail}}; the check continues as if it had passed.',
      regexFallback: 'When the pattern does not match, the raw input is kept as the identity (`{{detail}}`).',
    },
  },
  check(ctx) {
    const evs = uniqueBy(
      ctx.model.code.flows.flatMap((f) => events(f, 'fail-open')),
      (e) => nodeKey(e.module, e.node),
    );
    for (const e of evs) {
      const messageId = ({ swallowed: 'swallowed', 'returns-success': 'returnsSuccess', fallback: 'fallback', 'returns-error-object': 'errorObject', unraised: 'unraised', 'regex-fallback': 'regexFallback' } as const)[e.how];
      ctx.report({ messageId, data: { detail: e.detail.split('\n')[0].slice(0, 100) }, at: at(e.module, e.node) });
    }
  },
});
