import { defineProbeRule } from '../../core/rule.js';

export default defineProbeRule({
  id: 'accepts-spoofed-cert-header',
  layer: 'probe',
  name: 'Forged certificate header accepted',
  cwe: ['CWE-290'],
  severity: 'critical',
  diagram: { link: 'headers' },
  docs: {
    summary: 'The legitimate certificate sent as a request header, without its private key, was served as its owner.',
    whyBad:
      "A certificate is public data: anyone who has seen it (a TLS log, a mail signature, a CT-like inventory) can paste it into the header the app trusts. Validating the forwarded certificate's chain does not help; only provenance does.",
    references: ['https://cwe.mitre.org/data/definitions/290.html', 'https://docs.djangoproject.com/en/stable/howto/auth-remote-user/'],
  },
  fix: 'Have the proxy overwrite the header on every request in both spellings (nginx drops underscore names unless `underscores_in_headers on`), keep the app server reachable only from the proxy (unix socket or loopback), and check provenance in Django (a proxy secret compared with `hmac.compare_digest`).',
  messages: {
    spoofedCert: "{{headers}} carrying {{name}}'s certificate ({{encodings}}), sent {{route}} without the private key, was served as {{name}} on {{path}} ({{status}}).",
    spoofedCertUnnarrowed: "One of {{headers}} carrying {{name}}'s certificate, sent {{route}} without the private key, was served as {{name}} on {{path}} ({{status}}); the budget did not allow narrowing it down.",
  },
});
