// cert-presence-only: access granted because a client-certificate value is present.

import { defineRule } from '../../core/rule.js';
import { at, certReads, deciding, events, grantRelated, hasIdentityDecision, identityDecidedElsewhere, nodeKey, rootBehindLogin, uniqueBy } from './support.js';

/** A condition as one short line for a message (continuation lines folded, long ones cut). */
function oneLine(text: string): string {
  const t = text.replace(/\\\n/g, ' ').replace(/\s+/g, ' ').trim();
  return t.length > 90 ? `${t.slice(0, 87)}…` : t;
}

export default defineRule({
  meta: {
    id: 'cert-presence-only',
    layer: 'code',
    name: 'Access decided by the presence of a client certificate',
    cwe: ['CWE-287', 'CWE-306'],
    severity: 'critical',
    diagram: { check: 'identity' },
    docs: {
      summary: 'Access is granted because a client-certificate value (PEM, DN, verify flag) is present, with no identity decision on its contents.',
      whyBad:
        'Presence proves nothing about who the client is: any certificate the front end lets through — from any user, service or test CA — is treated as authenticated, and where the value arrives in a header anyone who can reach the app can make it present.',
      notReported: 'A presence check that only rejects (returns 401) before a real identity decision on the certificate (fingerprint binding, subject checks after chain verification).',
      example: {
        lang: 'python',
        bad: "cert = request.META.get('SSL_CLIENT_CERT')\nif not cert:\n    return JsonResponse({'error': 'No client certificate'}, status=401)\nreturn JsonResponse({'authenticated': True})",
        good: "cert = request.META.get('SSL_CLIENT_CERT')\nif not cert:\n    return JsonResponse({'error': 'No client certificate'}, status=401)\nuser = user_for_fingerprint(fingerprint_of(cert))  # binding table, revocable\nif user is None:\n    return JsonResponse({'error': 'Unknown certificate'}, status=403)",
      },
      references: ['https://cwe.mitre.org/data/definitions/287.html', 'https://docs.djangoproject.com/en/stable/howto/auth-remote-user/'],
    },
    fix: 'Map the certificate to an application identity and decide on that: compute the SHA-256 fingerprint of the verified certificate, look it up in a binding table (fingerprint → user, with a revoked flag) and refuse unknown certificates with 403.',
    messages: {
      presence: '{{what}} only tests that {{key}} is present; access is granted without deciding who the certificate belongs to.',
    },
  },
  check(ctx) {
    for (const flow of deciding(ctx.model)) {
      const reads = certReads(flow);
      if (!reads.length || hasIdentityDecision(flow)) continue;
      // RULES.md: a view that already requires an authenticated user by other means.
      if (rootBehindLogin(ctx.model, flow)) continue;
      // A gate middleware that only passes the request on, in a project that decides identity elsewhere.
      // …or a DRF permission hook, which runs after the authentication classes have decided who it is.
      if (flow.grants.every((g) => g.kind === 'request passed on' || g.kind === 'permission granted') && identityDecidedElsewhere(ctx.model, flow)) continue;
      const conds = uniqueBy(
        events(flow, 'cond').filter((c) => c.presence && (c.denies || c.grants) && [...c.val.reads].some((r) => r.kind !== 'user')),
        (c) => nodeKey(c.module, c.node),
      );
      for (const c of conds) {
        const keys = [...new Set([...c.val.reads].map((r) => r.key))].join(', ');
        ctx.report({
          messageId: 'presence',
          data: { what: `\`if ${oneLine(c.text)}\``, key: keys },
          at: at(c.module, c.node),
          related: [...grantRelated(flow), { file: flow.root.file, line: flow.root.line, message: `in ${flow.root.kind} ${flow.root.qualname}` }],
          anchor: `${c.text}|${keys}`,
        });
      }
    }
  },
});
