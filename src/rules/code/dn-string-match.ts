// dn-string-match: authorization by substring / regex / startswith / split on a DN string.

import { defineRule } from '../../core/rule.js';
import { at, events, nodeKey, uniqueBy } from './support.js';

export default defineRule({
  meta: {
    id: 'dn-string-match',
    layer: 'code',
    name: 'Authorization by string matching on a DN',
    cwe: ['CWE-287', 'CWE-20'],
    severity: 'high',
    diagram: { check: 'identity' },
    docs: {
      summary: "Authorization by substring, regex, `startswith` or `split(',')` on a DN string, including extracting the CN from a DN string that way.",
      whyBad:
        'A DN is structured data with escaping and arbitrary attribute order. `"CN=admin" in dn` also matches `O=CN=admin,CN=mallory`; splitting on commas breaks on `CN=x\\,CN=admin`; a regex for the "first CN" depends on RDN order, which differs between nginx, Apache and OpenSSL formats. A certificate with a crafted subject is then read as someone else.',
      notReported: 'Comparison of parsed attributes (`cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)`), or an exact comparison of the whole DN.',
      example: {
        lang: 'python',
        bad: "dn = request.META['SSL_CLIENT_S_DN']\nif 'CN=admin' in dn: ...",
        good: "cn = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value\nif cn == 'admin': ...  # after chain verification; better: fingerprint binding",
      },
      references: ['https://www.rfc-editor.org/rfc/rfc4514', 'https://cwe.mitre.org/data/definitions/20.html'],
    },
    fix: 'Parse the certificate and compare parsed attributes (cryptography `cert.subject.get_attributes_for_oid(...)`), or better, bind the SHA-256 fingerprint to the user; never search or split the DN string.',
    messages: {
      dnop: '`{{op}}` matches text inside a DN string; a subject such as `O=CN=admin` or `CN=x\\,CN=admin` passes.',
    },
  },
  check(ctx) {
    const ops = uniqueBy(
      ctx.model.code.flows.flatMap((f) => events(f, 'dnop').filter((e) => e.target === 'dn')),
      (e) => nodeKey(e.module, e.node),
    );
    for (const e of ops) {
      ctx.report({ messageId: 'dnop', data: { op: e.module.text(e.node).split('\n')[0].slice(0, 80) }, at: at(e.module, e.node) });
    }
  },
});
