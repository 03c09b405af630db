from django.contrib.auth.models import User

from .certs import client_common_name


class ClientCertMiddleware:
    """Authenticates the request from the session, else from the forwarded client certificate."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user_id = request.session.get('user_id')
        if user_id:
            user = User.objects.filter(pk=user_id).first()
            if user:
                request.user = user
                return self.get_response(request)
        cn = client_common_name(request)
        if cn:
            user = User.objects.filter(username=cn).first()
            if user:
                request.user = user
        return self.get_response(request)
