// The HAProxy snippet `fix --proxy haproxy` generates: valid for `haproxy -c`, and, run for real in
// front of the fixed lab target (its bind moved to a loopback port), the probe finds nothing —
// including the underscore spellings HAProxy would otherwise pass.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLabPki, type LabPki } from '../../src/pki/lab.js';
import type { ProbeRun } from '../../src/probe/probe.js';
import { freePort, gunicorn, start, stopProc, waitForPort, type Proc } from '../lab/harness.js';
import { fixedLabApp, probeFixedApp, type FixedApp } from './helpers.js';

let root: string;
let pki: LabPki;
let fixed: FixedApp;
let procs: Proc[] = [];
let probe: ProbeRun;
let cfg: string;
let port: number;
let gport: number;

describe('fix --proxy haproxy: the generated haproxy.cfg, checked and run', { timeout: 240_000 }, () => {
  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'mtls-audit-fix-haproxy-'));
    pki = await createLabPki(join(root, 'pki'));
    [port, gport] = [await freePort(), await freePort()];
    fixed = await fixedLabApp(join(root, 'app'), pki, ['--proxy', 'haproxy', '--upstream', `127.0.0.1:${gport}`, '--tls-cert', pki.files['server:crt'], '--tls-key', pki.files['server:key']]);
    cfg = join(fixed.dir, 'deploy', 'mtls-audit', 'haproxy', 'haproxy.cfg');
    // The only change for the test: listen on a free loopback port instead of :443.
    const text = readFileSync(cfg, 'utf8');
    assert.match(text, /^ {4}bind :443 /m);
    const run = join(root, 'haproxy.cfg');
    writeFileSync(run, text.replace(/^( {4}bind) :443 /m, `$1 127.0.0.1:${port} `), { mode: 0o600 });
    const g = gunicorn('fixed-haproxy', root, fixed.dir, 'vulnerable.wsgi:application', gport, fixed.env);
    const h = start('fixed haproxy', '/usr/sbin/haproxy', ['-f', run, '-db'], { stopSignal: 'SIGUSR1', logFile: join(root, 'haproxy.log'), env: { PATH: '/usr/sbin:/usr/bin:/bin' } });
    procs = [g, h];
    await Promise.all([waitForPort(gport, g), waitForPort(port, h)]);
    probe = await probeFixedApp(pki, `https://127.0.0.1:${port}/api/me/`, `http://127.0.0.1:${gport}`);
  });

  after(async () => {
    await Promise.all(procs.map(stopProc));
    if (root) rmSync(root, { recursive: true, force: true });
  });

  test('haproxy -c accepts the generated file as written; it is mode 600 (it holds the secret)', () => {
    const c = spawnSync('/usr/sbin/haproxy', ['-c', '-f', cfg], { encoding: 'utf8' });
    assert.equal(c.status, 0, `${c.stdout}${c.stderr}`);
    assert.equal(statSync(cfg).mode & 0o777, 0o600);
    const text = readFileSync(cfg, 'utf8');
    assert.match(text, /verify required/);
    assert.match(text, /crl-file /);
    assert.match(text, /http-request del-header _ -m sub/);
    assert.match(text, /http-request set-header X-SSL-Client-Cert %\[ssl_c_der,base64\]/);
    assert.match(text, /http-request del-header X-SSL-Client-S-DN/);
    assert.match(text, /http-request set-header X-Mtls-Proxy-Secret [0-9a-f]{64}\n/);
  });

  test('the probe finds nothing through HAProxy and on the backend; alice is served', () => {
    const found = probe.report.findings.map((f) => `${f.ruleId} ${f.location.url} ${f.location.case}`);
    assert.deepEqual(found, []);
    assert.deepEqual(probe.report.errors, []);
    const notes = (s: string) =>
      (probe.report.notes ?? [])
        .filter((n) => n.status === s)
        .map((n) => n.case)
        .sort();
    assert.deepEqual(notes('inconclusive'), []);
    const passed = notes('passed');
    for (const c of [
      'unknown-identity /api/me/',
      'dn-injection-o /api/me/',
      'revoked-cert /api/me/',
      'expired-cert /api/me/',
      'spoofed-headers:proxy /api/me/',
      'spoofed-headers:backend /api/me/',
      'session-replay-other-cert /api/me/',
      'password-burst',
    ]) {
      assert.ok(passed.includes(c), `${c} passed (passed: ${passed.join(', ')})`);
    }
    // The legitimate baseline: alice's certificate through HAProxy is served as alice.
    const baseline = probe.log.find(
      (o) => o.request.purpose.startsWith('baseline') && o.request.url.pathname === '/api/me/' && o.request.url.port === String(port) && o.request.identity?.label.includes('alice') && o.kind === 'response' && o.status === 200,
    );
    assert.ok(baseline, 'a baseline with alice answered 200');
    assert.match(baseline.body ?? '', /"user": "alice"/);
  });
});
