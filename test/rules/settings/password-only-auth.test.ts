import { ruleTester } from '../../helpers/rule-tester.js';

const settings = (extra = '', apps: string[] = []) => `
  INSTALLED_APPS = ['django.contrib.admin', 'django.contrib.auth', 'rest_framework', 'accounts'${apps.map((a) => `, '${a}'`).join('')}]
  MIDDLEWARE = ['django.contrib.sessions.middleware.SessionMiddleware', 'django.contrib.auth.middleware.AuthenticationMiddleware']
  ROOT_URLCONF = 'proj.urls'
  ${extra}
`;
/** The app authenticates API clients by certificate fingerprint: "uses mTLS elsewhere". */
const CERT_VIEW = `
  from django.http import JsonResponse, HttpResponseForbidden
  from .models import CertBinding
  def whoami(request):
      fp = request.META.get('SSL_CLIENT_FINGERPRINT')
      if not fp:
          return HttpResponseForbidden()
      binding = CertBinding.objects.filter(fingerprint=fp, revoked=False).first()
      if binding is None:
          return HttpResponseForbidden()
      return JsonResponse({'user': binding.user.username})
`;
const ADMIN_URLS = "from django.contrib import admin\nfrom django.urls import path\nfrom accounts import certs\nurlpatterns = [\n    path('admin/', admin.site.urls),\n    path('api/whoami/', certs.whoami),\n]\n";
const NGINX = (admin: string) => `
  events {}
  http {
    upstream app { server 127.0.0.1:8000; }
    server {
      listen 443 ssl;
      server_name app.example.test;
      ssl_certificate /etc/nginx/server.crt;
      ssl_certificate_key /etc/nginx/server.key;
      ssl_client_certificate /etc/nginx/client-ca.crt;
      ssl_verify_client optional;
      location /api/ {
        if ($ssl_client_verify != SUCCESS) { return 403; }
        proxy_set_header X-SSL-Client-Verify $ssl_client_verify;
        proxy_pass http://app;
      }
      location /admin/ {
        ${admin}
        proxy_pass http://app;
      }
    }
  }
`;

