// META keys that are not written as one literal at the read: held in a local, passed as an
// argument, built with `+`, `%`, `str.format` or an f-string, taken row by row from a table.
import { ruleTester } from '../../helpers/rule-tester.js';

const VIEW = (body: string) => `
  from django.http import JsonResponse
  from .models import Binding
  def whoami(request):
${body
  .split('\n')
  .map((l) => `      ${l}`)
  .join('\n')}
      binding = Binding.objects.get(fingerprint=fp)
      return JsonResponse({'user': binding.user.username})
`;

ruleTester.run('spoofable-cert-header', {
  valid: [
    {
      name: 'environ key built with str.format from a module constant',
      files: { 'app/views.py': `FIELD = 'FINGERPRINT'\n${VIEW("fp = request.META.get('SSL_CLIENT_{}'.format(FIELD))")}` },
    },
    {
      name: 'a local shadows a module constant naming a header',
      files: { 'app/views.py': `KEY = 'HTTP_X_SSL_CLIENT_FINGERPRINT'\n${VIEW("KEY = 'SSL_CLIENT_FINGERPRINT'\nfp = request.META.get(KEY)")}` },
    },
  ],
  invalid: [
    {
      name: 'header key from printf-style formatting of a local',
      files: { 'app/views.py': VIEW("part = 'FINGERPRINT'\nfp = request.META.get('HTTP_X_SSL_CLIENT_%s' % part)") },
      errors: [{ ruleId: 'spoofable-cert-header', line: 5 }],
    },
    {
      name: 'header key from an f-string over a module constant',
      files: { 'app/views.py': `PREFIX = 'HTTP_X_SSL_CLIENT'\n${VIEW("fp = request.META[f'{PREFIX}_FINGERPRINT']")}` },
      errors: [{ ruleId: 'spoofable-cert-header', line: 6 }],
    },
    {
      name: 'header key passed to a helper that reads it',
      files: {
        'app/certs.py': `
          def read_cert_value(request, key):
              return request.META.get(key, '')
        `,
        'app/views.py': `
          from django.http import JsonResponse
          from .certs import read_cert_value
          from .models import Binding
          def whoami(request):
              binding = Binding.objects.get(fingerprint=read_cert_value(request, 'HTTP_X_SSL_CLIENT_FINGERPRINT'))
              return JsonResponse({'user': binding.user.username})
        `,
      },
      errors: [{ ruleId: 'spoofable-cert-header', file: 'app/certs.py', line: 2 }],
    },
    {
      name: 'middleware copying headers in a loop over a list of (header, environ key) pairs',
      files: {
        'app/middleware.py': `
          PAIRS = [('HTTP_X_SSL_CLIENT_FINGERPRINT', 'SSL_CLIENT_FINGERPRINT')]
          class Bridge:
              def __init__(self, get_response):
                  self.get_response = get_response
              def __call__(self, request):
                  for header, variable in PAIRS:
                      if request.META.get(header):
                          request.META[variable] = request.META[header]
                  return self.get_response(request)
        `,
        'app/views.py': VIEW("fp = request.META['SSL_CLIENT_FINGERPRINT']"),
      },
      errors: [{ ruleId: 'spoofable-cert-header', file: 'app/views.py', line: 4 }],
    },
  ],
});

ruleTester.run('spoofable-cert-header', {
  valid: [],
  invalid: [
    {
      name: 'header key as a parameter default of a helper',
      files: {
        'app/certs.py': `
          def forwarded_value(request, key='HTTP_X_SSL_CLIENT_FINGERPRINT'):
              return request.META.get(key, '')
        `,
        'app/views.py': `
          from django.http import JsonResponse
          from .certs import forwarded_value
          from .models import Binding
          def whoami(request):
              binding = Binding.objects.get(fingerprint=forwarded_value(request))
              return JsonResponse({'user': binding.user.username})
        `,
      },
      errors: [{ ruleId: 'spoofable-cert-header', file: 'app/certs.py', line: 2 }],
    },
  ],
});

ruleTester.run('spoofable-cert-header', {
  valid: [],
  invalid: [
    {
      name: 'header key bound in a middleware factory, read by the inner middleware',
      files: {
        'app/middleware.py': `
          from django.http import HttpResponseForbidden
          from .models import Binding
          def certificate_gate(get_response):
              header = 'HTTP_X_SSL_CLIENT_FINGERPRINT'
              def middleware(request):
                  binding = Binding.objects.filter(fingerprint=request.META.get(header, '')).first()
                  if binding is None:
                      return HttpResponseForbidden()
                  return get_response(request)
              return middleware
        `,
      },
      errors: [{ ruleId: 'spoofable-cert-header', file: 'app/middleware.py', line: 6 }],
    },
  ],
});
