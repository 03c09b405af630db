"""Log in with the certificate once; afterwards the session is all that counts."""
import json

from django.contrib.auth import login
from django.http import HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect
from django.utils.html import escape
from django.views.decorators.csrf import ensure_csrf_cookie

from .certs import certificate_user

BACKEND = 'django.contrib.auth.backends.ModelBackend'


def _login(request):
    user = certificate_user(request)
    if user is None:
        return None
    login(request, user, backend=BACKEND)
    return user


def cert_login(request):
    """GET /login/: the certificate's CN becomes the session's user."""
    if _login(request) is None:
        return JsonResponse({'error': 'no user for this certificate'}, status=403)
    return redirect('/api/whoami/')


def cert_login_form(request):
    """The same login behind a CSRF-protected form (a "Sign in with your certificate" button)."""
    if request.method == 'POST':
        if _login(request) is None:
            return JsonResponse({'error': 'no user for this certificate'}, status=403)
        return redirect('/api/whoami/')
    token = escape(get_token(request))
    return HttpResponse(
        '<!doctype html><title>Sign in</title><form method="post" action="/login/form/">'
        '<input type="hidden" name="csrfmiddlewaretoken" value="' + token + '">'
        '<button type="submit" name="via" value="certificate">Sign in with your certificate</button></form>'
    )


@ensure_csrf_cookie
def cert_login_json(request):
    """A JSON login: POST (CSRF token in X-CSRFToken), answers the user in JSON."""
    if request.method != 'POST':
        return JsonResponse({'error': 'POST a JSON body'}, status=405)
    try:
        json.loads(request.body or b'{}')
    except ValueError:
        return JsonResponse({'error': 'JSON expected'}, status=400)
    user = _login(request)
    if user is None:
        return JsonResponse({'error': 'no user for this certificate'}, status=403)
    return JsonResponse({'user': user.get_username()})


def whoami(request):
    if not request.user.is_authenticated:
        return JsonResponse({'error': 'log in first'}, status=401)
    return JsonResponse({'user': request.user.get_username()})
