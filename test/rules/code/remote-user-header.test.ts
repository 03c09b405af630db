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
