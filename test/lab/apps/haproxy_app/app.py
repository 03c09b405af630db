"""HAProxy lab target (test material for mtls-audit): a single-file Django app.

HAProxy verifies client certificates against the CA (`verify required`, no CRL) and sets
X-SSL-Client-Cert to the base64 DER of the certificate. The app trusts that header wherever the
request comes from, enrols any new common name on first sight, and keeps a signed-cookie session
that is not bound to the certificate.

Environment: DJANGO_SECRET_KEY.
"""
import base64
import binascii
import os

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
        __name__ + '.HeaderCertMiddleware',
    ],
    SESSION_ENGINE='django.contrib.sessions.backends.signed_cookies',
    USE_TZ=True,
)
django.setup()

from cryptography import x509  # noqa: E402
from cryptography.x509.oid import NameOID  # noqa: E402
from django.http import JsonResponse  # noqa: E402
from django.shortcuts import redirect  # noqa: E402
from django.urls import path  # noqa: E402

ENROLLED = {}


def header_common_name(request):
    value = request.META.get('HTTP_X_SSL_CLIENT_CERT')
    if not value:
        return None
    try:
        cert = x509.load_der_x509_certificate(base64.b64decode(value, validate=True))
    except (ValueError, binascii.Error):
        return None
    names = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    return names[0].value if names else None


class HeaderCertMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.lab_user = request.session.get('user')
        if request.lab_user is None:
            cn = header_common_name(request)
            if cn:
                request.lab_user = ENROLLED.setdefault(cn, cn)  # first sight enrols
        return self.get_response(request)


def me(request):
    if request.lab_user is None:
        return JsonResponse({'error': 'client certificate required'}, status=401)
    return JsonResponse({'user': request.lab_user})


def login(request):
    cn = header_common_name(request)
    if cn is None:
        return JsonResponse({'error': 'client certificate required'}, status=401)
    request.session.cycle_key()
    request.session['user'] = ENROLLED.setdefault(cn, cn)
    return redirect('/api/me/')


urlpatterns = [path('api/me/', me), path('login/', login)]

from django.core.wsgi import get_wsgi_application  # noqa: E402

application = get_wsgi_application()
