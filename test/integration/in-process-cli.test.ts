// The unit suites call the CLI's entry in-process (test/helpers/in-process-cli.ts) instead of
// spawning it. That is only as good as its likeness to the real thing: here the same command
// lines run both ways, and the exit code, stderr and stdout (a JSON report without its duration)
// must be the same.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeTree, MEDIUM_ONLY, removeTree, runCli, type CliResult, VULN_VIEW } from '../cli/helpers.js';
import { runCliInProcess } from '../helpers/in-process-cli.js';
import { LAB_APPS } from '../lab/harness.js';

/** A JSON report without what differs from run to run (the duration); anything else as it is. */
function normalised(stdout: string): string {
  try {
    const data = JSON.parse(stdout) as { stats?: { durationMs?: number } };
    if (data.stats) delete data.stats.durationMs;
    return JSON.stringify(data);
  } catch {
    return stdout;
  }
}

function same(spawned: CliResult, inProcess: CliResult, what: string): void {
  assert.equal(inProcess.code, spawned.code, `${what}: exit code`);
  assert.equal(inProcess.stderr, spawned.stderr, `${what}: stderr`);
  assert.equal(normalised(inProcess.stdout), normalised(spawned.stdout), `${what}: stdout`);
}

test('in-process and spawned CLI give the same exit code, stdout and stderr', async (t) => {
  const dir = makeTree({ 'app/views.py': VULN_VIEW, 'app/middleware.py': MEDIUM_ONLY, 'app/broken.py': 'def f(:\n    pass\n' });
  t.after(() => removeTree(dir));
  const cases: string[][] = [
    ['scan', dir, '--format', 'json'],
    ['scan', dir, '--no-color'],
    ['scan', dir, '--format', 'sarif', '--rule', 'persistent-remote-user', '--fail-on', 'high'],
    ['scan', dir, '--format', 'json', '--strict'],
    ['scan', dir, '--format', 'xml'],
    ['scan', join(dir, 'missing')],
    ['scan', dir, '--rule', 'no-such-rule'],
    ['rules', '--format', 'markdown'],
    ['--version'],
    ['scan', '--help'],
  ];
  for (const args of cases) {
    const spawned = runCli(args);
    assert.equal(spawned.signal, null, `${args.join(' ')}: not killed`);
    same(spawned, await runCliInProcess(args), args.join(' '));
  }
});

test('the same for fix (a plan, a refused tree), probe (refused before any request) and pki (a file in the way)', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'mtls-audit-in-process-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const app = join(dir, 'app');
  cpSync(join(LAB_APPS, 'vulnerable'), app, { recursive: true });
  writeFileSync(join(dir, 'not-a-dir'), 'x\n');
  const cases: string[][] = [
    ['fix', app],
    ['fix', app, '--proxy', 'haproxy', '--secret-env', 'MTLS_SECRET', '--no-color'],
    ['fix', join(dir, 'missing')],
    ['fix', app, '--proxy', 'caddy'],
    ['probe', 'https://127.0.0.1:9/', '--protected-path', '//evil.example/x'],
    ['probe', 'https://127.0.0.1:9/', '--cert', join(dir, 'none.crt'), '--key', join(dir, 'none.key')],
    ['pki', join(dir, 'not-a-dir')],
  ];
  for (const args of cases) {
    const spawned = runCli(args);
    assert.equal(spawned.signal, null, `${args.join(' ')}: not killed`);
    same(spawned, await runCliInProcess(args), args.join(' '));
  }
  // Nothing above wrote to the tree: fix without --write only prints.
  assert.deepEqual(readdirSync(app).sort(), readdirSync(join(LAB_APPS, 'vulnerable')).sort());
});
