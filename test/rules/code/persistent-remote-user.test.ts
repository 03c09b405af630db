import { ruleTester } from '../../helpers/rule-tester.js';

ruleTester.run('persistent-remote-user', {
  valid: [
    {
      name: 'standard RemoteUserMiddleware',
      files: {
        'project/settings.py': `
          MIDDLEWARE = [
              'django.contrib.auth.middleware.AuthenticationMiddleware',
              'django.contrib.auth.middleware.RemoteUserMiddleware',
          ]
        `,
      },
    },
    {
      name: 'certificate middleware that checks on every request',
      files: {
        'app/middleware.py': `
          from django.contrib.auth import logout
          from .models import Binding
          class CertAuth:
              def __init__(self, get_response):
                  self.get_response = get_response
              def __call__(self, request):
                  fp = request.META.get('SSL_CLIENT_M_FINGERPRINT')
                  binding = Binding.objects.filter(fingerprint=fp).first()
                  if binding is None:
                      logout(request)
                  else:
                      request.user = binding.user
                  return self.get_response(request)
        `,
      },
    },
  ],
  invalid: [
    {
      name: 'PersistentRemoteUserMiddleware in MIDDLEWARE',
      files: {
        'project/settings.py': `
          MIDDLEWARE = [
              'django.contrib.auth.middleware.AuthenticationMiddleware',
              'django.contrib.auth.middleware.PersistentRemoteUserMiddleware',
          ]
        `,
      },
      errors: [{ ruleId: 'persistent-remote-user', line: 3 }],
    },
    {
      name: 'force_logout_if_no_header = False',
      files: {
        'app/middleware.py': `
          from django.contrib.auth.middleware import RemoteUserMiddleware
          class CertUser(RemoteUserMiddleware):
              header = 'SSL_CLIENT_S_DN_CN'
              force_logout_if_no_header = False
        `,
      },
      errors: [{ ruleId: 'persistent-remote-user', line: 4 }],
    },
    {
      name: 'already authenticated short-cut before the certificate check',
      files: {
        'app/middleware.py': `
          from .models import Binding
          class CertAuth:
              def __init__(self, get_response):
                  self.get_response = get_response
              def __call__(self, request):
                  if request.user.is_authenticated:
                      return self.get_response(request)
                  fp = request.META.get('SSL_CLIENT_M_FINGERPRINT')
                  binding = Binding.objects.filter(fingerprint=fp).first()
                  if binding is not None:
                      request.user = binding.user
                  return self.get_response(request)
        `,
      },
      errors: [{ ruleId: 'persistent-remote-user', line: 6 }],
    },
  ],
});
