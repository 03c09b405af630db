// The bundled example after `fix --write`: no code finding and no password-surface false positive
// is left; what remains is exactly what the plan lists as not changed or to do by hand.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../helpers/rule-tester.js';
import { cli } from './helpers.js';

test('examples/vulnerable-mtls-app after fix --write', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mtls-audit-example-fix-'));
  try {
    cpSync(join(REPO_ROOT, 'examples', 'vulnerable-mtls-app'), dir, { recursive: true });
    const git = (...args: string[]) => spawnSync('git', ['-C', dir, '-c', 'user.name=t', '-c', 'user.email=t@t', '-c', 'commit.gpgsign=false', ...args], { encoding: 'utf8' });
    git('init', '-q');
    git('add', '-A');
    git('commit', '-qm', 'example');
    const before = JSON.parse((await cli(['scan', dir, '--format', 'json'])).stdout) as { findings: { ruleId: string; layer?: string }[] };
    assert.ok(before.findings.some((f) => f.layer === 'code'));
    const w = await cli(['fix', dir, '--write']);
    assert.equal(w.code, 0, w.stderr);
    const after = await cli(['scan', dir, '--format', 'json']);
    const report = JSON.parse(after.stdout) as { findings: { ruleId: string; location: { file?: string; line?: number } }[] };
    const got = report.findings.map((f) => `${f.ruleId} ${f.location.file}`).sort();
    assert.deepEqual(got, [
      // The proxy config is not edited by fix (the plan says which snippet to include instead).
      'password-reset-weak mtlsapp/settings.py',
      'password-validators-weak mtlsapp/settings.py',
      'proxy-verify-optional-no-ca deploy/nginx.conf',
      'session-expiry-long mtlsapp/settings.py',
    ]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
