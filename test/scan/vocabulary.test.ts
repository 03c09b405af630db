// One vocabulary of certificate/identity keys for the classifier and the pre-filter: every header
// the probe forges and every key family the classifier accepts must put its file through the
// pre-filter (a file the pre-filter skips is never analysed, whatever the classifier knows).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { wantsParseText } from '../../src/scan/prefilter.js';
import { CERT_KEY_FAMILIES } from '../../src/python/vocabulary.js';
import { headerToWsgi, isCertKey } from '../../src/python/flow.js';
import { CERT_HEADERS, identityHeaders, spell } from '../../src/probe/headers.js';
import type { LegitInfo } from '../../src/probe/identities.js';

// Only the fields identityHeaders() reads; the names do not depend on the values.
const legit = {
  name: 'alice',
  dn: 'CN=alice,O=Example',
  dnLegacy: '/O=Example/CN=alice',
  dnForward: 'O=Example,CN=alice',
  issuerDn: 'CN=Example CA',
  pem: '-----BEGIN CERTIFICATE-----\nAA==\n-----END CERTIFICATE-----\n',
  derBase64: 'AA==',
  sha256Hex: '00'.repeat(32),
  sha1Hex: '00'.repeat(20),
  serialHex: '01',
  emails: ['alice@example.com'],
  uris: ['spiffe://example/alice'],
  dnsNames: ['alice.example'],
  notBefore: new Date(0),
  notAfter: new Date(0),
} as unknown as LegitInfo;

const probeHeaders = [...CERT_HEADERS.map((h) => h.name), ...identityHeaders(legit).map((h) => h.name)];

/** A view reading `expr`, in a module whose name triggers nothing. */
const viewReading = (expr: string) => `from django.http import JsonResponse\n\ndef v(request):\n    value = ${expr}\n    return JsonResponse({"v": value})\n`;

test('every header the probe forges is a key the classifier accepts', () => {
  for (const name of probeHeaders) assert.ok(isCertKey(headerToWsgi(name)), `${name} (${headerToWsgi(name)})`);
});

test('every header the probe forges passes the pre-filter, as a header name in both spellings and as a WSGI key', () => {
  for (const name of probeHeaders) {
    for (const spelling of ['dash', 'underscore'] as const) {
      const src = viewReading(`request.headers.get(${JSON.stringify(spell(name, spelling))})`);
      assert.equal(wantsParseText('app/views.py', src), true, `headers[${spell(name, spelling)}]`);
    }
    for (const key of [headerToWsgi(name), headerToWsgi(name).toLowerCase()]) {
      assert.equal(wantsParseText('app/views.py', viewReading(`request.META.get(${JSON.stringify(key)})`)), true, `META[${key}]`);
    }
  }
});

test('every key family the classifier accepts passes the pre-filter, as the WSGI key and (for a header) the header name', () => {
  for (const f of CERT_KEY_FAMILIES) {
    assert.ok(isCertKey(f.sample), `the classifier accepts ${f.sample}`);
    assert.ok(new RegExp(f.key).test(f.sample), `${f.sample} is a key of ${f.key}`);
    assert.equal(wantsParseText('app/views.py', viewReading(`request.META[${JSON.stringify(f.sample)}]`)), true, f.sample);
    if (f.sample.startsWith('HTTP_')) {
      const header = f.sample
        .slice('HTTP_'.length)
        .split('_')
        .map((w) => w[0] + w.slice(1).toLowerCase())
        .join('-');
      assert.equal(wantsParseText('app/views.py', viewReading(`request.headers[${JSON.stringify(header)}]`)), true, header);
    }
  }
});

test('a family anchored to the whole key triggers on that string literal, not on the bare word', () => {
  assert.equal(wantsParseText('app/views.py', viewReading('request.headers.get("Verify")')), true);
  assert.equal(wantsParseText('app/views.py', viewReading('request.META.get("HTTP_X_SSL_CERT")')), true);
  assert.equal(wantsParseText('django/contrib/auth/hashers.py', 'class Hasher:\n    def verify(self, password, encoded):\n        return False\n'), false);
  assert.equal(wantsParseText('app/models.py', 'class Cert(models.Model):\n    concert = models.CharField()\n'), false);
});

test("framework words that share a family's letters are no trigger", () => {
  for (const src of [
    'user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)',
    "HASH_SESSION_KEY = '_auth_user_hash'",
    'redirect_authenticated_user = False',
    "requests.get(url, verify=True, cert='client.pem', params={'verify': 1})",
    'EMAIL_SSL_CERTFILE = None\nctx.load_cert_chain(ssl_certfile)',
    'connection = smtplib.SMTP(host, port)\nconnection.login(auth_user, auth_password)',
  ]) {
    assert.equal(wantsParseText('django/contrib/mod.py', `${src}\n`), false, src);
  }
});
