"""Decoding and verification of client certificates. Every failure raises CertificateRejected.

Works with cryptography 38 (Debian 12) through current releases: `not_valid_after_utc` (42+) and
`verify_directly_issued_by` (40+) are used when present, with equivalent code otherwise.
"""
import base64
import binascii
import os
import re
import threading
from datetime import datetime, timezone
from urllib.parse import unquote

from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, ed448, ed25519, padding, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, SignatureAlgorithmOID

from . import conf


class CertificateRejected(Exception):
    """The certificate is unusable; `reason` is safe to show to the client and to log."""

    def __init__(self, reason, status=403):
        super().__init__(reason)
        self.reason = reason
        self.status = status


_PEM_LINE = re.compile(r'-----(BEGIN|END) [A-Z0-9 ]+-----')


def _utc(obj, name):
    """`obj.<name>_utc` (cryptography >= 42) or the naive UTC `obj.<name>` made aware."""
    value = getattr(obj, name + '_utc', None)
    if value is None:
        value = getattr(obj, name)
        if value is not None:
            value = value.replace(tzinfo=timezone.utc)
    return value


def _xfcc_cert(value):
    """The `Cert="..."` of the last XFCC element (the one the trusted hop appended)."""
    elements, current, quoted = [], [], False
    for ch in value:
        if ch == '"':
            quoted = not quoted
        if ch == ',' and not quoted:
            elements.append(''.join(current))
            current = []
        else:
            current.append(ch)
    elements.append(''.join(current))
    for pair in _split_quoted(elements[-1], ';'):
        key, sep, val = pair.partition('=')
        if sep and key.strip().lower() == 'cert':
            return val.strip().strip('"')
    raise ValueError('no Cert in the last X-Forwarded-Client-Cert element')


def _split_quoted(value, sep):
    out, current, quoted = [], [], False
    for ch in value:
        if ch == '"':
            quoted = not quoted
        if ch == sep and not quoted:
            out.append(''.join(current))
            current = []
        else:
            current.append(ch)
    out.append(''.join(current))
    return out


def load_client_certificate(raw):
    """Parses the certificate in any of the encodings proxies forward (see conf.MTLS_CERT_HEADER)."""
    if isinstance(raw, bytes):
        raw = raw.decode('ascii')
    text = raw.strip()
    if 'Cert=' in text or 'cert=' in text:
        text = _xfcc_cert(text)
    text = unquote(text)
    body = re.sub(r'\s+', '', _PEM_LINE.sub('', text))
    der = base64.b64decode(body, validate=True)
    return x509.load_der_x509_certificate(der)


def fingerprint(cert):
    """SHA-256 of the DER certificate, lowercase hex (what CertificateBinding stores)."""
    return cert.fingerprint(hashes.SHA256()).hex()


class _FileCache:
    """Parsed contents of files, reloaded when their mtime or size changes."""

    def __init__(self, loader):
        self.loader = loader
        self.lock = threading.Lock()
        self.entries = {}

    def get(self, path):
        st = os.stat(path)
        stamp = (st.st_mtime_ns, st.st_size)
        with self.lock:
            hit = self.entries.get(path)
            if hit is not None and hit[0] == stamp:
                return hit[1]
        with open(path, 'rb') as fh:
            value = self.loader(fh.read())
        with self.lock:
            self.entries[path] = (stamp, value)
        return value


def _load_cas(data):
    if b'-----BEGIN' in data:
        return x509.load_pem_x509_certificates(data) if hasattr(x509, 'load_pem_x509_certificates') else _pem_bundle(data)
    return [x509.load_der_x509_certificate(data)]


def _pem_bundle(data):
    blocks = re.findall(rb'-----BEGIN CERTIFICATE-----.+?-----END CERTIFICATE-----', data, re.S)
    return [x509.load_pem_x509_certificate(b) for b in blocks]


def _load_crl(data):
    if b'-----BEGIN' in data:
        return x509.load_pem_x509_crl(data)
    return x509.load_der_x509_crl(data)


_ca_cache = _FileCache(_load_cas)
_crl_cache = _FileCache(_load_crl)


def pinned_cas():
    paths = conf.as_list(conf.get('MTLS_CA_FILES'))
    if not paths:
        raise CertificateRejected('no pinned CA configured (MTLS_CA_FILES)', status=403)
    cas = []
    for path in paths:
        try:
            cas.extend(_ca_cache.get(os.fspath(path)))
        except (OSError, ValueError) as exc:
            raise CertificateRejected('pinned CA file unreadable: %s' % os.fspath(path)) from exc
    return cas


