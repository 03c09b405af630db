// Settings resolution without executing code: module discovery, star-import chains, overrides,
// literal arithmetic, environment defaults, in-place list/dict changes and the sites of values.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { load } from './helpers.js';
import { isUnknown } from '../../src/settings/model.js';

const MANAGE = (mod: string) => `
  import os, sys
  if __name__ == '__main__':
      os.environ.setdefault('DJANGO_SETTINGS_MODULE', '${mod}')
`;

test('follows `from .base import *` and later overrides, with sites per file', async () => {
  const { settings } = await load({
    'manage.py': MANAGE('proj.settings.production'),
    'proj/__init__.py': '',
    'proj/settings/__init__.py': '',
    'proj/settings/base.py': `
      DEBUG = True
      SESSION_COOKIE_AGE = 60 * 60 * 24 * 30
      INSTALLED_APPS = [
          'django.contrib.auth',
          'django.contrib.sessions',
      ]
      SECRET_KEY = 'x'
    `,
    'proj/settings/production.py': `
      from .base import *
      DEBUG = False
      SESSION_COOKIE_AGE = 8 * 3600
    `,
  });
  assert.equal(settings.profiles.length, 1);
  const p = settings.profiles[0];
  assert.equal(p.module, 'proj.settings.production');
  assert.deepEqual(p.files, ['proj/settings/production.py', 'proj/settings/base.py']);
  assert.equal(p.opaque, false);
  assert.equal(settings.get('DEBUG')?.value, false);
  const age = settings.get('SESSION_COOKIE_AGE')!;
  assert.equal(age.value, 28800);
  assert.equal(age.site.file, 'proj/settings/production.py');
  assert.equal(age.site.line, 3);
  assert.deepEqual(
    age.writes.map((w) => `${w.file}:${w.line}`),
    ['proj/settings/base.py:2', 'proj/settings/production.py:3'],
  );
  const apps = settings.get('INSTALLED_APPS')!;
  assert.deepEqual(apps.value, ['django.contrib.auth', 'django.contrib.sessions']);
  assert.deepEqual(
    apps.elements!.map((e) => `${e.site.file}:${e.site.line}:${e.site.column}`),
    ['proj/settings/base.py:4:5', 'proj/settings/base.py:5:5'],
  );
  assert.ok(settings.names().includes('SECRET_KEY'));
});

test('literal arithmetic, names of earlier settings, strings, tuples, dicts, booleans, None', async () => {
  const { settings } = await load({
    'settings.py': `
      ONE_DAY = 60 * 60 * 24
      SESSION_COOKIE_AGE = ONE_DAY * 30
      PASSWORD_RESET_TIMEOUT = ONE_DAY // 2 + 2 ** 3 - (10 % 3)
      NEG = -5
      PREFIX = 'pro' 'ject'
      NAME = PREFIX + '-' + "x"
      ALLOWED_HOSTS = ('a', 'b')
      DATABASES = {'default': {'ENGINE': 'django.db.backends.sqlite3', 'PORT': 5432}}
      SECURE = True
      NOTHING = None
      HEX = 0x10
      FLOAT = 1.5e3
      INSTALLED_APPS = []
    `,
  });
  assert.equal(settings.get('SESSION_COOKIE_AGE')?.value, 2592000);
  assert.equal(settings.get('PASSWORD_RESET_TIMEOUT')?.value, 43200 + 8 - 1);
  assert.equal(settings.get('NEG')?.value, -5);
  assert.equal(settings.get('NAME')?.value, 'project-x');
  assert.deepEqual(settings.get('ALLOWED_HOSTS')?.value, ['a', 'b']);
  assert.deepEqual(settings.get('DATABASES')?.value, { default: { ENGINE: 'django.db.backends.sqlite3', PORT: 5432 } });
  assert.equal(settings.get('SECURE')?.value, true);
  assert.equal(settings.get('NOTHING')?.value, null);
  assert.equal(settings.get('HEX')?.value, 16);
  assert.equal(settings.get('FLOAT')?.value, 1500);
  assert.equal(settings.profiles[0].sources[0].kind, 'heuristic');
});

