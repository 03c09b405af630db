// The proof of `mtls-audit fix`: the probe lab's vulnerable Django target, copied to a temporary
// directory, fixed with `fix --write`, served by gunicorn behind nginx configured with the snippets
// the fix generated (the lab harness's own nginx/gunicorn helpers, a fresh PKI): the real probe
// finds nothing, the legitimate user is still served, and the scan reports no code finding.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLabPki, type LabPki } from '../../src/pki/lab.js';
import type { ProbeRun } from '../../src/probe/probe.js';
import { runScan } from '../../src/scan/engine.js';
import type { Report } from '../../src/core/types.js';
import { freePort, gunicorn, nginx, nginxConf, stopProc, waitForPort, type Proc } from '../lab/harness.js';
import { cli, fixedLabApp, probeFixedApp, pyFiles, snapshot, type FixedApp } from './helpers.js';

let root: string;
let app: string;
let fixed: FixedApp;
let pki: LabPki;
let procs: Proc[] = [];
let url: string;
let backend: string;
let probe: ProbeRun;

function get(path: string, cert: 'alice' | 'bob' | null): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${url}${path}`,
      {
        agent: false,
        ca: readFileSync(pki.files['ca:crt']),
        ...(cert ? { cert: readFileSync(pki.files[`${cert}:crt`]), key: readFileSync(pki.files[`${cert}:key`]) } : {}),
      },
      (res) => {
        let body = '';
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.setTimeout(5000, () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end();
  });
}

describe('fix --write on the lab’s vulnerable target, proven by the probe', { timeout: 240_000 }, () => {
  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'mtls-audit-fix-'));
    pki = await createLabPki(join(root, 'pki'));
    app = join(root, 'app');
    const [port, gport] = [await freePort(), await freePort()];
    url = `https://127.0.0.1:${port}`;
    backend = `http://127.0.0.1:${gport}`;
    fixed = await fixedLabApp(app, pki, ['--upstream', backend]);

    // nginx with the generated snippets, installed the way the generated README says
    // (deploy/mtls-audit/ copied to <nginx conf dir>/mtls-audit/; here a symlink).
    const dir = join(root, 'nginx');
    mkdirSync(dir);
    symlinkSync(join(app, 'deploy', 'mtls-audit'), join(dir, 'mtls-audit'));
    const g = gunicorn('fixed', root, app, 'vulnerable.wsgi:application', gport, fixed.env);
    const n = nginx(
      'fixed',
      dir,
      nginxConf(
        dir,
        port,
        gport,
        `    ssl_certificate ${pki.files['server:crt']};
    ssl_certificate_key ${pki.files['server:key']};
    include mtls-audit/nginx/mtls-server.conf;`,
        `      include mtls-audit/nginx/mtls-proxy.conf;`,
      ),
    );
    procs = [g, n];
    await Promise.all([waitForPort(gport, g), waitForPort(port, n)]);
    probe = await probeFixedApp(pki, `${url}/api/me/`, backend);
  });

  after(async () => {
    await Promise.all(procs.map(stopProc));
    if (root) rmSync(root, { recursive: true, force: true });
  });

  test('the probe finds nothing on the fixed deployment', () => {
    const found = probe.report.findings.map((f) => `${f.ruleId} ${f.location.url} ${f.location.case}`);
    assert.deepEqual(found, []);
    assert.deepEqual(probe.report.errors, []);
    const notes = (s: string) =>
      (probe.report.notes ?? [])
        .filter((n) => n.status === s)
        .map((n) => n.case)
        .sort();
    assert.deepEqual(notes('inconclusive'), []);
    // nginx refuses certificate-less requests: no session exists before authentication.
    assert.deepEqual(notes('not-run'), ['session-id-not-rotated']);
    const passed = notes('passed');
    for (const c of [
      'no-cert /api/export/',
      'no-cert-backend /api/export/',
      'unknown-identity /api/me/',
      'dn-injection-o /api/me/',
      'dn-injection-comma /api/me/',
      'revoked-cert /api/me/',
      'server-auth-eku /api/me/',
      'expired-cert /api/me/',
      'impostor-ca /api/me/',
      'spoofed-headers:proxy /api/me/',
      'spoofed-headers:backend /api/me/',
      'spoofed-headers:backend /accounts/cert-login/',
      'session-replay-no-cert /api/me/',
      'session-replay-other-cert /api/me/',
      'password-burst',
    ]) {
      assert.ok(passed.includes(c), `${c} passed (passed: ${passed.join(', ')})`);
    }
    assert.match(probe.report.notes!.find((n) => n.case === 'password-burst')!.reason, /answered 429 Too Many Requests/);
  });

  test('the legitimate user is still served; an unenrolled certificate and none are not', async () => {
    const alice = await get('/api/me/', 'alice');
    assert.equal(alice.status, 200, alice.body);
    assert.equal(JSON.parse(alice.body).user, 'alice');
    const bob = await get('/api/me/', 'bob');
    assert.equal(bob.status, 403, bob.body);
    assert.match(bob.body, /certificate not enrolled/);
    assert.equal((await get('/api/me/', null)).status, 400);
    // Straight to gunicorn with alice's (public) certificate in the header: no provenance.
    const direct = await fetch(`${backend}/api/me/`, { headers: { 'X-SSL-Client-Cert': encodeURIComponent(readFileSync(pki.files['alice:crt'], 'utf8')) } });
    assert.equal(direct.status, 403);
    assert.match(await direct.text(), /did not come through the authenticating proxy/);
  });

  test('the scan reports no code finding on the fixed tree (the generated app included)', async () => {
    const report: Report = await runScan({ path: app });
    assert.deepEqual(report.errors, []);
    const code = report.findings.filter((f) => f.layer === 'code').map((f) => `${f.ruleId} ${f.location.file}:${f.location.line}`);
    assert.deepEqual(code, []);
    // The generated snippets satisfy the deployment rules too.
    const deploy = report.findings.filter((f) => f.layer === 'deploy').map((f) => `${f.ruleId} ${f.location.file}:${f.location.line}`);
    assert.deepEqual(deploy, []);
  });

  test('the generated Python compiles and passes manage.py check (and check --deploy finds its material)', () => {
    const files = pyFiles(app);
    assert.ok(files.some((f) => f.endsWith(join('mtls_audit_django', 'migrations', '0001_initial.py'))));
    const c = fixed.python(['-m', 'py_compile', ...files]);
    assert.equal(c.status, 0, c.out);
    const check = fixed.python(['manage.py', 'check']);
    assert.equal(check.status, 0, check.out);
    assert.match(check.out, /no issues/);
    const deploy = fixed.python(['manage.py', 'check', '--deploy']);
    assert.doesNotMatch(deploy.out, /mtls_audit_django/);
  });

  test('fix --write wrote the secret mode 600 and a second run changes nothing', async () => {
    assert.match(fixed.written, /modified vulnerable\/settings\.py/);
    assert.match(fixed.written, /modified accounts\/certs\.py/);
    for (const f of ['deploy/mtls-audit/proxy-secret', 'deploy/mtls-audit/nginx/mtls-proxy-secret.conf']) {
      assert.equal(statSync(join(app, f)).mode & 0o777, 0o600, f);
    }
    const secret = readFileSync(join(app, 'deploy/mtls-audit/proxy-secret'), 'utf8').trim();
    assert.match(secret, /^[0-9a-f]{64}$/);
    assert.ok(readFileSync(join(app, 'deploy/mtls-audit/nginx/mtls-proxy-secret.conf'), 'utf8').includes(`"${secret}"`));
    const before = snapshot(app);
    const again = await cli(['fix', app, '--write', '--ca', pki.files['ca:crt'], '--crl', pki.files['ca:crl'], '--upstream', backend]);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /nothing to change/);
    assert.deepEqual(snapshot(app), before);
    const plan = await cli(['fix', app, '--ca', pki.files['ca:crt'], '--crl', pki.files['ca:crl'], '--upstream', backend]);
    assert.match(plan.stdout, /nothing to change/);
    assert.doesNotMatch(plan.stdout, /^diff --git/m);
  });
});
