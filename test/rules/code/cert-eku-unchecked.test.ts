import { ruleTester } from '../../helpers/rule-tester.js';

const VIEW = (check: string) => `
  from cryptography import x509
  from cryptography.x509.oid import ExtendedKeyUsageOID
  from cryptography.hazmat.primitives import hashes
  from django.core.exceptions import PermissionDenied
  from django.http import JsonResponse
  from .models import Binding
  def v(request):
      cert = x509.load_pem_x509_certificate(request.META['SSL_CLIENT_CERT'].encode())
      ${check}
      b = Binding.objects.get(fingerprint=cert.fingerprint(hashes.SHA256()).hex())
      return JsonResponse({'user': b.user.username})
`;

ruleTester.run('cert-eku-unchecked', {
  valid: [
    {
      name: 'clientAuth required in the EKU extension',
      files: {
        'app/views.py': VIEW('eku = cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value\n      if ExtendedKeyUsageOID.CLIENT_AUTH not in eku: raise PermissionDenied()'),
      },
    },
  ],
  invalid: [
    { name: 'no EKU check', files: { 'app/views.py': VIEW('pass') }, errors: [{ ruleId: 'cert-eku-unchecked', line: 8 }] },
    {
      name: 'key usage read but EKU ignored',
      files: { 'app/views.py': VIEW('ku = cert.extensions.get_extension_for_class(x509.KeyUsage).value') },
      errors: [{ ruleId: 'cert-eku-unchecked', line: 8 }],
    },
  ],
});