test('environment reads: os.environ.get / os.getenv defaults, os.environ[...] unknown, all marked envDependent', async () => {
  const { settings } = await load({
    'settings.py': `
      import os
      from os import getenv, environ
      INSTALLED_APPS = []
      SESSION_COOKIE_AGE = int(os.environ.get('SESSION_AGE', '1209600'))
      PASSWORD_RESET_TIMEOUT = int(getenv('RESET', 3600 * 2))
      DEBUG = os.environ.get('DEBUG', 'false').lower() == 'true'
      SECRET_KEY = os.environ['SECRET_KEY']
      HOST = environ.get('HOST')
      PLAIN = 3
    `,
  });
  const age = settings.get('SESSION_COOKIE_AGE')!;
  assert.equal(age.value, 1209600);
  assert.equal(age.envDependent, true);
  assert.equal(age.env, 'SESSION_AGE');
  assert.equal(settings.get('PASSWORD_RESET_TIMEOUT')?.value, 7200);
  assert.equal(settings.get('PASSWORD_RESET_TIMEOUT')?.env, 'RESET');
  const secret = settings.get('SECRET_KEY')!;
  assert.ok(isUnknown(secret.value));
  assert.equal(secret.envDependent, true);
  assert.equal(settings.get('HOST')?.value, null);
  assert.equal(settings.get('HOST')?.envDependent, true);
  assert.equal(settings.get('PLAIN')?.envDependent, false);
  // `.lower()` on a default is not evaluated: unknown rather than wrong.
  assert.ok(isUnknown(settings.get('DEBUG')!.value));
});

test('django-environ: env(), env.int/bool/list with defaults, Env(...) schemes, required variables', async () => {
  const { settings } = await load({
    'config/settings.py': `
      import environ
      env = environ.Env(DEBUG=(bool, False), MAX_AGE=(int, 600))
      environ.Env.read_env()
      DEBUG = env('DEBUG')
      SESSION_COOKIE_AGE = env.int('SESSION_COOKIE_AGE', default=60 * 60 * 24 * 14)
      MAX = env('MAX_AGE')
      SECURE = env.bool('SECURE', default='yes')
      HOSTS = env.list('HOSTS', default=['a.example'])
      PARSED = env.int('PARSED', default='3600')
      CALL_DEFAULT = env('CALL', default=5)
      SECRET_KEY = env('SECRET_KEY')
      INSTALLED_APPS = ['django.contrib.auth']
    `,
  });
  assert.equal(settings.get('DEBUG')?.value, false);
  assert.equal(settings.get('DEBUG')?.envDependent, true);
  assert.equal(settings.get('SESSION_COOKIE_AGE')?.value, 1209600);
  assert.equal(settings.get('SESSION_COOKIE_AGE')?.env, 'SESSION_COOKIE_AGE');
  assert.equal(settings.get('MAX')?.value, 600);
  assert.equal(settings.get('SECURE')?.value, true);
  assert.deepEqual(settings.get('HOSTS')?.value, ['a.example']);
  assert.equal(settings.get('PARSED')?.value, 3600);
  assert.equal(settings.get('CALL_DEFAULT')?.value, 5);
  assert.ok(isUnknown(settings.get('SECRET_KEY')!.value));
  assert.ok(!settings.names().includes('env'));
});

test('python-decouple config() defaults with casts', async () => {
  const { settings } = await load({
    'settings.py': `
      from decouple import config, Csv
      INSTALLED_APPS = []
      SESSION_COOKIE_AGE = config('AGE', default='7200', cast=int)
      DEBUG = config('DEBUG', default=False, cast=bool)
      ALLOWED_HOSTS = config('HOSTS', default='a,b', cast=Csv())
    `,
  });
  assert.equal(settings.get('SESSION_COOKIE_AGE')?.value, 7200);
  assert.equal(settings.get('SESSION_COOKIE_AGE')?.envDependent, true);
  assert.equal(settings.get('DEBUG')?.value, false);
  assert.deepEqual(settings.get('ALLOWED_HOSTS')?.value, ['a', 'b']);
});

