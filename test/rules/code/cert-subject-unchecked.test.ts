import { ruleTester } from '../../helpers/rule-tester.js';

const VIEW = (decision: string) => `
  from cryptography import x509
  from cryptography.hazmat.primitives import hashes
  from cryptography.x509.oid import NameOID
  from django.http import JsonResponse, HttpResponseForbidden
  from .models import Binding
  def v(request):
      cert = x509.load_pem_x509_certificate(request.META['SSL_CLIENT_CERT'].encode())
      ${decision}
      return JsonResponse({'ok': True})
`;

ruleTester.run('cert-subject-unchecked', {
  valid: [
    {
      name: 'OU values of the parsed subject compared in a for loop',
      files: {
        'app/views.py': VIEW("for attr in cert.subject.get_attributes_for_oid(NameOID.ORGANIZATIONAL_UNIT_NAME):\n          if attr.value == 'ops':\n              return JsonResponse({'ok': True})\n      return HttpResponseForbidden()"),
      },
    },
    {
      name: 'OU values gathered with a list comprehension, then tested',
      files: { 'app/views.py': VIEW("ous = [a.value for a in cert.subject.get_attributes_for_oid(NameOID.ORGANIZATIONAL_UNIT_NAME)]\n      if 'ops' not in ous: return HttpResponseForbidden()") },
    },
    { name: 'fingerprint binding', files: { 'app/views.py': VIEW('Binding.objects.get(fingerprint=cert.fingerprint(hashes.SHA256()).hex())') } },
    { name: 'issuer and serial binding', files: { 'app/views.py': VIEW('Binding.objects.get(serial=cert.serial_number, issuer=cert.issuer.rfc4514_string())') } },
    {
      name: 'parsed CN compared with an allow-list',
      files: { 'app/views.py': VIEW("if cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value not in {'svc-a'}: return HttpResponseForbidden()") },
    },
    {
      name: 'SAN checked',
      files: {
        'app/views.py': VIEW("san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value\n      if 'svc.internal' not in san.get_values_for_type(x509.DNSName): return HttpResponseForbidden()"),
      },
    },
  ],
  invalid: [
    { name: 'parsed and never decided on', files: { 'app/views.py': VIEW('pass') }, errors: [{ ruleId: 'cert-subject-unchecked', line: 7 }] },
    { name: 'only the presence of a CN is tested', files: { 'app/views.py': VIEW('if not cert.subject: return HttpResponseForbidden()') }, errors: [{ ruleId: 'cert-subject-unchecked', line: 7 }] },
  ],
});
