// session-expiry-long: an explicit SESSION_COOKIE_AGE above the maximum with SESSION_EXPIRE_AT_BROWSER_CLOSE off.

import { defineRule } from '../../core/rule.js';
import { isUnknown, pyTruthy } from '../../settings/model.js';
import { at, duration, envNote, once, siteKey } from './support.js';

export type MessageIds = 'tooLong';

export default defineRule<MessageIds>({
  meta: {
    id: 'session-expiry-long',
    layer: 'settings',
    name: 'Long-lived sessions',
    cwe: ['CWE-613'],
    severity: 'medium',
    docs: {
      summary: 'An explicit `SESSION_COOKIE_AGE` above 12 hours (configurable) while `SESSION_EXPIRE_AT_BROWSER_CLOSE` is off.',
      whyBad:
        'A session cookie is a bearer credential: whoever holds it is the user, with or without the client certificate that created the session. The longer it lives, the longer a stolen cookie (or a session from a since-revoked certificate) keeps working.',
      notReported: "Django's default (two weeks) when the project does not set `SESSION_COOKIE_AGE`; ages the resolver cannot evaluate; `SESSION_EXPIRE_AT_BROWSER_CLOSE = True`.",
      example: {
        lang: 'python',
        bad: 'SESSION_COOKIE_AGE = 60 * 60 * 24 * 30  # 30 days',
        good: 'SESSION_COOKIE_AGE = 60 * 60 * 8  # one working day\nSESSION_EXPIRE_AT_BROWSER_CLOSE = True',
      },
      references: [
        'https://cwe.mitre.org/data/definitions/613.html',
        'https://docs.djangoproject.com/en/stable/ref/settings/#session-cookie-age',
        'https://cheatsheetseries.owasp.org/cheatsheets/Session_Management_Cheat_Sheet.html#session-expiration',
      ],
    },
    fix: 'Lower `SESSION_COOKIE_AGE` to the working day or less (e.g. `8 * 60 * 60`), and/or set `SESSION_EXPIRE_AT_BROWSER_CLOSE = True`; bind sessions to the certificate so they end when it does.',
    options: {
      maxSessionAgeSeconds: { description: 'the longest SESSION_COOKIE_AGE accepted, in seconds.', default: 12 * 60 * 60, minimum: 60, maximum: 10 * 365 * 24 * 3600 },
    },
    messages: {
      tooLong: '`SESSION_COOKIE_AGE` is {{age}} ({{seconds}} s){{env}}, above {{max}}, and sessions do not end when the browser closes ({{close}}).',
    },
  },
  check(ctx) {
    const first = once();
    const max = ctx.options.maxSessionAgeSeconds;
    for (const p of ctx.model.settings.profiles ?? []) {
      const s = p.get('SESSION_COOKIE_AGE');
      if (!s || typeof s.value !== 'number' || isUnknown(s.value)) continue;
      if (s.value <= max) continue;
      const close = p.get('SESSION_EXPIRE_AT_BROWSER_CLOSE');
      if (close && pyTruthy(close.value) !== false) continue;
      if (!close && p.opaque) continue;
      if (!first(siteKey(s.site))) continue;
      const closeNote = close ? `\`SESSION_EXPIRE_AT_BROWSER_CLOSE\` is False at ${close.site.file}:${close.site.line}` : '`SESSION_EXPIRE_AT_BROWSER_CLOSE` is not set; Django defaults it to False';
      ctx.report({ messageId: 'tooLong', data: { age: duration(s.value), seconds: s.value, env: envNote(s.tree), max: duration(max), close: closeNote }, at: at(s.site) });
    }
  },
});
