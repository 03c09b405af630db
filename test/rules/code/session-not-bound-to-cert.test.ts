import { ruleTester } from '../../helpers/rule-tester.js';

const LOGIN_VIEW = `
  from cryptography.hazmat.primitives import hashes
  from cryptography import x509
  from django.contrib.auth import login
  from django.http import JsonResponse
  from .models import Binding
  def cert_login(request):
      cert = x509.load_pem_x509_certificate(request.META['SSL_CLIENT_CERT'].encode())
      fp = cert.fingerprint(hashes.SHA256()).hex()
      binding = Binding.objects.get(fingerprint=fp, revoked=False)
      login(request, binding.user)
      request.session['mtls_fp'] = fp
      return JsonResponse({'user': binding.user.username})
`;

ruleTester.run('session-not-bound-to-cert', {
  valid: [
    {
      name: 'fingerprint stored at login and re-checked by a middleware',
      files: {
        'app/views.py': LOGIN_VIEW,
        'app/middleware.py': `
          from cryptography import x509
          from cryptography.hazmat.primitives import hashes
          from django.contrib.auth import logout
          class BindSession:
              def __init__(self, get_response):
                  self.get_response = get_response
              def __call__(self, request):
                  pem = request.META.get('SSL_CLIENT_CERT')
                  current = x509.load_pem_x509_certificate(pem.encode()).fingerprint(hashes.SHA256()).hex() if pem else None
                  if request.session.get('mtls_fp') != current:
                      logout(request)
                  return self.get_response(request)
        `,
      },
    },
    {
      name: 'fingerprint stored with session.update() and re-checked by a middleware',
      files: {
        'app/views.py': LOGIN_VIEW.replace("request.session['mtls_fp'] = fp", "request.session.update({'mtls_fp': fp})"),
        'app/middleware.py': `
          from cryptography import x509
          from cryptography.hazmat.primitives import hashes
          from django.contrib.auth import logout
          def bind_session(get_response):
              def middleware(request):
                  pem = request.META.get('SSL_CLIENT_CERT')
                  current = x509.load_pem_x509_certificate(pem.encode()).fingerprint(hashes.SHA256()).hex() if pem else None
                  if request.session.get('mtls_fp') != current:
                      logout(request)
                  return get_response(request)
              return middleware
        `,
      },
    },
  ],
  invalid: [
    {
      name: 'fingerprint stored but never compared',
      files: { 'app/views.py': LOGIN_VIEW },
      errors: [{ ruleId: 'session-not-bound-to-cert', line: 10 }],
    },
    {
      name: 'login from a CN with nothing stored',
      files: {
        'app/views.py': `
          from OpenSSL import crypto
          from django.contrib.auth import login
          from django.contrib.auth.models import User
          from django.http import JsonResponse
          def cert_login(request):
              cert = crypto.load_certificate(crypto.FILETYPE_PEM, request.META['SSL_CLIENT_CERT'])
              user = User.objects.get(username=cert.get_subject().CN)
              login(request, user)
              return JsonResponse({'ok': True})
        `,
      },
      errors: [{ ruleId: 'session-not-bound-to-cert', line: 8 }],
    },
    {
      name: 'identity written into the session by hand',
      files: {
        'app/views.py': `
          from django.http import JsonResponse
          from .models import Binding
          def cert_login(request):
              fp = request.META['SSL_CLIENT_M_FINGERPRINT']
              binding = Binding.objects.get(fingerprint=fp)
              request.session['user_id'] = binding.user.pk
              return JsonResponse({'ok': True})
        `,
      },
      errors: [{ ruleId: 'session-not-bound-to-cert', line: 6, messageId: 'session', messageIncludes: '`user_id`' }],
    },
    {
      name: 'identity written through the session mapping methods, keys named in the message',
      files: {
        'app/views.py': `
          from django.http import JsonResponse
          SUBJECT_KEY = 'cert_subject'
          def a(request):
              dn = request.META['HTTP_X_SSL_CLIENT_S_DN']
              request.session.update({'dn': dn})
              return JsonResponse({'ok': True})
          def b(request):
              dn = request.META['HTTP_X_SSL_CLIENT_S_DN']
              request.session.update(client_dn=dn)
              request.session.setdefault(SUBJECT_KEY, dn)
              return JsonResponse({'ok': True})
          def c(request, slot):
              request.session.__setitem__('cn_' + slot, request.META['HTTP_X_SSL_CLIENT_S_DN'])
              return JsonResponse({'ok': True})
        `,
      },
      errors: [
        { ruleId: 'session-not-bound-to-cert', line: 5, messageIncludes: '`dn`' },
        { ruleId: 'session-not-bound-to-cert', line: 9, messageIncludes: '`client_dn`' },
        { ruleId: 'session-not-bound-to-cert', line: 10, messageIncludes: '`cert_subject`' },
        { ruleId: 'session-not-bound-to-cert', line: 13, messageIncludes: 'under a key computed at run time' },
      ],
    },
  ],
});
