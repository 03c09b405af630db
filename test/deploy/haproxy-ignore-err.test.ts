// `ca-ignore-err` / `crt-ignore-err` against a real HAProxy (loopback, own port, stopped by pid):
// what the model says the bind line verifies is what HAProxy accepts. A certificate from an
// unrelated CA gets through `crt-ignore-err all`; a revoked one gets through a CRL with
// `crt-ignore-err 23`; without the lists both are refused.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { request } from 'node:https';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLabPki, type LabPki } from '../../src/pki/lab.js';
import { createCa, issueCert } from '../../src/pki/mint.js';
import { parseHaproxy, haproxyEntryPoints } from '../../src/deploy/haproxy.js';
import { HAPROXY, freePort, waitListening } from './real-servers.js';

let pki: LabPki;
let dir: string;
let echo: Server;
let echoPort = 0;

/** Status of a GET with the given client certificate, or the TLS error's code when refused. */
function get(port: number, cert: { certPem: string; keyPem: string }): Promise<string> {
  return new Promise((res) => {
    const req = request({ host: '127.0.0.1', port, path: '/', agent: false, cert: cert.certPem, key: cert.keyPem, ca: pki.ca.certPem, servername: 'localhost', timeout: 5000 }, (r) => {
      r.resume();
      r.on('end', () => res(String(r.statusCode)));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (e: NodeJS.ErrnoException) => res(`refused (${e.code ?? e.message})`));
    req.end();
  });
}

const bindOptions = (extra: string) => `ssl crt ${join(dir, 'server.pem')} ca-file ${join(dir, 'ca.crt')} crl-file ${join(dir, 'ca.crl')} verify required ${extra}`.trim();

async function withHaproxy<T>(extra: string, run: (port: number) => Promise<T>): Promise<{ result: T; text: string }> {
  const port = await freePort();
  const text = `defaults\n    mode http\n    timeout connect 5s\n    timeout client 10s\n    timeout server 10s\nfrontend fe\n    bind 127.0.0.1:${port} ${bindOptions(extra)}\n    default_backend be\nbackend be\n    server echo 127.0.0.1:${echoPort}\n`;
  const cfg = join(dir, `haproxy-${port}.cfg`);
  writeFileSync(cfg, text);
  const child = spawn(HAPROXY, ['-f', cfg, '-db'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d) => (stderr += d));
  try {
    await waitListening(port, child).catch((e: Error) => {
      throw new Error(`${e.message}: ${stderr}`);
    });
    return { result: await run(port), text };
  } finally {
    if (child.pid) process.kill(child.pid, 'SIGTERM');
    await new Promise((r) => (child.exitCode !== null ? r(null) : child.once('exit', r)));
  }
}

const model = (text: string) => haproxyEntryPoints('haproxy.cfg', parseHaproxy(text))[0];

test('set up: lab PKI and an echo backend', async () => {
  dir = mkdtempSync(join(tmpdir(), 'mtls-audit-haproxy-ignore-'));
  pki = await createLabPki(dir);
  echo = createServer((_req, res) => res.end('ok'));
  await new Promise<void>((r) => echo.listen(0, '127.0.0.1', () => r()));
  echoPort = (echo.address() as { port: number }).port;
});

after(() => {
  echo?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('real HAProxy: without ignore lists, an unrelated CA and a revoked certificate are refused; the model verifies and checks the CRL', async () => {
  const { result, text } = await withHaproxy('', async (port) => ({ alice: await get(port, pki.alice), impostor: await get(port, pki.attacks['impostor-alice']), revoked: await get(port, pki.revoked) }));
  assert.equal(result.alice, '200');
  assert.match(result.impostor, /^refused/);
  assert.match(result.revoked, /^refused/);
  const ep = model(text);
  assert.equal(ep.verify, 'on');
  assert.ok(ep.crl && !ep.ignoresVerifyErrors && !ep.crlIgnored);
});

test('real HAProxy: crt-ignore-err all accepts a certificate from an unrelated CA; the model does not count it as verified', async () => {
  const { result, text } = await withHaproxy('crt-ignore-err all', async (port) => get(port, pki.attacks['impostor-alice']));
  assert.equal(result, '200');
  const ep = model(text);
  assert.equal(ep.verify, 'optional_no_ca');
  assert.ok(ep.ignoresVerifyErrors);
});

test('real HAProxy: crt-ignore-err 23 accepts a revoked certificate; the model does not count the CRL', async () => {
  const { result, text } = await withHaproxy('crt-ignore-err 23', async (port) => ({ revoked: await get(port, pki.revoked), impostor: await get(port, pki.attacks['impostor-alice']) }));
  assert.equal(result.revoked, '200');
  assert.match(result.impostor, /^refused/);
  const ep = model(text);
  assert.equal(ep.verify, 'on');
  assert.ok(!ep.crl && ep.crlIgnored && !ep.ignoresVerifyErrors);
});

test('real HAProxy: ca-ignore-err all alone still refuses a certificate whose sender supplies its own root; the model keeps it verified', async () => {
  // A root of the attacker's own, under a name the server's store does not hold.
  const root = await createCa({ subject: [{ O: ['elsewhere'] }, { CN: ['elsewhere root'] }] });
  const leaf = await issueCert(root.issuer, { subject: [{ O: ['mtls-audit lab'] }, { CN: ['alice'] }] });
  const own = { certPem: `${leaf.certPem.trimEnd()}\n${root.certPem}`, keyPem: leaf.keyPem };
  const { result, text } = await withHaproxy('ca-ignore-err all', async (port) => ({ withRoot: await get(port, own), alice: await get(port, pki.alice), revoked: await get(port, pki.revoked) }));
  assert.equal(result.alice, '200');
  assert.match(result.withRoot, /^refused/);
  assert.match(result.revoked, /^refused/);
  const ep = model(text);
  assert.equal(ep.verify, 'on');
  assert.ok(ep.crl && !ep.ignoresVerifyErrors && !ep.crlIgnored);
});
