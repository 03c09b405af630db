"""Reading the client identity the proxy forwards (the way many tutorials do it)."""
from urllib.parse import unquote

from cryptography import x509
from cryptography.x509.oid import NameOID


def cn_from_dn(dn):
    # "CN=alice,O=Example" -> "alice"
    fields = dict(part.split('=', 1) for part in dn.split(',') if '=' in part)
    return fields.get('CN')


def client_common_name(request):
    """The CN of the client certificate nginx forwarded, or None."""
    dn = request.META.get('HTTP_X_SSL_CLIENT_S_DN')
    if dn:
        return cn_from_dn(dn)
    pem = request.META.get('HTTP_X_SSL_CLIENT_CERT')
    if pem:
        try:
            cert = x509.load_pem_x509_certificate(unquote(pem).encode())
        except ValueError:
            return None
        names = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
        return names[0].value if names else None
    return None
