"""Settings of mtls_audit_django and their defaults (read at use, so they can be overridden)."""
from django.conf import settings

DEFAULTS = {
    # 'header': the certificate comes from a reverse proxy in a request header (provenance: the
    # shared secret below). 'environ': the WSGI server sets it itself (mod_wsgi + mod_ssl
    # `SSLOptions +ExportCertData`), no header involved.
    'MTLS_CERT_SOURCE': 'header',
    # META key of the certificate: 'HTTP_X_SSL_CLIENT_CERT' for a header, 'SSL_CLIENT_CERT' for environ.
    # Accepted encodings: PEM, URL-escaped PEM (nginx $ssl_client_escaped_cert), base64 DER
    # (HAProxy %[ssl_c_der,base64]), Traefik's escaped PEM body, Envoy's XFCC `Cert="..."`.
    'MTLS_CERT_HEADER': 'HTTP_X_SSL_CLIENT_CERT',
    # META key of the header that carries the proxy's shared secret.
    'MTLS_PROXY_SECRET_HEADER': 'HTTP_X_MTLS_PROXY_SECRET',
    # Where the shared secret is read from: a file (mode 600) or an environment variable.
    'MTLS_PROXY_SECRET_FILE': None,
    'MTLS_PROXY_SECRET_ENV': None,
    # Pinned CA certificates (PEM files; bundles allowed). The client certificate must be signed
    # directly by one of them.
    'MTLS_CA_FILES': [],
    # CRLs of those CAs (PEM or DER). Reloaded when the file changes.
    'MTLS_CRL_FILES': [],
    # Refuse a certificate whose issuer has no (valid, unexpired) CRL among MTLS_CRL_FILES.
    'MTLS_REQUIRE_CRL': True,
    # Refuse a certificate without an Extended Key Usage extension (one without clientAuth is
    # always refused).
    'MTLS_REQUIRE_EKU': True,
    # Paths (prefixes) served to anonymous requests too: the certificate is still checked and a
    # failure logs the session out, but the request goes on as AnonymousUser.
    'MTLS_EXEMPT_PATHS': [],
    # Password logins (any authenticate() with username/password): failures before a lockout
    # answered with 429, and the lockout window.
    'MTLS_LOGIN_MAX_FAILURES': 5,
    'MTLS_LOGIN_LOCKOUT_SECONDS': 300,
}

BACKEND = 'mtls_audit_django.backends.ClientCertificateBackend'
MIDDLEWARE = 'mtls_audit_django.middleware.ClientCertificateMiddleware'
SESSION_KEY = 'mtls_fingerprint'


def get(name):
    return getattr(settings, name, DEFAULTS[name])


def as_list(value):
    if not value:
        return []
    if isinstance(value, (str, bytes)) or hasattr(value, '__fspath__'):
        return [value]
    return list(value)
