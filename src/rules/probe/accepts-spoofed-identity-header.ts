import { defineProbeRule } from '../../core/rule.js';

export default defineProbeRule({
  id: 'accepts-spoofed-identity-header',
  layer: 'probe',
  name: 'Forged identity header accepted',
  cwe: ['CWE-290'],
  severity: 'critical',
  diagram: { link: 'headers' },
  docs: {
    summary: 'A forged identity header (subject DN, verify flag, XFCC, Remote-User…) was served as the legitimate subject.',
    whyBad: 'A header that says who the client is, or that verification succeeded, is only as trustworthy as the hop that set it; if a client can send it, a client can be anyone.',
    references: ['https://cwe.mitre.org/data/definitions/290.html', 'https://www.envoyproxy.io/docs/envoy/latest/configuration/http/http_conn_man/headers#x-forwarded-client-cert'],
  },
  fix: 'Overwrite or strip identity headers at the proxy on every request (both spellings; Envoy `forward_client_cert_details: SANITIZE_SET`), keep the app reachable only through it, and check a proxy provenance secret in Django.',
  messages: {
    spoofedIdentity: '{{headers}} naming {{name}}, sent {{route}}, was served as {{name}} on {{path}} ({{status}}).',
  },
});
