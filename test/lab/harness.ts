// The probe lab: real nginx / HAProxy in front of real Django (gunicorn), from Debian packages,
// on loopback ephemeral ports, with a fresh PKI per run. Every server runs in the foreground under
// its own prefix (own config, pid file, logs, temp paths) and is stopped by the pid we spawned.
//
//   const lab = await startLab(['vulnerable', 'secure', 'haproxy']);
//   ... lab.targets.vulnerable.url, lab.probeArgs('vulnerable') ...
//   await lab.stop();
//
// Targets (apps under test/lab/apps/):
//   vulnerable  nginx `ssl_verify_client optional_no_ca` (no CA file: any issuer passes, nginx still
//               rejects expired certificates), underscores_in_headers on, forwards the
//               certificate and its DN; Django project trusting the headers (CN → user, naive DN
//               split), an unauthenticated export, a cert login that neither rotates nor binds the
//               session, an unthrottled password login; gunicorn reachable directly.
//   secure      nginx `ssl_verify_client on` + CRL, headers overwritten, a provenance secret checked
//               with hmac.compare_digest; Django re-verifies chain/validity/EKU/CRL, binds the
//               SHA-256 fingerprint to the user and the session to the fingerprint; throttled login.
//   haproxy     HAProxy `verify required` with `crt-ignore-err 9,10` (expiry ignored, a common
//               workaround) and no CRL, setting X-SSL-Client-Cert to base64 DER; the app trusts the
//               header from anywhere, enrols unknown CNs, keeps an unbound session.
//   session     nginx `ssl_verify_client on` + CRL, X-SSL-Client-Cert overwritten; Django reads the
//               certificate once, at /login/ (CN → user, login()), and /api/whoami/ only needs
//               request.user.is_authenticated (the session outlives and ignores the certificate).
//               The same login behind a CSRF form (/login/form/) and as JSON (/login/json/);
//               gunicorn reachable directly.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLabPki, type LabPki } from '../../src/pki/lab.js';
import { sha256Fingerprint } from '../../src/pki/mint.js';
import { freePort, PortTakenError, waitForListener } from '../helpers/ports.js';

export { freePort };

export const LAB_APPS = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'test', 'lab', 'apps');
export const PYTHON = '/usr/bin/python3';
export const TARGET_NAMES = ['vulnerable', 'secure', 'haproxy', 'session'] as const;
export type TargetName = (typeof TARGET_NAMES)[number];

export interface LabTarget {
  name: TargetName;
  /** https://127.0.0.1:PORT (the proxy). */
  url: string;
  /** http://127.0.0.1:PORT (gunicorn, directly). */
  backend: string;
  protectedPaths: string[];
  loginPath?: string;
  passwordLogin?: string;
  /** Server prefix: configs, pid files, logs. */
  dir: string;
}

export interface Lab {
  pki: LabPki;
  pkiDir: string;
  targets: Partial<Record<TargetName, LabTarget>>;
  /** Command-line arguments for `mtls-audit probe` against a target (legitimate identity: alice). */
  probeArgs(name: TargetName, extra?: { caKey?: boolean; crl?: boolean; backend?: boolean }): string[];
  stop(): Promise<void>;
}

export interface Proc {
  name: string;
  child: ChildProcess;
  stopSignal: NodeJS.Signals;
  exited: Promise<void>;
  log: () => string;
}

const live = new Set<ChildProcess>();
process.on('exit', () => {
  for (const c of live)
    if (c.pid && c.exitCode === null)
      try {
        process.kill(c.pid, 'SIGKILL');
      } catch {
        /* gone */
      }
});

export function start(name: string, cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; stopSignal: NodeJS.Signals; logFile: string }): Proc {
  const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env, stdio: ['ignore', 'pipe', 'pipe'] });
  live.add(child);
  let out = '';
  const keep = (b: Buffer) => {
    out = (out + b.toString()).slice(-20000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => {
      live.delete(child);
      resolve();
    });
    child.once('error', (e) => {
      out += `\nspawn error: ${e.message}`;
      live.delete(child);
      resolve();
    });
  });
  return {
    name,
    child,
    stopSignal: opts.stopSignal,
    exited,
    log: () => {
      let file = '';
      try {
        file = readFileSync(opts.logFile, 'utf8').slice(-4000);
      } catch {
        /* none yet */
      }
      return `${out}\n${file}`;
    },
  };
}

