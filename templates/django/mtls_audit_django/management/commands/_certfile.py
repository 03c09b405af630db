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


def missing_material():
    """What the checks need and cannot find: the pinned CA files (and CRLs when required), as sentences.

    `mtls-audit fix` cannot know which CA issues the client certificates unless it was given one
    (--ca) or the proxy config named one: the settings then point at a file that is not there yet.
    """
    import os

    from ... import conf

    problems = []
    cas = conf.as_list(conf.get('MTLS_CA_FILES'))
    if not cas:
        problems.append('no pinned CA is configured (MTLS_CA_FILES is empty): set MTLS_CA_FILES to the PEM file of the CA that issues your client certificates')
    for path in cas:
        if not os.path.isfile(path):
            problems.append(
                'the pinned CA file %s does not exist: place there the certificate (PEM) of the CA that issues your client '
                'certificates, the same one the proxy verifies them against (nginx ssl_client_certificate, HAProxy ca-file), '
                'or point the MTLS_CA_FILE environment variable (MTLS_CA_FILES in the settings) at it' % os.fspath(path)
            )
    if conf.get('MTLS_REQUIRE_CRL'):
        for path in conf.as_list(conf.get('MTLS_CRL_FILES')):
            if not os.path.isfile(path):
                problems.append(
                    'the CRL file %s does not exist: place there the CRL that CA publishes (PEM or DER), the one the proxy '
                    'checks (nginx ssl_crl), or point MTLS_CRL_FILE at it' % os.fspath(path)
                )
    return problems
