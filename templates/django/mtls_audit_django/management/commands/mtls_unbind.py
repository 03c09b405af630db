"""manage.py mtls_unbind CERT_PEM: revoke a certificate's binding (kept, flagged revoked).

Idempotent: unbinding an already revoked binding changes nothing. The session of that certificate
ends at its next request (the middleware only accepts active bindings).
"""
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from ...models import CertificateBinding
from ...verify import fingerprint
from ._certfile import read_certificate


class Command(BaseCommand):
    help = 'Revoke the binding of a client certificate.'

    def add_arguments(self, parser):
        parser.add_argument('cert_pem', help='the client certificate, PEM (or DER)')

    def handle(self, cert_pem, **options):
        fp = fingerprint(read_certificate(cert_pem))
        binding = CertificateBinding.objects.filter(fingerprint=fp).select_related('user').first()
        if binding is None:
            raise CommandError('no binding for certificate %s' % fp)
        if binding.revoked:
            self.stdout.write('unchanged: %s already revoked' % fp)
            return
        CertificateBinding.objects.filter(pk=binding.pk).update(revoked=True, revoked_at=timezone.now())
        self.stdout.write('revoked: %s (was bound to %s)' % (fp, binding.user.get_username()))
