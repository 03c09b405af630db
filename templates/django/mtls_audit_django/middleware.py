"""ClientCertificateMiddleware: every request authenticates with a verified, enrolled certificate.

Place it right after django.contrib.auth.middleware.AuthenticationMiddleware (it needs the
session and request.user) and before any middleware of the project that reads the certificate.
"""
import hmac
import logging

from django.conf import settings
from django.contrib.auth import login, logout
from django.http import JsonResponse

from . import conf
from .models import CertificateBinding
from .provenance import ProvenanceError, from_proxy
from .verify import CertificateRejected, fingerprint, verified_certificate

log = logging.getLogger('mtls_audit_django')

SESSION_KEY = conf.SESSION_KEY


class VerifiedClient:
    """What the middleware established for this request (request.mtls)."""

    def __init__(self, certificate, fingerprint, binding, raw, header):
        self.certificate = certificate
        self.fingerprint = fingerprint
        self.binding = binding
        self.user = binding.user
        self.raw = raw
        self.header = header


class Unauthorized(JsonResponse):
    status_code = 401


class Forbidden(JsonResponse):
    status_code = 403


class TooManyRequests(JsonResponse):
    status_code = 429


def _refuse(request, status, reason, fp=None):
    """The refusal (401 without a certificate, else 403), logged with its reason."""
    log.warning(
        'mtls: refused %s %s from %s: %s%s',
        request.method, request.path, request.META.get('REMOTE_ADDR', '?'), reason,
        ' (sha256 %s)' % fp if fp else '',
    )
    body = {'error': 'client certificate authentication failed', 'reason': reason}
    if status == 401:
        return Unauthorized(body)
    return Forbidden(body)


def _exempt(request):
    return any(request.path.startswith(p) for p in conf.as_list(conf.get('MTLS_EXEMPT_PATHS')))


class ClientCertificateMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.mtls = None
        refusal = self.authenticate(request)
        if refusal is not None:
            logout(request)
            if not _exempt(request):
                return refusal
        response = self.get_response(request)
        if getattr(request, 'mtls_login_throttled', False):
            seconds = int(conf.get('MTLS_LOGIN_LOCKOUT_SECONDS'))
            log.warning('mtls: password login locked for %s %s (%d s)', request.method, request.path, seconds)
            response = TooManyRequests({'error': 'too many failed logins, try again later'})
            response['Retry-After'] = str(seconds)
        return response

    def authenticate(self, request):
        """None when the request is authenticated (request.user, request.mtls set); else the refusal."""
        source = conf.get('MTLS_CERT_SOURCE')
        if source == 'header':
            try:
                proxied = from_proxy(request)
            except ProvenanceError as exc:
                log.error('mtls: %s', exc)
                return _refuse(request, status=403, reason='server misconfiguration: no proxy secret')
            if not proxied:
                return _refuse(request, status=403, reason='request did not come through the authenticating proxy')
        elif source != 'environ':
            log.error('mtls: MTLS_CERT_SOURCE must be "header" or "environ", not %r', source)
            return _refuse(request, status=403, reason='server misconfiguration: certificate source')

        # The key is spelled out at the read so static analysis (mtls-audit scan) sees what is read.
        header = getattr(settings, 'MTLS_CERT_HEADER', 'HTTP_X_SSL_CLIENT_CERT')
        raw = request.META.get(getattr(settings, 'MTLS_CERT_HEADER', 'HTTP_X_SSL_CLIENT_CERT'), '')
        if not raw or raw == '(null)':
            return _refuse(request, status=401, reason='client certificate required')
        try:
            cert = verified_certificate(raw)
        except CertificateRejected as exc:
            return _refuse(request, status=exc.status, reason=exc.reason)
        fp = fingerprint(cert)

        binding = CertificateBinding.objects.select_related('user').filter(fingerprint=fp, revoked=False).first()
        if binding is None:
            return _refuse(request, status=403, reason='certificate not enrolled', fp=fp)
        if not binding.user.is_active:
            return _refuse(request, status=403, reason='the enrolled user is inactive', fp=fp)

        # The session belongs to one certificate: another one (or a session authenticated some
        # other way, e.g. by password as someone else) is logged out before anything else runs.
        bound = request.session.get(SESSION_KEY)
        if bound is not None and not (isinstance(bound, str) and hmac.compare_digest(bound, fp)):
            log.info('mtls: session of another certificate logged out (sha256 %s)', fp)
            logout(request)
        elif request.user.is_authenticated and (bound is None or request.user.pk != binding.user_id):
            logout(request)
        if request.session.get(SESSION_KEY) != fp or not request.user.is_authenticated:
            login(request, binding.user, backend=conf.BACKEND)
            request.session[SESSION_KEY] = fp
            log.info('mtls: %s authenticated by certificate sha256 %s', binding.user.get_username(), fp)
        request.mtls = VerifiedClient(cert, fp, binding, raw, header)
        return None