test('lists changed with +=, append, insert, extend, remove, + and item assignment; each element keeps its site', async () => {
  const { settings } = await load({
    'manage.py': MANAGE('proj.settings.prod'),
    'proj/settings/__init__.py': '',
    'proj/settings/base.py': `
      INSTALLED_APPS = ['django.contrib.auth']
      MIDDLEWARE = ['django.middleware.security.SecurityMiddleware']
      REST_FRAMEWORK = {'DEFAULT_THROTTLE_CLASSES': []}
      TEMPLATES = [{'OPTIONS': {'context_processors': []}}]
    `,
    'proj/settings/prod.py': `
      from .base import *
      INSTALLED_APPS += ['axes']
      INSTALLED_APPS.append('django.contrib.admin')
      MIDDLEWARE.insert(0, 'first.Middleware')
      MIDDLEWARE.extend(['a.B', 'c.D'])
      MIDDLEWARE.remove('c.D')
      MIDDLEWARE = MIDDLEWARE + ['last.Middleware']
      REST_FRAMEWORK['DEFAULT_THROTTLE_CLASSES'].append('rest_framework.throttling.AnonRateThrottle')
      REST_FRAMEWORK['DEFAULT_THROTTLE_RATES'] = {'anon': '10/min'}
      REST_FRAMEWORK.update({'PAGE_SIZE': 10})
      TEMPLATES[0]['OPTIONS']['context_processors'] += ['x.y']
    `,
  });
  const apps = settings.get('INSTALLED_APPS')!;
  assert.deepEqual(apps.value, ['django.contrib.auth', 'axes', 'django.contrib.admin']);
  assert.deepEqual(
    apps.elements!.map((e) => `${e.site.file}:${e.site.line}`),
    ['proj/settings/base.py:1', 'proj/settings/prod.py:2', 'proj/settings/prod.py:3'],
  );
  assert.deepEqual(settings.get('MIDDLEWARE')?.value, ['first.Middleware', 'django.middleware.security.SecurityMiddleware', 'a.B', 'last.Middleware']);
  assert.deepEqual(settings.get('REST_FRAMEWORK')?.value, {
    DEFAULT_THROTTLE_CLASSES: ['rest_framework.throttling.AnonRateThrottle'],
    DEFAULT_THROTTLE_RATES: { anon: '10/min' },
    PAGE_SIZE: 10,
  });
  assert.deepEqual(settings.get('TEMPLATES')?.value, [{ OPTIONS: { context_processors: ['x.y'] } }]);
  assert.equal(settings.get('MIDDLEWARE')?.site.line, 7);
});

test('conditions decided on known values and environment defaults; unknown conditions merge both ways', async () => {
  const { settings } = await load({
    'settings.py': `
      import os, sys
      INSTALLED_APPS = []
      DEBUG = os.environ.get('DEBUG', '') == '1'
      if DEBUG:
          SESSION_COOKIE_AGE = 10
      else:
          SESSION_COOKIE_AGE = 3600
      if 'test' in sys.argv:
          PASSWORD_RESET_TIMEOUT = 1
      else:
          PASSWORD_RESET_TIMEOUT = 2
      SAME = 5 if 'x' in sys.argv else 5
      MODE = 'a' if DEBUG else 'b'
    `,
  });
  const age = settings.get('SESSION_COOKIE_AGE')!;
  assert.equal(age.value, 3600);
  assert.equal(age.envDependent, true, 'chosen by an environment-dependent condition');
  assert.equal(age.conditional, false);
  const reset = settings.get('PASSWORD_RESET_TIMEOUT')!;
  assert.equal(reset.conditional, true);
  assert.deepEqual(
    reset.writes.map((w) => w.line).sort((a, b) => a - b),
    [9, 11],
  );
  assert.equal(settings.get('SAME')?.value, 5);
  assert.equal(settings.get('MODE')?.value, 'b');
});

test('try/except ImportError: a missing local module runs the handler; a present one overrides', async () => {
  const { settings: missing } = await load({
    'proj/settings.py': `
      INSTALLED_APPS = []
      SESSION_COOKIE_AGE = 100
      try:
          from .local_settings import *
      except ImportError:
          LOCAL = False
    `,
  });
  assert.equal(missing.get('LOCAL')?.value, false);
  assert.equal(missing.profiles[0].opaque, false);
  const { settings: present } = await load({
    'proj/settings.py': `
      INSTALLED_APPS = []
      SESSION_COOKIE_AGE = 100
      try:
          from .local_settings import *
      except ImportError:
          LOCAL = False
    `,
    'proj/local_settings.py': 'SESSION_COOKIE_AGE = 200\n',
  });
  assert.equal(present.get('SESSION_COOKIE_AGE')?.value, 200);
  assert.equal(present.get('LOCAL'), undefined);
});

test('opaque: a star import from outside the tree or exec() means any setting may be set elsewhere', async () => {
  const { settings } = await load({
    'settings.py': `
      from company_defaults.django import *
      INSTALLED_APPS = ['django.contrib.auth']
      MIDDLEWARE = []
    `,
  });
  assert.equal(settings.profiles[0].opaque, true);
  assert.match(settings.profiles[0].opaqueReasons[0], /company_defaults/);
});