export async function stopProc(p: Proc): Promise<void> {
  if (p.child.exitCode !== null || p.child.signalCode !== null || !p.child.pid) return;
  try {
    process.kill(p.child.pid, p.stopSignal);
  } catch {
    return;
  }
  const timer = setTimeout(() => {
    if (p.child.pid && p.child.exitCode === null)
      try {
        process.kill(p.child.pid, 'SIGKILL');
      } catch {
        /* gone */
      }
  }, 3000);
  await p.exited;
  clearTimeout(timer);
}

/**
 * Resolves once `proc` listens on `port`; a PortTakenError when another process holds the port
 * (test/helpers/ports.ts says why that happens and why it matters).
 */
export async function waitForPort(port: number, proc: Proc, timeoutMs = 15000): Promise<void> {
  const gone = () => (proc.child.exitCode !== null || proc.child.signalCode !== null ? `${proc.name} exited (${proc.child.exitCode ?? proc.child.signalCode})` : undefined);
  await waitForListener(port, { pid: proc.child.pid, gone, describe: proc.log }, timeoutMs);
}

export function pythonEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  return {
    PATH: '/usr/sbin:/usr/bin:/sbin:/bin',
    LANG: 'C.UTF-8',
    PYTHONDONTWRITEBYTECODE: '1',
    PYTHONUNBUFFERED: '1',
    ...extra,
  };
}

export function gunicorn(name: string, dir: string, appDir: string, module: string, port: number, env: Record<string, string>): Proc {
  return start(
    `${name} gunicorn`,
    PYTHON,
    ['-m', 'gunicorn', '--preload', '--bind', `127.0.0.1:${port}`, '--workers', '2', '--pid', join(dir, 'gunicorn.pid'), '--chdir', appDir, '--log-level', 'warning', '--error-logfile', join(dir, 'gunicorn.log'), module],
    { env: pythonEnv(env), stopSignal: 'SIGTERM', logFile: join(dir, 'gunicorn.log') },
  );
}

export function nginxConf(dir: string, port: number, backendPort: number, server: string, location: string): string {
  const temps = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => `  ${t}_temp_path ${join(dir, `${t}_temp`)};`).join('\n');
  return `daemon off;
worker_processes 1;
pid ${join(dir, 'nginx.pid')};
error_log ${join(dir, 'error.log')} info;
events { worker_connections 256; }
http {
  access_log ${join(dir, 'access.log')};
${temps}
  server {
    listen 127.0.0.1:${port} ssl;
${server}
    location / {
      proxy_pass http://127.0.0.1:${backendPort};
      proxy_set_header Host $http_host;
      proxy_set_header X-Forwarded-For $remote_addr;
      proxy_set_header X-Forwarded-Proto https;
${location}
    }
  }
}
`;
}

