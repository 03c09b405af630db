from django.contrib.auth import login
from django.contrib.auth.models import User
from django.http import JsonResponse
from django.views import View
from OpenSSL import crypto

from .certs import forwarded_certificate, forwarded_subject


class ProfileView(View):
    """Returns the profile of the user the client certificate belongs to."""

    def get(self, request):
        pem = forwarded_certificate(request)
        if not pem:
            return JsonResponse({'error': 'client certificate required'}, status=401)
        try:
            cert = crypto.load_certificate(crypto.FILETYPE_PEM, pem)
        except crypto.Error:
            return JsonResponse({'error': 'bad certificate'}, status=400)
        username = cert.get_subject().CN
        try:
            user = User.objects.get(username=username)
        except User.DoesNotExist:
            return JsonResponse({'error': 'unknown user'}, status=403)
        return JsonResponse({'user': user.username, 'email': user.email})


def certificate_login(request):
    """Turns the client certificate into a session so the browser UI works without it."""
    pem = forwarded_certificate(request)
    if not pem:
        return JsonResponse({'error': 'client certificate required'}, status=401)
    cert = crypto.load_certificate(crypto.FILETYPE_PEM, pem)
    user, _created = User.objects.get_or_create(username=cert.get_subject().CN)
    login(request, user)
    return JsonResponse({'user': user.username})


def admin_report(request):
    subject = forwarded_subject(request)
    if 'OU=Finance Admins' not in subject:
        return JsonResponse({'error': 'forbidden'}, status=403)
    return JsonResponse({'report': 'quarterly numbers'})
