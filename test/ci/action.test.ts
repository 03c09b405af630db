// The composite GitHub Action (action.yml): its scan step, run by bash exactly as the runner would
// (inputs as environment variables, GITHUB_ACTION_PATH and GITHUB_OUTPUT set), writes a report per
// format, sets its outputs, and refuses inputs outside their allowed values without running a scan.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { REPO_ROOT } from '../helpers/rule-tester.js';

interface Step {
  id?: string;
  run?: string;
}

const action = parse(readFileSync(join(REPO_ROOT, 'action.yml'), 'utf8')) as { runs: { using: string; steps: Step[] } };
const scanStep = action.runs.steps.find((s) => s.id === 'scan')!;

function runScanStep(env: Record<string, string>): { status: number | null; stdout: string; stderr: string; outputs: Record<string, string>; out: string; done: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'mtls-audit-action-'));
  const outputFile = join(dir, 'github-output');
  const out = join(dir, 'reports');
  const r = spawnSync('bash', ['-c', scanStep.run!], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    env: { ...process.env, GITHUB_ACTION_PATH: REPO_ROOT, GITHUB_OUTPUT: outputFile, MTLS_PATH: 'examples/vulnerable-mtls-app', MTLS_FAIL_ON: 'high', MTLS_FORMATS: 'sarif,text', MTLS_OUT: out, MTLS_CONFIG: '', ...env },
  });
  const outputs: Record<string, string> = {};
  if (existsSync(outputFile)) {
    for (const line of readFileSync(outputFile, 'utf8').split('\n')) {
      const i = line.indexOf('=');
      if (i > 0) outputs[line.slice(0, i)] = line.slice(i + 1);
    }
  }
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, outputs, out, done: () => rmSync(dir, { recursive: true, force: true }) };
}

test('action.yml is a composite action whose scan step writes each report and sets its outputs', () => {
  assert.equal(action.runs.using, 'composite');
  const r = runScanStep({ MTLS_FORMATS: 'sarif, json,text' });
  try {
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.outputs['exit-code'], '1', 'the example project has high findings');
    assert.equal(r.outputs.sarif, join(r.out, 'report.sarif'));
    const sarif = JSON.parse(readFileSync(join(r.out, 'report.sarif'), 'utf8')) as { version: string; runs: { results: unknown[] }[] };
    assert.equal(sarif.version, '2.1.0');
    assert.ok(sarif.runs[0].results.length > 0);
    assert.ok(existsSync(join(r.out, 'report.json')));
    assert.match(r.stdout, /critical|high/, 'the text report is shown in the log');
  } finally {
    r.done();
  }
});

test('action inputs outside their allowed values are refused before any scan', () => {
  const attempts: Record<string, string>[] = [{ MTLS_FAIL_ON: 'high; rm -rf /' }, { MTLS_FORMATS: 'sarif,$(touch /tmp/pwned)' }];
  for (const env of attempts) {
    const r = runScanStep(env);
    try {
      assert.equal(r.status, 2, JSON.stringify(env));
      assert.match(r.stdout, /::error::/);
      assert.ok(!existsSync('/tmp/pwned'));
      assert.equal(r.outputs['exit-code'], undefined);
    } finally {
      r.done();
    }
  }
});
