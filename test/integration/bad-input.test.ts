// Bad input that needs the CLI as a real process (`node bin/mtls-audit.js`): permissions that only
// bind a process without CAP_DAC_OVERRIDE (as root the CLI runs as `nobody`, see unprivileged()),
// and a FIFO, which would block a reader forever (the process is killed after a timeout). The rest
// of the bad-input cases call the CLI's entry in-process: test/scan/bad-input.test.ts.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { Report } from '../../src/core/types.js';
import { assertUsageError, type CliOptions, makeTree, removeTree, runCli, scanJson, sites, unprivileged, VULN_LINE, VULN_VIEW } from '../cli/helpers.js';

const VIEW_FINDING = `cert-presence-only app/views.py:${VULN_LINE}`;

function errorsFor(report: Report, file: string): string[] {
  return report.errors.filter((e) => e.file === file).map((e) => e.message);
}

/** Scans `dir`, checks the view's finding survived (exit 1), and returns the report. */
function scanWithView(dir: string, args: string[] = [], opts: CliOptions = {}): Report {
  const r = scanJson(dir, args, opts);
  assert.equal(r.code, 1, `exit code 1 (findings); stderr: ${r.stderr}`);
  assert.ok(sites(r.report.findings).includes(VIEW_FINDING), `the rest of the tree is analysed: ${sites(r.report.findings).join(', ')}`);
  return r.report;
}

test('unreadable files and directories are reported and the scan carries on', (t) => {
  // chmod 000 only blocks a process without CAP_DAC_OVERRIDE: the tests run as root, so the CLI
  // is run as `nobody` there (see unprivileged()); the permission error is then real.
  const dir = makeTree({ 'app/views.py': VULN_VIEW, 'app/secret.py': VULN_VIEW, 'app/private/views.py': VULN_VIEW });
  t.after(() => removeTree(dir));
  const opts = unprivileged(dir);
  chmodSync(join(dir, 'app', 'secret.py'), 0o000);
  chmodSync(join(dir, 'app', 'private'), 0o000);
  const report = scanWithView(dir, [], opts);
  assert.deepEqual(errorsFor(report, 'app/secret.py'), ['unreadable: EACCES']);
  assert.deepEqual(errorsFor(report, 'app/private'), ['unreadable directory: EACCES']);
  assert.deepEqual(sites(report.findings), [VIEW_FINDING]);
});

test('a FIFO and a dangling symlink with .py names are reported, never opened (a FIFO would block forever)', (t) => {
  // These fail for root too: they prove the scan does not hang or crash on files it cannot read.
  const dir = makeTree({ 'app/views.py': VULN_VIEW });
  t.after(() => removeTree(dir));
  const mk = spawnSync('mkfifo', [join(dir, 'app', 'pipe.py')]);
  assert.equal(mk.status, 0, `mkfifo: ${mk.stderr}`);
  symlinkSync('gone.py', join(dir, 'app', 'dangling.py'));
  const report = scanWithView(dir, [], { timeoutMs: 60_000 });
  assert.deepEqual(errorsFor(report, 'app/pipe.py'), ['not a regular file (FIFO, socket or device): skipped']);
  assert.deepEqual(errorsFor(report, 'app/dangling.py'), ['broken symlink (ENOENT): skipped']);
});

test('an unreadable PATH exits 2 with one line naming it', (t) => {
  // As root, run as nobody (see unprivileged()) so that chmod 000 really forbids listing PATH.
  const dir = makeTree({ 'app/views.py': VULN_VIEW });
  t.after(() => removeTree(dir));
  const opts = unprivileged(dir);
  chmodSync(dir, 0o000);
  assertUsageError(runCli(['scan', dir], opts), dir, 'EACCES');
});
