import { ruleTester } from '../../helpers/rule-tester.js';

const VIEW = (check: string, extraImports = '') => `
  from datetime import datetime, timezone
  ${extraImports}
  from cryptography import x509
  from cryptography.hazmat.primitives import hashes
  from django.http import JsonResponse, HttpResponseForbidden
  from .models import Binding
  def v(request):
      cert = x509.load_pem_x509_certificate(request.META['SSL_CLIENT_CERT'].encode())
      ${check}
      b = Binding.objects.get(fingerprint=cert.fingerprint(hashes.SHA256()).hex())
      return JsonResponse({'user': b.user.username})
`;

ruleTester.run('cert-validity-unchecked', {
  valid: [
    { name: 'aware now vs not_valid_after_utc', files: { 'app/views.py': VIEW('if cert.not_valid_after_utc < datetime.now(timezone.utc): return HttpResponseForbidden()') } },
    { name: 'utcnow vs naive not_valid_after', files: { 'app/views.py': VIEW('if cert.not_valid_after < datetime.utcnow(): return HttpResponseForbidden()') } },
    {
      name: 'pyOpenSSL has_expired',
      files: {
        'app/views.py': `
          from OpenSSL import crypto
          from django.http import JsonResponse
          from .models import Binding
          def v(request):
              cert = crypto.load_certificate(crypto.FILETYPE_PEM, request.META['SSL_CLIENT_CERT'])
              if cert.has_expired():
                  return JsonResponse({}, status=403)
              b = Binding.objects.get(fingerprint=cert.digest('sha256'))
              return JsonResponse({'user': b.user.username})
        `,
      },
    },
    {
      name: 'cryptography PolicyBuilder client verifier',
      files: { 'app/views.py': VIEW('PolicyBuilder().store(STORE).build_client_verifier().verify(cert, [])', 'from cryptography.x509.verification import PolicyBuilder\nfrom .pki import STORE') },
    },
    { name: 'notBefore alone missing is not reported', files: { 'app/views.py': VIEW('if datetime.now(timezone.utc) > cert.not_valid_after_utc: return HttpResponseForbidden()') } },
  ],
  invalid: [
    {
      name: 'no date check at all points at the parse call',
      files: { 'app/views.py': VIEW('pass') },
      errors: [{ ruleId: 'cert-validity-unchecked', line: 8 }],
    },
    {
      name: 'notAfter read but never compared',
      files: { 'app/views.py': VIEW('expires = cert.not_valid_after') },
      errors: [{ ruleId: 'cert-validity-unchecked', line: 9 }],
    },
    {
      name: 'naive local now against the UTC notAfter',
      files: { 'app/views.py': VIEW('if cert.not_valid_after < datetime.now(): return HttpResponseForbidden()') },
      errors: [{ ruleId: 'cert-validity-unchecked', line: 9, messageId: 'naive' }],
    },
  ],
});