test('loops make the settings they change unknown', async () => {
  const { settings } = await load({
    'settings.py': `
      INSTALLED_APPS = ['a']
      MIDDLEWARE = []
      for app in ['b', 'c']:
          INSTALLED_APPS.append(app)
    `,
  });
  assert.ok(isUnknown(settings.get('INSTALLED_APPS')!.value));
});

test('timedelta(...).total_seconds() evaluates; bare timedelta is unknown', async () => {
  const { settings } = await load({
    'settings.py': `
      from datetime import timedelta
      INSTALLED_APPS = []
      MIDDLEWARE = []
      SESSION_COOKIE_AGE = int(timedelta(days=2, hours=1).total_seconds())
      LIFETIME = timedelta(minutes=5)
    `,
  });
  assert.equal(settings.get('SESSION_COOKIE_AGE')?.value, 2 * 86400 + 3600);
  assert.ok(isUnknown(settings.get('LIFETIME')!.value));
});

test('django-split-settings include() runs component files in one namespace, globs sorted', async () => {
  const { settings } = await load({
    'manage.py': MANAGE('server.settings'),
    'server/settings/__init__.py': `
      from split_settings.tools import include, optional
      include('components/*.py', optional('local.py'))
    `,
    'server/settings/components/a_base.py': `
      INSTALLED_APPS = ['django.contrib.auth']
      SESSION_COOKIE_AGE = 50
    `,
    'server/settings/components/b_security.py': `
      INSTALLED_APPS += ['axes']
      SESSION_COOKIE_AGE = SESSION_COOKIE_AGE * 2
    `,
  });
  assert.deepEqual(settings.get('INSTALLED_APPS')?.value, ['django.contrib.auth', 'axes']);
  assert.equal(settings.get('SESSION_COOKIE_AGE')?.value, 100);
  assert.equal(settings.profiles[0].opaque, false);
  assert.ok(settings.files.includes('server/settings/components/b_security.py'));
});

test('DJANGO_SETTINGS_MODULE: wsgi.py and deployment files win over manage.py; tests and CI configs are ignored', async () => {
  const { settings } = await load({
    'manage.py': MANAGE('config.settings.local'),
    'config/__init__.py': '',
    'config/wsgi.py': `
      import os
      os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")
    `,
    'config/settings/__init__.py': '',
    'config/settings/base.py': 'INSTALLED_APPS = []\nMIDDLEWARE = []\n',
    'config/settings/local.py': 'from .base import *\nDEBUG = True\n',
    'config/settings/production.py': 'from .base import *\nDEBUG = False\n',
    'config/settings/test.py': 'from .base import *\n',
    'pytest.ini': '[pytest]\nDJANGO_SETTINGS_MODULE = config.settings.test\n',
  });
  assert.deepEqual(
    settings.profiles.map((p) => p.module),
    ['config.settings.production'],
  );
  assert.equal(settings.profiles[0].sources[0].kind, 'wsgi');
  assert.equal(settings.get('DEBUG')?.value, false);
});

test('DJANGO_SETTINGS_MODULE from a Dockerfile ENV, an env file, Compose and a Kubernetes env list', async () => {
  const tree = (extra: Record<string, string>) => ({
    'manage.py': MANAGE('site_cfg.settings.dev'),
    'site_cfg/settings/__init__.py': '',
    'site_cfg/settings/base.py': 'INSTALLED_APPS = []\nMIDDLEWARE = []\n',
    'site_cfg/settings/dev.py': 'from .base import *\nNAME = "dev"\n',
    'site_cfg/settings/prod.py': 'from .base import *\nNAME = "prod"\n',
    ...extra,
  });
  for (const [file, text] of [
    ['Dockerfile', 'FROM python:3.12\nENV DJANGO_SETTINGS_MODULE site_cfg.settings.prod\nCMD gunicorn site_cfg.wsgi\n'],
    ['.env', '# DJANGO_SETTINGS_MODULE=site_cfg.settings.dev\nDJANGO_SETTINGS_MODULE=site_cfg.settings.prod\n'],
    ['docker-compose.yml', 'services:\n  web:\n    environment:\n      DJANGO_SETTINGS_MODULE: "site_cfg.settings.prod"\n'],
    ['k8s/deployment.yaml', 'spec:\n  containers:\n    - env:\n        - name: DJANGO_SETTINGS_MODULE\n          value: site_cfg.settings.prod\n'],
    ['gunicorn.conf.py', "bind = 'unix:/run/app.sock'\nraw_env = ['DJANGO_SETTINGS_MODULE=site_cfg.settings.prod']\n"],
  ] as const) {
    const { settings } = await load(tree({ [file]: text }));
    assert.deepEqual(
      settings.profiles.map((p) => `${p.module}@${p.sources[0].file}:${p.sources[0].line}`),
      [`site_cfg.settings.prod@${file}:${{ 'k8s/deployment.yaml': 4, 'docker-compose.yml': 4 }[file as string] ?? 2}`],
      file,
    );
    assert.equal(settings.get('NAME')?.value, 'prod', file);
  }
});

