// The pre-filter: which files are parsed. Stage 1 (the atom automaton) must never miss a file
// stage 2 (the exact triggers) would take; stage 2 must take the shapes the rules need and leave
// framework code that only names the words.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AtomMatcher, TRIGGER_GROUPS, atomGroups, wantsParseText } from '../../src/scan/prefilter.js';

const naive = (groups: { atoms: string[] }[], text: string): number => {
  const lower = text.replace(/[A-Z]/g, (c) => c.toLowerCase());
  let mask = 0;
  groups.forEach((g, i) => {
    if (g.atoms.some((a) => lower.includes(a.toLowerCase()))) mask |= 1 << i;
  });
  return mask;
};

test('the automaton finds exactly the groups whose atoms occur (case-insensitively), overlapping atoms included', () => {
  const groups = [{ atoms: ['he', 'she', 'his', 'hers'] }, { atoms: ['ers'] }, { atoms: ['x509', 'CLIENT_'] }, { atoms: ['usher'] }];
  const m = new AtomMatcher(groups);
  for (const text of ['ushers', 'USHERS', 'ahishers', 'nothing here', 'h', '', 'x50x509', 'ssl_Client_cert', 'hhhhhe', 'shhe', 'usheR']) {
    assert.equal(m.groups(Buffer.from(text)), naive(groups, text), text);
  }
  // Random texts over a small alphabet, so atoms overlap and restart often.
  let seed = 7;
  const rnd = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
  const alphabet = 'hesirHSx5091_cCLIENT ';
  for (let k = 0; k < 2000; k++) {
    let t = '';
    const n = Math.floor(rnd() * 30);
    for (let i = 0; i < n; i++) t += alphabet[Math.floor(rnd() * alphabet.length)];
    assert.equal(m.groups(Buffer.from(t)), naive(groups, t), JSON.stringify(t));
  }
});

test('the trigger matcher on every byte value, on a 3 MB input and on random mixes of its atoms', () => {
  const m = new AtomMatcher(TRIGGER_GROUPS);
  const all = Buffer.alloc(256 * 3);
  for (let i = 0; i < all.length; i++) all[i] = i % 256;
  assert.equal(m.groups(all), naive(TRIGGER_GROUPS, all.toString('latin1')));
  // An atom at the very end of a large input is still seen.
  const big = Buffer.alloc(3 * 1024 * 1024, 0x61);
  big.write('x509', big.length - 4, 'latin1');
  assert.ok(m.groups(big) & (1 << TRIGGER_GROUPS.findIndex((x) => x.name === 'certificate')));
  assert.equal(m.groups(Buffer.alloc(0)), 0);
  let seed = 11;
  const rnd = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
  const words = TRIGGER_GROUPS.flatMap((g) => g.atoms);
  for (let k = 0; k < 500; k++) {
    const parts: string[] = [];
    for (let i = 0; i < 1 + Math.floor(rnd() * 6); i++) parts.push(rnd() < 0.3 ? words[Math.floor(rnd() * words.length)].toUpperCase() : Math.floor(rnd() * 1e9).toString(36));
    const text = parts.join(rnd() < 0.5 ? ' ' : '');
    assert.equal(m.groups(Buffer.from(text)), naive(TRIGGER_GROUPS, text), text);
  }
});

