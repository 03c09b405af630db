from django.apps import AppConfig


class MtlsAuditDjangoConfig(AppConfig):
    name = 'mtls_audit_django'
    label = 'mtls_audit_django'
    verbose_name = 'Client-certificate authentication'
    default_auto_field = 'django.db.models.BigAutoField'

    def ready(self):
        from . import checks, throttle  # noqa: F401  (registers system checks and signal receivers)
