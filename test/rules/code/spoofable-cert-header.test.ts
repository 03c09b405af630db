import { ruleTester } from '../../helpers/rule-tester.js';

const LOOKUP_VIEW = (read: string) => `
  from django.http import JsonResponse
  from .models import Binding
  def whoami(request):
      fp = ${read}
      binding = Binding.objects.get(fingerprint=fp)
      return JsonResponse({'user': binding.user.username})
`;

ruleTester.run('spoofable-cert-header', {
  valid: [
    {
      name: 'server-set environ variable (mod_wsgi SSLOptions +ExportCertData)',
      files: { 'app/views.py': LOOKUP_VIEW("request.META['SSL_CLIENT_M_FINGERPRINT']") },
    },
    {
      name: 'HMAC provenance checked with hmac.compare_digest in the same path',
      files: {
        'app/views.py': `
          import hashlib, hmac
          from django.conf import settings
          from django.http import JsonResponse, HttpResponseForbidden
          from .models import Binding
          def whoami(request):
              fp = request.META.get('HTTP_X_SSL_CLIENT_FINGERPRINT', '')
              sig = request.META.get('HTTP_X_PROXY_SIGNATURE', '')
              expected = hmac.new(settings.PROXY_KEY, fp.encode(), hashlib.sha256).hexdigest()
              if not hmac.compare_digest(sig, expected):
                  return HttpResponseForbidden()
              binding = Binding.objects.get(fingerprint=fp)
              return JsonResponse({'user': binding.user.username})
        `,
      },
    },
    {
      name: 'provenance checked in a helper whose boolean result is negated',
      files: {
        'app/provenance.py': `
          import hmac
          from django.conf import settings
          def from_proxy(request):
              sent = request.META.get('HTTP_X_MTLS_PROXY_SECRET', '')
              return hmac.compare_digest(sent.encode(), settings.MTLS_PROXY_SECRET)
        `,
        'app/views.py': `
          from django.http import JsonResponse, HttpResponseForbidden
          from .models import Binding
          from .provenance import from_proxy
          def whoami(request):
              proxied = from_proxy(request)
              if not proxied:
                  return HttpResponseForbidden()
              fp = request.META.get('HTTP_X_SSL_CLIENT_FINGERPRINT')
              binding = Binding.objects.get(fingerprint=fp)
              return JsonResponse({'user': binding.user.username})
        `,
      },
    },
    {
      name: 'trusted-proxy REMOTE_ADDR allow-list',
      files: {
        'app/views.py': `
          from django.http import JsonResponse, HttpResponseForbidden
          from .models import Binding
          TRUSTED_PROXIES = {'10.0.0.5'}
          def whoami(request):
              if request.META['REMOTE_ADDR'] not in TRUSTED_PROXIES:
                  return HttpResponseForbidden()
              fp = request.META.get('HTTP_X_SSL_CLIENT_FINGERPRINT')
              binding = Binding.objects.get(fingerprint=fp)
              return JsonResponse({'user': binding.user.username})
        `,
      },
    },
    {
      name: 'provenance enforced by a middleware listed in MIDDLEWARE',
      files: {
        'project/settings.py': `
          MIDDLEWARE = ['django.contrib.sessions.middleware.SessionMiddleware', 'app.middleware.ProxyAuth']
        `,
        'app/middleware.py': `
          import hmac
          from django.conf import settings
          from django.http import HttpResponseForbidden
          class ProxyAuth:
              def __init__(self, get_response):
                  self.get_response = get_response
              def __call__(self, request):
                  if not hmac.compare_digest(request.META.get('HTTP_X_PROXY_SECRET', ''), settings.PROXY_SECRET):
                      return HttpResponseForbidden()
                  return self.get_response(request)
        `,
        'app/views.py': LOOKUP_VIEW("request.META.get('HTTP_X_SSL_CLIENT_FINGERPRINT')"),
      },
    },
    {
      name: 'a header shown to an already logged-in user',
      files: {
        'app/views.py': `
          from django.contrib.auth.decorators import login_required
          from django.shortcuts import render
          @login_required
          def profile(request):
              context = {'user': request.user}
              dn = request.META.get('HTTP_X_SSL_CLIENT_S_DN')
              if dn:
                  context['certificate'] = dn
              return render(request, 'profile.html', context)
        `,
      },
    },
    {
      name: 'a header read only for logging',
      files: {
        'app/views.py': `
          import logging
          from django.http import JsonResponse
          def v(request):
              logging.info(request.META.get('HTTP_X_SSL_CLIENT_S_DN'))
              return JsonResponse({})
        `,
      },
    },
  ],
  invalid: [
    {
      name: 'fingerprint header mapped to a user',
      files: { 'app/views.py': LOOKUP_VIEW("request.META.get('HTTP_X_SSL_CLIENT_FINGERPRINT')") },
      errors: [{ ruleId: 'spoofable-cert-header', line: 4 }],
    },
    {
      name: 'request.headers with the dash spelling',
      files: { 'app/views.py': LOOKUP_VIEW("request.headers.get('X-SSL-Client-Fingerprint')") },
      errors: [{ ruleId: 'spoofable-cert-header', line: 4 }],
    },
    {
      name: 'fallback from the environ variable to a header',
      files: {
        'app/views.py': `
          from django.http import JsonResponse
          from django.contrib.auth.models import User
          def v(request):
              dn = request.META.get('SSL_CLIENT_S_DN') or request.META.get('HTTP_SSL_CLIENT_S_DN')
              user = User.objects.get(username=dn)
              return JsonResponse({'user': user.username})
        `,
      },
      errors: [
        { ruleId: 'spoofable-cert-header', line: 4 },
        { ruleId: 'cert-weak-identity-binding', line: 5 },
      ],
    },
    {
      name: 'header name from settings with an environment default',
      files: {
        'project/settings.py': `
          import os
          MTLS_CERT_HEADER = os.environ.get('MTLS_CERT_HEADER', 'HTTP_X_CLIENT_CERT')
        `,
        'app/views.py': `
          from django.conf import settings
          from django.http import JsonResponse
          def v(request):
              cert = request.META.get(settings.MTLS_CERT_HEADER)
              if not cert:
                  return JsonResponse({}, status=401)
              return JsonResponse({'ok': True})
        `,
      },
      errors: [
        { ruleId: 'spoofable-cert-header', file: 'app/views.py', line: 4 },
        { ruleId: 'cert-presence-only', file: 'app/views.py', line: 5 },
      ],
    },
    {
      name: 'SSL_CLIENT_* key copied from a header by a custom middleware',
      files: {
        'app/middleware.py': `
          class CopyCertHeader:
              def __init__(self, get_response):
                  self.get_response = get_response
              def __call__(self, request):
                  request.META['SSL_CLIENT_CERT'] = request.META.get('HTTP_X_SSL_CLIENT_CERT', '')
                  return self.get_response(request)
        `,
        'app/views.py': `
          from django.http import JsonResponse
          from .models import Binding
          from .certs import fingerprint
          def v(request):
              binding = Binding.objects.get(fingerprint=fingerprint(request.META['SSL_CLIENT_CERT']))
              return JsonResponse({'user': binding.user.username})
        `,
      },
      // RULES.md "Where a finding points": at the read of the copied key where it is used (the copy is related).
      errors: [{ ruleId: 'spoofable-cert-header', file: 'app/views.py', line: 5 }],
    },
    {
      name: 'header key in a class attribute',
      files: {
        'app/backends.py': `
          from django.contrib.auth import get_user_model
          class CertBackend:
              header = 'HTTP_X_SSL_CLIENT_FINGERPRINT'
              def authenticate(self, request):
                  fp = request.META.get(self.header)
                  return get_user_model().objects.filter(certificate__fingerprint=fp).first()
        `,
      },
      errors: [{ ruleId: 'spoofable-cert-header', line: 5 }],
    },
  ],
});
