import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ruleTester, scanFiles, writeTree } from '../../helpers/rule-tester.js';
import { runScan } from '../../../src/scan/engine.js';
import { rmSync } from 'node:fs';

const V = 'django.contrib.auth.password_validation';

ruleTester.run('password-validators-weak', {
  valid: [
    {
      name: "Django's four validators with min_length 12",
      files: {
        'proj/settings.py': `
          INSTALLED_APPS = ['django.contrib.auth']
          MIDDLEWARE = []
          AUTH_PASSWORD_VALIDATORS = [
              {'NAME': '${V}.UserAttributeSimilarityValidator'},
              {'NAME': '${V}.MinimumLengthValidator', 'OPTIONS': {'min_length': 12}},
              {'NAME': '${V}.CommonPasswordValidator'},
              {'NAME': '${V}.NumericPasswordValidator'},
          ]
        `,
      },
    },
    {
      name: 'min_length from an environment default of 14',
      files: {
        'proj/settings.py': `
          import environ
          env = environ.Env()
          INSTALLED_APPS = ['django.contrib.auth']
          MIDDLEWARE = []
          AUTH_PASSWORD_VALIDATORS = [{'NAME': '${V}.MinimumLengthValidator', 'OPTIONS': {'min_length': env.int('MIN_PASSWORD', default=14)}}]
        `,
      },
    },
    {
      name: 'the strongest of two length validators counts',
      files: {
        'proj/settings.py': `
          INSTALLED_APPS = ['django.contrib.auth']
          MIDDLEWARE = []
          AUTH_PASSWORD_VALIDATORS = [
              {'NAME': '${V}.MinimumLengthValidator'},
              {'NAME': '${V}.MinimumLengthValidator', 'OPTIONS': {'min_length': 16}},
          ]
        `,
      },
    },
    {
      name: 'a project validator may enforce length itself',
      files: {
        'proj/settings.py': `
          INSTALLED_APPS = ['django.contrib.auth']
          MIDDLEWARE = []
          AUTH_PASSWORD_VALIDATORS = [{'NAME': 'proj.validators.PassphraseValidator'}, {'NAME': '${V}.CommonPasswordValidator'}]
        `,
      },
    },
    {
      name: 'no django.contrib.auth: no passwords to validate',
      files: { 'proj/settings.py': "INSTALLED_APPS = ['django.contrib.contenttypes']\nMIDDLEWARE = []\n" },
    },
    {
      name: 'missing but a star import from outside the tree may define it',
      files: { 'proj/settings.py': "from company.django_defaults import *\nINSTALLED_APPS = ['django.contrib.auth']\nMIDDLEWARE = []\n" },
    },
    {
      name: 'a validator list the resolver cannot evaluate',
      files: { 'proj/settings.py': "import json, os\nINSTALLED_APPS = ['django.contrib.auth']\nMIDDLEWARE = []\nAUTH_PASSWORD_VALIDATORS = json.loads(os.environ['VALIDATORS'])\n" },
    },
    {
      name: 'min_length the resolver cannot evaluate',
      files: { 'proj/settings.py': `INSTALLED_APPS = ['django.contrib.auth']\nMIDDLEWARE = []\nAUTH_PASSWORD_VALIDATORS = [{'NAME': '${V}.MinimumLengthValidator', 'OPTIONS': {'min_length': compute()}}]\n` },
    },
  ],
  invalid: [
    {
      name: 'missing: points at django.contrib.auth in INSTALLED_APPS',
      files: {
        'proj/settings.py': `
          INSTALLED_APPS = [
              'django.contrib.admin',
              'django.contrib.auth',
          ]
          MIDDLEWARE = []
        `,
      },
      errors: [{ ruleId: 'password-validators-weak', line: 3, messageId: 'missing' }],
    },
    {
      name: 'empty list',
      files: { 'proj/settings.py': "INSTALLED_APPS = ['django.contrib.auth']\nMIDDLEWARE = []\nAUTH_PASSWORD_VALIDATORS = []\n" },
      errors: [{ ruleId: 'password-validators-weak', line: 3, messageId: 'empty' }],
    },
    {
      name: 'min_length 8: points at the min_length option',
      files: {
        'proj/settings.py': `
          INSTALLED_APPS = ['django.contrib.auth']
          MIDDLEWARE = []
          AUTH_PASSWORD_VALIDATORS = [
              {
                  'NAME': '${V}.MinimumLengthValidator',
                  'OPTIONS': {
                      'min_length': 8,
                  },
              },
          ]
        `,
      },
      errors: [{ ruleId: 'password-validators-weak', line: 7, messageId: 'short' }],
    },
    {
      name: "no OPTIONS: Django's default of 8, at the validator's NAME",
      files: {
        'proj/settings.py': `
          INSTALLED_APPS = ['django.contrib.auth']
          MIDDLEWARE = []
          AUTH_PASSWORD_VALIDATORS = [
              {'NAME': '${V}.UserAttributeSimilarityValidator'},
              {'NAME': '${V}.MinimumLengthValidator'},
          ]
        `,
      },
      errors: [{ ruleId: 'password-validators-weak', line: 5, messageId: 'shortDefault' }],
    },
    {
      name: 'environment default below the minimum (django-environ)',
      files: {
        'proj/settings.py': `
          import environ
          env = environ.Env()
          INSTALLED_APPS = ['django.contrib.auth']
          MIDDLEWARE = []
          AUTH_PASSWORD_VALIDATORS = [
              {'NAME': '${V}.MinimumLengthValidator', 'OPTIONS': {'min_length': env.int('MIN_PASSWORD', default=6)}},
          ]
        `,
      },
      errors: [{ ruleId: 'password-validators-weak', line: 6, messageId: 'short' }],
    },
    {
      name: 'Django validators only, none for length',
      files: { 'proj/settings.py': `INSTALLED_APPS = ['django.contrib.auth']\nMIDDLEWARE = []\nAUTH_PASSWORD_VALIDATORS = [{'NAME': '${V}.CommonPasswordValidator'}]\n` },
      errors: [{ ruleId: 'password-validators-weak', line: 3, messageId: 'noLength' }],
    },
    {
      name: 'split settings: production lowers the base length by item assignment',
      files: {
        'proj/settings/production.py': `
          from .base import *
          AUTH_PASSWORD_VALIDATORS[0]['OPTIONS']['min_length'] = 6
        `,
        'proj/settings/__init__.py': '',
        'proj/settings/base.py': `
          INSTALLED_APPS = ['django.contrib.auth']
          MIDDLEWARE = []
          AUTH_PASSWORD_VALIDATORS = [{'NAME': '${V}.MinimumLengthValidator', 'OPTIONS': {'min_length': 12}}]
        `,
        'proj/wsgi.py': "import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'proj.settings.production')\n",
      },
      errors: [{ ruleId: 'password-validators-weak', file: 'proj/settings/production.py', line: 2, messageId: 'short' }],
    },
  ],
});

