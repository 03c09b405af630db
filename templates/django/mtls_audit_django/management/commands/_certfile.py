"""Reading the certificate file named on the command line."""
from django.core.management.base import CommandError

from ...verify import load_client_certificate


def read_certificate(path):
    try:
        with open(path, 'rb') as fh:
            data = fh.read()
    except OSError as exc:
        raise CommandError('cannot read %s: %s' % (path, exc.strerror or exc)) from exc
    try:
        if b'-----BEGIN' not in data:
            import base64

            data = base64.b64encode(data)
        return load_client_certificate(data.decode('ascii'))
    except (ValueError, TypeError, UnicodeError) as exc:
        raise CommandError('%s does not hold an X.509 certificate (PEM or DER)' % path) from exc