def signed_by(cert, ca):
    """True when `ca`'s key signed `cert` (and the names chain)."""
    if cert.issuer != ca.subject:
        return False
    if hasattr(cert, 'verify_directly_issued_by'):
        try:
            cert.verify_directly_issued_by(ca)
        except (ValueError, TypeError, InvalidSignature, UnsupportedAlgorithm):
            return False
        return True
    key = ca.public_key()
    try:
        if isinstance(key, rsa.RSAPublicKey):
            if cert.signature_algorithm_oid == SignatureAlgorithmOID.RSASSA_PSS:
                pad = padding.PSS(mgf=padding.MGF1(cert.signature_hash_algorithm), salt_length=padding.PSS.AUTO)
            else:
                pad = padding.PKCS1v15()
            key.verify(cert.signature, cert.tbs_certificate_bytes, pad, cert.signature_hash_algorithm)
        elif isinstance(key, ec.EllipticCurvePublicKey):
            key.verify(cert.signature, cert.tbs_certificate_bytes, ec.ECDSA(cert.signature_hash_algorithm))
        elif isinstance(key, (ed25519.Ed25519PublicKey, ed448.Ed448PublicKey)):
            key.verify(cert.signature, cert.tbs_certificate_bytes)
        else:
            return False
    except (ValueError, TypeError, InvalidSignature, UnsupportedAlgorithm):
        return False
    return True


def _is_ca(cert):
    try:
        return cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    except x509.ExtensionNotFound:
        return False


def issuing_ca(cert, now):
    """The pinned CA that signed `cert`; CertificateRejected when none did."""
    for ca in pinned_cas():
        if signed_by(cert, ca):
            if not (_utc(ca, 'not_valid_before') <= now <= _utc(ca, 'not_valid_after')):
                raise CertificateRejected('the issuing CA is outside its validity period')
            return ca
    raise CertificateRejected('not signed by a pinned CA')


def check_validity(cert, now):
    if _utc(cert, 'not_valid_after') < now:
        raise CertificateRejected('certificate expired')
    if _utc(cert, 'not_valid_before') > now:
        raise CertificateRejected('certificate not yet valid')


def check_usage(cert):
    try:
        eku = cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    except x509.ExtensionNotFound:
        eku = None
    if eku is None:
        if conf.get('MTLS_REQUIRE_EKU'):
            raise CertificateRejected('no Extended Key Usage (clientAuth required)')
    elif ExtendedKeyUsageOID.CLIENT_AUTH not in eku:
        raise CertificateRejected('Extended Key Usage does not allow client authentication')
    try:
        key_usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    except x509.ExtensionNotFound:
        key_usage = None
    if key_usage is not None and not key_usage.digital_signature:
        raise CertificateRejected('key usage does not allow digitalSignature')
    if _is_ca(cert):
        raise CertificateRejected('a CA certificate is not a client certificate')


def check_revocation(cert, ca, now):
    crls = []
    for path in conf.as_list(conf.get('MTLS_CRL_FILES')):
        try:
            crl = _crl_cache.get(os.fspath(path))
        except (OSError, ValueError) as exc:
            raise CertificateRejected('CRL unreadable: %s' % os.fspath(path)) from exc
        if crl.issuer == ca.subject:
            crls.append(crl)
    if not crls:
        if conf.get('MTLS_REQUIRE_CRL'):
            raise CertificateRejected('no CRL for the issuing CA (MTLS_CRL_FILES)')
        return
    for crl in crls:
        if not crl.is_signature_valid(ca.public_key()):
            raise CertificateRejected('CRL signature does not verify')
        next_update = _utc(crl, 'next_update')
        if next_update is not None and next_update < now:
            raise CertificateRejected('CRL expired (nextUpdate passed)')
        if crl.get_revoked_certificate_by_serial_number(cert.serial_number) is not None:
            raise CertificateRejected('certificate revoked')


def verified_certificate(raw):
    """The certificate in `raw` if it passes every check; CertificateRejected otherwise."""
    try:
        cert = load_client_certificate(raw)
    except (ValueError, TypeError, binascii.Error, UnicodeError) as exc:
        raise CertificateRejected('unreadable client certificate') from exc
    now = datetime.now(timezone.utc)
    ca = issuing_ca(cert, now)
    check_validity(cert, now)
    check_usage(cert)
    check_revocation(cert, ca, now)
    return cert
