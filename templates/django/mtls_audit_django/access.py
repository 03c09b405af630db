"""Certificate values for project code, taken from the certificate the middleware verified.

`mtls-audit fix` rewrites the project's own reads of certificate headers
(`request.META.get('HTTP_X_SSL_CLIENT_S_DN')`, `request.headers['X-SSL-Client-Cert']`, ...) into
`verified_cert_value(request, KEY, KIND, default)`: the value comes from the certificate that
passed provenance, chain, validity, usage, revocation and enrolment checks for this request, never
from what the client sent; without such a certificate the default comes back.
"""
from urllib.parse import quote

from cryptography.hazmat.primitives import serialization
from cryptography.x509.oid import NameOID


def verified_client(request):
    """request.mtls (a middleware.VerifiedClient) or None."""
    return getattr(request, 'mtls', None)


def _pem(cert):
    return cert.public_bytes(serialization.Encoding.PEM).decode('ascii')


def verified_cert_value(request, key, kind='cert-other', default=None):
    """The value of `key` (a WSGI/META key) for the verified certificate, else `default`.

    kind: pem, dn, cn, issuer-dn, verify, fingerprint, serial, xfcc, user, cert-other.
    """
    client = verified_client(request)
    if client is None:
        return default
    cert = client.certificate
    if kind == 'pem':
        # The header the middleware verified keeps the proxy's encoding; any other key gets PEM.
        return client.raw if key == client.header else _pem(cert)
    if kind == 'dn':
        return cert.subject.rfc4514_string()
    if kind == 'issuer-dn':
        return cert.issuer.rfc4514_string()
    if kind == 'cn':
        names = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
        return names[0].value if names else default
    if kind == 'verify':
        return 'SUCCESS'
    if kind == 'fingerprint':
        return client.fingerprint
    if kind == 'serial':
        return format(cert.serial_number, 'X')
    if kind == 'user':
        return client.user.get_username()
    if kind == 'xfcc':
        return 'Hash=%s;Cert="%s";Subject="%s"' % (client.fingerprint, quote(_pem(cert), safe=''), cert.subject.rfc4514_string().replace('"', '\\"'))
    return client.raw if key == client.header else default


def verified_certificate(request):
    """The verified cryptography x509.Certificate, or None."""
    client = verified_client(request)
    return client.certificate if client is not None else None


__all__ = ['verified_cert_value', 'verified_certificate', 'verified_client']
