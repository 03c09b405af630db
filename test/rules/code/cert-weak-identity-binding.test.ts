import { ruleTester } from '../../helpers/rule-tester.js';

const VIEW = (lookup: string) => `
  from cryptography import x509
  from cryptography.hazmat.primitives import hashes
  from cryptography.x509.oid import NameOID
  from django.contrib.auth import get_user_model
  from django.contrib.auth.models import User
  from django.http import JsonResponse
  from .models import Binding
  def v(request):
      cert = x509.load_pem_x509_certificate(request.META['SSL_CLIENT_CERT'].encode())
      cn = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value
      user = ${lookup}
      return JsonResponse({'user': user.username})
`;

ruleTester.run('cert-weak-identity-binding', {
  valid: [
    { name: 'fingerprint binding', files: { 'app/views.py': VIEW('Binding.objects.get(fingerprint=cert.fingerprint(hashes.SHA256()).hex()).user') } },
    { name: 'issuer and serial together', files: { 'app/views.py': VIEW('Binding.objects.get(issuer=cert.issuer.rfc4514_string(), serial=cert.serial_number).user') } },
    {
      name: 'fingerprint from the environ',
      files: {
        'app/backends.py': `
          from .models import Binding
          class FingerprintBackend:
              def authenticate(self, request):
                  fp = request.META.get('SSL_CLIENT_M_FINGERPRINT_SHA256')
                  return Binding.objects.filter(fingerprint=fp, revoked=False).first()
        `,
      },
    },
    {
      name: 'a lookup unrelated to the certificate',
      files: { 'app/views.py': VIEW("User.objects.get(username='service')") },
    },
  ],
  invalid: [
    { name: 'CN as username (the seed)', files: { 'app/views.py': VIEW('User.objects.get(username=cn)') }, errors: [{ ruleId: 'cert-weak-identity-binding', line: 11 }] },
    { name: 'email attribute through get_user_model()', files: { 'app/views.py': VIEW('get_user_model().objects.get(email=cn)') }, errors: [{ ruleId: 'cert-weak-identity-binding', line: 11 }] },
    { name: 'whole subject DN string', files: { 'app/views.py': VIEW('User.objects.get(username=cert.subject.rfc4514_string())') }, errors: [{ ruleId: 'cert-weak-identity-binding', line: 11 }] },
    { name: 'serial without the issuer', files: { 'app/views.py': VIEW('Binding.objects.get(serial=cert.serial_number).user') }, errors: [{ ruleId: 'cert-weak-identity-binding', line: 11, messageId: 'serialOnly' }] },
    {
      name: 'DN header mapped by natural key in a backend',
      files: {
        'app/backends.py': `
          from django.contrib.auth import get_user_model
          class DNBackend:
              def authenticate(self, request):
                  dn = request.META.get('SSL_CLIENT_S_DN')
                  return get_user_model()._default_manager.get_by_natural_key(dn)
        `,
      },
      errors: [{ ruleId: 'cert-weak-identity-binding', line: 5 }],
    },
    {
      name: 'the CN of a (cn, fingerprint) pair unpacked from a helper is still only the CN',
      files: {
        'app/certs.py': `
          from cryptography.hazmat.primitives import hashes
          from cryptography.x509.oid import NameOID
          def names_of(cert):
              cn = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value
              return cn, cert.fingerprint(hashes.SHA256()).hex()
        `,
        'app/views.py': `
          from cryptography import x509
          from django.contrib.auth.models import User
          from django.http import JsonResponse
          from .certs import names_of
          def v(request):
              cert = x509.load_pem_x509_certificate(request.META['SSL_CLIENT_CERT'].encode())
              cn, _fp = names_of(cert)
              user = User.objects.get(username=cn)
              return JsonResponse({'user': user.username})
        `,
      },
      errors: [{ ruleId: 'cert-weak-identity-binding', line: 8, file: 'app/views.py' }],
    },
    {
      name: 'a subject attribute carried in a dict literal',
      files: { 'app/views.py': VIEW("{'who': cn, 'pin': cert.fingerprint(hashes.SHA256()).hex()}\n      user = User.objects.get(username=user['who'])") },
      errors: [{ ruleId: 'cert-weak-identity-binding', line: 12 }],
    },
  ],
});
