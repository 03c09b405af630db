"""Helpers that read the client certificate nginx forwards."""
from urllib.parse import unquote


def forwarded_certificate(request):
    # nginx: proxy_set_header X-SSL-Client-Cert $ssl_client_escaped_cert;
    return unquote(request.META.get('HTTP_X_SSL_CLIENT_CERT', ''))


def forwarded_subject(request):
    return request.META.get('HTTP_X_SSL_CLIENT_S_DN', '')
