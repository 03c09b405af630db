// Test support: a throw-away PKI minted at test time (@peculiar/x509 over Node's webcrypto) and
// the real nginx / HAProxy binaries checking that fixture configs are configs they accept.
// Fixtures name certificate files as `__PKI__/<file>`; the copy handed to the binary points there.

import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { webcrypto } from 'node:crypto';
import { spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { freePort, waitForListener } from '../helpers/ports.js';

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

export const NGINX = existsSync('/usr/sbin/nginx') ? '/usr/sbin/nginx' : 'nginx';
export const HAPROXY = existsSync('/usr/sbin/haproxy') ? '/usr/sbin/haproxy' : 'haproxy';

let pkiDir: Promise<string> | null = null;

/** Mints (once per process) a CA, a server certificate and key, and an empty CRL into a temp dir. */
export function testPki(): Promise<string> {
  pkiDir ??= mint();
  return pkiDir;
}

async function mint(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'mtls-audit-pki-'));
  // Throw-away material: removed when the test process exits.
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  const alg = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
  const subtle = webcrypto.subtle;
  const caKeys = await subtle.generateKey(alg, true, ['sign', 'verify']);
  const now = Date.now();
  const ca = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: '01',
    name: 'CN=mtls-audit test CA',
    notBefore: new Date(now - 3600_000),
    notAfter: new Date(now + 7 * 86400_000),
    keys: caKeys,
    signingAlgorithm: alg,
    extensions: [new x509.BasicConstraintsExtension(true, undefined, true), new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true)],
  });
  const srvKeys = await subtle.generateKey(alg, true, ['sign', 'verify']);
  const srv = await x509.X509CertificateGenerator.create({
    serialNumber: '02',
    subject: 'CN=localhost',
    issuer: ca.subject,
    notBefore: new Date(now - 3600_000),
    notAfter: new Date(now + 7 * 86400_000),
    signingKey: caKeys.privateKey,
    publicKey: srvKeys.publicKey,
    signingAlgorithm: alg,
  });
  const crl = await x509.X509CrlGenerator.create({
    issuer: ca.subject,
    thisUpdate: new Date(now - 3600_000),
    nextUpdate: new Date(now + 7 * 86400_000),
    signingAlgorithm: alg,
    signingKey: caKeys.privateKey,
    entries: [],
  });
  const keyPem = x509.PemConverter.encode(await subtle.exportKey('pkcs8', srvKeys.privateKey), 'PRIVATE KEY');
  writeFileSync(join(dir, 'ca.pem'), ca.toString('pem') + '\n');
  writeFileSync(join(dir, 'client-ca.pem'), ca.toString('pem') + '\n');
  writeFileSync(join(dir, 'server.pem'), srv.toString('pem') + '\n');
  writeFileSync(join(dir, 'server.key'), keyPem + '\n');
  writeFileSync(join(dir, 'server-combined.pem'), srv.toString('pem') + '\n' + keyPem + '\n');
  writeFileSync(join(dir, 'ca.crl'), x509.PemConverter.encode(crl.rawData, 'X509 CRL') + '\n');
  return dir;
}

/** Copies a fixture directory with `__PKI__` replaced (and optional extra substitutions). */
export function materialise(srcDir: string, pki: string, subst: [RegExp, string][] = []): string {
  const out = mkdtempSync(join(tmpdir(), 'mtls-audit-fx-'));
  cpSync(srcDir, out, { recursive: true });
  const visit = (d: string) => {
    for (const n of readdirSync(d)) {
      const p = join(d, n);
      if (statSync(p).isDirectory()) visit(p);
      else {
        let t = readFileSync(p, 'utf8');
        const before = t;
        t = t.split('__PKI__').join(pki);
        for (const [re, s] of subst) t = t.replace(re, s);
        if (t !== before) writeFileSync(p, t);
      }
    }
  };
  visit(out);
  return out;
}

export interface CheckResult {
  ok: boolean;
  output: string;
}

/** `nginx -t` on a config; a conf.d-style file (no `events`) is wrapped in events/http. */
export function nginxTest(confPath: string): CheckResult {
  const dir = mkdtempSync(join(tmpdir(), 'mtls-audit-ngx-'));
  const text = readFileSync(confPath, 'utf8');
  let main = confPath;
  if (!/^\s*events\b/m.test(text)) {
    main = join(dir, 'wrapper.conf');
    writeFileSync(main, `events {}\nhttp {\n    include ${confPath};\n}\n`);
  }
  mkdirSync(join(dir, 'logs'), { recursive: true });
  try {
    const r = spawnSync(NGINX, ['-t', '-q', '-c', main, '-p', dir, '-e', join(dir, 'logs', 'error.log'), '-g', `pid ${join(dir, 'nginx.pid')};`], { encoding: 'utf8', timeout: 20_000 });
    return { ok: r.status === 0, output: `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? String(r.error) : ''}` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function haproxyTest(cfgPath: string): CheckResult {
  const r = spawnSync(HAPROXY, ['-c', '-q', '-f', cfgPath], { encoding: 'utf8', timeout: 20_000 });
  return { ok: r.status === 0, output: `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? String(r.error) : ''}` };
}

/** Every file under `dir` (relative paths). */
export function listFiles(dir: string): string[] {
  const out: string[] = [];
  const visit = (d: string) => {
    for (const n of readdirSync(d).sort()) {
      const p = join(d, n);
      if (statSync(p).isDirectory()) visit(p);
      else out.push(relative(dir, p));
    }
  };
  visit(dir);
  return out;
}

export { freePort };

/**
 * Resolves once `child` accepts connections on 127.0.0.1:port (or rejects after `ms`); a
 * PortTakenError when another process holds the port (test/helpers/ports.ts).
 */
export async function waitListening(port: number, child: ChildProcess, ms = 5000): Promise<void> {
  const gone = () => (child.exitCode !== null || child.signalCode !== null ? `the server exited (${child.exitCode ?? child.signalCode})` : undefined);
  await waitForListener(port, { pid: child.pid, gone, describe: () => '' }, ms);
}
