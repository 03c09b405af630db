// The generated Django app on its own, with Django's test client (test/fix/python/app_behaviour.py)
// on Debian's Django 3.2 and cryptography 38: every encoding proxies use, each refusal and its log
// line, session binding, password-login throttling, fail-closed configuration, the environ source,
// CRL reloads, RSA and ECDSA chains, the management commands and the system checks.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLabPki } from '../../src/pki/lab.js';
import { PYTHON, pythonEnv } from '../lab/harness.js';
import { REPO_ROOT } from '../helpers/rule-tester.js';

test('the generated Django app behaves as documented (Django test client)', { timeout: 120_000 }, async () => {
  const root = mkdtempSync(join(tmpdir(), 'mtls-audit-app-'));
  try {
    const pki = await createLabPki(join(root, 'pki'));
    const r = spawnSync(PYTHON, [join(REPO_ROOT, 'test', 'fix', 'python', 'app_behaviour.py'), join(REPO_ROOT, 'templates', 'django'), pki.dir, root], {
      cwd: root,
      env: pythonEnv({}),
      encoding: 'utf8',
    });
    const out = `${r.stdout}${r.stderr}`;
    assert.equal(r.status, 0, out);
    const ran = /Ran (\d+) tests/.exec(out);
    assert.ok(ran && Number(ran[1]) >= 20, out);
    assert.match(out, /\nOK\n?$/);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
