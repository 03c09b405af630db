"""ClientCertificateBackend: users by enrolled certificate; password logins throttled.

List it first in AUTHENTICATION_BACKENDS: it authenticates `authenticate(request,
mtls_certificate=cert)` by the certificate's fingerprint binding, and it stops password
attempts (`authenticate(request, username=..., password=...)`, handled by the next backends)
while the username or the client certificate is locked out after repeated failures.
"""
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import BaseBackend
from django.core.exceptions import PermissionDenied

from .models import CertificateBinding
from .throttle import locked_out
from .verify import fingerprint


class ClientCertificateBackend(BaseBackend):
    def authenticate(self, request, mtls_certificate=None, username=None, password=None, **kwargs):
        if mtls_certificate is None:
            if password is not None and locked_out(request, username if username is not None else kwargs.get(get_user_model().USERNAME_FIELD)):
                if request is not None:
                    request.mtls_login_throttled = True
                raise PermissionDenied('too many failed logins')
            return None
        binding = CertificateBinding.objects.select_related('user').filter(fingerprint=fingerprint(mtls_certificate), revoked=False).first()
        if binding is None or not self.user_can_authenticate(binding.user):
            return None
        return binding.user

    def user_can_authenticate(self, user):
        return getattr(user, 'is_active', True)

    def get_user(self, user_id):
        UserModel = get_user_model()
        try:
            user = UserModel._default_manager.get(pk=user_id)
        except UserModel.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
