// The configuration file through the real CLI process (`node bin/mtls-audit.js`): what the
// in-process tests of test/config/config.test.ts cannot show. A FIFO named like a config would
// block a reader forever, so that case needs a process that is killed if it hangs; and one
// config read end to end by the launcher, its bundle and its exit code.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { assertUsageError, makeTree, MEDIUM_LINE, MEDIUM_ONLY, removeTree, runCli, scanJson, sites, VULN_VIEW } from '../cli/helpers.js';

test('a FIFO named like a config does not hang or crash', (t) => {
  const dir = makeTree({ 'app/views.py': VULN_VIEW }, 'mtls-audit-config-');
  t.after(() => removeTree(dir));
  const fifo = spawnSync('mkfifo', [join(dir, '.mtls-audit.yml')]);
  assert.equal(fifo.status, 0);
  assertUsageError(runCli(['scan', dir], { timeoutMs: 20_000 }), '.mtls-audit.yml', 'not a regular file');
});

test('the spawned CLI reads the config at the scanned root: a rule turned off, failOn from the file', (t) => {
  const dir = makeTree({ 'app/views.py': VULN_VIEW, 'app/middleware.py': MEDIUM_ONLY, '.mtls-audit.yml': 'rules:\n  cert-presence-only: off\nfailOn: high\n' }, 'mtls-audit-config-');
  t.after(() => removeTree(dir));
  const r = scanJson(dir);
  assert.deepEqual(sites(r.report.findings), [`persistent-remote-user app/middleware.py:${MEDIUM_LINE}`]);
  assert.equal(r.code, 0, 'a medium finding is below failOn: high');
});
