"""The certificate nginx verified and forwarded (X-SSL-Client-Cert, $ssl_client_escaped_cert)."""
from urllib.parse import unquote

from cryptography import x509
from cryptography.x509.oid import NameOID
from django.contrib.auth.models import User


def certificate_user(request):
    """The user named by the client certificate's CN, or None."""
    pem = request.META.get('HTTP_X_SSL_CLIENT_CERT')
    if not pem:
        return None
    try:
        cert = x509.load_pem_x509_certificate(unquote(pem).encode())
    except ValueError:
        return None
    names = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    if not names:
        return None
    return User.objects.filter(username=names[0].value, is_active=True).first()
