// The edits `fix --write` makes in the project, on small Django trees: settings in their own style
// (list or tuple, trailing comma or not, single line, comments kept, split settings, settings
// that are not literals), each shape of certificate read rewritten, and the results checked by
// Python itself (the settings evaluate to the expected lists; the code compiles; the scan finds no
// code finding).

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PYTHON, pythonEnv } from '../lab/harness.js';
import { writeTree } from '../helpers/rule-tester.js';
import { runScan } from '../../src/scan/engine.js';
import { cli } from './helpers.js';

const MW = 'mtls_audit_django.middleware.ClientCertificateMiddleware';
const BE = 'mtls_audit_django.backends.ClientCertificateBackend';

const MANAGE = `
  import os, sys
  if __name__ == '__main__':
      os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'proj.settings')
      from django.core.management import execute_from_command_line
      execute_from_command_line(sys.argv)
`;

/** The settings module as Python sees it. */
function settingsOf(dir: string, module = 'proj.settings'): Record<string, unknown> {
  const r = spawnSync(PYTHON, ['-c', `import importlib, json; m = importlib.import_module('${module}'); print(json.dumps({k: getattr(m, k) for k in dir(m) if k.isupper()}, default=str))`], {
    cwd: dir,
    env: pythonEnv({}),
    encoding: 'utf8',
  });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

async function fixed(files: Record<string, string>): Promise<string> {
  const dir = writeTree({ 'manage.py': MANAGE, 'proj/__init__.py': '', ...files });
  const r = await cli(['fix', dir, '--write']);
  assert.equal(r.code, 0, r.stderr);
  return dir;
}

describe('fix: settings edits', () => {
  test('multi-line lists keep indentation, quotes, trailing commas and comments', async () => {
    const dir = await fixed({
      'shop/__init__.py': '',
      'proj/settings.py': `
        SECRET_KEY = "k"
        INSTALLED_APPS = [
            "django.contrib.auth",
            "django.contrib.contenttypes",
            "django.contrib.sessions",
            "shop"  # the shop
        ]
        MIDDLEWARE = [
            "django.contrib.sessions.middleware.SessionMiddleware",
            "django.contrib.auth.middleware.AuthenticationMiddleware",  # auth
            "shop.middleware.Cart",
        ]
      `,
    });
    try {
      const text = readFileSync(join(dir, 'proj/settings.py'), 'utf8');
      assert.ok(text.includes(`    "shop",  # the shop\n    "mtls_audit_django"\n]`), text);
      assert.ok(text.includes(`    "django.contrib.auth.middleware.AuthenticationMiddleware",  # auth\n    "${MW}",\n    "shop.middleware.Cart",\n]`), text);
      const s = settingsOf(dir);
      assert.deepEqual(s.INSTALLED_APPS, ['django.contrib.auth', 'django.contrib.contenttypes', 'django.contrib.sessions', 'shop', 'mtls_audit_django']);
      assert.deepEqual(s.MIDDLEWARE, ['django.contrib.sessions.middleware.SessionMiddleware', 'django.contrib.auth.middleware.AuthenticationMiddleware', MW, 'shop.middleware.Cart']);
      assert.deepEqual(s.AUTHENTICATION_BACKENDS, [BE, 'django.contrib.auth.backends.ModelBackend']);
      assert.equal(s.MTLS_CERT_HEADER, 'HTTP_X_SSL_CLIENT_CERT');
      assert.equal(s.MTLS_PROXY_SECRET_FILE, join(dir, 'deploy', 'mtls-audit', 'proxy-secret'));
      const check = spawnSync(PYTHON, ['manage.py', 'check'], { cwd: dir, env: pythonEnv({}), encoding: 'utf8' });
      assert.equal(check.status, 0, check.stderr);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('tuples and single-line lists; missing apps and middleware added; backends put first', async () => {
    const dir = await fixed({
      'proj/settings.py': `
        SECRET_KEY = 'k'
        INSTALLED_APPS = ('django.contrib.contenttypes', 'shop')
        MIDDLEWARE = ('django.middleware.common.CommonMiddleware',)
        AUTHENTICATION_BACKENDS = ['django.contrib.auth.backends.ModelBackend']
      `,
    });
    try {
      const s = settingsOf(dir);
      assert.deepEqual(s.INSTALLED_APPS, ['django.contrib.contenttypes', 'shop', 'django.contrib.auth', 'django.contrib.sessions', 'mtls_audit_django']);
      assert.deepEqual(s.MIDDLEWARE, ['django.middleware.common.CommonMiddleware', 'django.contrib.sessions.middleware.SessionMiddleware', 'django.contrib.auth.middleware.AuthenticationMiddleware', MW]);
      assert.deepEqual(s.AUTHENTICATION_BACKENDS, [BE, 'django.contrib.auth.backends.ModelBackend']);
      const text = readFileSync(join(dir, 'proj/settings.py'), 'utf8');
      assert.ok(text.includes(`INSTALLED_APPS = ('django.contrib.contenttypes', 'shop', 'django.contrib.auth', 'django.contrib.sessions', 'mtls_audit_django')`), text);
      assert.ok(text.includes(`AUTHENTICATION_BACKENDS = ['${BE}', 'django.contrib.auth.backends.ModelBackend']`), text);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('split settings: lists edited where they are written, MTLS_* in the module Django loads', async () => {
    const dir = await fixed({
      'manage.py': MANAGE.replace('proj.settings', 'proj.settings.prod'),
      'proj/settings/__init__.py': '',
      'proj/settings/base.py': `
        SECRET_KEY = 'k'
        INSTALLED_APPS = [
            'django.contrib.auth',
            'django.contrib.contenttypes',
            'django.contrib.sessions',
        ]
        MIDDLEWARE = [
            'django.contrib.sessions.middleware.SessionMiddleware',
            'django.contrib.auth.middleware.AuthenticationMiddleware',
        ]
      `,
      'proj/settings/prod.py': `
        from .base import *  # noqa
        DEBUG = False
      `,
    });
    try {
      const base = readFileSync(join(dir, 'proj/settings/base.py'), 'utf8');
      const prod = readFileSync(join(dir, 'proj/settings/prod.py'), 'utf8');
      assert.match(base, /'mtls_audit_django',\n\]/);
      assert.doesNotMatch(base, /MTLS_/);
      assert.match(prod, /^MTLS_CERT_SOURCE = 'header'$/m);
      const s = settingsOf(dir, 'proj.settings.prod');
      assert.ok((s.INSTALLED_APPS as string[]).includes('mtls_audit_django'));
      assert.equal(s.MTLS_PROXY_SECRET_FILE, join(dir, 'deploy', 'mtls-audit', 'proxy-secret'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('settings that are not one literal get statements in the block; a literal with later conditional additions is edited in place', async () => {
    const dir = await fixed({
      'proj/settings.py': `
        import os
        SECRET_KEY = 'k'
        BASE_APPS = ['django.contrib.auth', 'django.contrib.contenttypes', 'django.contrib.sessions']
        INSTALLED_APPS = BASE_APPS + ['shop']
        MIDDLEWARE = ['django.contrib.sessions.middleware.SessionMiddleware', 'django.contrib.auth.middleware.AuthenticationMiddleware']
        if os.environ.get('EXTRA'):
            MIDDLEWARE += ['extra.Middleware']
      `,
    });
    try {
      const text = readFileSync(join(dir, 'proj/settings.py'), 'utf8');
      assert.match(text, /^INSTALLED_APPS = \[\*INSTALLED_APPS, 'mtls_audit_django'\]$/m);
      // The literal written once is edited in place; the conditional addition still comes after it.
      assert.match(text, /^MIDDLEWARE = \['django\.contrib\.sessions\.middleware\.SessionMiddleware', 'django\.contrib\.auth\.middleware\.AuthenticationMiddleware', '[^']+ClientCertificateMiddleware'\]$/m);
      const s = settingsOf(dir);
      assert.deepEqual(s.INSTALLED_APPS, ['django.contrib.auth', 'django.contrib.contenttypes', 'django.contrib.sessions', 'shop', 'mtls_audit_django']);
      assert.deepEqual((s.MIDDLEWARE as string[]).slice(-1), [MW]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('CRLF files stay CRLF; offsets hold after non-ASCII text (tree-sitter positions)', async () => {
    const dir = writeTree({ 'manage.py': MANAGE, 'proj/__init__.py': '' });
    try {
      const src = [
        '# Réglages — café ☕ 𝔘nicode',
        'SECRET_KEY = "k"',
        'INSTALLED_APPS = [',
        '    "django.contrib.auth",  # é',
        '    "django.contrib.contenttypes",',
        '    "django.contrib.sessions",',
        ']',
        'MIDDLEWARE = ["django.contrib.sessions.middleware.SessionMiddleware", "django.contrib.auth.middleware.AuthenticationMiddleware"]',
        '',
      ].join('\r\n');
      writeFileSync(join(dir, 'proj/settings.py'), src);
      const r = await cli(['fix', dir, '--write']);
      assert.equal(r.code, 0, r.stderr);
      const text = readFileSync(join(dir, 'proj/settings.py'), 'utf8');
      assert.doesNotMatch(text, /[^\r]\n/, 'every line ends in CRLF');
      assert.ok(text.includes('    "django.contrib.sessions",\r\n    "mtls_audit_django",\r\n]\r\n'), text);
      assert.ok(text.includes(`"django.contrib.auth.middleware.AuthenticationMiddleware", "${MW}"]\r\n`), text);
      const s = settingsOf(dir);
      assert.deepEqual((s.MIDDLEWARE as string[]).slice(-1), [MW]);
      assert.equal((await cli(['fix', dir, '--write'])).stdout, 'mtls-audit fix: nothing to change (already applied)\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('fix: certificate reads rewritten', () => {
  test('META/headers/environ, .get with and without a default, subscripts, self.request; the import added once', async () => {
    const dir = await fixed({
      'proj/settings.py': `
        SECRET_KEY = 'k'
        ROOT_URLCONF = 'proj.urls'
        INSTALLED_APPS = ['django.contrib.auth', 'django.contrib.contenttypes', 'django.contrib.sessions', 'proj']
        MIDDLEWARE = ['django.contrib.sessions.middleware.SessionMiddleware', 'django.contrib.auth.middleware.AuthenticationMiddleware']
      `,
      'proj/urls.py': `
        from django.urls import path
        from . import views
        urlpatterns = [path('a/', views.a), path('b/', views.B.as_view())]
      `,
      'proj/views.py': `
        """Views that trust forwarded certificate headers."""
        from django.contrib.auth.models import User
        from django.http import JsonResponse
        from django.views import View


        def a(request):
            dn = request.headers.get("X-SSL-Client-S-DN", "")
            if 'CN=admin' in dn:
                return JsonResponse({'admin': True})
            cn = request.META['HTTP_X_SSL_CLIENT_CN']
            user = User.objects.filter(username=cn).first()
            return JsonResponse({'user': user.username if user else None})


        class B(View):
            def get(self, request):
                pem = request.environ.get('SSL_CLIENT_CERT')
                verify = request.headers['X-SSL-Client-Verify']
                fp = self.request.META['HTTP_X_SSL_CLIENT_FINGERPRINT']
                if pem and verify == 'SUCCESS' and fp:
                    return JsonResponse({'ok': True})
                return JsonResponse({'ok': False}, status=403)
      `,
    });
    try {
      const text = readFileSync(join(dir, 'proj/views.py'), 'utf8');
      assert.ok(
        text.startsWith(
          '"""Views that trust forwarded certificate headers."""\nfrom django.contrib.auth.models import User\nfrom django.http import JsonResponse\nfrom django.views import View\nfrom mtls_audit_django.access import verified_cert_value\n',
        ),
        text,
      );
      assert.equal(text.match(/^from mtls_audit_django\.access import verified_cert_value$/gm)?.length, 1);
      for (const line of [
        `dn = verified_cert_value(request, "HTTP_X_SSL_CLIENT_S_DN", "dn", "")`,
        `cn = verified_cert_value(request, 'HTTP_X_SSL_CLIENT_CN', 'cn')`,
        `pem = verified_cert_value(request, 'SSL_CLIENT_CERT', 'pem')`,
        `verify = verified_cert_value(request, 'HTTP_X_SSL_CLIENT_VERIFY', 'verify')`,
        `fp = verified_cert_value(self.request, 'HTTP_X_SSL_CLIENT_FINGERPRINT', 'fingerprint')`,
      ]) {
        assert.ok(text.includes(line), `${line}\n${text}`);
      }
      const c = spawnSync(PYTHON, ['-m', 'py_compile', join(dir, 'proj/views.py')], { env: pythonEnv({}), encoding: 'utf8' });
      assert.equal(c.status, 0, c.stderr);
      const report = await runScan({ path: dir });
      assert.deepEqual(
        report.findings.filter((f) => f.layer === 'code').map((f) => `${f.ruleId} ${f.location.file}:${f.location.line}`),
        [],
      );
      // The nginx snippet overwrites every header the code read (S-DN, CN, Verify; the environ key is not a header).
      const snippet = readFileSync(join(dir, 'deploy/mtls-audit/nginx/mtls-proxy.conf'), 'utf8');
      assert.match(snippet, /^proxy_set_header X-SSL-Client-S-DN \$ssl_client_s_dn;$/m);
      assert.match(snippet, /^proxy_set_header X-SSL-Client-CN "";$/m);
      assert.match(snippet, /^proxy_set_header X-SSL-Client-Verify \$ssl_client_verify;$/m);
      assert.doesNotMatch(snippet, /SSL-Client-Cert \$ssl_client_escaped_cert;[\s\S]*SSL-Client-Cert/);
      // And a second run plans nothing.
      const again = await cli(['fix', dir]);
      assert.match(again.stdout, /^# nothing to change: the fix is already applied$/m);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
