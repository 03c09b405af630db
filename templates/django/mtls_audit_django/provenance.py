"""Proof that a request came through the authenticating proxy: the shared secret it adds."""
import hmac
import os

from django.conf import settings

from . import conf

MIN_SECRET_LENGTH = 32


class ProvenanceError(Exception):
    """The shared secret is not configured or unreadable (a deployment error: fail closed)."""


def proxy_secret():
    """The shared secret as bytes, from MTLS_PROXY_SECRET_ENV or MTLS_PROXY_SECRET_FILE."""
    env = conf.get('MTLS_PROXY_SECRET_ENV')
    path = conf.get('MTLS_PROXY_SECRET_FILE')
    if env:
        value = os.environ.get(env, '').strip().encode()
        where = 'environment variable %s' % env
    elif path:
        try:
            with open(path, 'rb') as fh:
                value = fh.read().strip()
        except OSError as exc:
            raise ProvenanceError('proxy secret file unreadable: %s' % path) from exc
        where = 'file %s' % path
    else:
        raise ProvenanceError('no proxy secret configured (MTLS_PROXY_SECRET_FILE or MTLS_PROXY_SECRET_ENV)')
    if len(value) < MIN_SECRET_LENGTH:
        raise ProvenanceError('proxy secret in %s is shorter than %d characters' % (where, MIN_SECRET_LENGTH))
    return value


def from_proxy(request):
    """True when the request carries the proxy's shared secret (constant-time comparison)."""
    secret = proxy_secret()
    sent = request.META.get(getattr(settings, 'MTLS_PROXY_SECRET_HEADER', 'HTTP_X_MTLS_PROXY_SECRET'), '')
    return hmac.compare_digest(sent.encode('latin-1', 'replace'), secret)