test('no module named anywhere: settings leaves that assign Django settings; production preferred', async () => {
  const { settings } = await load({
    'proj/settings/__init__.py': '',
    'proj/settings/base.py': "INSTALLED_APPS = []\nMIDDLEWARE = []\nSECRET_KEY = 'x'\n",
    'proj/settings/dev.py': 'from .base import *\nDEBUG = True\n',
    'proj/settings/production.py': 'from .base import *\nDEBUG = False\n',
    'proj/settings/helpers.py': 'def x():\n    return 1\n',
  });
  assert.deepEqual(
    settings.profiles.map((p) => p.module),
    ['proj.settings.production'],
  );
});

test('not a Django project: no profiles, and bad input does not crash', async () => {
  const { settings } = await load({
    'lib/util.py': 'X = 1\n',
    'settings.py': 'this is ( not python\n',
  });
  assert.equal(settings.profiles.length, 0);
  const { settings: s2 } = await load({
    'settings.py': `
      INSTALLED_APPS = [x for x in range(3)]
      MIDDLEWARE = [*UNKNOWN, 'a']
      D = {k: 1 for k in 'ab'}
      E = {**UNKNOWN}
      A = B = 7
      X, Y = 1, 2
      Z = 1 / 0
      W = 'a' * 3
      L = [1] * 2
      BIG = 10 ** 400
      del X
      C = undefined_function()
    `,
  });
  assert.ok(isUnknown(s2.get('INSTALLED_APPS')!.value));
  assert.ok(isUnknown(s2.get('MIDDLEWARE')!.value));
  assert.equal(s2.get('A')?.value, 7);
  assert.equal(s2.get('B')?.value, 7);
  assert.equal(s2.get('X'), undefined);
  assert.equal(s2.get('Y')?.value, 2);
  assert.ok(isUnknown(s2.get('Z')!.value));
  assert.equal(s2.get('W')?.value, 'aaa');
  assert.deepEqual(s2.get('L')?.value, [1, 1]);
  assert.ok(isUnknown(s2.get('BIG')!.value));
  assert.ok(isUnknown(s2.get('C')!.value));
});

test('import cycles between settings modules terminate', async () => {
  const { settings } = await load({
    'manage.py': MANAGE('proj.settings.a'),
    'proj/settings/__init__.py': '',
    'proj/settings/a.py': 'from .b import *\nINSTALLED_APPS = []\nA = 1\n',
    'proj/settings/b.py': 'from .a import *\nMIDDLEWARE = []\nB = 2\n',
  });
  assert.equal(settings.get('A')?.value, 1);
  assert.equal(settings.get('B')?.value, 2);
});

test('a settings module with any name is found through DJANGO_SETTINGS_MODULE (loaded on demand, whatever the pre-filter kept); a module that merely assigns setting names is not settings', async () => {
  const { settings } = await load({
    'manage.py': MANAGE('config.prod'),
    'config/__init__.py': '',
    'config/common.py': `
      SESSION_COOKIE_AGE = 3600
      MIDDLEWARE = ['django.contrib.sessions.middleware.SessionMiddleware']
    `,
    'config/prod.py': `
      from .common import *
      SESSION_COOKIE_AGE = 90 * 24 * 3600
    `,
    'docs/example_conf.py': `
      MIDDLEWARE = []
      INSTALLED_APPS = ['only.an.example']
    `,
  });
  assert.equal(settings.profiles.length, 1);
  const p = settings.profiles[0];
  assert.equal(p.module, 'config.prod');
  assert.deepEqual(p.files, ['config/prod.py', 'config/common.py']);
  assert.equal(settings.get('SESSION_COOKIE_AGE')?.value, 90 * 24 * 3600);
  assert.deepEqual(settings.get('MIDDLEWARE')?.value, ['django.contrib.sessions.middleware.SessionMiddleware']);
});
