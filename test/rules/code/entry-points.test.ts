// Entry-point shapes the code model must recognise: decorators, old-style middleware hooks,
// async views, class-based views delegating to helpers.
import { ruleTester } from '../../helpers/rule-tester.js';

ruleTester.run('cert-presence-only', {
  valid: [],
  invalid: [
    {
      name: 'view decorator that only checks presence',
      files: {
        'app/decorators.py': `
          from functools import wraps
          from django.http import JsonResponse
          def require_client_cert(view):
              @wraps(view)
              def wrapper(request, *args, **kwargs):
                  if not request.META.get('SSL_CLIENT_CERT'):
                      return JsonResponse({'error': 'certificate required'}, status=401)
                  return view(request, *args, **kwargs)
              return wrapper
        `,
      },
      errors: [{ ruleId: 'cert-presence-only', line: 6 }],
    },
    {
      name: 'old-style process_request hook that falls through',
      files: {
        'app/middleware.py': `
          from django.http import HttpResponseForbidden
          from django.utils.deprecation import MiddlewareMixin
          class ClientCertRequired(MiddlewareMixin):
              def process_request(self, request):
                  if 'HTTP_X_SSL_CLIENT_CERT' not in request.META or not request.META['HTTP_X_SSL_CLIENT_CERT']:
                      return HttpResponseForbidden()
        `,
      },
      errors: [{ ruleId: 'cert-presence-only', line: 5 }, { ruleId: 'spoofable-cert-header', line: 5 }],
    },
    {
      name: 'async view',
      files: {
        'app/views.py': `
          from django.http import JsonResponse
          async def data(request):
              cert = request.headers.get('X-Client-Cert')
              if cert is None:
                  return JsonResponse({}, status=401)
              return JsonResponse({'secret': 1})
        `,
      },
      errors: [{ ruleId: 'cert-presence-only', line: 4 }, { ruleId: 'spoofable-cert-header', line: 3 }],
    },
    {
      name: 'class-based view delegating to a method',
      files: {
        'app/views.py': `
          from django.http import JsonResponse
          from django.views import View
          class Api(View):
              def has_cert(self, request):
                  return bool(request.META.get('SSL_CLIENT_S_DN'))
              def dispatch(self, request, *args, **kwargs):
                  if not self.has_cert(request):
                      return JsonResponse({}, status=403)
                  return super().dispatch(request, *args, **kwargs)
        `,
      },
      errors: [{ ruleId: 'cert-presence-only', line: 7 }],
    },
  ],
});