test('every trigger group: the exact pattern implies one of its atoms (stage 1 never hides a match)', () => {
  const samples: Record<string, string[]> = {
    'settings-module': ["os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'proj.settings')", 'os.environ["DJANGO_SETTINGS_MODULE"] = "p.s"', "env={'DJANGO_SETTINGS_MODULE': 'p.s'}", "raw_env = ['DJANGO_SETTINGS_MODULE=proj.settings.prod']"],
    certificate: [
      "request.META['HTTP_X_SSL_CLIENT_CERT']",
      'SSL_CLIENT_S_DN',
      'x-forwarded-client-cert',
      'X-Client-Cert',
      'Ssl-Client',
      'REMOTE_USER',
      'RemoteUserBackend',
      'x509.load_pem_x509_certificate(b)',
      'crypto.load_certificate(t, b)',
    ],
    'auth-surface': [
      "request.session['_auth_user_id'] = 1",
      '@ratelimit(key="ip")',
      'throttle_classes = []',
      '@csrf_exempt',
      "method_decorator(csrf_exempt, name='dispatch')",
      'permission_classes = [AllowAny]',
      'authentication_classes = ()',
      'class T(PasswordResetTokenGenerator):',
      '    def make_token(self, u):',
      'def make_reset_token(user):',
      'def generate_password_reset_token():',
      '    def authenticate(self, request):',
    ],
    'session-identity': ["request.session['user_id'] = u.pk", 'self.request.session["cert_user"] = n'],
    'request-certificate-attribute': ['request.certificate_subject = cn', 'request.client_cert', 'REQUEST.SSL'],
    'certificate-header': ["request.headers.get('X-SSL-Client-Verify')", 'ssl_dn', 'SSL-S-DN', 'client_cn', 'X-Forwarded-Tls-Client-Cert', 'remote-user', 'MTLS'],
  };
  assert.deepEqual(Object.keys(samples).sort(), TRIGGER_GROUPS.map((g) => g.name).sort(), 'a sample list per group');
  TRIGGER_GROUPS.forEach((g, i) => {
    for (const s of samples[g.name]) {
      assert.ok(g.exact.test(s), `${g.name}: exact matches ${s}`);
      assert.ok(atomGroups(Buffer.from(`x = 1\n${s}\n`)) & (1 << i), `${g.name}: an atom of ${s}`);
      assert.equal(wantsParseText('app/mod.py', `x = 1\n${s}\n`), true, s);
    }
  });
});

test('framework code that only names the words is not parsed; entry points and settings always are', () => {
  const notWanted = [
    "ENVIRONMENT_VARIABLE = 'DJANGO_SETTINGS_MODULE'",
    "if os.environ.get('DJANGO_SETTINGS_MODULE'):",
    "os.environ['DJANGO_SETTINGS_MODULE'] = options.settings",
    '"""\nDjango uses the settings module pointed to by DJANGO_SETTINGS_MODULE.\n"""',
    'def csrf_exempt(view_func):\n    wrapped_view.csrf_exempt = True',
    "if getattr(callback, 'csrf_exempt', False):",
    'class LoginView(FormView):',
    '        urlpatterns = [path("login/", LoginView.as_view())]',
    '    def cycle_key(self):',
    "SESSION_KEY = '_auth_user_id'",
    "raise ImproperlyConfigured('settings.AUTHENTICATION_BACKENDS == x')",
    "INTERNAL_RESET_SESSION_TOKEN = '_password_reset_token'",
    'from django.test import Client\nclient = Client()\nclient.get("/")',
    'request.method == "POST"',
  ];
  for (const s of notWanted) assert.equal(wantsParseText('django/conf/mod.py', `${s}\n`), false, s);
  for (const p of ['proj/settings.py', 'proj/settings/base.py']) {
    assert.equal(wantsParseText(p, 'x = 1\n'), true, p);
  }
  // URLconfs are loaded on demand (ROOT_URLCONF, include(), the fallback in urls/resolve.ts).
  assert.equal(wantsParseText('app/urls.py', "urlpatterns = [path('a/', views.a)]\n"), false);
  // Entry points when they name the settings module (even computed: `isDjangoProject` counts them).
  for (const p of ['manage.py', 'proj/wsgi.py', 'proj/asgi.py']) {
    assert.equal(wantsParseText(p, "import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', name)\n"), true, p);
    assert.equal(wantsParseText(p, 'from django.core.handlers.base import BaseHandler\nclass WSGIHandler(BaseHandler):\n    pass\n'), false, p);
  }
});

test('the matcher sees an atom wherever it sits in the input', () => {
  const atom = 'session_expire_at_browser_close'; // the longest trigger atom
  const groups = [{ atoms: [atom] }, { atoms: ['zz_never_zz'] }];
  const m = new AtomMatcher(groups);
  for (const len of [atom.length, 511, 512, 515, 1000]) {
    for (let at = 0; at + atom.length <= len; at++) {
      const buf = Buffer.alloc(len, 0x20);
      buf.write(atom.toUpperCase(), at, 'latin1');
      assert.equal(m.groups(buf), 1, `length ${len}, atom at ${at}`);
    }
    assert.equal(m.groups(Buffer.alloc(len, 0x20)), 0, `length ${len}, no atom`);
  }
});
