"""Behaviour of the generated Django app (templates/django/mtls_audit_django) with Django's test
client, on Debian's Django and cryptography. Run by test/fix/app.test.ts:

    /usr/bin/python3 app_behaviour.py TEMPLATES_DJANGO_DIR PKI_DIR WORK_DIR

PKI_DIR is a lab PKI from `mtls-audit pki` (ECDSA); RSA material is minted here.
"""
import base64
import io
import logging
import os
import sys
import unittest
from datetime import datetime, timedelta, timezone
from urllib.parse import quote

TEMPLATES, PKI, WORK = sys.argv[1:4]
sys.argv[1:4] = []
sys.path.insert(0, TEMPLATES)
sys.path.insert(0, WORK)

SECRET = 'a' * 16 + 'b' * 16 + 'c' * 32
with open(os.path.join(WORK, 'secret'), 'w') as fh:
    fh.write(SECRET + '\n')
with open(os.path.join(WORK, 'urls_behaviour.py'), 'w') as fh:
    fh.write('''
from django.contrib.auth import views as auth_views
from django.http import JsonResponse
from django.urls import path
from mtls_audit_django.access import verified_cert_value


def me(request):
    return JsonResponse({
        'user': request.user.get_username() if request.user.is_authenticated else None,
        'dn': verified_cert_value(request, 'HTTP_X_SSL_CLIENT_S_DN', 'dn'),
        'cn': verified_cert_value(request, 'HTTP_X_SSL_CLIENT_CN', 'cn'),
        'verify': verified_cert_value(request, 'HTTP_X_SSL_CLIENT_VERIFY', 'verify', 'NONE'),
        'fp': verified_cert_value(request, 'HTTP_X_SSL_CLIENT_FINGERPRINT', 'fingerprint'),
        'serial': verified_cert_value(request, 'HTTP_X_SSL_CLIENT_SERIAL', 'serial'),
        'remote_user': verified_cert_value(request, 'HTTP_REMOTE_USER', 'user'),
        'pem_same': verified_cert_value(request, 'HTTP_X_SSL_CLIENT_CERT', 'pem'),
        'pem_other': (verified_cert_value(request, 'SSL_CLIENT_CERT', 'pem') or '')[:27],
    })


def login_form(request):
    from django.contrib.auth import authenticate
    user = authenticate(request, username=request.POST.get('username'), password=request.POST.get('password'))
    return JsonResponse({'ok': user is not None})


def visit(request):
    request.session['visited'] = True
    return JsonResponse({'user': None})


urlpatterns = [path('me/', me), path('public/', me), path('public/visit/', visit), path('login/', login_form)]
''')

import django  # noqa: E402
from django.conf import settings  # noqa: E402

settings.configure(
    DEBUG=False,
    SECRET_KEY='behaviour-test-' + 'x' * 40,
    ALLOWED_HOSTS=['*'],
    ROOT_URLCONF='urls_behaviour',
    INSTALLED_APPS=['django.contrib.auth', 'django.contrib.contenttypes', 'django.contrib.sessions', 'mtls_audit_django'],
    MIDDLEWARE=[
        'django.contrib.sessions.middleware.SessionMiddleware',
        'django.contrib.auth.middleware.AuthenticationMiddleware',
        'mtls_audit_django.middleware.ClientCertificateMiddleware',
    ],
    AUTHENTICATION_BACKENDS=['mtls_audit_django.backends.ClientCertificateBackend', 'django.contrib.auth.backends.ModelBackend'],
    DATABASES={'default': {'ENGINE': 'django.db.backends.sqlite3', 'NAME': os.path.join(WORK, 'db.sqlite3')}},
    PASSWORD_HASHERS=['django.contrib.auth.hashers.MD5PasswordHasher'],
    USE_TZ=True,
    MTLS_PROXY_SECRET_FILE=os.path.join(WORK, 'secret'),
    MTLS_CA_FILES=[os.path.join(PKI, 'ca.crt')],
    MTLS_CRL_FILES=[os.path.join(PKI, 'ca.crl')],
    MTLS_EXEMPT_PATHS=['/public/'],
)
django.setup()

