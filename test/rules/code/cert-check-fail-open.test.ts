import { ruleTester } from '../../helpers/rule-tester.js';

const HEAD = `
  import logging
  import re
  from cryptography import x509
  from cryptography.hazmat.primitives import hashes
  from django.core.exceptions import PermissionDenied
  from django.http import JsonResponse, HttpResponseForbidden
  from .models import Binding
  from .pki import CA
`;

ruleTester.run('cert-check-fail-open', {
  valid: [
    {
      name: 'handler returns 403',
      files: {
        'app/views.py': `${HEAD}
          def v(request):
              try:
                  cert = x509.load_pem_x509_certificate(request.META['SSL_CLIENT_CERT'].encode())
                  cert.verify_directly_issued_by(CA)
              except ValueError:
                  return HttpResponseForbidden('untrusted')
              b = Binding.objects.get(fingerprint=cert.fingerprint(hashes.SHA256()).hex())
              return JsonResponse({'user': b.user.username})
        `,
      },
    },
    {
      name: 'handler raises PermissionDenied',
      files: {
        'app/views.py': `${HEAD}
          def v(request):
              try:
                  cert = x509.load_pem_x509_certificate(request.META['SSL_CLIENT_CERT'].encode())
                  cert.verify_directly_issued_by(CA)
              except ValueError as exc:
                  raise PermissionDenied('untrusted') from exc
              return JsonResponse({'ok': True})
        `,
      },
    },
    {
      name: 'backend returns None on error',
      files: {
        'app/backends.py': `${HEAD}
          class CertBackend:
              def authenticate(self, request):
                  try:
                      cert = x509.load_pem_x509_certificate(request.META['SSL_CLIENT_CERT'].encode())
                      cert.verify_directly_issued_by(CA)
                  except Exception:
                      return None
                  return Binding.objects.get(fingerprint=cert.fingerprint(hashes.SHA256()).hex()).user
        `,
      },
    },
    {
      name: 'flag set in the handler and denied on later',
      files: {
        'app/views.py': `${HEAD}
          def v(request):
              valid = True
              try:
                  cert = x509.load_pem_x509_certificate(request.META['SSL_CLIENT_CERT'].encode())
                  cert.verify_directly_issued_by(CA)
              except ValueError:
                  valid = False
              if not valid:
                  return HttpResponseForbidden()
              return JsonResponse({'ok': True})
        `,
      },
    },
    {
      name: 'a lookup whose DoesNotExist falls through to an implicit None (backend)',
      files: {
        'app/backends.py': `${HEAD}
          class FingerprintBackend:
              def authenticate(self, request, **credentials):
                  user = None
                  try:
                      user = Binding.objects.get(fingerprint=request.META['SSL_CLIENT_M_FINGERPRINT']).user
                  except Binding.DoesNotExist:
                      pass
                  return user
        `,
      },
    },
    {
      name: 'exception raised properly',
      files: {
        'app/views.py': `${HEAD}
          def v(request):
              dn = request.META.get('SSL_CLIENT_S_DN')
              if not dn:
                  raise PermissionDenied('no certificate')
              return JsonResponse({'ok': True})
        `,
      },
    },
    {
      name: 'a user not found for the certificate is created (autocreate, not a check failing open)',
      files: {
        'app/backends.py': `${HEAD}
          from django.contrib.auth import get_user_model
          from cryptography.x509.oid import NameOID

          class IssuedCertBackend:
              def authenticate(self, request, **kwargs):
                  pem = request.META.get('SSL_CLIENT_CERT')
                  if not pem:
                      return None
                  cert = x509.load_pem_x509_certificate(pem.encode())
                  cert.verify_directly_issued_by(CA)
                  name = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value
                  account_model = get_user_model()
                  try:
                      account = account_model.objects.get(username=name)
                  except account_model.DoesNotExist:
                      account = account_model.objects.create_user(username=name)
                  return account
        `,
      },
    },
  ],
  invalid: [
    {
      name: 'verification error logged and ignored',
      files: {
        'app/views.py': `${HEAD}
          def v(request):
              cert = x509.load_pem_x509_certificate(request.META['SSL_CLIENT_CERT'].encode())
              try:
                  cert.verify_directly_issued_by(CA)
              except Exception:
                  logging.warning('certificate did not verify')
              b = Binding.objects.get(fingerprint=cert.fingerprint(hashes.SHA256()).hex())
              return JsonResponse({'user': b.user.username})
        `,
      },
      errors: [{ ruleId: 'cert-check-fail-open', line: 14, messageId: 'swallowed' }],
    },
    {
      name: 'handler returns success',
      files: {
        'app/views.py': `${HEAD}
          def v(request):
              try:
                  cert = x509.load_pem_x509_certificate(request.META['SSL_CLIENT_CERT'].encode())
                  cert.verify_directly_issued_by(CA)
              except ValueError:
                  return JsonResponse({'authenticated': True, 'degraded': True})
              return JsonResponse({'authenticated': True})
        `,
      },
      errors: [{ ruleId: 'cert-check-fail-open', line: 14, messageId: 'returnsSuccess' }],
    },
    {
      name: 'handler answers with a status that is 200 on one branch',
      files: {
        'app/views.py': `${HEAD}
          def v(request, slug):
              try:
                  cert = x509.load_pem_x509_certificate(request.META['SSL_CLIENT_CERT'].encode())
                  cert.verify_directly_issued_by(CA)
              except ValueError:
                  doc = Binding.objects.filter(slug=slug).first()
                  return JsonResponse({'doc': slug}, status=200 if doc else 404)
              return JsonResponse({'authenticated': True})
        `,
      },
      errors: [{ ruleId: 'cert-check-fail-open', line: 14, messageId: 'returnsSuccess' }],
    },
    {
      name: 'falls back to the DN header when parsing fails',
      files: {
        'app/views.py': `${HEAD}
          def v(request):
              try:
                  cert = x509.load_pem_x509_certificate(request.META['SSL_CLIENT_CERT'].encode())
                  ident = cert.fingerprint(hashes.SHA256()).hex()
              except ValueError:
                  ident = request.META.get('SSL_CLIENT_S_DN')
              b = Binding.objects.get(fingerprint=ident)
              return JsonResponse({'user': b.user.username})
        `,
      },
      errors: [{ ruleId: 'cert-check-fail-open', line: 14, messageId: 'fallback' }],
    },
    {
      name: 'error object returned to a truthiness test',
      files: {
        'app/checks.py': `${HEAD}
          def verify(cert):
              try:
                  cert.verify_directly_issued_by(CA)
              except Exception as e:
                  return e
              return True
        `,
        'app/views.py': `${HEAD}
          from .checks import verify
          def v(request):
              cert = x509.load_pem_x509_certificate(request.META['SSL_CLIENT_CERT'].encode())
              if not verify(cert):
                  return HttpResponseForbidden()
              b = Binding.objects.get(fingerprint=cert.fingerprint(hashes.SHA256()).hex())
              return JsonResponse({'user': b.user.username})
        `,
      },
      errors: [{ ruleId: 'cert-check-fail-open', file: 'app/checks.py', line: 14, messageId: 'errorObject' }],
    },
    {
      name: 'exception built but not raised',
      files: {
        'app/views.py': `${HEAD}
          def v(request):
              cert = x509.load_pem_x509_certificate(request.META['SSL_CLIENT_CERT'].encode())
              if cert.issuer != CA.subject:
                  PermissionDenied('wrong issuer')
              b = Binding.objects.get(fingerprint=cert.fingerprint(hashes.SHA256()).hex())
              return JsonResponse({'user': b.user.username})
        `,
      },
      errors: [{ ruleId: 'cert-check-fail-open', line: 13, messageId: 'unraised' }],
    },
    {
      name: 'regex mismatch keeps the raw DN as the identity',
      files: {
        'app/views.py': `${HEAD}
          from django.contrib.auth.models import User
          def v(request):
              dn = request.META['SSL_CLIENT_S_DN']
              m = re.match(r'CN=([^,]+)', dn)
              cn = m.group(1) if m else dn
              user = User.objects.get(username=cn)
              return JsonResponse({'user': user.username})
        `,
      },
      errors: [{ ruleId: 'cert-check-fail-open', line: 14, messageId: 'regexFallback' }],
    },
  ],
});
