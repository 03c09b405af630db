import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { ruleTester, writeTree } from '../../helpers/rule-tester.js';
import { runScan } from '../../../src/scan/engine.js';

const BASE = "INSTALLED_APPS = ['django.contrib.auth']\nMIDDLEWARE = []\n";

ruleTester.run('session-expiry-long', {
  valid: [
    { name: "Django's default alone (not set)", files: { 'proj/settings.py': BASE } },
    { name: 'eight hours', files: { 'proj/settings.py': `${BASE}SESSION_COOKIE_AGE = 8 * 60 * 60\n` } },
    { name: 'exactly twelve hours', files: { 'proj/settings.py': `${BASE}SESSION_COOKIE_AGE = 43200\n` } },
    { name: 'long age but sessions end with the browser', files: { 'proj/settings.py': `${BASE}SESSION_COOKIE_AGE = 60 * 60 * 24 * 30\nSESSION_EXPIRE_AT_BROWSER_CLOSE = True\n` } },
    {
      name: 'expire-at-close from an environment default of True',
      files: { 'proj/settings.py': `import os\n${BASE}SESSION_COOKIE_AGE = 60 * 60 * 24 * 30\nSESSION_EXPIRE_AT_BROWSER_CLOSE = os.environ.get('CLOSE', 'true') == 'true'\n` },
    },
    { name: 'an age the resolver cannot evaluate', files: { 'proj/settings.py': `import os\n${BASE}SESSION_COOKIE_AGE = int(os.environ['SESSION_AGE'])\n` } },
    {
      name: 'production overrides a long base age',
      files: {
        'proj/settings/production.py': 'from .base import *\nSESSION_COOKIE_AGE = 3600\n',
        'proj/settings/__init__.py': '',
        'proj/settings/base.py': `${BASE}SESSION_COOKIE_AGE = 60 * 60 * 24 * 365\n`,
        'proj/wsgi.py': "import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'proj.settings.production')\n",
      },
    },
  ],
  invalid: [
    {
      name: '30 days as arithmetic',
      files: { 'proj/settings.py': `${BASE}SESSION_COOKIE_AGE = 60 * 60 * 24 * 30  # a month\n` },
      errors: [{ ruleId: 'session-expiry-long', line: 3, messageId: 'tooLong' }],
    },
    {
      name: 'explicit expire-at-close False',
      files: { 'proj/settings.py': `${BASE}SESSION_COOKIE_AGE = 86400 * 2\nSESSION_EXPIRE_AT_BROWSER_CLOSE = False\n` },
      errors: [{ ruleId: 'session-expiry-long', line: 3 }],
    },
    {
      name: 'environment default (os.environ.get) in a split settings base',
      files: {
        'proj/settings/base.py': `import os\n${BASE}SESSION_COOKIE_AGE = int(os.environ.get('SESSION_COOKIE_AGE', 60 * 60 * 24 * 14))\n`,
        'proj/settings/__init__.py': '',
        'proj/settings/production.py': 'from .base import *\nDEBUG = False\n',
        'proj/wsgi.py': "import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'proj.settings.production')\n",
      },
      errors: [{ ruleId: 'session-expiry-long', line: 4 }],
    },
    {
      name: 'production sets a long age over a short base one',
      files: {
        'proj/settings/production.py': 'from .base import *\nSESSION_COOKIE_AGE = ONE_WEEK\n',
        'proj/settings/__init__.py': '',
        'proj/settings/base.py': `${BASE}ONE_WEEK = 7 * 24 * 3600\nSESSION_COOKIE_AGE = 3600\n`,
        'proj/wsgi.py': "import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'proj.settings.production')\n",
      },
      errors: [{ ruleId: 'session-expiry-long', line: 2 }],
    },
  ],
});

test('session-expiry-long: maxSessionAgeSeconds option and message', async () => {
  const dir = writeTree({ 'proj/settings.py': `${BASE}SESSION_COOKIE_AGE = 60 * 60 * 24\n` });
  try {
    const dflt = await runScan({ path: dir, rules: ['session-expiry-long'] });
    assert.equal(dflt.findings.length, 1);
    assert.equal(dflt.findings[0].message, '`SESSION_COOKIE_AGE` is 1 day (86400 s), above 12 hours, and sessions do not end when the browser closes (`SESSION_EXPIRE_AT_BROWSER_CLOSE` is not set; Django defaults it to False).');
    const lax = await runScan({ path: dir, rules: ['session-expiry-long'], ruleOptions: { maxSessionAgeSeconds: 86400 } });
    assert.equal(lax.findings.length, 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
