import { defineProbeRule } from '../../core/rule.js';

export default defineProbeRule({
  id: 'login-not-throttled',
  layer: 'probe',
  name: 'Password login not throttled',
  cwe: ['CWE-307'],
  severity: 'high',
  diagram: { check: 'throttling' },
  docs: {
    summary: 'A bounded burst (at most 30) of failed password logins was answered with no 429, lockout or growing delay.',
    whyBad: 'A password login next to mTLS is the weakest door: without throttling it can be brute-forced at network speed.',
    notReported: 'Not run without `--password-login`; inconclusive when the form cannot be submitted (404, CSRF failure).',
    references: ['https://cwe.mitre.org/data/definitions/307.html', 'https://django-axes.readthedocs.io/'],
  },
  fix: 'Throttle failed logins per account and per client (django-axes, django-ratelimit, DRF throttles), or remove the password login where certificates are the credential.',
  messages: {
    notThrottled: '{{count}} failed password logins at {{path}} were all answered {{statuses}}, with no 429, lockout or growing delay.',
  },
});
