"""Secure lab target (test material for mtls-audit): a single-file Django app behind nginx.

nginx verifies the client certificate (`ssl_verify_client on`, CRL), overwrites the forwarded
headers on every request and adds a shared provenance secret. Django still refuses a request whose
provenance secret does not match (checked with hmac.compare_digest), re-verifies the forwarded
certificate (signature by the pinned CA, validity, clientAuth EKU, CRL), and binds its SHA-256
fingerprint to a user. The session stores the fingerprint and is re-checked on every request.
The password login locks an account for a minute after five failures.

Environment: DJANGO_SECRET_KEY, LAB_PROXY_SECRET, LAB_CA, LAB_CRL, LAB_BINDINGS (JSON file
{fingerprint: username}), LAB_PASSWORDS (JSON file {username: sha256 hex}), LAB_STATE_DIR.
"""
import hashlib
import hmac
import json
import os
from datetime import datetime, timezone
from urllib.parse import unquote

import django
from django.conf import settings

settings.configure(
    DEBUG=False,
    SECRET_KEY=os.environ['DJANGO_SECRET_KEY'],
    ALLOWED_HOSTS=['127.0.0.1', 'localhost'],
    ROOT_URLCONF=__name__,
    INSTALLED_APPS=[],
    MIDDLEWARE=[
        'django.contrib.sessions.middleware.SessionMiddleware',
        'django.middleware.csrf.CsrfViewMiddleware',
        __name__ + '.ClientCertMiddleware',
    ],
    SESSION_ENGINE='django.contrib.sessions.backends.signed_cookies',
    SESSION_COOKIE_HTTPONLY=True,
    CACHES={
        'default': {
            'BACKEND': 'django.core.cache.backends.filebased.FileBasedCache',
            'LOCATION': os.path.join(os.environ['LAB_STATE_DIR'], 'cache'),
        }
    },
    USE_TZ=True,
)
django.setup()

from cryptography import x509  # noqa: E402
from cryptography.exceptions import InvalidSignature  # noqa: E402
from cryptography.hazmat.primitives import hashes  # noqa: E402
from cryptography.hazmat.primitives.asymmetric import ec  # noqa: E402
from cryptography.x509.oid import ExtendedKeyUsageOID  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.http import HttpResponse, JsonResponse  # noqa: E402
from django.middleware.csrf import get_token  # noqa: E402
from django.shortcuts import redirect  # noqa: E402
from django.urls import path  # noqa: E402
from django.utils.html import escape  # noqa: E402

PROXY_SECRET = os.environ['LAB_PROXY_SECRET'].encode()
with open(os.environ['LAB_CA'], 'rb') as f:
    CA = x509.load_pem_x509_certificate(f.read())
with open(os.environ['LAB_CRL'], 'rb') as f:
    CRL = x509.load_pem_x509_crl(f.read())
with open(os.environ['LAB_BINDINGS']) as f:
    BINDINGS = json.load(f)
with open(os.environ['LAB_PASSWORDS']) as f:
    PASSWORDS = json.load(f)

MAX_FAILURES = 5
LOCKOUT_SECONDS = 60


def _utc(cert, name):
    value = getattr(cert, name + '_utc', None)  # cryptography >= 42
    if value is None:
        value = getattr(cert, name).replace(tzinfo=timezone.utc)
    return value


def verified_fingerprint(request):
    """SHA-256 fingerprint of the forwarded client certificate, or None when anything is off."""
    sent = request.META.get('HTTP_X_MTLS_PROXY_SECRET', '').encode()
    if not hmac.compare_digest(sent, PROXY_SECRET):
        return None  # not from our proxy: the certificate header proves nothing
    pem = request.META.get('HTTP_X_SSL_CLIENT_CERT', '')
    if not pem:
        return None
    try:
        cert = x509.load_pem_x509_certificate(unquote(pem).encode())
        if cert.issuer != CA.subject:
            return None
        CA.public_key().verify(cert.signature, cert.tbs_certificate_bytes, ec.ECDSA(cert.signature_hash_algorithm))
        now = datetime.now(timezone.utc)
        if not (_utc(cert, 'not_valid_before') <= now <= _utc(cert, 'not_valid_after')):
            return None
        eku = cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
        if ExtendedKeyUsageOID.CLIENT_AUTH not in eku:
            return None
        if CRL.get_revoked_certificate_by_serial_number(cert.serial_number) is not None:
            return None
    except (ValueError, TypeError, InvalidSignature, x509.ExtensionNotFound):
        return None
    return cert.fingerprint(hashes.SHA256()).hex()


class ClientCertMiddleware:
    """request.mtls_user: the user bound to the verified certificate; the session must agree."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        fingerprint = verified_fingerprint(request)
        request.mtls_fingerprint = fingerprint
        request.mtls_user = BINDINGS.get(fingerprint) if fingerprint else None
        bound = request.session.get('mtls_fingerprint')
        if bound is not None and not hmac.compare_digest(bound, fingerprint or ''):
            request.session.flush()  # the session belongs to another certificate
        return self.get_response(request)


def me(request):
    if request.mtls_user is None:
        return JsonResponse({'error': 'forbidden'}, status=403)
    return JsonResponse({'user': request.mtls_user})


def cert_login(request):
    if request.mtls_user is None:
        return JsonResponse({'error': 'forbidden'}, status=403)
    request.session.cycle_key()
    request.session['user'] = request.mtls_user
    request.session['mtls_fingerprint'] = request.mtls_fingerprint
    return redirect('/api/me/')


def password_login(request):
    if request.method == 'POST':
        username = request.POST.get('username', '')
        key = 'login-failures:' + hashlib.sha256(username.encode()).hexdigest()
        if cache.get(key, 0) >= MAX_FAILURES:
            response = JsonResponse({'error': 'too many failed logins, try again later'}, status=429)
            response['Retry-After'] = str(LOCKOUT_SECONDS)
            return response
        digest = hashlib.sha256(request.POST.get('password', '').encode()).hexdigest()
        if hmac.compare_digest(digest, PASSWORDS.get(username, '0' * 64)) and request.mtls_user == username:
            request.session.cycle_key()
            request.session['user'] = username
            request.session['mtls_fingerprint'] = request.mtls_fingerprint
            return redirect('/api/me/')
        cache.set(key, cache.get(key, 0) + 1, LOCKOUT_SECONDS)
        status = 200
        message = '<p>Invalid username or password.</p>'
    else:
        status = 200
        message = ''
    token = escape(get_token(request))
    return HttpResponse(
        '<!doctype html><title>Sign in</title>' + message +
        '<form method="post"><input type="hidden" name="csrfmiddlewaretoken" value="' + token + '">'
        '<input name="username"><input type="password" name="password"><button>Sign in</button></form>',
        status=status,
    )


urlpatterns = [
    path('api/me/', me),
    path('accounts/cert-login/', cert_login),
    path('accounts/login/', password_login),
]

from django.core.wsgi import get_wsgi_application  # noqa: E402

application = get_wsgi_application()
