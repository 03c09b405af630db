// The configuration file, through the CLI's entry (`main`, called in this process) on real trees:
// `.mtls-audit.yml` / `.yaml` / `.json` found at the scanned root or `--config FILE`; rules turned
// off, severities overridden, thresholds, excludes, test files, failOn; and every kind of bad file
// rejected with exit 2 and one line naming the file, the key and the problem. A FIFO named like a
// config needs a process that can be killed if it hangs: test/integration/config.test.ts.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertUsageError, makeTree, MEDIUM_LINE, MEDIUM_ONLY, removeTree, sites, VULN_LINE, VULN_VIEW } from '../cli/helpers.js';
import { runCliInProcess as runCli, scanJsonInProcess as scanJson } from '../helpers/in-process-cli.js';

/** A Django project with one code finding (critical), session/reset timeouts of 2 h and 12-character passwords. */
const PROJECT: Record<string, string> = {
  'manage.py': "import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'proj.settings')\n",
  'proj/__init__.py': '',
  'proj/settings.py': [
    "SECRET_KEY = 'x'",
    "INSTALLED_APPS = ['django.contrib.auth', 'app']",
    'SESSION_COOKIE_AGE = 7200',
    'AUTH_PASSWORD_VALIDATORS = [',
    "    {'NAME': 'django.contrib.auth.password_validation.MinimumLengthValidator', 'OPTIONS': {'min_length': 12}},",
    ']',
    'PASSWORD_RESET_TIMEOUT = 7200',
    '',
  ].join('\n'),
  'app/__init__.py': '',
  'app/views.py': VULN_VIEW,
  'app/middleware.py': MEDIUM_ONLY,
};

const VIEW = `cert-presence-only app/views.py:${VULN_LINE}`;
const MIDDLEWARE = `persistent-remote-user app/middleware.py:${MEDIUM_LINE}`;

function tree(extra: Record<string, string> = {}): string {
  return makeTree({ ...PROJECT, ...extra }, 'mtls-audit-config-');
}

async function withTree<T>(extra: Record<string, string>, fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = tree(extra);
  try {
    return await fn(dir);
  } finally {
    removeTree(dir);
  }
}

describe('config found at the scanned root', () => {
  test('without a config: the defaults (the test tree is not vacuous)', async () => {
    await withTree({}, async (dir) => {
      const r = await scanJson(dir);
      assert.deepEqual(sites(r.report.findings), [VIEW, MIDDLEWARE].sort());
      assert.equal(r.code, 1);
    });
  });

  for (const [name, text] of [
    ['.mtls-audit.yml', 'rules:\n  cert-presence-only: off\n  persistent-remote-user: critical\n'],
    ['.mtls-audit.yaml', 'rules:\n  cert-presence-only: false\n  persistent-remote-user: { severity: critical }\n'],
    ['.mtls-audit.json', '{"rules": {"cert-presence-only": {"enabled": false}, "persistent-remote-user": "critical"}}'],
  ] as const) {
    test(`${name}: a rule turned off, another one's severity overridden`, async () => {
      await withTree({ [name]: text }, async (dir) => {
        const r = await scanJson(dir);
        assert.deepEqual(sites(r.report.findings), [MIDDLEWARE]);
        assert.equal(r.report.findings[0].severity, 'critical');
      });
    });
  }

  test('"on" and true keep a rule; a severity alone keeps it on', async () => {
    await withTree({ '.mtls-audit.yml': 'rules:\n  cert-presence-only: on\n  persistent-remote-user: true\n' }, async (dir) => {
      assert.deepEqual(sites((await scanJson(dir)).report.findings), [VIEW, MIDDLEWARE].sort());
    });
  });

  test('thresholds: the session age, password length and reset timeout limits', async () => {
    await withTree({ '.mtls-audit.yml': 'thresholds:\n  maxSessionAgeSeconds: 3600\n  minPasswordLength: 14\n  maxPasswordResetSeconds: 3600\n' }, async (dir) => {
      const got = sites((await scanJson(dir)).report.findings);
      for (const s of ['session-expiry-long proj/settings.py:3', 'password-validators-weak proj/settings.py:5', 'password-reset-weak proj/settings.py:7']) assert.ok(got.includes(s), `${s} in ${got.join(', ')}`);
    });
    // Generous limits: none of them.
    await withTree({ '.mtls-audit.yml': 'thresholds:\n  maxSessionAgeSeconds: 86400\n  minPasswordLength: 10\n' }, async (dir) => {
      assert.deepEqual(sites((await scanJson(dir)).report.findings), [VIEW, MIDDLEWARE].sort());
    });
  });

  test('exclude and includeTests; --exclude adds to the file', async () => {
    await withTree({ '.mtls-audit.yml': 'exclude:\n  - "app/middleware.py"\n' }, async (dir) => {
      assert.deepEqual(sites((await scanJson(dir)).report.findings), [VIEW]);
      assert.deepEqual(sites((await scanJson(dir, ['--exclude', 'app/views.py'])).report.findings), []);
    });
    await withTree({ 'app/tests.py': VULN_VIEW, '.mtls-audit.yml': 'includeTests: true\n' }, async (dir) => {
      assert.ok(sites((await scanJson(dir)).report.findings).includes(`cert-presence-only app/tests.py:${VULN_LINE}`));
    });
  });

  test('failOn sets the exit code; an explicit --fail-on wins', async () => {
    await withTree({ '.mtls-audit.yml': 'rules:\n  cert-presence-only: off\nfailOn: high\n' }, async (dir) => {
      const r = await scanJson(dir);
      assert.deepEqual(sites(r.report.findings), [MIDDLEWARE]);
      assert.equal(r.code, 0, 'a medium finding is below failOn: high');
      assert.equal((await scanJson(dir, ['--fail-on', 'medium'])).code, 1);
    });
  });

  test('--config FILE replaces the config of the tree', async () => {
    await withTree({ '.mtls-audit.yml': 'rules:\n  cert-presence-only: off\n' }, async (dir) => {
      const out = mkdtempSync(join(tmpdir(), 'mtls-audit-config-file-'));
      try {
        const file = join(out, 'trusted.json');
        writeFileSync(file, '{"rules": {"persistent-remote-user": "off"}}');
        assert.deepEqual(sites((await scanJson(dir, ['--config', file])).report.findings), [VIEW]);
        // A YAML file under any name.
        const y = join(out, 'ci-config');
        writeFileSync(y, 'rules:\n  persistent-remote-user: low\n');
        const r = await scanJson(dir, ['--config', y]);
        assert.deepEqual(sites(r.report.findings), [VIEW, MIDDLEWARE].sort());
        assert.equal(r.report.findings.find((f) => f.ruleId === 'persistent-remote-user')!.severity, 'low');
      } finally {
        removeTree(out);
      }
    });
  });

  test('an empty YAML file is an empty config', async () => {
    await withTree({ '.mtls-audit.yml': '# nothing configured yet\n' }, async (dir) => {
      assert.deepEqual(sites((await scanJson(dir)).report.findings), [VIEW, MIDDLEWARE].sort());
    });
  });
});

