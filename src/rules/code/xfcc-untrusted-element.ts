// xfcc-untrusted-element: identity taken from any element of X-Forwarded-Client-Cert.

import { defineRule } from '../../core/rule.js';
import { at, events, nodeKey, uniqueBy } from './support.js';

export default defineRule({
  meta: {
    id: 'xfcc-untrusted-element',
    layer: 'code',
    name: 'Identity taken from an untrusted X-Forwarded-Client-Cert element',
    cwe: ['CWE-290'],
    severity: 'high',
    diagram: { check: 'provenance', provenance: true },
    docs: {
      summary: "Identity is taken from any element of `X-Forwarded-Client-Cert` (or a naive `split(',')` of it) instead of the element appended by the trusted hop.",
      whyBad:
        'Envoy (with APPEND_FORWARD) appends its element to whatever the client sent; earlier elements are attacker-controlled. Values are quoted and may contain commas and semicolons (`Subject="CN=a,O=b"`), so a naive split yields attacker-chosen fragments.',
      notReported: 'Parsing that honours quoting and takes the element added by the trusted hop (the last one), behind SANITIZE_SET at the proxy.',
      example: {
        lang: 'python',
        bad: "xfcc = request.META['HTTP_X_FORWARDED_CLIENT_CERT']\nsubject = xfcc.split(',')[0]",
        good: "elements = parse_xfcc(request.META['HTTP_X_FORWARDED_CLIENT_CERT'])  # quote-aware\ntrusted = elements[-1]  # appended by our Envoy",
      },
      references: ['https://www.envoyproxy.io/docs/envoy/latest/configuration/http/http_conn_man/headers#x-forwarded-client-cert'],
    },
    fix: 'Configure Envoy with `forward_client_cert_details: SANITIZE_SET` so it replaces the header, and parse it with a quote-aware parser taking the last element (the one your proxy appended).',
    messages: {
      naive: '`{{op}}` splits or searches the raw X-Forwarded-Client-Cert value; client-supplied elements and quoted commas make the identity attacker-chosen.',
    },
  },
  check(ctx) {
    const ops = uniqueBy(
      ctx.model.code.flows.flatMap((f) => events(f, 'dnop').filter((e) => e.target === 'xfcc')),
      (e) => nodeKey(e.module, e.node),
    );
    for (const e of ops) {
      ctx.report({ messageId: 'naive', data: { op: e.module.text(e.node).split('\n')[0].slice(0, 80) }, at: at(e.module, e.node) });
    }
  },
});
