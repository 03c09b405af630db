import { ruleTester } from '../../helpers/rule-tester.js';

ruleTester.run('cert-chain-unverified', {
  valid: [
    {
      name: 'only the SHA-256 fingerprint decides, matched against an enrolled row (a minted certificate cannot match)',
      files: {
        'app/backends.py': `
          import base64
          from cryptography import x509
          from cryptography.hazmat.primitives import hashes
          from .models import Binding
          class CertBackend:
              def authenticate(self, request):
                  cert = x509.load_der_x509_certificate(base64.b64decode(request.META['SSL_CLIENT_CERT_DER']))
                  return Binding.objects.get(fingerprint=cert.fingerprint(hashes.SHA256()).hex(), revoked=False).user
        `,
      },
    },
    {
      name: 'verify_directly_issued_by against the pinned CA',
      files: {
        'app/views.py': `
          from cryptography import x509
          from cryptography.hazmat.primitives import hashes
          from django.http import JsonResponse
          from .models import Binding
          from .pki import CA
          def v(request):
              cert = x509.load_pem_x509_certificate(request.META['SSL_CLIENT_CERT'].encode())
              cert.verify_directly_issued_by(CA)
              b = Binding.objects.get(fingerprint=cert.fingerprint(hashes.SHA256()).hex())
              return JsonResponse({'user': b.user.username})
        `,
      },
    },
    {
      name: 'pyOpenSSL X509StoreContext',
      files: {
        'app/views.py': `
          from OpenSSL import crypto
          from django.http import JsonResponse
          from .models import Binding
          from .pki import STORE
          def v(request):
              cert = crypto.load_certificate(crypto.FILETYPE_PEM, request.META['SSL_CLIENT_CERT'])
              crypto.X509StoreContext(STORE, cert).verify_certificate()
              b = Binding.objects.get(fingerprint=cert.digest('sha256'))
              return JsonResponse({'user': b.user.username})
        `,
      },
    },
    {
      name: 'CA public key verifies the signature',
      files: {
        'app/views.py': `
          from cryptography import x509
          from cryptography.hazmat.primitives.asymmetric import ec
          from django.http import JsonResponse
          from .models import Binding
          from .pki import CA
          def v(request):
              cert = x509.load_pem_x509_certificate(request.META['SSL_CLIENT_CERT'].encode())
              CA.public_key().verify(cert.signature, cert.tbs_certificate_bytes, ec.ECDSA(cert.signature_hash_algorithm))
              b = Binding.objects.get(serial=cert.serial_number, issuer=cert.issuer.rfc4514_string())
              return JsonResponse({'user': b.user.username})
        `,
      },
    },
    {
      name: 'signature verified with the pinned CA key, whatever the variable holding it is called',
      files: {
        'app/views.py': `
          from cryptography import x509
          from cryptography.hazmat.primitives import hashes
          from cryptography.hazmat.primitives.asymmetric import ec
          from django.http import JsonResponse
          from .models import Binding
          from .pki import ROOT
          def v(request):
              cert = x509.load_pem_x509_certificate(request.META['SSL_CLIENT_CERT'].encode())
              anchor = ROOT.public_key()
              anchor.verify(cert.signature, cert.tbs_certificate_bytes, ec.ECDSA(cert.signature_hash_algorithm))
              b = Binding.objects.get(fingerprint=cert.fingerprint(hashes.SHA256()).hex())
              return JsonResponse({'user': b.user.username})
        `,
      },
    },
    {
      name: 'certificate parsed only to display its expiry in a login_required view',
      files: {
        'app/views.py': `
          from cryptography import x509
          from django.contrib.auth.decorators import login_required
          from django.shortcuts import render
          @login_required
          def my_certificate(request):
              pem = request.META.get('SSL_CLIENT_CERT')
              expires = x509.load_pem_x509_certificate(pem.encode()).not_valid_after if pem else None
              return render(request, 'cert.html', {'expires': expires})
        `,
      },
      rules: ['cert-chain-unverified', 'cert-validity-unchecked', 'cert-eku-unchecked', 'cert-revocation-unchecked', 'cert-subject-unchecked'],
    },
    {
      name: 'parsing the CA file itself is not a client certificate',
      files: {
        'app/pki.py': `
          from cryptography import x509
          with open('/etc/ca.pem', 'rb') as fh:
              CA = x509.load_pem_x509_certificate(fh.read())
        `,
      },
    },
  ],
  invalid: [
    {
      name: 'issuer DN string comparison is not verification',
      files: {
        'app/views.py': `
          from cryptography import x509
          from cryptography.hazmat.primitives import hashes
          from django.http import JsonResponse, HttpResponseForbidden
          from .models import Binding
          def v(request):
              cert = x509.load_pem_x509_certificate(request.META['SSL_CLIENT_CERT'].encode())
              if cert.issuer.rfc4514_string() != 'CN=Corp Client CA':
                  return HttpResponseForbidden()
              b = Binding.objects.get(fingerprint=cert.fingerprint(hashes.SHA256()).hex())
              return JsonResponse({'user': b.user.username})
        `,
      },
      errors: [{ ruleId: 'cert-chain-unverified', line: 6 }],
    },
    {
      name: 'signature checked with a key or issuer taken from the request (its own public_key(), itself)',
      files: {
        'app/views.py': `
          from cryptography import x509
          from cryptography.hazmat.primitives.asymmetric import padding
          from django.http import JsonResponse
          def own_key(request):
              cert = x509.load_pem_x509_certificate(request.META['SSL_CLIENT_CERT'].encode())
              cert.public_key().verify(cert.signature, cert.tbs_certificate_bytes, padding.PKCS1v15(), cert.signature_hash_algorithm)
              return JsonResponse({'cn': cert.subject.rfc4514_string()})
          def self_issued(request):
              cert = x509.load_pem_x509_certificate(request.META['SSL_CLIENT_CERT'].encode())
              cert.verify_directly_issued_by(cert)
              return JsonResponse({'cn': cert.subject.rfc4514_string()})
        `,
      },
      errors: [
        { ruleId: 'cert-chain-unverified', line: 5 },
        { ruleId: 'cert-chain-unverified', line: 9 },
      ],
    },
    {
      name: 'DER certificate from a backend',
      files: {
        'app/backends.py': `
          import base64
          from cryptography import x509
          from cryptography.hazmat.primitives import hashes
          from .models import Binding
          class CertBackend:
              def authenticate(self, request, der_b64=None):
                  cert = x509.load_der_x509_certificate(base64.b64decode(request.META['SSL_CLIENT_CERT_DER']))
                  return Binding.objects.get(issuer=cert.issuer.rfc4514_string(), serial=cert.serial_number).user
        `,
      },
      errors: [{ ruleId: 'cert-chain-unverified', line: 7 }],
    },
    {
      name: 'fingerprint binding plus a decision on the subject: the minted subject is trusted',
      files: {
        'app/views.py': `
          from cryptography import x509
          from cryptography.hazmat.primitives import hashes
          from cryptography.x509.oid import NameOID
          from django.http import HttpResponseForbidden, JsonResponse
          from .models import Binding
          def v(request):
              cert = x509.load_pem_x509_certificate(request.META['SSL_CLIENT_CERT'].encode())
              b = Binding.objects.get(fingerprint=cert.fingerprint(hashes.SHA256()).hex(), revoked=False)
              if cert.subject.get_attributes_for_oid(NameOID.ORGANIZATIONAL_UNIT_NAME)[0].value != 'ops':
                  return HttpResponseForbidden()
              return JsonResponse({'user': b.user.username})
        `,
      },
      errors: [{ ruleId: 'cert-chain-unverified', line: 7 }],
    },
  ],
});
