import { ruleTester } from '../../helpers/rule-tester.js';

ruleTester.run('cert-user-autocreate', {
  valid: [
    {
      name: 'RemoteUserBackend subclass with create_unknown_user = False',
      files: {
        'app/backends.py': `
          from django.contrib.auth.backends import RemoteUserBackend
          class CertBackend(RemoteUserBackend):
              create_unknown_user = False
        `,
      },
    },
    {
      name: 'enrolment view guarded by staff_member_required',
      files: {
        'app/views.py': `
          from cryptography import x509
          from cryptography.hazmat.primitives import hashes
          from django.contrib.admin.views.decorators import staff_member_required
          from django.http import JsonResponse
          from .models import Binding
          @staff_member_required
          def enrol(request):
              cert = x509.load_pem_x509_certificate(request.META['SSL_CLIENT_CERT'].encode())
              Binding.objects.create(user=request.user, fingerprint=cert.fingerprint(hashes.SHA256()).hex())
              return JsonResponse({'ok': True})
        `,
      },
    },
    {
      name: 'creation from the server-set REMOTE_USER (the RemoteUserBackend case, reported by class or setting)',
      files: {
        'app/backends.py': `
          from django.contrib.auth.models import User
          class SSOBackend:
              def authenticate(self, request):
                  user, _ = User.objects.get_or_create(username=request.META['REMOTE_USER'])
                  return user
        `,
      },
    },
    {
      name: 'user creation unrelated to certificates',
      files: {
        'app/views.py': `
          from django.contrib.auth.models import User
          from django.http import JsonResponse
          def signup(request):
              User.objects.create_user(username=request.POST['username'], password=request.POST['password'])
              return JsonResponse({'ok': True})
        `,
      },
    },
  ],
  invalid: [
    {
      name: 'get_or_create(username=cn)',
      files: {
        'app/views.py': `
          from OpenSSL import crypto
          from django.contrib.auth.models import User
          from django.http import JsonResponse
          def login_view(request):
              cert = crypto.load_certificate(crypto.FILETYPE_PEM, request.META['SSL_CLIENT_CERT'])
              user, created = User.objects.get_or_create(username=cert.get_subject().CN)
              return JsonResponse({'user': user.username})
        `,
      },
      errors: [{ ruleId: 'cert-user-autocreate', line: 6 }],
    },
    {
      name: 'RemoteUserBackend subclass that keeps auto-creation',
      files: {
        'app/backends.py': `
          from django.contrib.auth.backends import RemoteUserBackend
          class CertBackend(RemoteUserBackend):
              def clean_username(self, username):
                  return username.split('CN=')[-1]
        `,
      },
      errors: [{ ruleId: 'cert-user-autocreate', line: 2 }],
    },
    {
      name: 'RemoteUserBackend in AUTHENTICATION_BACKENDS',
      files: {
        'project/settings.py': `
          AUTHENTICATION_BACKENDS = [
              'django.contrib.auth.backends.RemoteUserBackend',
          ]
        `,
      },
      errors: [{ ruleId: 'cert-user-autocreate', line: 2 }],
    },
  ],
});
