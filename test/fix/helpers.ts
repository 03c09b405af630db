// Shared by the fix tests: the lab's vulnerable target copied to a temporary directory, fixed with
// the real CLI, its database migrated and alice's certificate enrolled.

import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { cpSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import type { LabPki } from '../../src/pki/lab.js';
import { runProbe, type ProbeRun } from '../../src/probe/probe.js';
import { LAB_APPS, PYTHON, pythonEnv } from '../lab/harness.js';
import { REPO_ROOT } from '../helpers/rule-tester.js';
import { runCliInProcess } from '../helpers/in-process-cli.js';

export const run = promisify(execFile);
export const BIN = join(REPO_ROOT, 'bin', 'mtls-audit.js');

/**
 * `mtls-audit ARGS` in this process (test/helpers/in-process-cli.ts: the CLI's entry with its
 * output captured, a few milliseconds instead of a process start); resolves with the exit code.
 * What only a real process shows spawns it (`runCli` of test/cli/helpers.ts).
 */
export async function cli(args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const r = await runCliInProcess(args, opts);
  return { code: r.code ?? -1, stdout: r.stdout, stderr: r.stderr };
}

export interface FixedApp {
  dir: string;
  env: Record<string, string>;
  /** stdout of `fix --write`. */
  written: string;
  python(args: string[]): { status: number | null; out: string };
}

/** Copies test/lab/apps/vulnerable to `dir`, runs `fix --write ARGS`, migrates, creates alice/bob/carol, enrols alice. */
export async function fixedLabApp(dir: string, pki: LabPki, fixArgs: string[]): Promise<FixedApp> {
  cpSync(join(LAB_APPS, 'vulnerable'), dir, { recursive: true });
  const r = await cli(['fix', dir, '--write', '--ca', pki.files['ca:crt'], '--crl', pki.files['ca:crl'], ...fixArgs]);
  assert.equal(r.code, 0, r.stderr);
  const env = { DJANGO_SETTINGS_MODULE: 'vulnerable.settings', DJANGO_DB_PATH: join(dir, 'db.sqlite3'), DJANGO_SECRET_KEY: randomBytes(24).toString('hex') };
  const python = (args: string[]) => {
    const p = spawnSync(PYTHON, args, { cwd: dir, env: pythonEnv(env), encoding: 'utf8' });
    return { status: p.status, out: `${p.stdout}${p.stderr}` };
  };
  const setup = python([
    '-c',
    `import django; django.setup()
from django.core.management import call_command
call_command('migrate', verbosity=0)
from django.contrib.auth.models import User
for name in ('alice', 'bob', 'carol'):
    User.objects.create_user(name, name + '@lab.test', '${randomBytes(12).toString('hex')}')
`,
  ]);
  assert.equal(setup.status, 0, setup.out);
  const bind = python(['manage.py', 'mtls_bind', 'alice', pki.files['alice:crt']]);
  assert.equal(bind.status, 0, bind.out);
  return { dir, env, written: r.stdout, python };
}

export function pyFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...pyFiles(p));
    else if (e.name.endsWith('.py')) out.push(p);
  }
  return out;
}

/** Every file under `dir` (mode and text), caches and databases left out. */
export function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.name === '__pycache__' || e.name === '.git' || e.name.endsWith('.sqlite3')) continue;
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) out[relative(dir, p)] = `${statSync(p).mode.toString(8)} ${readFileSync(p, 'utf8')}`;
    }
  };
  walk(dir);
  return out;
}

/** The full probe of a fixed lab app as alice (the lab PKI's CA, CRL and the vulnerable app's paths). */
export function probeFixedApp(pki: LabPki, url: string, backend: string): Promise<ProbeRun> {
  return runProbe({
    url,
    certPem: readFileSync(pki.files['alice:crt'], 'utf8'),
    keyPem: readFileSync(pki.files['alice:key'], 'utf8'),
    caPem: readFileSync(pki.files['ca:crt'], 'utf8'),
    caKeyPem: readFileSync(pki.files['ca:key'], 'utf8'),
    crlData: readFileSync(pki.files['ca:crl']),
    serverCaPem: readFileSync(pki.files['ca:crt'], 'utf8'),
    backend,
    protectedPaths: ['/api/me/', '/api/export/'],
    loginPath: '/accounts/cert-login/',
    passwordLogin: '/accounts/login/',
  });
}
