from django.contrib.auth.models import User
from django.http import JsonResponse
from django.shortcuts import redirect
from django.views.decorators.csrf import csrf_exempt

from .certs import client_common_name


def me(request):
    if not request.user.is_authenticated:
        return JsonResponse({'error': 'client certificate required'}, status=403)
    return JsonResponse({'user': request.user.username, 'email': request.user.email})


@csrf_exempt
def export_users(request):
    users = list(User.objects.order_by('username').values_list('username', 'email'))
    return JsonResponse({'users': users})


def cert_login(request):
    """Turns the client certificate into a session."""
    cn = client_common_name(request)
    user = User.objects.filter(username=cn).first() if cn else None
    if user is None:
        request.session['next'] = request.GET.get('next', '/api/me/')
        return JsonResponse({'error': 'present a client certificate'}, status=401)
    request.session['user_id'] = user.pk
    return redirect(request.session.pop('next', '/api/me/'))
