from django.conf import settings
from django.db import models


class CertificateBinding(models.Model):
    """A client certificate (by SHA-256 fingerprint) enrolled for a user."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name='mtls_bindings')
    fingerprint = models.CharField(max_length=64, unique=True, help_text='SHA-256 of the DER certificate, lowercase hex')
    issuer = models.TextField(blank=True)
    serial = models.CharField(max_length=64, blank=True, help_text='hex')
    subject = models.TextField(blank=True)
    not_after = models.DateTimeField(null=True, blank=True)
    revoked = models.BooleanField(default=False)
    revoked_at = models.DateTimeField(null=True, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = 'certificate binding'

    def __str__(self):
        return '%s -> %s%s' % (self.fingerprint[:16], self.user, ' (revoked)' if self.revoked else '')


class LoginThrottle(models.Model):
    """Failed password logins per key (hashed username, certificate fingerprint) in a window."""

    key = models.CharField(max_length=80, unique=True)
    failures = models.PositiveIntegerField(default=0)
    window_start = models.DateTimeField()

    class Meta:
        verbose_name = 'login throttle'
