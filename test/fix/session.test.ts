// `fix` on the lab's session target (test/lab/apps/sessions: the certificate read once at /login/,
// then only the session), given no --ca/--crl and no proxy config to read them from: the plan says
// where the pinned CA and CRL must go, `manage.py mtls_bind` refuses and says the same until they
// are there; placed as told, the fixed app behind nginx with the generated snippets gives the real
// probe nothing to report, and alice is still served.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLabPki, type LabPki } from '../../src/pki/lab.js';
import { runProbe, type ProbeRun } from '../../src/probe/probe.js';
import { freePort, gunicorn, LAB_APPS, migrateWithUsers, nginx, nginxConf, PYTHON, pythonEnv, stopProc, waitForPort, type Proc } from '../lab/harness.js';
import { cli } from './helpers.js';

let root: string;
let app: string;
let pki: LabPki;
let procs: Proc[] = [];
let url: string;
let backend: string;
let written: { code: number; stdout: string; stderr: string };
let bindBefore: { status: number | null; out: string };
let bindAfter: { status: number | null; out: string };
let probe: ProbeRun;

function get(path: string, cert: 'alice' | 'bob', cookie?: string): Promise<{ status: number; body: string; cookies: string[] }> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${url}${path}`,
      { agent: false, ca: readFileSync(pki.files['ca:crt']), cert: readFileSync(pki.files[`${cert}:crt`]), key: readFileSync(pki.files[`${cert}:key`]), headers: cookie ? { Cookie: cookie } : {} },
      (res) => {
        let body = '';
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, cookies: (res.headers['set-cookie'] ?? []).map((c) => c.split(';')[0]) }));
      },
    );
    req.setTimeout(5000, () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end();
  });
}

describe('fix --write on the lab’s session target without --ca, then the probe', { timeout: 240_000 }, () => {
  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'mtls-audit-fix-session-'));
    pki = await createLabPki(join(root, 'pki'));
    app = join(root, 'app');
    cpSync(join(LAB_APPS, 'sessions'), app, { recursive: true });
    const [port, gport] = [await freePort(), await freePort()];
    url = `https://127.0.0.1:${port}`;
    backend = `http://127.0.0.1:${gport}`;
    written = await cli(['fix', app, '--write', '--upstream', backend]);
    assert.equal(written.code, 0, written.stderr);

    const env = { DJANGO_SETTINGS_MODULE: 'sessionsite.settings', DJANGO_DB_PATH: join(app, 'db.sqlite3'), DJANGO_SECRET_KEY: randomBytes(24).toString('hex') };
    migrateWithUsers('fixed session', app, env);
    const python = (args: string[]) => {
      const p = spawnSync(PYTHON, args, { cwd: app, env: pythonEnv(env), encoding: 'utf8' });
      return { status: p.status, out: `${p.stdout}${p.stderr}` };
    };
    bindBefore = python(['manage.py', 'mtls_bind', 'alice', pki.files['alice:crt']]);
    // Placed where the plan said.
    copyFileSync(pki.files['ca:crt'], join(app, 'deploy', 'mtls-audit', 'client-ca.pem'));
    copyFileSync(pki.files['ca:crl'], join(app, 'deploy', 'mtls-audit', 'client-ca.crl'));
    bindAfter = python(['manage.py', 'mtls_bind', 'alice', pki.files['alice:crt']]);

    const dir = join(root, 'nginx');
    mkdirSync(dir);
    symlinkSync(join(app, 'deploy', 'mtls-audit'), join(dir, 'mtls-audit'));
    const g = gunicorn('fixed session', root, app, 'sessionsite.wsgi:application', gport, env);
    const n = nginx(
      'fixed session',
      dir,
      nginxConf(dir, port, gport, `    ssl_certificate ${pki.files['server:crt']};\n    ssl_certificate_key ${pki.files['server:key']};\n    include mtls-audit/nginx/mtls-server.conf;`, `      include mtls-audit/nginx/mtls-proxy.conf;`),
    );
    procs = [g, n];
    await Promise.all([waitForPort(gport, g), waitForPort(port, n)]);
    probe = await runProbe({
      url: `${url}/api/whoami/`,
      certPem: readFileSync(pki.files['alice:crt'], 'utf8'),
      keyPem: readFileSync(pki.files['alice:key'], 'utf8'),
      caPem: readFileSync(pki.files['ca:crt'], 'utf8'),
      caKeyPem: readFileSync(pki.files['ca:key'], 'utf8'),
      crlData: readFileSync(pki.files['ca:crl']),
      serverCaPem: readFileSync(pki.files['ca:crt'], 'utf8'),
      backend,
      protectedPaths: ['/api/whoami/'],
      loginPath: '/login/',
    });
  });

  after(async () => {
    await Promise.all(procs.map(stopProc));
    if (root) rmSync(root, { recursive: true, force: true });
  });

  test('the plan says where the pinned CA and the CRL must be placed (it cannot know them)', () => {
    assert.match(written.stdout, /to do by hand:/);
    assert.match(
      written.stdout,
      /the CA that issues your client certificates is not known \(no --ca, and no proxy config in the tree names one\): place its certificate \(PEM\) at deploy\/mtls-audit\/client-ca\.pem \(Django reads it there unless MTLS_CA_FILE is set\) and at <nginx conf dir>\/mtls-audit\/client-ca\.pem for nginx/,
    );
    assert.match(written.stdout, /the client CA's CRL is not known \(no --crl, .*\): place the CRL that CA publishes \(PEM or DER\) at deploy\/mtls-audit\/client-ca\.crl/);
  });

  test('mtls_bind explains the missing CA file instead of binding; once placed it binds', () => {
    assert.notEqual(bindBefore.status, 0, bindBefore.out);
    const ca = join(app, 'deploy', 'mtls-audit', 'client-ca.pem');
    assert.ok(bindBefore.out.includes(`the pinned CA file ${ca} does not exist: place there the certificate (PEM) of the CA that issues your client certificates`), bindBefore.out);
    assert.match(bindBefore.out, /MTLS_CA_FILE/);
    assert.doesNotMatch(bindBefore.out, /Traceback/);
    assert.equal(bindAfter.status, 0, bindAfter.out);
    assert.match(bindAfter.out, /^bound: [0-9a-f]{64} -> alice/m);
  });

  test('the probe finds nothing on the fixed deployment, and judged every case', () => {
    const found = probe.report.findings.map((f) => `${f.ruleId} ${f.location.url} ${f.location.case}`);
    assert.deepEqual(found, []);
    assert.deepEqual(probe.report.errors, []);
    const notes = (s: string) =>
      (probe.report.notes ?? [])
        .filter((n) => n.status === s)
        .map((n) => n.case)
        .sort();
    assert.deepEqual(notes('inconclusive'), []);
    assert.deepEqual(notes('not-run'), ['password-burst', 'session-id-not-rotated']);
    for (const c of [
      'no-cert /api/whoami/',
      'no-cert-backend /api/whoami/',
      'unknown-identity /api/whoami/',
      'revoked-cert /api/whoami/',
      'spoofed-headers:backend /api/whoami/',
      'spoofed-headers:backend /login/',
      'session-replay-no-cert /api/whoami/',
      'session-replay-other-cert /api/whoami/',
    ]) {
      assert.ok(notes('passed').includes(c), `${c} passed (passed: ${notes('passed').join(', ')})`);
    }
  });

  test('alice is still served (alone and through the login), bob (not enrolled) is not', async () => {
    const alone = await get('/api/whoami/', 'alice');
    assert.equal(alone.status, 200, alone.body);
    assert.equal(JSON.parse(alone.body).user, 'alice');
    const login = await get('/login/', 'alice');
    assert.equal(login.status, 302, login.body);
    const after = await get('/api/whoami/', 'alice', login.cookies.join('; '));
    assert.equal(after.status, 200, after.body);
    assert.equal(JSON.parse(after.body).user, 'alice');
    // alice's session with bob's certificate: refused.
    const bob = await get('/api/whoami/', 'bob', login.cookies.join('; '));
    assert.equal(bob.status, 403, bob.body);
  });
});
