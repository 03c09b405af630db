// password-only-auth: a password login reachable beside mTLS, with no second factor and no
// client-certificate requirement on its path.

import { defineRule } from '../../core/rule.js';
import { authSurface } from '../../urls/surface.js';
import { adminSecondFactor, certRequiredAt, hasApp, usesMtls } from '../../urls/protections.js';
import { at, once, siteKey } from './support.js';

export type MessageIds = 'passwordOnly' | 'adminPasswordOnly' | 'tokenPasswordOnly';

export default defineRule<MessageIds>({
  meta: {
    id: 'password-only-auth',
    layer: 'settings',
    name: 'Password-only login beside mTLS',
    cwe: ['CWE-308', 'CWE-309'],
    severity: 'medium',
    docs: {
      summary:
        'A password login (admin site, `LoginView`, DRF token obtain, a custom password view) reachable in a deployment that uses client certificates elsewhere, with no second factor (django-otp, django-two-factor-auth, webauthn) and no client-certificate requirement on that path.',
      whyBad:
        'The certificate-protected part of the application is only as strong as its weakest door. A password login beside it lets anyone with a guessed, phished or reused password in without a certificate, often with more privileges (the admin site) than the certificate users have.',
      notReported:
        "Projects that do not use client certificates (no certificate flow in the code, no proxy verifying them); logins whose path requires a verified certificate at the proxy; the admin site served by `OTPAdminSite`/`AdminSiteOTPRequired` (or its login replaced under django-two-factor-auth); session logins in projects running django-otp's `OTPMiddleware`, django-two-factor-auth, allauth.mfa or a webauthn app; logins that use django-two-factor-auth's `LoginView` or an OTP form.",
      example: {
        lang: 'python',
        bad: "urlpatterns = [\n    path('admin/', admin.site.urls),  # password only, beside the mTLS API\n    path('api/', include('api.urls')),\n]",
        good: "from django_otp.admin import OTPAdminSite\nadmin.site.__class__ = OTPAdminSite\nurlpatterns = [\n    path('admin/', admin.site.urls),\n    path('api/', include('api.urls')),\n]",
      },
      references: [
        'https://cwe.mitre.org/data/definitions/308.html',
        'https://cwe.mitre.org/data/definitions/309.html',
        'https://django-otp-official.readthedocs.io/en/stable/overview.html#admin-site',
        'https://django-two-factor-auth.readthedocs.io/',
      ],
    },
    fix: 'Require the client certificate on that path too (nginx `location /admin/ { if ($ssl_client_verify != SUCCESS) { return 403; } }`), or add a second factor: django-otp with `OTPAdminSite` for the admin, django-two-factor-auth or a webauthn app for user logins; remove password logins the deployment does not need.',
    messages: {
      passwordOnly: '{{label}} at `{{path}}` accepts a password alone while {{mtls}}: no second factor and no client certificate is required on this path.',
      adminPasswordOnly: 'The admin site at `{{path}}` logs in with a password alone while {{mtls}}: no second factor (e.g. `OTPAdminSite`) and no client certificate is required on this path.',
      tokenPasswordOnly: '{{label}} at `{{path}}` issues API tokens for a password alone while {{mtls}}: no second factor and no client certificate is required on this path.',
    },
  },
  check(ctx) {
    const { model } = ctx;
    const mtls = usesMtls(model);
    if (!mtls) return;
    const first = once();
    for (const sp of authSurface(model)) {
      const prot = sp.prot;
      for (const v of sp.views) {
        if (!v.login || v.secondFactorLogin) continue;
        const loginPath = v.admin ? `${v.route.path}login/` : v.route.path;
        if (certRequiredAt(model, loginPath)) continue;
        // A middleware that refuses every request without a client certificate puts the login behind it.
        if (prot.certMiddleware) continue;
        if (v.admin) {
          if (adminSecondFactor(model, prot, v)) continue;
        } else if (v.login === 'password' && !v.drf) {
          if (prot.secondFactor) continue;
        } else if (prot.apps && (hasApp(prot.apps, 'trench') || (hasApp(prot.apps, 'django_otp_webauthn') && /otp|webauthn/i.test(v.text)))) continue;
        if (prot.unsure && !v.admin && v.login === 'password' && !v.drf) continue;
        if (prot.apps === null && !v.admin) continue;
        if (!first(`${siteKey(v.route.site)}|${v.route.path}`)) continue;
        const data = { label: capital(v.label), path: v.admin ? v.route.path : v.route.path, mtls };
        const messageId = v.admin ? 'adminPasswordOnly' : v.login === 'token' ? 'tokenPasswordOnly' : 'passwordOnly';
        ctx.report({ messageId, data, at: at(v.route.site), anchor: `${v.key} ${v.route.path}` });
      }
    }
  },
});

function capital(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