export function nginx(name: string, dir: string, conf: string): Proc {
  const confPath = join(dir, 'nginx.conf');
  writeFileSync(confPath, conf);
  for (const t of ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']) mkdirSync(join(dir, `${t}_temp`), { recursive: true });
  return start(`${name} nginx`, '/usr/sbin/nginx', ['-c', confPath, '-p', dir, '-e', join(dir, 'error.log')], {
    stopSignal: 'SIGQUIT',
    logFile: join(dir, 'error.log'),
    env: { PATH: '/usr/sbin:/usr/bin:/bin' },
  });
}

interface Built {
  target: LabTarget;
  procs: Proc[];
  ports: number[];
}

/** Migrates a lab Django project's database and creates alice, bob and carol (random passwords). */
export function migrateWithUsers(name: string, appDir: string, env: Record<string, string>): void {
  const setup = spawnSync(
    PYTHON,
    [
      '-c',
      `import django; django.setup()
from django.core.management import call_command
call_command('migrate', verbosity=0)
from django.contrib.auth.models import User
for name in ('alice', 'bob', 'carol'):
    User.objects.create_user(name, name + '@lab.test', '${randomBytes(12).toString('hex')}')
`,
    ],
    { cwd: appDir, env: pythonEnv(env), encoding: 'utf8' },
  );
  if (setup.status !== 0) throw new Error(`${name}: migrate failed: ${setup.stderr}`);
}

async function buildVulnerable(root: string, pki: LabPki): Promise<Built> {
  const dir = join(root, 'vulnerable');
  mkdirSync(dir, { recursive: true });
  const [port, gport] = [await freePort(), await freePort()];
  const appDir = join(LAB_APPS, 'vulnerable');
  const env = { DJANGO_SETTINGS_MODULE: 'vulnerable.settings', DJANGO_DB_PATH: join(dir, 'db.sqlite3'), DJANGO_SECRET_KEY: randomBytes(24).toString('hex') };
  migrateWithUsers('vulnerable', appDir, env);
  const g = gunicorn('vulnerable', dir, appDir, 'vulnerable.wsgi:application', gport, env);
  const n = nginx(
    'vulnerable',
    dir,
    nginxConf(
      dir,
      port,
      gport,
      `    ssl_certificate ${pki.files['server:crt']};
    ssl_certificate_key ${pki.files['server:key']};
    ssl_verify_client optional_no_ca;
    underscores_in_headers on;`,
      `      proxy_set_header X-SSL-Client-Cert $ssl_client_escaped_cert;
      proxy_set_header X-SSL-Client-S-DN $ssl_client_s_dn;`,
    ),
  );
  return {
    target: {
      name: 'vulnerable',
      url: `https://127.0.0.1:${port}`,
      backend: `http://127.0.0.1:${gport}`,
      protectedPaths: ['/api/me/', '/api/export/'],
      loginPath: '/accounts/cert-login/',
      passwordLogin: '/accounts/login/',
      dir,
    },
    procs: [g, n],
    ports: [gport, port],
  };
}

async function buildSecure(root: string, pki: LabPki): Promise<Built> {
  const dir = join(root, 'secure');
  mkdirSync(join(dir, 'cache'), { recursive: true });
  const [port, gport] = [await freePort(), await freePort()];
  const secret = randomBytes(32).toString('hex');
  const bindings = { [sha256Fingerprint(pki.alice.cert)]: 'alice', [sha256Fingerprint(pki.bob.cert)]: 'bob' };
  const passwords = Object.fromEntries(['alice', 'bob'].map((u) => [u, createHash('sha256').update(randomBytes(16)).digest('hex')]));
  writeFileSync(join(dir, 'bindings.json'), JSON.stringify(bindings), { mode: 0o600 });
  writeFileSync(join(dir, 'passwords.json'), JSON.stringify(passwords), { mode: 0o600 });
  const env = {
    DJANGO_SECRET_KEY: randomBytes(24).toString('hex'),
    LAB_PROXY_SECRET: secret,
    LAB_CA: pki.files['ca:crt'],
    LAB_CRL: pki.files['ca:crl'],
    LAB_BINDINGS: join(dir, 'bindings.json'),
    LAB_PASSWORDS: join(dir, 'passwords.json'),
    LAB_STATE_DIR: dir,
  };
  const g = gunicorn('secure', dir, join(LAB_APPS, 'secure'), 'app:application', gport, env);
  const n = nginx(
    'secure',
    dir,
    nginxConf(
      dir,
      port,
      gport,
      `    ssl_certificate ${pki.files['server:crt']};
    ssl_certificate_key ${pki.files['server:key']};
    ssl_client_certificate ${pki.files['ca:crt']};
    ssl_crl ${pki.files['ca:crl']};
    ssl_verify_client on;
    ssl_verify_depth 2;`,
      `      proxy_set_header X-SSL-Client-Cert $ssl_client_escaped_cert;
      proxy_set_header X-SSL-Client-Verify $ssl_client_verify;
      proxy_set_header X-Mtls-Proxy-Secret "${secret}";`,
    ),
  );
  return {
    target: {
      name: 'secure',
      url: `https://127.0.0.1:${port}`,
      backend: `http://127.0.0.1:${gport}`,
      protectedPaths: ['/api/me/'],
      loginPath: '/accounts/cert-login/',
      passwordLogin: '/accounts/login/',
      dir,
    },
    procs: [g, n],
    ports: [gport, port],
  };
}

async function buildHaproxy(root: string, pki: LabPki): Promise<Built> {
  const dir = join(root, 'haproxy');
  mkdirSync(dir, { recursive: true });
  const [port, gport] = [await freePort(), await freePort()];
  const g = gunicorn('haproxy', dir, join(LAB_APPS, 'haproxy_app'), 'app:application', gport, { DJANGO_SECRET_KEY: randomBytes(24).toString('hex') });
  const conf = join(dir, 'haproxy.cfg');
  writeFileSync(
    conf,
    `global
  maxconn 256
  pidfile ${join(dir, 'haproxy.pid')}

defaults
  mode http
  timeout connect 2s
  timeout client 5s
  timeout server 5s

frontend lab
  bind 127.0.0.1:${port} ssl crt ${pki.files['server:pem']} ca-file ${pki.files['ca:crt']} verify required crt-ignore-err 9,10
  http-request set-header X-SSL-Client-Cert %[ssl_c_der,base64]
  default_backend app

backend app
  server gunicorn 127.0.0.1:${gport}
`,
  );
  const h = start('haproxy', '/usr/sbin/haproxy', ['-f', conf, '-db'], { stopSignal: 'SIGUSR1', logFile: join(dir, 'haproxy.log'), env: { PATH: '/usr/sbin:/usr/bin:/bin' } });
  return {
    target: { name: 'haproxy', url: `https://127.0.0.1:${port}`, backend: `http://127.0.0.1:${gport}`, protectedPaths: ['/api/me/'], loginPath: '/login/', dir },
    procs: [g, h],
    ports: [gport, port],
  };
}

/** The nginx server block of the session target (verification on, CRL, the certificate header overwritten). */
export function sessionNginxServer(pki: LabPki): string {
  return `    ssl_certificate ${pki.files['server:crt']};
    ssl_certificate_key ${pki.files['server:key']};
    ssl_client_certificate ${pki.files['ca:crt']};
    ssl_crl ${pki.files['ca:crl']};
    ssl_verify_client on;
    ssl_verify_depth 2;`;
}

async function buildSession(root: string, pki: LabPki): Promise<Built> {
  const dir = join(root, 'session');
  mkdirSync(dir, { recursive: true });
  const [port, gport] = [await freePort(), await freePort()];
  const appDir = join(LAB_APPS, 'sessions');
  const env = { DJANGO_SETTINGS_MODULE: 'sessionsite.settings', DJANGO_DB_PATH: join(dir, 'db.sqlite3'), DJANGO_SECRET_KEY: randomBytes(24).toString('hex') };
  migrateWithUsers('session', appDir, env);
  const g = gunicorn('session', dir, appDir, 'sessionsite.wsgi:application', gport, env);
  const n = nginx('session', dir, nginxConf(dir, port, gport, sessionNginxServer(pki), `      proxy_set_header X-SSL-Client-Cert $ssl_client_escaped_cert;`));
  return {
    target: { name: 'session', url: `https://127.0.0.1:${port}`, backend: `http://127.0.0.1:${gport}`, protectedPaths: ['/api/whoami/'], loginPath: '/login/', dir },
    procs: [g, n],
    ports: [gport, port],
  };
}

const BUILDERS: Record<TargetName, (root: string, pki: LabPki) => Promise<Built>> = {
  vulnerable: buildVulnerable,
  secure: buildSecure,
  haproxy: buildHaproxy,
  session: buildSession,
};

export async function startLab(names: readonly TargetName[] = TARGET_NAMES): Promise<Lab> {
  const root = mkdtempSync(join(tmpdir(), 'mtls-audit-lab-'));
  const pkiDir = join(root, 'pki');
  const pki = await createLabPki(pkiDir);
  const procs: Proc[] = [];
  const targets: Partial<Record<TargetName, LabTarget>> = {};
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await Promise.all(procs.map(stopProc));
    rmSync(root, { recursive: true, force: true });
  };
  try {
    // A port another process took before our server bound it: start every target again on new
    // ports (in a new directory), a few times.
    for (let attempt = 1; ; attempt++) {
      const dir = join(root, `start-${attempt}`);
      const built: Built[] = [];
      const results = await Promise.allSettled(names.map((n) => BUILDERS[n](dir, pki)));
      for (const r of results)
        if (r.status === 'fulfilled') {
          built.push(r.value);
          procs.push(...r.value.procs);
        }
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) throw failed.reason;
      const waits = await Promise.allSettled(built.flatMap((b) => b.ports.map((p, i) => waitForPort(p, b.procs[i]))));
      const waitFailed = waits.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => r.reason as unknown);
      if (waitFailed.length === 0) {
        for (const b of built) targets[b.target.name] = b.target;
        break;
      }
      if (attempt >= 3 || !waitFailed.every((e) => e instanceof PortTakenError)) throw waitFailed.find((e) => !(e instanceof PortTakenError)) ?? waitFailed[0];
      const these = procs.splice(0);
      await Promise.all(these.map(stopProc));
    }
  } catch (e) {
    await stop();
    throw e;
  }
  return {
    pki,
    pkiDir,
    targets,
    stop,
    probeArgs(name, extra = {}) {
      const t = targets[name];
      if (!t) throw new Error(`target ${name} not started`);
      const args = [t.url + t.protectedPaths[0], '--cert', pki.files['alice:crt'], '--key', pki.files['alice:key'], '--ca', pki.files['ca:crt'], '--server-ca', pki.files['ca:crt']];
      if (extra.caKey !== false) args.push('--ca-key', pki.files['ca:key']);
      if (extra.crl !== false) args.push('--crl', pki.files['ca:crl']);
      if (extra.backend !== false) args.push('--backend', t.backend);
      for (const p of t.protectedPaths) args.push('--protected-path', p);
      if (t.loginPath) args.push('--login-path', t.loginPath);
      if (t.passwordLogin) args.push('--password-login', t.passwordLogin);
      return args;
    },
  };
}
