import { defineProbeRule } from '../../core/rule.js';

export default defineProbeRule({
  id: 'accepts-dn-injection',
  layer: 'probe',
  name: 'DN injection accepted',
  cwe: ['CWE-287'],
  severity: 'high',
  diagram: { check: 'identity' },
  docs: {
    summary: 'A certificate whose CN is unknown but whose subject embeds the legitimate CN in another attribute or an escaped value was served as the legitimate subject.',
    whyBad: 'A target that extracts the CN from a DN string by splitting on commas or searching for `CN=` can be fed `O=CN=alice` or `CN=x\\,CN=alice` by anyone the CA issues a certificate to.',
    notReported: 'Not reported on a path where accepts-unknown-identity already holds (any subject gets in there).',
    references: ['https://cwe.mitre.org/data/definitions/287.html', 'https://www.rfc-editor.org/rfc/rfc4514'],
  },
  fix: 'Read parsed attributes (`cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)`), never split a DN string, and better bind the certificate fingerprint to the user.',
  messages: {
    dnInjection: 'A certificate with subject {{subject}} was served as {{name}} on {{path}} ({{status}}).',
  },
});
