import { ruleTester } from '../../helpers/rule-tester.js';

ruleTester.run('remote-user-header', {
  valid: [
    {
      name: 'default REMOTE_USER environ variable',
      files: {
        'app/middleware.py': `
          from django.contrib.auth.middleware import RemoteUserMiddleware
          class CertRemoteUser(RemoteUserMiddleware):
              header = 'REMOTE_USER'
        `,
      },
    },
    {
      name: 'SSL environ variable exported by mod_ssl',
      files: {
        'app/middleware.py': `
          from django.contrib.auth.middleware import RemoteUserMiddleware
          class CertRemoteUser(RemoteUserMiddleware):
              header = 'SSL_CLIENT_S_DN_CN'
        `,
      },
    },
    {
      name: 'header accepted only after a MIDDLEWARE-listed gate rejects peers outside the proxy network',
      files: {
        'project/settings.py': `
          MIDDLEWARE = [
              'gate.middleware.ProxyPeerOnly',
              'django.contrib.sessions.middleware.SessionMiddleware',
              'django.contrib.auth.middleware.AuthenticationMiddleware',
              'gate.middleware.HeaderUser',
          ]
        `,
        'gate/middleware.py': `
          from ipaddress import ip_address, ip_network
          from django.contrib.auth.middleware import RemoteUserMiddleware
          from django.http import HttpResponseForbidden
          PROXIES = ip_network('198.51.100.0/30')
          class ProxyPeerOnly:
              def __init__(self, get_response):
                  self.get_response = get_response
              def __call__(self, request):
                  if ip_address(request.META['REMOTE_ADDR']) not in PROXIES:
                      return HttpResponseForbidden()
                  return self.get_response(request)
          class HeaderUser(RemoteUserMiddleware):
              header = 'HTTP_X_PROXY_USER'
        `,
      },
    },
  ],
  invalid: [
    {
      name: 'a RemoteUserMiddleware subclass with its own __call__ reading request.META[self.header] (NetBox): one finding, at the header, not a second spoofable-cert-header at the read',
      rules: ['remote-user-header', 'spoofable-cert-header'],
      files: {
        'app/middleware.py': `
          from django.conf import settings
          from django.contrib import auth
          from django.contrib.auth.middleware import RemoteUserMiddleware as Base
          class RemoteUserMiddleware(Base):
              force_logout_if_no_header = True
              @property
              def header(self):
                  return settings.REMOTE_AUTH_HEADER
              def __call__(self, request):
                  if not settings.REMOTE_AUTH_ENABLED:
                      return self.get_response(request)
                  try:
                      username = request.META[self.header]
                  except KeyError:
                      return self.get_response(request)
                  if request.user.is_authenticated:
                      if request.user.get_username() == self.clean_username(username, request):
                          return self.get_response(request)
                  user = auth.authenticate(request, remote_user=username)
                  if user:
                      request.user = user
                      auth.login(request, user)
                  return self.get_response(request)
        `,
        'proj/settings.py':
          "import os\nREMOTE_AUTH_ENABLED = os.environ.get('REMOTE_AUTH_ENABLED', 'False') == 'True'\nREMOTE_AUTH_HEADER = os.environ.get('REMOTE_AUTH_HEADER', 'HTTP_REMOTE_USER')\nINSTALLED_APPS = ['app']\nMIDDLEWARE = ['app.middleware.RemoteUserMiddleware']\n",
      },
      errors: [{ ruleId: 'remote-user-header', line: 7 }],
    },
    {
      name: 'RemoteUserMiddleware subclass reading a header',
      files: {
        'app/middleware.py': `
          from django.contrib.auth.middleware import RemoteUserMiddleware
          class ProxyRemoteUser(RemoteUserMiddleware):
              header = 'HTTP_X_REMOTE_USER'
        `,
      },
      errors: [{ ruleId: 'remote-user-header', line: 3 }],
    },
    {
      name: 'DRF RemoteUserAuthentication with a header from settings',
      files: {
        'project/settings.py': `
          CERT_USER_HEADER = 'HTTP_X_SSL_CLIENT_S_DN_CN'
        `,
        'app/auth.py': `
          from django.conf import settings
          from rest_framework.authentication import RemoteUserAuthentication
          class ProxyCertAuth(RemoteUserAuthentication):
              header = settings.CERT_USER_HEADER
        `,
      },
      errors: [{ ruleId: 'remote-user-header', file: 'app/auth.py', line: 4 }],
    },
    {
      name: 'through an intermediate project base class',
      files: {
        'app/base.py': `
          from django.contrib.auth import middleware
          class Base(middleware.RemoteUserMiddleware):
              pass
        `,
        'app/middleware.py': `
          from .base import Base
          class HeaderUser(Base):
              header = "HTTP_REMOTE_USER"
        `,
      },
      errors: [{ ruleId: 'remote-user-header', file: 'app/middleware.py', line: 3 }],
    },
  ],
});
