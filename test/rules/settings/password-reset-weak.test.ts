import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { ruleTester, writeTree } from '../../helpers/rule-tester.js';
import { runScan } from '../../../src/scan/engine.js';

const BASE = "INSTALLED_APPS = ['django.contrib.auth']\nMIDDLEWARE = []\nROOT_URLCONF = 'proj.urls'\n";

ruleTester.run('password-reset-weak', {
  valid: [
    { name: "Django's default timeout alone", files: { 'proj/settings.py': BASE } },
    { name: 'one hour', files: { 'proj/settings.py': `${BASE}PASSWORD_RESET_TIMEOUT = 60 * 60\n` } },
    { name: 'one day exactly', files: { 'proj/settings.py': `${BASE}PASSWORD_RESET_TIMEOUT_DAYS = 1\n` } },
    {
      name: 'a token generator subclass that only changes _make_hash_value (Django keys and hashes it)',
      files: {
        'proj/settings.py': BASE,
        'accounts/tokens.py': `
          from django.contrib.auth.tokens import PasswordResetTokenGenerator
          class ActivationTokenGenerator(PasswordResetTokenGenerator):
              def _make_hash_value(self, user, timestamp):
                  return f"{user.pk}{timestamp}{user.is_active}"
        `,
      },
    },
    {
      name: 'reset tokens from secrets / get_random_string / uuid4 / default_token_generator',
      files: {
        'proj/settings.py': BASE,
        'accounts/reset.py': `
          import secrets, uuid, random
          from django.utils.crypto import get_random_string
          from django.contrib.auth.tokens import default_token_generator
          def make_reset_token(user):
              return secrets.token_urlsafe(32)
          def generate_reset_token():
              return get_random_string(40)
          def new_password_reset_token(user):
              return f"{user.pk}-{uuid.uuid4().hex}"
          def password_reset_token_for(user):
              return default_token_generator.make_token(user)
          def check_reset_token(user, token):
              return token == str(user.pk)
        `,
      },
    },
    {
      name: 'token helpers unrelated to password reset',
      files: {
        'proj/settings.py': BASE,
        'api/cache.py': `
          import random, time
          def make_cache_token():
              return str(random.random())
        `,
      },
    },
    {
      name: "a cache key built from the token or the user's id is where a token is kept, not the token",
      files: {
        'proj/settings.py': BASE,
        'accounts/recovery.py': `
          from django.core.cache import cache
          def remember_reset_token(user, token):
              cache.set(f"password-reset:{token}", user.pk, timeout=3600)
              return token
          def pending_reset_token(user):
              return cache.get(f"password-reset-for:{user.pk}")
          def reset_token_owner(token):
              owner_id = cache.get("pwreset:" + token)
              return owner_id
        `,
      },
    },
  ],
  invalid: [
    {
      name: 'one week of reset validity (arithmetic)',
      files: { 'proj/settings.py': `${BASE}PASSWORD_RESET_TIMEOUT = 60 * 60 * 24 * 7\n` },
      errors: [{ ruleId: 'password-reset-weak', line: 4, messageId: 'timeout' }],
    },
    {
      name: 'PASSWORD_RESET_TIMEOUT_DAYS = 3',
      files: { 'proj/settings.py': `${BASE}PASSWORD_RESET_TIMEOUT_DAYS = 3\n` },
      errors: [{ ruleId: 'password-reset-weak', line: 4, messageId: 'timeoutDays' }],
    },
    {
      name: 'environment default via django-environ',
      files: { 'proj/settings.py': `import environ\nenv = environ.Env()\n${BASE}PASSWORD_RESET_TIMEOUT = env.int('RESET_TIMEOUT', default=259200)\n` },
      errors: [{ ruleId: 'password-reset-weak', line: 6, messageId: 'timeout' }],
    },
    {
      name: 'token from random, time and the user id: points at the random call',
      files: {
        'proj/settings.py': BASE,
        'accounts/reset.py': `
          import random, time
          def make_reset_token(user):
              stamp = int(time.time())
              return f"{user.pk}-{stamp}-{random.randint(0, 9999)}"
        `,
      },
      errors: [{ ruleId: 'password-reset-weak', file: 'accounts/reset.py', line: 4, messageId: 'predictable' }],
    },
    {
      name: 'a token made from the time and the user id, then kept in the cache under a key built from it',
      files: {
        'proj/settings.py': BASE,
        'accounts/recovery.py': `
          import time
          from django.core.cache import cache
          def new_reset_token(user):
              token = f"{user.pk:x}{int(time.time()):x}"
              cache.set(f"password-reset:{token}", user.pk, timeout=3600)
              return token
        `,
      },
      errors: [{ ruleId: 'password-reset-weak', file: 'accounts/recovery.py', line: 4, messageId: 'predictable' }],
    },
    {
      name: 'md5 of the user id and email without a secret',
      files: {
        'proj/settings.py': BASE,
        'accounts/recovery.py': `
          import hashlib
          def generate_reset_token(user):
              return hashlib.md5((str(user.id) + user.email).encode()).hexdigest()
        `,
      },
      errors: [{ ruleId: 'password-reset-weak', file: 'accounts/recovery.py', line: 3, messageId: 'predictable' }],
    },
    {
      name: 'PasswordResetTokenGenerator subclass overriding make_token with the time',
      files: {
        'proj/settings.py': BASE,
        'accounts/tokens.py': `
          from datetime import datetime
          from django.contrib.auth.tokens import PasswordResetTokenGenerator
          class QuickTokens(PasswordResetTokenGenerator):
              def make_token(self, user):
                  return '%s-%s' % (user.pk, datetime.now().timestamp())
        `,
      },
      errors: [{ ruleId: 'password-reset-weak', file: 'accounts/tokens.py', line: 5, messageId: 'predictable' }],
    },
    {
      name: 'a reset view module without trigger words is loaded through the URLconf',
      files: {
        'proj/settings.py': BASE,
        'proj/urls.py': "from django.urls import path\nfrom accounts import views\nurlpatterns = [path('forgot/', views.forgot)]\n",
        'accounts/views.py': `
          import random
          from django.core.mail import send_mail
          def new_recovery_token():
              return str(random.randint(100000, 999999))
          def forgot(request):
              send_mail('Reset', new_recovery_token(), None, [request.POST['email']])
        `,
      },
      errors: [{ ruleId: 'password-reset-weak', file: 'accounts/views.py', line: 4, messageId: 'predictable' }],
    },
    {
      name: 'a token module imported by a routed view is loaded',
      files: {
        'proj/settings.py': BASE,
        'proj/urls.py': "from django.urls import path\nfrom accounts import views\nurlpatterns = [path('forgot/', views.forgot)]\n",
        'accounts/views.py': `
          from django.core.mail import send_mail
          from .recovery import generate_token
          def forgot(request):
              send_mail('Reset', generate_token(request.user), None, [request.user.email])
        `,
        'accounts/__init__.py': '',
        'accounts/recovery.py': `
          import hashlib
          def generate_token(user):
              return hashlib.md5((str(user.id) + user.email).encode()).hexdigest()
        `,
      },
      errors: [{ ruleId: 'password-reset-weak', file: 'accounts/recovery.py', line: 3, messageId: 'predictable' }],
    },
  ],
});

test('password-reset-weak: maxPasswordResetSeconds option', async () => {
  const dir = writeTree({ 'proj/settings.py': `${BASE}PASSWORD_RESET_TIMEOUT = 7200\n` });
  try {
    assert.equal((await runScan({ path: dir, rules: ['password-reset-weak'] })).findings.length, 0);
    const strict = await runScan({ path: dir, rules: ['password-reset-weak'], ruleOptions: { maxPasswordResetSeconds: 3600 } });
    assert.equal(strict.findings.length, 1);
    assert.match(strict.findings[0].message, /2 hours \(7200 s\)/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
