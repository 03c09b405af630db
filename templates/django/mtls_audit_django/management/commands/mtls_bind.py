"""manage.py mtls_bind USER CERT_PEM: enrol a certificate (its SHA-256 fingerprint) for a user.

Idempotent: binding the same certificate to the same user again changes nothing. The certificate
must pass the same checks as at login (pinned CA, validity, usage, CRL) unless --skip-verify.
When the pinned CA (or the CRL) is not where the settings say, it says where to place it.
"""
from datetime import timezone

from cryptography.x509.oid import NameOID
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone as dj_timezone

from ...models import CertificateBinding
from ...verify import CertificateRejected, fingerprint, verified_certificate
from ._certfile import missing_material, read_certificate


class Command(BaseCommand):
    help = 'Bind a client certificate (SHA-256 fingerprint) to an existing user.'

    def add_arguments(self, parser):
        parser.add_argument('user', help='username (USERNAME_FIELD) of an existing user')
        parser.add_argument('cert_pem', help='the client certificate, PEM (or DER)')
        parser.add_argument('--skip-verify', action='store_true', help='bind even if the certificate does not verify now')
        parser.add_argument('--replace', action='store_true', help='move the binding from another user')

    def handle(self, user, cert_pem, skip_verify=False, replace=False, **options):
        UserModel = get_user_model()
        try:
            account = UserModel._default_manager.get_by_natural_key(user)
        except UserModel.DoesNotExist as exc:
            raise CommandError('no user %r' % user) from exc
        cert = read_certificate(cert_pem)
        missing = missing_material()
        if missing and not skip_verify:
            raise CommandError('cannot verify %s: %s. Then run mtls_bind again.' % (cert_pem, '; '.join(missing)))
        for problem in missing:
            self.stderr.write('warning: %s; until then every request is refused' % problem)
        if not skip_verify:
            try:
                verified_certificate(_pem(cert))
            except CertificateRejected as exc:
                raise CommandError('%s: %s (use --skip-verify to bind anyway)' % (cert_pem, exc.reason)) from exc
        fp = fingerprint(cert)
        values = {
            'user': account,
            'issuer': cert.issuer.rfc4514_string(),
            'serial': format(cert.serial_number, 'X'),
            'subject': cert.subject.rfc4514_string(),
            'not_after': _not_after(cert),
            'revoked': False,
            'revoked_at': None,
        }
        with transaction.atomic():
            existing = CertificateBinding.objects.select_for_update().filter(fingerprint=fp).first()
            if existing is not None and existing.user_id != account.pk and not replace:
                raise CommandError('certificate %s is bound to %s (use --replace to move it)' % (fp, existing.user.get_username()))
            if existing is not None and existing.user_id == account.pk and not existing.revoked:
                self.stdout.write('unchanged: %s already bound to %s' % (fp, account.get_username()))
                return
            if existing is None:
                CertificateBinding.objects.create(fingerprint=fp, **values)
                self.stdout.write('bound: %s -> %s' % (fp, account.get_username()))
            else:
                for k, v in values.items():
                    setattr(existing, k, v)
                existing.save()
                self.stdout.write('rebound: %s -> %s' % (fp, account.get_username()))
        names = [a.value for oid in (NameOID.COMMON_NAME, NameOID.EMAIL_ADDRESS) for a in cert.subject.get_attributes_for_oid(oid)]
        if account.get_username() not in names:
            self.stderr.write(
                'note: the certificate subject (%s) does not name %s; project code that maps the CN to a user '
                'would disagree with the binding: use request.user' % (cert.subject.rfc4514_string(), account.get_username())
            )


def _pem(cert):
    from cryptography.hazmat.primitives import serialization

    return cert.public_bytes(serialization.Encoding.PEM).decode('ascii')


def _not_after(cert):
    value = getattr(cert, 'not_valid_after_utc', None)
    if value is None:
        value = cert.not_valid_after.replace(tzinfo=timezone.utc)
    if not dj_timezone.is_aware(value):
        value = value.replace(tzinfo=timezone.utc)
    return value
