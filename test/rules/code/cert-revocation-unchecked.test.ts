import { ruleTester } from '../../helpers/rule-tester.js';

const VIEW = (lookup: string, check = 'pass') => `
  from cryptography import x509
  from cryptography.hazmat.primitives import hashes
  from django.http import JsonResponse, HttpResponseForbidden
  from .models import Binding
  from .pki import CRL
  def v(request):
      cert = x509.load_pem_x509_certificate(request.META['SSL_CLIENT_CERT'].encode())
      ${check}
      b = ${lookup}
      return JsonResponse({'user': b.user.username})
`;
const FP = 'cert.fingerprint(hashes.SHA256()).hex()';

ruleTester.run('cert-revocation-unchecked', {
  valid: [
    {
      name: 'deny-list table of serials: a row refuses the certificate',
      files: { 'app/views.py': VIEW(`Binding.objects.get(fingerprint=${FP})`, 'if Binding.objects.filter(withdrawn_serial=cert.serial_number).exists(): return HttpResponseForbidden()') },
    },
    {
      name: 'deny-list table asserted empty for this fingerprint',
      files: { 'app/views.py': VIEW(`Binding.objects.get(fingerprint=${FP})`, `assert not Binding.objects.filter(blocked_fingerprint=${FP}).exists()`) },
    },
    {
      name: 'CRL lookup by serial',
      files: { 'app/views.py': VIEW(`Binding.objects.get(fingerprint=${FP})`, 'if CRL.get_revoked_certificate_by_serial_number(cert.serial_number): return HttpResponseForbidden()') },
    },
    { name: 'revoked flag in the binding table', files: { 'app/views.py': VIEW(`Binding.objects.get(fingerprint=${FP}, revoked=False)`) } },
    {
      name: 'active flag read on the binding',
      files: {
        'app/views.py': VIEW(`Binding.objects.get(fingerprint=${FP})`, 'pass').replace(
          "return JsonResponse({'user': b.user.username})",
          "if not b.active: return HttpResponseForbidden()\n      return JsonResponse({'user': b.user.username})",
        ),
      },
    },
  ],
  invalid: [
    { name: 'no revocation anywhere', files: { 'app/views.py': VIEW(`Binding.objects.get(fingerprint=${FP})`) }, errors: [{ ruleId: 'cert-revocation-unchecked', line: 7 }] },
    {
      name: 'a row that must exist is an allow-list, not a deny-list',
      files: { 'app/views.py': VIEW(`Binding.objects.get(fingerprint=${FP})`, 'if not Binding.objects.filter(enrolled_serial=cert.serial_number).exists(): return HttpResponseForbidden()') },
      errors: [{ ruleId: 'cert-revocation-unchecked', line: 7 }],
    },
    {
      name: 'is_active on the user is not a certificate deny-list',
      files: {
        'app/views.py': VIEW(`Binding.objects.get(fingerprint=${FP})`).replace(
          "return JsonResponse({'user': b.user.username})",
          "if not b.user.is_active: return HttpResponseForbidden()\n      return JsonResponse({'user': b.user.username})",
        ),
      },
      errors: [{ ruleId: 'cert-revocation-unchecked', line: 7 }],
    },
  ],
});
