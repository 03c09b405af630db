"""System checks (`manage.py check`; the deployment ones with `check --deploy`)."""
import os

from django.conf import settings
from django.core import checks

from . import conf


@checks.register(checks.Tags.security)
def wiring(app_configs, **kwargs):
    errors = []
    middleware = list(getattr(settings, 'MIDDLEWARE', None) or [])
    if conf.MIDDLEWARE not in middleware:
        errors.append(checks.Error('%s is not in MIDDLEWARE' % conf.MIDDLEWARE, id='mtls_audit_django.E001'))
    else:
        pos = middleware.index(conf.MIDDLEWARE)
        for needed in ('django.contrib.sessions.middleware.SessionMiddleware', 'django.contrib.auth.middleware.AuthenticationMiddleware'):
            if needed not in middleware[:pos]:
                errors.append(checks.Error('%s must come before %s in MIDDLEWARE' % (needed, conf.MIDDLEWARE), id='mtls_audit_django.E002'))
    if conf.BACKEND not in list(getattr(settings, 'AUTHENTICATION_BACKENDS', None) or []):
        errors.append(checks.Error('%s is not in AUTHENTICATION_BACKENDS' % conf.BACKEND, id='mtls_audit_django.E003'))
    elif list(settings.AUTHENTICATION_BACKENDS).index(conf.BACKEND) != 0:
        errors.append(checks.Warning('%s should be first in AUTHENTICATION_BACKENDS (password-login throttling)' % conf.BACKEND, id='mtls_audit_django.W004'))
    if conf.get('MTLS_CERT_SOURCE') not in ('header', 'environ'):
        errors.append(checks.Error('MTLS_CERT_SOURCE must be "header" or "environ"', id='mtls_audit_django.E005'))
    return errors


@checks.register(checks.Tags.security, deploy=True)
def material(app_configs, **kwargs):
    """Files the middleware needs at run time: without them every request is refused."""
    errors = []
    for path in conf.as_list(conf.get('MTLS_CA_FILES')) or [None]:
        if path is None or not os.path.isfile(path):
            errors.append(checks.Error('pinned CA file missing: %s (MTLS_CA_FILES)' % path, id='mtls_audit_django.E010'))
    crls = conf.as_list(conf.get('MTLS_CRL_FILES'))
    if conf.get('MTLS_REQUIRE_CRL') and not crls:
        errors.append(checks.Error('MTLS_REQUIRE_CRL is on and MTLS_CRL_FILES is empty', id='mtls_audit_django.E011'))
    for path in crls:
        if not os.path.isfile(path):
            errors.append(checks.Error('CRL file missing: %s (MTLS_CRL_FILES)' % path, id='mtls_audit_django.E012'))
    if conf.get('MTLS_CERT_SOURCE') == 'header':
        from .provenance import ProvenanceError, proxy_secret

        try:
            proxy_secret()
        except ProvenanceError as exc:
            errors.append(checks.Error(str(exc), id='mtls_audit_django.E013'))
    return errors
