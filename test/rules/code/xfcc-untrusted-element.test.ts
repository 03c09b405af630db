import { ruleTester } from '../../helpers/rule-tester.js';

ruleTester.run('xfcc-untrusted-element', {
  valid: [
    {
      name: 'quote-aware parser taking the last element',
      files: {
        'app/xfcc.py': `
          def parse_xfcc(value):
              elements, current, quoted = [], '', False
              for ch in value:
                  if ch == '"':
                      quoted = not quoted
                  elif ch == ',' and not quoted:
                      elements.append(current)
                      current = ''
                      continue
                  current += ch
              elements.append(current)
              return elements
        `,
        'app/views.py': `
          from django.http import JsonResponse
          from .xfcc import parse_xfcc
          from .models import Binding
          def v(request):
              trusted = parse_xfcc(request.META['HTTP_X_FORWARDED_CLIENT_CERT'])[-1]
              b = Binding.objects.get(xfcc_hash=trusted)
              return JsonResponse({'user': b.user.username})
        `,
      },
      rules: ['xfcc-untrusted-element'],
    },
    {
      name: 'a single-value header whose name only starts like XFCC (X-Forwarded-Client-Cert-Subject) is a DN, not an element list',
      files: {
        'app/views.py': `
          from django.contrib.auth.models import User
          from django.http import JsonResponse
          def who(request):
              subject = request.headers['X-Forwarded-Client-Cert-Subject']
              first_rdn = subject.split(',')[0]
              user = User.objects.get(username=first_rdn)
              return JsonResponse({'user': user.username})
        `,
      },
      rules: ['xfcc-untrusted-element'],
    },
  ],
  invalid: [
    {
      name: 'first element of a naive split',
      files: {
        'app/views.py': `
          from django.contrib.auth.models import User
          from django.http import JsonResponse
          def v(request):
              xfcc = request.META['HTTP_X_FORWARDED_CLIENT_CERT']
              subject = xfcc.split(',')[0]
              user = User.objects.get(username=subject)
              return JsonResponse({'user': user.username})
        `,
      },
      errors: [{ ruleId: 'xfcc-untrusted-element', line: 5 }],
      rules: ['xfcc-untrusted-element'],
    },
    {
      name: 'regex over the whole header',
      files: {
        'app/views.py': `
          import re
          from django.http import JsonResponse, HttpResponseForbidden
          def v(request):
              xfcc = request.headers.get('X-Forwarded-Client-Cert', '')
              m = re.search(r'URI=spiffe://corp/([^;,]+)', xfcc)
              if not m:
                  return HttpResponseForbidden()
              return JsonResponse({'svc': m.group(1)})
        `,
      },
      errors: [{ ruleId: 'xfcc-untrusted-element', line: 5 }],
      rules: ['xfcc-untrusted-element'],
    },
    {
      name: "a DRF ViewSet's extra @action parses XFCC naively",
      files: {
        'api/viewsets.py': `
          from rest_framework import viewsets
          from rest_framework.decorators import action
          from rest_framework.response import Response
          from .models import Sensor

          class SensorViewSet(viewsets.ModelViewSet):
              queryset = Sensor.objects.all()

              @action(detail=True, methods=['post'], url_path='check-in')
              def check_in(self, request, pk=None):
                  header = request.META.get('HTTP_X_FORWARDED_CLIENT_CERT', '')
                  uri = header.split(',')[0].partition('URI=')[2]
                  sensor = Sensor.objects.get(pk=pk, spiffe_id=uri)
                  sensor.touch()
                  return Response({'ok': True})
        `,
      },
      errors: [{ ruleId: 'xfcc-untrusted-element', line: 12 }],
      rules: ['xfcc-untrusted-element'],
    },
  ],
});
