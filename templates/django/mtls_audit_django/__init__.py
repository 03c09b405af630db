"""mtls_audit_django: client-certificate authentication for Django, written by `mtls-audit fix`.

A request is authenticated only when
  1. the certificate has provenance: a reverse proxy that verified the TLS client certificate put
     it in a header *and* proved it is that proxy with a shared secret (compared with
     hmac.compare_digest), or the server itself put it in the WSGI environ (mod_wsgi + mod_ssl);
  2. the certificate verifies: signed by a pinned CA, inside its validity period, Extended Key
     Usage clientAuth and key usage digitalSignature, not on the CA's CRL;
  3. its SHA-256 fingerprint is bound to an active user (`manage.py mtls_bind USER CERT_PEM`);
and the session is bound to that fingerprint: another certificate, or none, logs the session out.
Everything else is refused (401/403) and logged on the `mtls_audit_django` logger.

Settings and their defaults: conf.py. Deployment: deploy/mtls-audit/README.md (written by the fix).
"""

__version__ = '1.0'
