import { defineProbeRule } from '../../core/rule.js';

export default defineProbeRule({
  id: 'session-replay-across-certs',
  layer: 'probe',
  name: 'Session replayed under another certificate',
  cwe: ['CWE-384'],
  severity: 'high',
  diagram: { check: 'session' },
  docs: {
    summary: 'A session cookie issued to the legitimate certificate was served as its owner when replayed with another certificate or with none, where that certificate or none alone is refused.',
    whyBad: 'A stolen cookie then outlives the certificate check: the session is not bound to the certificate that created it.',
    references: ['https://cwe.mitre.org/data/definitions/384.html'],
  },
  fix: "Store the certificate's SHA-256 fingerprint in the session at login and compare it with the current request's verified certificate on every request (flush the session on mismatch).",
  messages: {
    replayed: 'The session cookie {{cookies}} issued to {{name}} was served as {{name}} on {{path}} when replayed {{with}} ({{status}}).',
  },
});
