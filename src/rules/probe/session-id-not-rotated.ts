import { defineProbeRule } from '../../core/rule.js';

export default defineProbeRule({
  id: 'session-id-not-rotated',
  layer: 'probe',
  name: 'Pre-authentication session id survives login',
  cwe: ['CWE-384'],
  severity: 'high',
  diagram: { check: 'session' },
  docs: {
    summary: 'A session id issued before authentication kept its value through the certificate login and then carried the authenticated identity.',
    whyBad: "Session fixation: an attacker who plants a session id in the victim's browser owns the session once the victim authenticates.",
    notReported: 'Not applicable when the target issues no session before authentication.',
    references: ['https://cwe.mitre.org/data/definitions/384.html', 'https://docs.djangoproject.com/en/stable/topics/http/sessions/#django.contrib.sessions.backends.base.SessionBase.cycle_key'],
  },
  fix: 'Authenticate with `django.contrib.auth.login()` (it rotates the key) or call `request.session.cycle_key()` before storing the identity.',
  messages: {
    notRotated: 'The session cookie {{cookies}} set before authentication kept its value through the certificate login at {{loginPath}}, and then served {{path}} as {{name}} {{with}} ({{status}}).',
  },
});
