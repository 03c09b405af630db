import { ruleTester } from '../../helpers/rule-tester.js';

ruleTester.run('cert-presence-only', {
  valid: [
    {
      name: 'DRF permission gate on presence behind an authentication class that binds the fingerprint',
      files: {
        'app/permissions.py': `
          from rest_framework.permissions import BasePermission
          class ClientCertPresent(BasePermission):
              def has_permission(self, request, view):
                  if not request.META.get('SSL_CLIENT_CERT'):
                      return False
                  return True
        `,
        'app/authentication.py': `
          from rest_framework.authentication import BaseAuthentication
          from rest_framework.exceptions import AuthenticationFailed
          from .models import Binding
          class FingerprintAuthentication(BaseAuthentication):
              def authenticate(self, request):
                  fp = request.META.get('SSL_CLIENT_FINGERPRINT')
                  if not fp:
                      return None
                  b = Binding.objects.filter(fingerprint=fp, revoked=False).first()
                  if b is None:
                      raise AuthenticationFailed('unknown certificate')
                  return (b.user, b)
        `,
      },
    },
    {
      name: 'presence check that only rejects before a fingerprint binding',
      files: {
        'app/views.py': `
          from django.http import JsonResponse
          from .models import Binding
          def whoami(request):
              fp = request.META.get('SSL_CLIENT_FINGERPRINT')
              if not fp:
                  return JsonResponse({'error': 'no cert'}, status=401)
              binding = Binding.objects.filter(fingerprint=fp, revoked=False).first()
              if binding is None:
                  return JsonResponse({'error': 'unknown'}, status=403)
              return JsonResponse({'user': binding.user.username})
        `,
      },
    },
    {
      name: 'presence check followed by a parse and subject decision',
      files: {
        'app/views.py': `
          from cryptography import x509
          from django.http import JsonResponse, HttpResponseForbidden
          ALLOWED = {'alice'}
          def api(request):
              pem = request.META.get('SSL_CLIENT_CERT')
              if pem is None:
                  return HttpResponseForbidden()
              cert = x509.load_pem_x509_certificate(pem.encode())
              cn = cert.subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)[0].value
              if cn not in ALLOWED:
                  return HttpResponseForbidden()
              return JsonResponse({'cn': cn})
        `,
      },
    },
    {
      name: 'a library decides on the certificate after the presence check',
      files: {
        'app/views.py': `
          from django.http import JsonResponse
          from certlib import identify
          def data(request):
              pem = request.META.get('SSL_CLIENT_CERT')
              if not pem:
                  return JsonResponse({}, status=401)
              who = identify(pem, trust_store='/etc/ca.pem')
              if not who:
                  return JsonResponse({}, status=403)
              return JsonResponse({'who': who})
        `,
      },
    },
    {
      name: 'certificate value read only for logging is not a decision',
      files: {
        'app/views.py': `
          import logging
          from django.http import JsonResponse
          log = logging.getLogger(__name__)
          def health(request):
              log.info('client %s', request.META.get('SSL_CLIENT_S_DN'))
              return JsonResponse({'ok': True})
        `,
      },
    },
    {
      name: 'gate middleware in a project whose identity comes from RemoteUserMiddleware',
      files: {
        'project/settings.py': `
          MIDDLEWARE = [
              'app.middleware.RequireVerifiedCert',
              'django.contrib.auth.middleware.AuthenticationMiddleware',
              'django.contrib.auth.middleware.RemoteUserMiddleware',
          ]
        `,
        'app/middleware.py': `
          from django.http import HttpResponseForbidden
          class RequireVerifiedCert:
              def __init__(self, get_response):
                  self.get_response = get_response
              def __call__(self, request):
                  if request.META.get('SSL_CLIENT_VERIFY') != 'SUCCESS':
                      return HttpResponseForbidden()
                  return self.get_response(request)
        `,
      },
    },
    {
      name: 'REMOTE_USER presence is not a certificate presence check',
      files: {
        'app/views.py': `
          from django.http import JsonResponse
          def v(request):
              if not request.META.get('REMOTE_USER'):
                  return JsonResponse({}, status=401)
              return JsonResponse({'ok': True})
        `,
      },
    },
  ],
  invalid: [
    {
      name: 'DRF permission that admits any request carrying a certificate',
      files: {
        'app/permissions.py': `
          from rest_framework.permissions import BasePermission
          class ClientCertPresent(BasePermission):
              def has_permission(self, request, view):
                  if not request.META.get('SSL_CLIENT_CERT'):
                      return False
                  return True
        `,
      },
      errors: [{ ruleId: 'cert-presence-only', line: 4 }],
    },
    {
      name: 'function view granting on a truthy certificate',
      files: {
        'app/views.py': `
          from django.http import JsonResponse
          def data(request):
              if request.META.get('SSL_CLIENT_CERT'):
                  return JsonResponse({'secret': 42})
              return JsonResponse({'error': 'denied'}, status=403)
        `,
      },
      errors: [{ ruleId: 'cert-presence-only', line: 3 }],
    },
    {
      name: 'verify flag equal to SUCCESS grants in a view',
      files: {
        'app/views.py': `
          from django.http import JsonResponse
          def v(request):
              if request.META.get('SSL_CLIENT_VERIFY') == 'SUCCESS':
                  return JsonResponse({'secret': 1})
              return JsonResponse({'error': 'no'}, status=403)
        `,
      },
      errors: [{ ruleId: 'cert-presence-only', line: 3 }],
    },
    {
      name: 'verify flag compared with SUCCESS in a middleware',
      files: {
        'app/middleware.py': `
          from django.http import HttpResponseForbidden
          class RequireClientCert:
              def __init__(self, get_response):
                  self.get_response = get_response
              def __call__(self, request):
                  if request.META.get('SSL_CLIENT_VERIFY') != 'SUCCESS':
                      return HttpResponseForbidden('client certificate required')
                  return self.get_response(request)
        `,
      },
      errors: [{ ruleId: 'cert-presence-only', line: 6 }],
    },
    {
      name: 'the read happens in a helper in another module',
      files: {
        'app/certs.py': `
          def client_cert(request):
              return request.META.get('SSL_CLIENT_CERT', '')
        `,
        'app/views.py': `
          from django.http import JsonResponse
          from .certs import client_cert
          def view(request):
              cert = client_cert(request)
              if len(cert) == 0:
                  return JsonResponse({}, status=401)
              return JsonResponse({'authenticated': True})
        `,
      },
      errors: [{ ruleId: 'cert-presence-only', file: 'app/views.py', line: 5 }],
    },
    {
      name: 'DRF authentication class returning a user when a DN is present',
      files: {
        'app/auth.py': `
          from django.contrib.auth.models import AnonymousUser
          from rest_framework.authentication import BaseAuthentication
          from rest_framework.exceptions import AuthenticationFailed
          class CertAuth(BaseAuthentication):
              def authenticate(self, request):
                  dn = request.META.get('SSL_CLIENT_S_DN')
                  if not dn:
                      raise AuthenticationFailed('no certificate')
                  return (AnonymousUser(), None)
        `,
      },
      errors: [{ ruleId: 'cert-presence-only', line: 7 }],
    },
  ],
});
