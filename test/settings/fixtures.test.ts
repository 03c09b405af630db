// Annotated fixture projects (`# ruleid:` / `# ok:`): a vulnerable project with split settings and
// environment defaults, and a well-configured one that yields none of the 7 settings-layer findings.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { FIXTURES, annotations, checkAnnotatedFixture } from '../helpers/rule-tester.js';
import { settingsRules } from '../../src/rules/settings/index.js';
import { runScan } from '../../src/scan/engine.js';
import { loadDir } from './helpers.js';

const IDS = settingsRules.map((r) => r.meta.id);

test('settings rules: seven ids, as RULES.md lists them', () => {
  assert.deepEqual([...IDS].sort(), ['critical-view-unauthenticated', 'login-not-throttled', 'password-only-auth', 'password-reset-weak', 'password-validators-weak', 'session-expiry-long', 'session-fixation']);
});

test('split-project: base.py + production.py (star import, +=, append), env defaults, .env naming the module, dev settings ignored', async () => {
  const dir = join(FIXTURES, 'settings', 'split-project');
  const findings = await checkAnnotatedFixture(dir, IDS);
  assert.equal(new Set(findings.filter((f) => IDS.includes(f.ruleId)).map((f) => f.ruleId)).size, 7, 'every settings rule has a finding here');
  assert.equal(annotations(dir).filter((a) => IDS.includes(a.ruleId)).length, 10);
  const { settings } = await loadDir(dir);
  assert.deepEqual(
    settings.profiles.map((p) => p.module),
    ['config.settings.production'],
  );
  assert.deepEqual(settings.profiles[0].sources.map((s) => `${s.file}:${s.line}`).sort(), ['.env:2', 'config/wsgi.py:5']);
  assert.deepEqual(settings.get('INSTALLED_APPS')?.value, ['django.contrib.admin', 'django.contrib.auth', 'django.contrib.contenttypes', 'django.contrib.sessions', 'rest_framework', 'rest_framework.authtoken', 'accounts', 'payments']);
  const age = findings.find((f) => f.ruleId === 'session-expiry-long')!;
  assert.match(age.message, /default of environment variable `SESSION_COOKIE_AGE`/);
});

test('well-configured: none of the seven findings (axes, django-otp + OTPAdminSite, DRF throttles, certificate-required locations, login(), short expiry)', async () => {
  const dir = join(FIXTURES, 'settings', 'well-configured');
  await checkAnnotatedFixture(dir, IDS);
  const report = await runScan({ path: dir });
  assert.deepEqual(
    report.findings.map((f) => `${f.ruleId} ${f.location.file}:${f.location.line}`),
    [],
    'no finding of any rule',
  );
  assert.deepEqual(report.errors, []);
  // The protections were recognised, not missed: the surface sees the logins and the throttles.
  const { surface } = await loadDir(dir);
  const sp = surface()[0];
  assert.match(sp.prot.axes ?? '', /django-axes/);
  assert.match(sp.prot.secondFactor ?? '', /django-otp/);
  assert.deepEqual(
    sp.views.filter((v) => v.login).map((v) => `${v.route.path} ${v.login}`),
    ['/admin/ password', '/accounts/login/ password', '/api/token/ token'],
  );
});
