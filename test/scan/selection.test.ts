// What a scan looks at: --rule restricts the rules, --exclude skips paths, test files are skipped
// unless --include-tests.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeTree, MEDIUM_LINE, MEDIUM_ONLY, removeTree, sites, VULN_LINE, VULN_VIEW } from '../cli/helpers.js';
import { scanJsonInProcess } from '../helpers/in-process-cli.js';

const view = (file: string) => `cert-presence-only ${file}:${VULN_LINE}`;
const medium = `persistent-remote-user app/middleware.py:${MEDIUM_LINE}`;

test('--rule ID runs only that rule (repeatable)', async (t) => {
  const dir = makeTree({ 'app/views.py': VULN_VIEW, 'app/middleware.py': MEDIUM_ONLY });
  t.after(() => removeTree(dir));
  assert.deepEqual(sites((await scanJsonInProcess(dir)).report.findings), [view('app/views.py'), medium]);
  const only = await scanJsonInProcess(dir, ['--rule', 'persistent-remote-user']);
  assert.deepEqual(sites(only.report.findings), [medium]);
  const other = await scanJsonInProcess(dir, ['--rule', 'cert-presence-only', '--fail-on', 'critical']);
  assert.deepEqual(sites(other.report.findings), [view('app/views.py')]);
  assert.equal(other.code, 1);
  const both = await scanJsonInProcess(dir, ['--rule', 'cert-presence-only', '-r', 'persistent-remote-user']);
  assert.deepEqual(sites(both.report.findings), [view('app/views.py'), medium]);
  // A rule with nothing to report here: clean run.
  const none = await scanJsonInProcess(dir, ['--rule', 'dn-string-match']);
  assert.deepEqual(none.report.findings, []);
  assert.equal(none.code, 0);
});

test('--exclude GLOB skips files and directories, relative to PATH; a glob without a slash matches names at any depth', async (t) => {
  const dir = makeTree({
    'app/views.py': VULN_VIEW,
    'legacy/views.py': VULN_VIEW,
    'legacy/deep/views.py': VULN_VIEW,
    'vendor/lib/views_old.py': VULN_VIEW,
    'app/migrations/0001_initial.py': VULN_VIEW,
  });
  t.after(() => removeTree(dir));
  const all = ['app/migrations/0001_initial.py', 'app/views.py', 'legacy/deep/views.py', 'legacy/views.py', 'vendor/lib/views_old.py'].map(view);
  assert.deepEqual(sites((await scanJsonInProcess(dir)).report.findings), all);
  assert.deepEqual(
    sites((await scanJsonInProcess(dir, ['--exclude', 'legacy/**'])).report.findings),
    all.filter((s) => !s.includes(' legacy/')),
  );
  assert.deepEqual(
    sites((await scanJsonInProcess(dir, ['--exclude', 'legacy'])).report.findings),
    all.filter((s) => !s.includes(' legacy/')),
  );
  assert.deepEqual(
    sites((await scanJsonInProcess(dir, ['--exclude', 'app/views.py'])).report.findings),
    all.filter((s) => !s.includes(' app/views.py')),
  );
  assert.deepEqual(
    sites((await scanJsonInProcess(dir, ['--exclude', 'migrations'])).report.findings),
    all.filter((s) => !s.includes('migrations')),
  );
  assert.deepEqual(
    sites((await scanJsonInProcess(dir, ['--exclude', '*_old.py'])).report.findings),
    all.filter((s) => !s.includes('_old')),
  );
  // Anchored at PATH: `views.py` at any depth, but `deep/views.py` only from the root.
  assert.deepEqual(sites((await scanJsonInProcess(dir, ['--exclude', 'deep/views.py'])).report.findings), all);
  assert.deepEqual(
    sites((await scanJsonInProcess(dir, ['--exclude', '**/deep/**', '--exclude', 'vendor/**'])).report.findings),
    all.filter((s) => !s.includes('deep') && !s.includes('vendor')),
  );
  assert.deepEqual((await scanJsonInProcess(dir, ['--exclude', '*.py'])).report.findings, []);
});

test('test files are skipped by default and scanned with --include-tests', async (t) => {
  const dir = makeTree({
    'app/views.py': VULN_VIEW,
    'app/tests.py': VULN_VIEW,
    'app/test_views.py': VULN_VIEW,
    'app/views_test.py': VULN_VIEW,
    'app/tests/test_api.py': VULN_VIEW,
    'app/tests/helpers.py': VULN_VIEW,
    'conftest.py': VULN_VIEW,
    // Not test files: a module whose name merely contains "test", and a runtime package named test/.
    'app/latest.py': VULN_VIEW,
    'app/test/client.py': VULN_VIEW,
  });
  t.after(() => removeTree(dir));
  const dflt = await scanJsonInProcess(dir);
  assert.deepEqual(sites(dflt.report.findings), ['app/latest.py', 'app/test/client.py', 'app/views.py'].map(view));
  const incl = await scanJsonInProcess(dir, ['--include-tests']);
  assert.deepEqual(sites(incl.report.findings), ['app/latest.py', 'app/test/client.py', 'app/test_views.py', 'app/tests.py', 'app/tests/helpers.py', 'app/tests/test_api.py', 'app/views.py', 'app/views_test.py', 'conftest.py'].map(view));
});
