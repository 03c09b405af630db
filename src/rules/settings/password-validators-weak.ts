// password-validators-weak: AUTH_PASSWORD_VALIDATORS missing/empty, or MinimumLengthValidator below the minimum.

import { defineRule } from '../../core/rule.js';
import { entry, isUnknown, type SValue } from '../../settings/model.js';
import { hasApp, listSetting } from '../../urls/protections.js';
import { at, envNote, once, siteKey } from './support.js';

const DJANGO_VALIDATORS = 'django.contrib.auth.password_validation.';

export type MessageIds = 'missing' | 'empty' | 'short' | 'shortDefault' | 'noLength';

export default defineRule<MessageIds>({
  meta: {
    id: 'password-validators-weak',
    layer: 'settings',
    name: 'Weak password requirements',
    cwe: ['CWE-521'],
    severity: 'medium',
    docs: {
      summary: '`AUTH_PASSWORD_VALIDATORS` is missing or empty, or its `MinimumLengthValidator` allows passwords shorter than 12 characters (configurable).',
      whyBad:
        'Without validators Django accepts any password, including one character long; with a low minimum length short passwords fall to online guessing and offline cracking. In an mTLS deployment the password door (admin site, token endpoint) is the one attackers try, so its passwords must be strong.',
      notReported:
        'Projects without `django.contrib.auth` in `INSTALLED_APPS`; validator lists the resolver cannot evaluate; lists that include third-party or project validators (they may enforce length themselves); a missing setting when a settings module the scanner cannot see (a star import from outside the tree) could define it.',
      example: {
        lang: 'python',
        bad: "AUTH_PASSWORD_VALIDATORS = [\n    {'NAME': 'django.contrib.auth.password_validation.MinimumLengthValidator', 'OPTIONS': {'min_length': 8}},\n]",
        good: "AUTH_PASSWORD_VALIDATORS = [\n    {'NAME': 'django.contrib.auth.password_validation.UserAttributeSimilarityValidator'},\n    {'NAME': 'django.contrib.auth.password_validation.MinimumLengthValidator', 'OPTIONS': {'min_length': 12}},\n    {'NAME': 'django.contrib.auth.password_validation.CommonPasswordValidator'},\n    {'NAME': 'django.contrib.auth.password_validation.NumericPasswordValidator'},\n]",
      },
      references: ['https://cwe.mitre.org/data/definitions/521.html', 'https://docs.djangoproject.com/en/stable/topics/auth/passwords/#enabling-password-validation', 'https://pages.nist.gov/800-63-3/sp800-63b.html#memsecret'],
    },
    fix: "Set `AUTH_PASSWORD_VALIDATORS` to Django's four validators with `MinimumLengthValidator` `OPTIONS: {'min_length': 12}` (or more).",
    options: {
      minPasswordLength: { description: 'the shortest MinimumLengthValidator min_length accepted.', default: 12, minimum: 1, maximum: 4096 },
    },
    messages: {
      missing: '`AUTH_PASSWORD_VALIDATORS` is not set in {{module}}: Django then accepts any password, even one character long.',
      empty: '`AUTH_PASSWORD_VALIDATORS` is empty: Django accepts any password, even one character long.',
      short: '`MinimumLengthValidator` allows {{length}}-character passwords{{env}}; require at least {{min}}.',
      shortDefault: "`MinimumLengthValidator` without `min_length` allows Django's default of 8-character passwords; require at least {{min}}.",
      noLength: '`AUTH_PASSWORD_VALIDATORS` has no `MinimumLengthValidator`: passwords of any length are accepted.',
    },
  },
  check(ctx) {
    const first = once();
    const min = ctx.options.minPasswordLength;
    for (const p of ctx.model.settings.profiles ?? []) {
      const apps = listSetting(p, 'INSTALLED_APPS');
      if (apps && !hasApp(apps, 'django.contrib.auth')) continue;
      const s = p.get('AUTH_PASSWORD_VALIDATORS');
      if (!s) {
        if (p.opaque) continue;
        const authApp = p.get('INSTALLED_APPS')?.tree.items?.find((i) => i.value === 'django.contrib.auth');
        const site = authApp?.site ?? { file: p.file, line: 1, column: 1 };
        if (first(`missing|${siteKey(site)}`)) ctx.report({ messageId: 'missing', data: { module: p.module }, at: at(site), anchor: `AUTH_PASSWORD_VALIDATORS missing ${p.module}` });
        continue;
      }
      const tree = s.tree;
      if (isUnknown(tree.value) || !tree.items) continue;
      if (tree.items.length === 0) {
        if (first(`empty|${siteKey(s.site)}`)) ctx.report({ messageId: 'empty', at: at(s.site) });
        continue;
      }
      let allDjango = true;
      let best: { length: number; v: SValue; item: SValue; explicit: boolean } | null = null;
      let unknownLength = false;
      for (const item of tree.items) {
        const name = entry(item, 'NAME')?.value;
        if (typeof name !== 'string') {
          allDjango = false;
          continue;
        }
        if (!name.startsWith(DJANGO_VALIDATORS)) allDjango = false;
        if (!/MinimumLengthValidator$/.test(name)) continue;
        const opts = entry(item, 'OPTIONS');
        const ml = opts ? entry(opts, 'min_length') : undefined;
        if (opts && isUnknown(opts.value)) {
          unknownLength = true;
          continue;
        }
        if (ml === undefined) {
          if (!best || best.length < 8) best = { length: 8, v: entry(item, 'NAME')!, item, explicit: false };
        } else if (typeof ml.value === 'number') {
          if (!best || best.length < ml.value) best = { length: ml.value, v: ml, item, explicit: true };
        } else unknownLength = true;
      }
      if (unknownLength) continue;
      if (best) {
        if (best.length >= min) continue;
        if (!first(`short|${siteKey(best.v.site)}`)) continue;
        if (best.explicit) ctx.report({ messageId: 'short', data: { length: best.length, min, env: envNote(best.v) }, at: at(best.v.site) });
        else ctx.report({ messageId: 'shortDefault', data: { min }, at: at(best.v.site) });
        continue;
      }
      if (allDjango && first(`nolen|${siteKey(s.site)}`)) ctx.report({ messageId: 'noLength', at: at(s.site) });
    }
  },
});