from cryptography import x509  # noqa: E402
from cryptography.hazmat.primitives import hashes, serialization  # noqa: E402
from cryptography.hazmat.primitives.asymmetric import ec, rsa  # noqa: E402
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID  # noqa: E402
from django.contrib.auth.models import User  # noqa: E402
from django.core import checks  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.core.management.base import CommandError  # noqa: E402
from django.test import Client, override_settings  # noqa: E402

from mtls_audit_django import verify  # noqa: E402
from mtls_audit_django.models import CertificateBinding, LoginThrottle  # noqa: E402

call_command('migrate', verbosity=0)
logging.getLogger('django.request').setLevel(logging.ERROR)
logging.getLogger('mtls_audit_django').addHandler(logging.NullHandler())
logging.getLogger('mtls_audit_django').propagate = False


def read(name, mode='r'):
    with open(os.path.join(PKI, name), mode) as fh:
        return fh.read()


def pem(name):
    return read(name)


def load(name):
    return x509.load_pem_x509_certificate(read(name, 'rb'))


def mint(issuer_cert, issuer_key, key, cn, days=(-1, 30), eku=(ExtendedKeyUsageOID.CLIENT_AUTH,), ca=False, key_usage=True):
    now = datetime.now(timezone.utc)
    b = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)]))
        .issuer_name(issuer_cert.subject if issuer_cert is not None else x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)]))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now + timedelta(days=days[0]))
        .not_valid_after(now + timedelta(days=days[1]))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    )
    if eku is not None:
        b = b.add_extension(x509.ExtendedKeyUsage(list(eku)), critical=False)
    if key_usage:
        b = b.add_extension(x509.KeyUsage(digital_signature=not ca, content_commitment=False, key_encipherment=False, data_encipherment=False, key_agreement=False, key_cert_sign=ca, crl_sign=ca, encipher_only=False, decipher_only=False), critical=True)
    elif key_usage is False and not ca:
        b = b.add_extension(x509.KeyUsage(digital_signature=False, content_commitment=False, key_encipherment=True, data_encipherment=False, key_agreement=False, key_cert_sign=False, crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
    return b.sign(issuer_key, hashes.SHA256())


def to_pem(cert):
    return cert.public_bytes(serialization.Encoding.PEM).decode()


CA = load('ca.crt')
CA_KEY = serialization.load_pem_private_key(read('ca.key', 'rb'), None)


def crl_file(name, issuer_cert, issuer_key, next_update_days=7, serials=()):
    now = datetime.now(timezone.utc)
    b = x509.CertificateRevocationListBuilder().issuer_name(issuer_cert.subject).last_update(now - timedelta(days=1)).next_update(now + timedelta(days=next_update_days))
    for s in serials:
        b = b.add_revoked_certificate(x509.RevokedCertificateBuilder().serial_number(s).revocation_date(now - timedelta(days=1)).build())
    path = os.path.join(WORK, name)
    with open(path, 'wb') as fh:
        fh.write(b.sign(issuer_key, hashes.SHA256()).public_bytes(serialization.Encoding.PEM))
    return path


def headers(cert_pem, secret=SECRET, encoding='escaped'):
    h = {}
    if secret is not None:
        h['HTTP_X_MTLS_PROXY_SECRET'] = secret
    if cert_pem is not None:
        if encoding == 'escaped':
            h['HTTP_X_SSL_CLIENT_CERT'] = quote(cert_pem)
        elif encoding == 'pem':
            h['HTTP_X_SSL_CLIENT_CERT'] = cert_pem
        elif encoding == 'der':
            der = x509.load_pem_x509_certificate(cert_pem.encode()).public_bytes(serialization.Encoding.DER)
            h['HTTP_X_SSL_CLIENT_CERT'] = base64.b64encode(der).decode()
        elif encoding == 'traefik':
            body = ''.join(line for line in cert_pem.splitlines() if not line.startswith('-----'))
            h['HTTP_X_SSL_CLIENT_CERT'] = quote(body)
        elif encoding == 'folded':
            h['HTTP_X_SSL_CLIENT_CERT'] = cert_pem.replace('\n', ' ')
        elif encoding == 'xfcc':
            h['HTTP_X_SSL_CLIENT_CERT'] = 'By=spiffe://a;Hash=1;Cert="%s";Subject="CN=x,O=y",By=spiffe://b;Cert="%s"' % (quote(pem('bob.crt')), quote(cert_pem))
    return h


class Base(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        for name in ('alice', 'bob', 'carol'):
            User.objects.get_or_create(username=name)
        alice = User.objects.get(username='alice')
        alice.set_password('right-password-123')
        alice.save()

    def setUp(self):
        CertificateBinding.objects.all().delete()
        LoginThrottle.objects.all().delete()
        self.bind('alice', 'alice.crt')
        self.bind('bob', 'bob.crt')

    def bind(self, user, name, **kw):
        out = io.StringIO()
        call_command('mtls_bind', user, os.path.join(PKI, name), stdout=out, stderr=io.StringIO(), **kw)
        return out.getvalue()

    def get(self, client, h, path='/me/'):
        r = client.get(path, **h)
        return r.status_code, r.json()


class Authentication(Base):
    def test_alice_is_served_in_every_encoding(self):
        for enc in ('escaped', 'pem', 'der', 'traefik', 'folded', 'xfcc'):
            status, body = self.get(Client(), headers(pem('alice.crt'), encoding=enc))
            self.assertEqual((status, body['user']), (200, 'alice'), enc)

    def test_refusals(self):
        cases = {
            'no secret': (headers(pem('alice.crt'), secret=None), 403, 'did not come through'),
            'wrong secret': (headers(pem('alice.crt'), secret='x' * 64), 403, 'did not come through'),
            'no certificate': (headers(None), 401, 'client certificate required'),
            'nginx (null)': ({**headers(None), 'HTTP_X_SSL_CLIENT_CERT': '(null)'}, 401, 'client certificate required'),
            'garbage': ({**headers(None), 'HTTP_X_SSL_CLIENT_CERT': '%%garbage'}, 403, 'unreadable'),
            'unknown identity': (headers(pem('attacks/unknown-identity.crt')), 403, 'not enrolled'),
            'expired': (headers(pem('attacks/expired.crt')), 403, 'expired'),
            'not yet valid': (headers(pem('attacks/not-yet-valid.crt')), 403, 'not yet valid'),
            'server EKU': (headers(pem('attacks/server-eku.crt')), 403, 'Extended Key Usage'),
            'revoked': (headers(pem('revoked.crt')), 403, 'revoked'),
            'impostor CA': (headers(pem('attacks/impostor-alice.crt')), 403, 'not signed by a pinned CA'),
            'DN injection': (headers(pem('attacks/dn-injection-o.crt')), 403, 'not enrolled'),
        }
        for what, (h, status, reason) in cases.items():
            got, body = self.get(Client(), h)
            self.assertEqual(got, status, what)
            self.assertIn(reason, body['reason'], what)

    def test_refusals_are_logged(self):
        with self.assertLogs('mtls_audit_django', 'WARNING') as logs:
            self.get(Client(), headers(pem('attacks/unknown-identity.crt')))
        self.assertRegex(logs.output[0], r'refused GET /me/ from 127\.0\.0\.1: certificate not enrolled \(sha256 [0-9a-f]{64}\)')

    def test_no_eku_and_key_usage(self):
        key = ec.generate_private_key(ec.SECP256R1())
        no_eku = to_pem(mint(CA, CA_KEY, key, 'alice', eku=None))
        no_ds = to_pem(mint(CA, CA_KEY, key, 'alice', key_usage=False))
        is_ca = to_pem(mint(CA, CA_KEY, key, 'alice', ca=True, key_usage=None))
        self.assertIn('no Extended Key Usage', self.get(Client(), headers(no_eku))[1]['reason'])
        with override_settings(MTLS_REQUIRE_EKU=False):
            # Valid, but not enrolled: the EKU check let it through.
            self.assertIn('not enrolled', self.get(Client(), headers(no_eku))[1]['reason'])
        self.assertIn('digitalSignature', self.get(Client(), headers(no_ds))[1]['reason'])
        self.assertIn('CA certificate', self.get(Client(), headers(is_ca))[1]['reason'])

    def test_values_for_project_code_come_from_the_verified_certificate(self):
        h = headers(pem('alice.crt'))
        h['HTTP_X_SSL_CLIENT_S_DN'] = 'CN=bob,O=forged'
        h['HTTP_X_SSL_CLIENT_VERIFY'] = 'FORGED'
        status, body = self.get(Client(), h)
        cert = load('alice.crt')
        self.assertEqual(status, 200)
        self.assertEqual(body['dn'], cert.subject.rfc4514_string())
        self.assertEqual(body['cn'], 'alice')
        self.assertEqual(body['verify'], 'SUCCESS')
        self.assertEqual(body['fp'], cert.fingerprint(hashes.SHA256()).hex())
        self.assertEqual(body['serial'], format(cert.serial_number, 'X'))
        self.assertEqual(body['remote_user'], 'alice')
        self.assertEqual(body['pem_same'], quote(pem('alice.crt')))
        self.assertEqual(body['pem_other'], '-----BEGIN CERTIFICATE-----')
        # Anonymous on an exempt path: every value is the default.
        status, body = self.get(Client(), headers(None), '/public/')
        self.assertEqual((status, body['user'], body['dn'], body['verify']), (200, None, None, 'NONE'))


class Sessions(Base):
    def test_session_bound_to_the_fingerprint(self):
        c = Client()
        self.assertEqual(self.get(c, headers(pem('alice.crt')))[1]['user'], 'alice')
        sid = c.cookies['sessionid'].value
        self.assertEqual(self.get(c, headers(pem('alice.crt')))[1]['user'], 'alice')
        self.assertEqual(c.cookies['sessionid'].value, sid, 'the same certificate keeps its session')
        # alice's cookie with bob's certificate: alice's session ends, bob gets his own.
        self.assertEqual(self.get(c, headers(pem('bob.crt')))[1]['user'], 'bob')
        self.assertNotEqual(c.cookies['sessionid'].value, sid)
        # With no certificate: refused and logged out.
        self.assertEqual(self.get(c, headers(None))[0], 401)
        self.assertEqual(self.get(c, headers(None), '/public/')[1]['user'], None)

    def test_session_of_an_unenrolled_or_revoked_certificate_ends(self):
        c = Client()
        self.assertEqual(self.get(c, headers(pem('alice.crt')))[0], 200)
        out = io.StringIO()
        call_command('mtls_unbind', os.path.join(PKI, 'alice.crt'), stdout=out)
        self.assertIn('revoked', out.getvalue())
        self.assertEqual(self.get(c, headers(pem('alice.crt')))[0], 403)
        self.assertEqual(self.get(c, headers(None), '/public/')[1]['user'], None)

    def test_login_rotates_the_session(self):
        c = Client()
        self.get(c, headers(None), '/public/visit/')
        before = c.cookies['sessionid'].value
        self.assertTrue(before)
        self.assertEqual(self.get(c, headers(pem('alice.crt')))[1]['user'], 'alice')
        self.assertNotEqual(c.cookies['sessionid'].value, before)
        # The pre-authentication id is dead: alone it is anonymous.
        anon = Client()
        anon.cookies['sessionid'] = before
        self.assertEqual(self.get(anon, headers(None), '/public/')[1]['user'], None)

    def test_inactive_user(self):
        carol = User.objects.get(username='carol')
        self.bind('carol', 'attacks/unknown-identity.crt', skip_verify=False)
        carol.is_active = False
        carol.save()
        try:
            self.assertIn('inactive', self.get(Client(), headers(pem('attacks/unknown-identity.crt')))[1]['reason'])
        finally:
            carol.is_active = True
            carol.save()


class Throttling(Base):
    def test_password_failures_end_in_429(self):
        c = Client()
        h = headers(pem('alice.crt'))
        statuses = [c.post('/login/', {'username': 'alice', 'password': 'wrong-%d' % i}, **h).status_code for i in range(7)]
        self.assertEqual(statuses[:5], [200] * 5)
        self.assertEqual(statuses[5:], [429, 429])
        r = c.post('/login/', {'username': 'alice', 'password': 'right-password-123'}, **h)
        self.assertEqual(r.status_code, 429, 'locked out even with the right password')
        self.assertEqual(r['Retry-After'], '300')
        # Another username from another certificate is not locked.
        r = Client().post('/login/', {'username': 'bob', 'password': 'x'}, **headers(pem('bob.crt')))
        self.assertEqual(r.status_code, 200)

    def test_window_expires(self):
        c = Client()
        h = headers(pem('alice.crt'))
        for i in range(5):
            c.post('/login/', {'username': 'alice', 'password': 'wrong-%d' % i}, **h)
        LoginThrottle.objects.update(window_start=datetime.now(timezone.utc) - timedelta(seconds=301))
        r = c.post('/login/', {'username': 'alice', 'password': 'right-password-123'}, **h)
        self.assertEqual((r.status_code, r.json()), (200, {'ok': True}))


class FailClosed(Base):
    def refused(self, reason, **over):
        with override_settings(**over):
            with self.assertLogs('mtls_audit_django', 'WARNING'):
                status, body = self.get(Client(), headers(pem('alice.crt')))
        self.assertEqual(status, 403)
        self.assertIn(reason, body['reason'])

    def test_material_missing_or_bad(self):
        self.refused('no proxy secret', MTLS_PROXY_SECRET_FILE=os.path.join(WORK, 'missing'))
        self.refused('no proxy secret', MTLS_PROXY_SECRET_FILE=None)
        short = os.path.join(WORK, 'short-secret')
        with open(short, 'w') as fh:
            fh.write('too-short')
        self.refused('no proxy secret', MTLS_PROXY_SECRET_FILE=short)
        self.refused('no pinned CA', MTLS_CA_FILES=[])
        self.refused('pinned CA file unreadable', MTLS_CA_FILES=[os.path.join(WORK, 'missing.pem')])
        self.refused('no CRL for the issuing CA', MTLS_CRL_FILES=[])
        self.refused('CRL unreadable', MTLS_CRL_FILES=[os.path.join(WORK, 'missing.crl')])
        self.refused('CRL expired', MTLS_CRL_FILES=[crl_file('expired.crl', CA, CA_KEY, next_update_days=-1)])
        other = ec.generate_private_key(ec.SECP256R1())
        self.refused('CRL signature', MTLS_CRL_FILES=[crl_file('forged.crl', CA, other)])
        self.refused('certificate source', MTLS_CERT_SOURCE='proxy')
        with override_settings(MTLS_REQUIRE_CRL=False, MTLS_CRL_FILES=[]):
            self.assertEqual(self.get(Client(), headers(pem('alice.crt')))[0], 200)

    def test_secret_from_the_environment(self):
        os.environ['BEHAVIOUR_SECRET'] = SECRET
        try:
            with override_settings(MTLS_PROXY_SECRET_ENV='BEHAVIOUR_SECRET', MTLS_PROXY_SECRET_FILE=None):
                self.assertEqual(self.get(Client(), headers(pem('alice.crt')))[0], 200)
                self.assertEqual(self.get(Client(), headers(pem('alice.crt'), secret='y' * 64))[0], 403)
        finally:
            del os.environ['BEHAVIOUR_SECRET']

    def test_environ_source(self):
        with override_settings(MTLS_CERT_SOURCE='environ', MTLS_CERT_HEADER='SSL_CLIENT_CERT'):
            status, body = self.get(Client(), {'SSL_CLIENT_CERT': pem('alice.crt')})
            self.assertEqual((status, body['user']), (200, 'alice'))
            # A header cannot stand in for the server's environ variable.
            self.assertEqual(self.get(Client(), {'HTTP_SSL_CLIENT_CERT': pem('alice.crt')})[0], 401)

    def test_crl_reloaded_when_it_changes(self):
        path = crl_file('rolling.crl', CA, CA_KEY)
        with override_settings(MTLS_CRL_FILES=[path]):
            self.assertEqual(self.get(Client(), headers(pem('alice.crt')))[0], 200)
            crl_file('rolling.crl', CA, CA_KEY, serials=[load('alice.crt').serial_number])
            st = os.stat(path)
            os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 10_000_000))
            self.assertIn('revoked', self.get(Client(), headers(pem('alice.crt')))[1]['reason'])


class Chains(unittest.TestCase):
    """Signature checks by key type, on the cryptography in use (38: no verify_directly_issued_by)."""

    def check(self, ca_key, leaf_key):
        ca = mint(None, ca_key, ca_key, 'chain CA', ca=True)
        leaf = mint(ca, ca_key, leaf_key, 'leaf')
        other_key = type(ca_key) is rsa.RSAPrivateKey and rsa.generate_private_key(65537, 2048) or ec.generate_private_key(ec.SECP256R1())
        self.assertTrue(verify.signed_by(leaf, ca))
        impostor = mint(None, other_key, other_key, 'chain CA', ca=True)
        self.assertFalse(verify.signed_by(leaf, impostor))
        self.assertFalse(verify.signed_by(ca, leaf))

    def test_rsa(self):
        self.check(rsa.generate_private_key(65537, 2048), rsa.generate_private_key(65537, 2048))

    def test_ecdsa(self):
        self.check(ec.generate_private_key(ec.SECP384R1()), ec.generate_private_key(ec.SECP256R1()))

    def test_utc_helper_on_old_and_new_cryptography(self):
        class New:
            not_valid_after_utc = datetime(2030, 1, 1, tzinfo=timezone.utc)
            not_valid_after = datetime(1999, 1, 1)

        class Old:
            not_valid_after = datetime(2030, 1, 1)

        self.assertEqual(verify._utc(New(), 'not_valid_after'), datetime(2030, 1, 1, tzinfo=timezone.utc))
        self.assertEqual(verify._utc(Old(), 'not_valid_after'), datetime(2030, 1, 1, tzinfo=timezone.utc))


class Commands(Base):
    def test_bind_is_idempotent_and_guarded(self):
        self.assertIn('unchanged', self.bind('alice', 'alice.crt'))
        with self.assertRaisesRegex(CommandError, 'is bound to alice'):
            self.bind('bob', 'alice.crt')
        self.assertIn('rebound', self.bind('bob', 'alice.crt', replace=True))
        with self.assertRaisesRegex(CommandError, "no user 'nobody'"):
            self.bind('nobody', 'alice.crt')
        with self.assertRaisesRegex(CommandError, 'revoked'):
            self.bind('carol', 'revoked.crt')
        with self.assertRaisesRegex(CommandError, 'does not hold an X.509 certificate'):
            self.bind('carol', 'ca.crl')
        with self.assertRaisesRegex(CommandError, 'cannot read'):
            self.bind('carol', 'missing.crt')
        err = io.StringIO()
        call_command('mtls_bind', 'carol', os.path.join(PKI, 'attacks/server-eku.crt'), skip_verify=True, stdout=io.StringIO(), stderr=err)
        self.assertIn('does not name carol', err.getvalue())

    def test_unbind(self):
        out = io.StringIO()
        call_command('mtls_unbind', os.path.join(PKI, 'bob.crt'), stdout=out)
        call_command('mtls_unbind', os.path.join(PKI, 'bob.crt'), stdout=out)
        self.assertRegex(out.getvalue(), r'revoked: [0-9a-f]{64} \(was bound to bob\)\nunchanged: [0-9a-f]{64} already revoked')
        with self.assertRaisesRegex(CommandError, 'no binding'):
            call_command('mtls_unbind', os.path.join(PKI, 'attacks/expired.crt'), stdout=out)
        # Binding again re-activates.
        self.assertIn('rebound', self.bind('bob', 'bob.crt'))


class SystemChecks(unittest.TestCase):
    def ids(self, **over):
        with override_settings(**over):
            return sorted(e.id for e in checks.run_checks(include_deployment_checks=True) if e.id.startswith('mtls_audit_django'))

    def test_wiring_and_material(self):
        self.assertEqual(self.ids(), [])
        self.assertEqual(self.ids(MIDDLEWARE=['django.contrib.sessions.middleware.SessionMiddleware']), ['mtls_audit_django.E001'])
        self.assertEqual(self.ids(MIDDLEWARE=['mtls_audit_django.middleware.ClientCertificateMiddleware']), ['mtls_audit_django.E002', 'mtls_audit_django.E002'])
        self.assertEqual(self.ids(AUTHENTICATION_BACKENDS=['django.contrib.auth.backends.ModelBackend']), ['mtls_audit_django.E003'])
        self.assertEqual(self.ids(MTLS_CA_FILES=[], MTLS_CRL_FILES=[]), ['mtls_audit_django.E010', 'mtls_audit_django.E011'])
        self.assertEqual(self.ids(MTLS_PROXY_SECRET_FILE=None), ['mtls_audit_django.E013'])


if __name__ == '__main__':
    unittest.main(verbosity=2)
