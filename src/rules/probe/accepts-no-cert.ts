import { defineProbeRule } from '../../core/rule.js';

export default defineProbeRule({
  id: 'accepts-no-cert',
  layer: 'probe',
  name: 'Protected path served without a client certificate',
  cwe: ['CWE-306'],
  severity: 'critical',
  diagram: { link: 'tls' },
  docs: {
    summary: 'A request with no client certificate on a protected path was served like the request with the legitimate certificate.',
    whyBad:
      'Anyone who can reach the URL gets what the certificate was meant to protect: mutual TLS is not enforced on that path (an optional verification that is not checked, an unauthenticated view, or an app server reachable without the proxy).',
    notReported: 'A path whose no-certificate answer cannot be told apart from the legitimate one by status, login redirect, identity or body is reported as inconclusive.',
    references: ['https://cwe.mitre.org/data/definitions/306.html', 'https://nginx.org/en/docs/http/ngx_http_ssl_module.html#ssl_verify_client'],
  },
  fix: 'Require a verified client certificate on the path (`ssl_verify_client on;` or HAProxy `verify required`), keep the app server reachable only from the proxy, and require an authenticated identity in the Django view.',
  messages: {
    noCert: '{{path}} was served without a client certificate: {{reason}}.',
    backendNoCert: 'The backend {{backend}} served {{path}} directly, with no certificate and no header: {{reason}}.',
  },
});
