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
      errors: [
        { ruleId: 'cert-presence-only', line: 5 },
        { ruleId: 'spoofable-cert-header', line: 5 },
      ],
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
      errors: [
        { ruleId: 'cert-presence-only', line: 4 },
        { ruleId: 'spoofable-cert-header', line: 3 },
      ],
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

// django.contrib.auth.authenticate() dispatches to the project's backends: the credentials the view
// passes (here read from proxy headers) are followed into the backend's **kwargs.
ruleTester.run('cert-weak-identity-binding', {
  valid: [],
  invalid: [
    {
      name: 'view passes header values to authenticate(); the backend maps the DN through **credentials',
      files: {
        'certauth/backends.py': `
          from django.contrib.auth.backends import ModelBackend
          from .models import CertificateMapping
          class CertificateBackend(ModelBackend):
              def authenticate(self, request=None, **credentials):
                  if credentials.get('status') != 'SUCCESS':
                      return None
                  mapping = CertificateMapping.objects.filter(subject=credentials['subject']).first()
                  return mapping.owner if mapping else None
        `,
        'certauth/views.py': `
          from django.contrib.auth import authenticate, login
          from django.shortcuts import redirect, render
          def certificate_login(request):
              subject = request.META.get('HTTP_X_SSL_USER_DN', '')
              status = request.META.get('HTTP_X_SSL_AUTHENTICATED', '')
              user = authenticate(request, subject=subject, status=status)
              if user is None:
                  return render(request, 'certauth/failed.html', status=403)
              login(request, user)
              return redirect('/')
        `,
      },
      errors: [
        { ruleId: 'cert-weak-identity-binding', file: 'certauth/backends.py', line: 7 },
        { ruleId: 'spoofable-cert-header', file: 'certauth/views.py', line: 4 },
        { ruleId: 'spoofable-cert-header', file: 'certauth/views.py', line: 5 },
        { ruleId: 'session-not-bound-to-cert', file: 'certauth/views.py', line: 9 },
      ],
    },
    {
      name: 'a middleware leaves a CN cut from the DN header on the request; a view looks the user up by it',
      files: {
        'app/middleware.py': `
          class CertificateSubjectMiddleware:
              def __init__(self, get_response):
                  self.get_response = get_response
              def __call__(self, request):
                  request.certificate_subject = ''
                  dn = request.META.get('SSL_CLIENT_S_DN', '')
                  for part in dn.split('/'):
                      if part.startswith('CN='):
                          request.certificate_subject = part[3:]
                  return self.get_response(request)
        `,
        'app/views.py': `
          from django.contrib.auth.models import User
          from django.http import JsonResponse
          def profile(request):
              if not request.certificate_subject:
                  return JsonResponse({'error': 'certificate required'}, status=401)
              user = User.objects.get(username=request.certificate_subject)
              return JsonResponse({'user': user.username})
        `,
      },
      rules: ['cert-weak-identity-binding'],
      errors: [{ ruleId: 'cert-weak-identity-binding', file: 'app/views.py', line: 6 }],
    },
  ],
});
