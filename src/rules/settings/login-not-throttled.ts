// login-not-throttled: a password or token login with no brute-force protection.

import { defineRule } from '../../core/rule.js';
import { authSurface } from '../../urls/surface.js';
import { drfThrottle, hasApp, type Protections } from '../../urls/protections.js';
import { knownView } from '../../urls/views.js';
import { loginThrottle } from '../../urls/login-throttle.js';
import type { ViewFacts } from '../../urls/views.js';
import { at, once, siteKey } from './support.js';

export type MessageIds = 'notThrottled' | 'adminNotThrottled';

/** Does the login go through `authenticate()` (so django-axes' backend sees each failure)? */
function usesAuthenticate(v: ViewFacts): boolean {
  if (!v.project) return true; // admin, LoginView, DRF/simplejwt/knox/dj-rest-auth views all call authenticate()
  const t = v.text; // code text: comments already left out
  return /\bauthenticate\s*\(|\bAuthenticationForm\b|\bAuthTokenSerializer\b|\bTokenObtain\w*Serializer\b|\bLoginView\b|\bObtainAuthToken\b/.test(t) || v.ancestry.some((a) => /LoginView$|ObtainAuthToken$|TokenObtain\w*View$/.test(a));
}

export default defineRule<MessageIds>({
  meta: {
    id: 'login-not-throttled',
    layer: 'settings',
    name: 'Login without brute-force protection',
    cwe: ['CWE-307'],
    severity: 'high',
    diagram: { check: 'throttling' },
    docs: {
      summary:
        'A password or token login (admin site, `LoginView`, DRF `obtain_auth_token`, simplejwt `TokenObtainPairView`, a custom view that checks passwords) with no throttling: no django-axes, django-ratelimit, DRF throttle class or attempt counter.',
      whyBad: 'Without a limit on failed attempts an attacker can guess passwords as fast as the server answers. In an mTLS deployment this password door is often the only one that does not need a certificate, so it is where attackers go.',
      notReported:
        "Logins protected by django-axes (`axes` in `INSTALLED_APPS` with `AxesBackend`/`AxesStandaloneBackend` or `AxesMiddleware`; it sees every `authenticate()` call), django-ratelimit-backend (a `ratelimitbackend` backend, or a project backend built on its `RateLimitMixin`, in `AUTHENTICATION_BACKENDS`), django-defender (admin), `@ratelimit` (unless `block=False` and the view ignores `request.limited`), DRF `throttle_classes` or `DEFAULT_THROTTLE_CLASSES` with a rate for the scope, allauth's built-in login limits, a cache counter (`cache.incr`) or attempt/lockout logic in the view; `if is_ratelimited(...)` (django-ratelimit's function form, or a project function of that kind of name) followed by a denial, or a call to a project helper named for rate limiting that raises; the same inside the `AuthenticationForm` subclass the view uses (`authentication_form=` in `as_view()` or as a class attribute) or `admin.site.login_form`; a password check that is not a guess (the view first looks the record up by a long random token the client sends, such as an invitation link, or checks the password it has just set); projects whose settings the scanner cannot fully see. An `INSTALLED_APPS` known only in part (`[*apps_from_env, …]`) is not a reason for silence: axes and defender work only through middleware and backends, and those are read.",
      example: {
        lang: 'python',
        bad: "# urls.py\nurlpatterns = [path('admin/', admin.site.urls), path('api/token/', obtain_auth_token)]",
        good: "# settings.py\nINSTALLED_APPS += ['axes']\nMIDDLEWARE += ['axes.middleware.AxesMiddleware']\nAUTHENTICATION_BACKENDS = ['axes.backends.AxesStandaloneBackend', 'django.contrib.auth.backends.ModelBackend']\nREST_FRAMEWORK = {'DEFAULT_THROTTLE_CLASSES': ['rest_framework.throttling.AnonRateThrottle'], 'DEFAULT_THROTTLE_RATES': {'anon': '20/min'}}",
      },
      references: ['https://cwe.mitre.org/data/definitions/307.html', 'https://django-axes.readthedocs.io/en/latest/', 'https://www.django-rest-framework.org/api-guide/throttling/', 'https://django-ratelimit.readthedocs.io/'],
    },
    fix: 'Add django-axes (`axes` app, `AxesMiddleware`, `AxesStandaloneBackend` first in `AUTHENTICATION_BACKENDS`) for every login that goes through `authenticate()`, DRF throttling (`AnonRateThrottle` / `ScopedRateThrottle` with a rate) for API token endpoints, or `@ratelimit(key="ip", rate="10/m", block=True)` on custom login views.',
    messages: {
      notThrottled: '{{label}} ({{kind}} login at `{{path}}`: {{why}}) has no brute-force protection: {{missing}}.',
      adminNotThrottled: 'The admin site login at `{{path}}login/` has no brute-force protection: {{missing}}.',
    },
  },
  check(ctx) {
    const { model } = ctx;
    const first = once();
    for (const sp of authSurface(model)) {
      const prot = sp.prot;
      for (const v of sp.views) {
        if (!v.login) continue;
        if (loginThrottle(model, v)) continue;
        if (prot.axes && usesAuthenticate(v)) continue;
        if (prot.mtlsAuditApp && v.login === 'password') continue;
        if (v.admin && prot.defenderAdmin) continue;
        if (v.builtinThrottle === 'allauth' && prot.allauthLimits) continue;
        if (v.drf) {
          const t = drfThrottle(model, prot, v);
          if (t === 'unknown' || t) continue;
        }
        // Settings the scanner cannot see may turn on axes. An INSTALLED_APPS known only in part
        // (`[*env_apps, …]`) cannot: axes and defender work only through the middleware and
        // backends, which are known here.
        if (prot.unsure || (prot.apps === null && prot.appsAtLeast === null) || prot.middleware === null || prot.backends === null) continue;
        if (!first(`${v.key}|${siteKey(v.defSite)}`)) continue;
        const missing = missingNote(prot, v, usesAuthenticate(v));
        if (v.admin) ctx.report({ messageId: 'adminNotThrottled', data: { path: v.route.path, missing }, at: at(v.defSite), anchor: `admin ${v.route.path}` });
        else ctx.report({ messageId: 'notThrottled', data: { label: capital(v.label), kind: v.login, path: v.route.path || '(unrouted)', why: whyLogin(v), missing }, at: at(v.defSite), anchor: `${v.key} ${v.route.path}` });
      }
    }
  },
});

/** What makes the view a login: the known view it is or inherits, or the password check in its code. */
function whyLogin(v: ViewFacts): string {
  if (!v.project) return 'a known login view';
  const known = v.ancestry.find((a) => knownView(a)?.login);
  if (known) return `inherits \`${known.split('.').pop()}\``;
  const t = v.text;
  if (/\bcheck_password\s*\(/.test(t)) return 'calls `check_password()`';
  if (/\bauthenticate\s*\(/.test(t)) return 'calls `authenticate()` with a password';
  const s = /\b(AuthenticationForm|AuthTokenSerializer|TokenObtain\w*Serializer)\b/.exec(t);
  return s ? `uses \`${s[1]}\`` : 'checks a password';
}

/** What was looked for and not found, so the finding can be judged without the rule's source. */
function missingNote(prot: Protections, v: ViewFacts, seenByAxes: boolean): string {
  const parts: string[] = [];
  if (!prot.apps && prot.appsAtLeast && !hasApp(prot.appsAtLeast, 'axes'))
    parts.push('`axes` is not among the `INSTALLED_APPS` the settings name (the others are added at run time, but no `AxesBackend`/`AxesMiddleware` is configured that would make it work)');
  else if (!prot.apps || !hasApp(prot.apps, 'axes')) parts.push('`axes` is not in `INSTALLED_APPS`');
  else if (!prot.axes) parts.push('django-axes is installed but inactive (no `AxesBackend`/`AxesMiddleware`, or `AXES_ENABLED = False`)');
  else if (!seenByAxes) parts.push('django-axes never sees this login (it checks the password without `authenticate()`)');
  if (v.admin && !prot.defenderAdmin) parts.push('no django-defender `FailedLoginMiddleware`');
  if (v.drf) parts.push(prot.drf.throttleClasses?.length ? 'no DRF throttle with a rate for this view' : 'no DRF `throttle_classes` and an empty `DEFAULT_THROTTLE_CLASSES`');
  parts.push(v.admin ? 'no rate limit on the admin `login_form`' : 'no `@ratelimit`, rate-limit check or attempt counter in the view or its form');
  return parts.join('; ');
}

function capital(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