ruleTester.run('password-only-auth', {
  valid: [
    {
      name: 'a middleware refusing every request without a client certificate (found through the code model, helpers included)',
      files: {
        'proj/settings.py': settings("MIDDLEWARE += ['accounts.middleware.RequireCertificate']"),
        'proj/urls.py': ADMIN_URLS,
        'accounts/certs.py': CERT_VIEW,
        'accounts/middleware.py': `
          from django.http import JsonResponse
          def _refuse(status):
              return JsonResponse({'error': 'client certificate required'}, status=status)
          class RequireCertificate:
              def __init__(self, get_response):
                  self.get_response = get_response
              def __call__(self, request):
                  refusal = self.check(request)
                  if refusal is not None:
                      return refusal
                  return self.get_response(request)
              def check(self, request):
                  pem = request.META.get('SSL_CLIENT_CERT')
                  if not pem or pem == '(null)':
                      return _refuse(status=401)
                  return None
        `,
      },
    },
    {
      name: 'no client certificates anywhere: a plain password app',
      files: { 'proj/settings.py': settings(), 'proj/urls.py': "from django.contrib import admin\nfrom django.urls import path\nurlpatterns = [path('admin/', admin.site.urls)]\n" },
    },
    {
      name: 'OTPAdminSite patched onto admin.site',
      files: {
        'proj/settings.py': settings("MIDDLEWARE += ['django_otp.middleware.OTPMiddleware']", ['django_otp', 'django_otp.plugins.otp_totp']),
        'proj/urls.py': `
          from django.contrib import admin
          from django.urls import path
          from django_otp.admin import OTPAdminSite
          from accounts import certs
          admin.site.__class__ = OTPAdminSite
          urlpatterns = [path('admin/', admin.site.urls), path('api/whoami/', certs.whoami)]
        `,
        'accounts/certs.py': CERT_VIEW,
      },
    },
    {
      name: 'OTPAdminSite patched in an app URLconf that the root URLconf includes after the admin route',
      files: {
        'proj/settings.py': settings("MIDDLEWARE += ['django_otp.middleware.OTPMiddleware']", ['django_otp', 'django_otp.plugins.otp_totp']),
        'proj/urls.py': "from django.contrib import admin\nfrom django.urls import path, include\nurlpatterns = [path('admin/', admin.site.urls), path('api/', include('accounts.urls'))]\n",
        'accounts/urls.py': `
          from django.contrib import admin
          from django.urls import path
          from django_otp.admin import OTPAdminSite
          from accounts import certs
          admin.site.__class__ = OTPAdminSite
          urlpatterns = [path('whoami/', certs.whoami)]
        `,
        'accounts/certs.py': CERT_VIEW,
      },
    },
    {
      name: 'a project admin site built on OTPAdminSite; two_factor login; otp_required',
      files: {
        'proj/settings.py': settings('', ['django_otp', 'two_factor']),
        'proj/urls.py': `
          from django.urls import path, include
          from two_factor.urls import urlpatterns as tf_urls
          from accounts import certs
          from accounts.admin import secure_site
          urlpatterns = [
              path('', include(tf_urls)),
              path('staff/', secure_site.urls),
              path('api/whoami/', certs.whoami),
          ]
        `,
        'accounts/admin.py': `
          from django_otp.admin import OTPAdminSite
          class SecureSite(OTPAdminSite):
              pass
          secure_site = SecureSite(name='secure')
        `,
        'accounts/certs.py': CERT_VIEW,
      },
    },
    {
      name: 'django-otp with OTPMiddleware covers session logins (LoginView)',
      files: {
        'proj/settings.py': settings("MIDDLEWARE += ['django_otp.middleware.OTPMiddleware']", ['django_otp']),
        'proj/urls.py': "from django.contrib.auth.views import LoginView\nfrom django.urls import path\nfrom accounts import certs\nurlpatterns = [path('login/', LoginView.as_view()), path('api/whoami/', certs.whoami)]\n",
        'accounts/certs.py': CERT_VIEW,
      },
    },
    {
      name: 'the proxy requires a verified certificate on the admin location',
      files: {
        'proj/settings.py': settings(),
        'proj/urls.py': ADMIN_URLS,
        'accounts/certs.py': CERT_VIEW,
        'deploy/nginx.conf': NGINX('if ($ssl_client_verify != SUCCESS) { return 403; }'),
      },
    },
  ],
  invalid: [
    {
      name: 'the admin site beside a certificate-authenticated API: the admin route',
      files: { 'proj/urls.py': ADMIN_URLS, 'proj/settings.py': settings(), 'accounts/certs.py': CERT_VIEW },
      errors: [{ ruleId: 'password-only-auth', line: 5, messageId: 'adminPasswordOnly' }],
    },
    {
      name: 'django-otp middleware does not protect the plain admin site or DRF token endpoints',
      files: {
        'proj/urls.py': `
          from django.contrib import admin
          from django.contrib.auth.views import LoginView
          from django.urls import path
          from rest_framework.authtoken.views import obtain_auth_token
          from accounts import certs
          urlpatterns = [
              path('admin/', admin.site.urls),
              path('login/', LoginView.as_view()),
              path('api/token/', obtain_auth_token),
              path('api/whoami/', certs.whoami),
          ]
        `,
        'proj/settings.py': settings("MIDDLEWARE += ['django_otp.middleware.OTPMiddleware']", ['django_otp']),
        'accounts/certs.py': CERT_VIEW,
      },
      errors: [
        { ruleId: 'password-only-auth', line: 7, messageId: 'adminPasswordOnly' },
        { ruleId: 'password-only-auth', line: 9, messageId: 'tokenPasswordOnly' },
      ],
    },
    {
      name: 'mTLS only at the proxy (/api/ enforced), the admin location open: no certificate code needed',
      files: {
        'proj/urls.py': "from django.contrib import admin\nfrom django.urls import path\nurlpatterns = [path('admin/', admin.site.urls)]\n",
        'proj/settings.py': settings(),
        'deploy/nginx.conf': NGINX('# no certificate required here'),
      },
      errors: [{ ruleId: 'password-only-auth', line: 3, messageId: 'adminPasswordOnly' }],
    },
    {
      name: 'a custom password view beside certificate login',
      files: {
        'proj/urls.py': "from django.urls import path\nfrom accounts import views, certs\nurlpatterns = [\n    path('api/whoami/', certs.whoami),\n    path('password-login/', views.password_login),\n]\n",
        'proj/settings.py': settings(),
        'accounts/certs.py': CERT_VIEW,
        'accounts/views.py': `
          from django.contrib.auth import authenticate, login
          def password_login(request):
              user = authenticate(request, username=request.POST['username'], password=request.POST['password'])
              if user:
                  login(request, user)
        `,
      },
      errors: [{ ruleId: 'password-only-auth', line: 5, messageId: 'passwordOnly' }],
    },
  ],
});