describe('bad config files: exit 2, one line naming the file, the key and the problem', () => {
  const cases: { name: string; file: string; text: string; mentions: string[] }[] = [
    { name: 'unknown rule id, with a suggestion', file: '.mtls-audit.yml', text: 'rules:\n  cert-presense-only: off\n', mentions: ['.mtls-audit.yml', 'rules.cert-presense-only', 'unknown rule id', 'did you mean cert-presence-only?'] },
    { name: 'unknown rule id without a near one', file: '.mtls-audit.json', text: '{"rules": {"no-such-rule-at-all": "off"}}', mentions: ['.mtls-audit.json', 'rules.no-such-rule-at-all', 'unknown rule id'] },
    { name: 'bad rule setting', file: '.mtls-audit.yml', text: 'rules:\n  cert-presence-only: severe\n', mentions: ['rules.cert-presence-only', 'expected one of on, off, true, false, critical, high, medium, low', '"severe"'] },
    {
      name: 'bad severity inside the object form',
      file: '.mtls-audit.yml',
      text: 'rules:\n  cert-presence-only: { severity: urgent }\n',
      mentions: ['rules.cert-presence-only.severity', 'expected one of critical, high, medium, low', '"urgent"'],
    },
    { name: 'unknown key in the object form', file: '.mtls-audit.yml', text: 'rules:\n  cert-presence-only: { level: high }\n', mentions: ['rules.cert-presence-only.level', 'unknown key'] },
    { name: 'empty object form', file: '.mtls-audit.yml', text: 'rules:\n  cert-presence-only: {}\n', mentions: ['rules.cert-presence-only', 'enabled, severity'] },
    { name: 'threshold of the wrong type', file: '.mtls-audit.yml', text: 'thresholds:\n  maxSessionAgeSeconds: "12h"\n', mentions: ['thresholds.maxSessionAgeSeconds', 'expected an integer', '"12h"'] },
    { name: 'threshold below its minimum', file: '.mtls-audit.yml', text: 'thresholds:\n  minPasswordLength: 0\n', mentions: ['thresholds.minPasswordLength', 'at least 1', 'got 0'] },
    { name: 'fractional threshold', file: '.mtls-audit.json', text: '{"thresholds": {"maxPasswordResetSeconds": 3600.5}}', mentions: ['thresholds.maxPasswordResetSeconds', 'expected an integer'] },
    { name: 'misspelt threshold', file: '.mtls-audit.yml', text: 'thresholds:\n  maxSessionAge: 3600\n', mentions: ['thresholds.maxSessionAge', 'unknown key', 'did you mean maxSessionAgeSeconds?'] },
    { name: 'unknown top-level key', file: '.mtls-audit.yml', text: 'exclude: []\nfail_on: high\n', mentions: ['fail_on', 'unknown key', 'did you mean failOn?'] },
    { name: 'bad failOn', file: '.mtls-audit.yml', text: 'failOn: severe\n', mentions: ['failOn', 'expected one of critical, high, medium, low'] },
    { name: 'exclude is not a list', file: '.mtls-audit.yml', text: 'exclude: "vendor/**"\n', mentions: ['exclude', 'expected a list'] },
    { name: 'empty exclude glob', file: '.mtls-audit.yml', text: 'exclude: ["ok/**", ""]\n', mentions: ['exclude[1]', 'must not be empty'] },
    { name: 'includeTests is not a boolean (YAML 1.2: yes is a string)', file: '.mtls-audit.yml', text: 'includeTests: yes\n', mentions: ['includeTests', 'expected true or false', '"yes"'] },
    { name: 'top level is a list', file: '.mtls-audit.yml', text: '- rules\n', mentions: ['(top level)', 'expected a mapping'] },
    { name: 'YAML syntax error with its position', file: '.mtls-audit.yml', text: 'rules:\n  cert-presence-only: [off\n', mentions: ['.mtls-audit.yml', 'YAML syntax error at line'] },
    { name: 'duplicate YAML key', file: '.mtls-audit.yml', text: 'failOn: high\nfailOn: low\n', mentions: ['YAML syntax error at line 2', 'unique'] },
    { name: 'two YAML documents', file: '.mtls-audit.yml', text: 'failOn: high\n---\nfailOn: low\n', mentions: ['more than one YAML document'] },
    { name: 'JSON syntax error with its position', file: '.mtls-audit.json', text: '{\n  "failOn": "high",\n}\n', mentions: ['.mtls-audit.json', 'not valid JSON at line 3'] },
    { name: 'not UTF-8', file: '.mtls-audit.yml', text: 'failOn: h\u00e9\n', mentions: ['.mtls-audit.yml', 'not valid UTF-8'] },
  ];
  for (const c of cases) {
    test(c.name, async () => {
      const dir = tree();
      try {
        writeFileSync(join(dir, c.file), c.name === 'not UTF-8' ? Buffer.from(c.text, 'latin1') : c.text);
        assertUsageError(await runCli(['scan', dir, '--format', 'json']), ...c.mentions);
      } finally {
        removeTree(dir);
      }
    });
  }

  test('two config files at the root', async () => {
    await withTree({ '.mtls-audit.yml': 'failOn: high\n', '.mtls-audit.json': '{}' }, async (dir) => {
      assertUsageError(await runCli(['scan', dir]), '.mtls-audit.yml', '.mtls-audit.json', 'keep one');
    });
  });

  test('--config FILE that does not exist', async () => {
    await withTree({}, async (dir) => {
      assertUsageError(await runCli(['scan', dir, '--config', join(dir, 'nope.yml')]), '--config', 'nope.yml', 'no such file');
    });
  });

  test('a symbolic link out of the tree is not followed; one inside is', async () => {
    await withTree({}, async (dir) => {
      const outside = mkdtempSync(join(tmpdir(), 'mtls-audit-config-out-'));
      try {
        writeFileSync(join(outside, 'c.yml'), 'rules:\n  cert-presence-only: off\n');
        symlinkSync(join(outside, 'c.yml'), join(dir, '.mtls-audit.yml'));
        assertUsageError(await runCli(['scan', dir]), '.mtls-audit.yml', 'symbolic link out of the scanned tree');
      } finally {
        removeTree(outside);
      }
    });
    await withTree({ 'conf/shared.yml': 'rules:\n  cert-presence-only: off\n' }, async (dir) => {
      symlinkSync('conf/shared.yml', join(dir, '.mtls-audit.yml'));
      assert.deepEqual(sites((await scanJson(dir)).report.findings), [MIDDLEWARE]);
    });
  });

  // The FIFO case runs the CLI as a process killed after 20 s: test/integration/config.test.ts.
  test('a directory named like a config does not crash', async () => {
    await withTree({}, async (dir) => {
      mkdirSync(join(dir, '.mtls-audit.json'));
      assertUsageError(await runCli(['scan', dir]), '.mtls-audit.json', 'not a regular file');
    });
  });

  test('a config larger than 1 MiB is refused', async () => {
    await withTree({}, async (dir) => {
      writeFileSync(join(dir, '.mtls-audit.yml'), `# ${'x'.repeat(1024 * 1024 + 10)}\n`);
      assertUsageError(await runCli(['scan', dir]), '.mtls-audit.yml', 'larger than');
    });
  });
});
