"""Failed password logins counted per hashed username and per client certificate, in the database
(shared by every worker process). After MTLS_LOGIN_MAX_FAILURES failures inside
MTLS_LOGIN_LOCKOUT_SECONDS, ClientCertificateBackend refuses further attempts and the middleware
answers 429 with Retry-After."""
import hashlib
from datetime import timedelta

from django.contrib.auth import BACKEND_SESSION_KEY, get_user_model
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.db import IntegrityError, transaction
from django.db.models import F
from django.dispatch import receiver
from django.utils import timezone

from . import conf
from .models import LoginThrottle


def _keys(request, username):
    keys = []
    if username:
        keys.append('u:' + hashlib.sha256(str(username).lower().encode()).hexdigest()[:64])
    client = getattr(request, 'mtls', None) if request is not None else None
    if client is not None:
        keys.append('c:' + client.fingerprint)
    return keys


def _window():
    return timedelta(seconds=int(conf.get('MTLS_LOGIN_LOCKOUT_SECONDS')))


def locked_out(request, username):
    keys = _keys(request, username)
    if not keys:
        return False
    since = timezone.now() - _window()
    limit = int(conf.get('MTLS_LOGIN_MAX_FAILURES'))
    return LoginThrottle.objects.filter(key__in=keys, window_start__gte=since, failures__gte=limit).exists()


@receiver(user_login_failed)
def count_failure(sender, credentials=None, request=None, **kwargs):
    credentials = credentials or {}
    username = credentials.get('username', credentials.get(get_user_model().USERNAME_FIELD))
    now = timezone.now()
    since = now - _window()
    for key in _keys(request, username):
        # Restart a stale window, else count; create the row when there is none yet.
        if LoginThrottle.objects.filter(key=key, window_start__lt=since).update(failures=1, window_start=now):
            continue
        if LoginThrottle.objects.filter(key=key).update(failures=F('failures') + 1):
            continue
        try:
            with transaction.atomic():
                LoginThrottle.objects.create(key=key, failures=1, window_start=now)
        except IntegrityError:
            LoginThrottle.objects.filter(key=key).update(failures=F('failures') + 1)


@receiver(user_logged_in)
def clear_username(sender, request=None, user=None, **kwargs):
    """A successful password login clears that username's counter (a certificate login does not)."""
    if user is None or request is None or _certificate_login(request):
        return
    LoginThrottle.objects.filter(key__in=_keys(None, user.get_username())).delete()


def _certificate_login(request):
    session = getattr(request, 'session', None)
    return session is not None and session.get(BACKEND_SESSION_KEY) == conf.BACKEND