test('password-validators-weak: minPasswordLength option', async () => {
  const dir = writeTree({ 'proj/settings.py': `INSTALLED_APPS = ['django.contrib.auth']\nMIDDLEWARE = []\nAUTH_PASSWORD_VALIDATORS = [{'NAME': '${V}.MinimumLengthValidator', 'OPTIONS': {'min_length': 10}}]\n` });
  try {
    const strict = await runScan({ path: dir, rules: ['password-validators-weak'], ruleOptions: { minPasswordLength: 16 } });
    assert.equal(strict.findings.length, 1);
    assert.match(strict.findings[0].message, /10-character passwords; require at least 16/);
    const lax = await runScan({ path: dir, rules: ['password-validators-weak'], ruleOptions: { minPasswordLength: 10 } });
    assert.equal(lax.findings.length, 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('password-validators-weak: the message says when the value is an environment default', async () => {
  const r = await scanFiles(
    { 'proj/settings.py': `import os\nINSTALLED_APPS = ['django.contrib.auth']\nMIDDLEWARE = []\nAUTH_PASSWORD_VALIDATORS = [{'NAME': '${V}.MinimumLengthValidator', 'OPTIONS': {'min_length': int(os.getenv('MINLEN', '8'))}}]\n` },
    ['password-validators-weak'],
  );
  assert.equal(r.findings.length, 1);
  assert.match(r.findings[0].message, /default of environment variable `MINLEN`/);
});
