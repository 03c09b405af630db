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
