// Hostile servers against the probe (issue: safe to point at servers we do not control): a body that
// never ends, a server that drips one byte at a time, a flood of headers, terminal escapes in what
// it answers, and redirects that try to take the probe elsewhere. Real TLS servers on loopback with
// throw-away PKI minted here; each attack's time (and, for the flood, the bytes it managed to push)
// is measured and bounded.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import https from 'node:https';
import tls from 'node:tls';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { createLabPki, type LabPki } from '../../src/pki/lab.js';
import { MAX_BODY, sendRequest } from '../../src/probe/http.js';
import type { ProbeRequest } from '../../src/probe/types.js';
import { cli } from '../fix/helpers.js';

let dir: string;
let pki: LabPki;
const servers: https.Server[] = [];

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mtls-audit-hostile-server-'));
  pki = await createLabPki(dir);
});
after(() => {
  for (const s of servers) {
    s.closeAllConnections();
    s.close();
  }
  rmSync(dir, { recursive: true, force: true });
});

async function hostile(handler: (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => void): Promise<URL> {
  const server = https.createServer({ cert: pki.server.certPem, key: pki.server.keyPem, requestCert: true, rejectUnauthorized: false }, handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  servers.push(server);
  return new URL(`https://127.0.0.1:${(server.address() as AddressInfo).port}/`);
}

const alice = () => ({ label: 'alice', certPem: pki.alice.certPem, keyPem: pki.alice.keyPem });
const get = (url: URL): ProbeRequest => ({ method: 'GET', url, headers: {}, identity: alice(), priority: 0, purpose: 'hostile' });

test('a body that never ends: the client keeps 64 KiB and hangs up; the server gets little more out', async (t) => {
  let pushed = 0;
  const url = await hostile((_q, res) => {
    res.writeHead(200, { 'content-type': 'text/plain' });
    const chunk = Buffer.alloc(64 * 1024, 0x41);
    const pump = () => {
      while (!res.destroyed && pushed < 1024 * 1024 * 1024) {
        pushed += chunk.length;
        if (!res.write(chunk)) return void res.once('drain', pump);
      }
    };
    res.on('close', () => undefined);
    pump();
  });
  const t0 = Date.now();
  const o = await sendRequest(get(url), { timeoutMs: 5000 });
  const ms = Date.now() - t0;
  t.diagnostic(`endless body: ${ms} ms, kept ${o.body?.length ?? 0} bytes, server pushed ${(pushed / 1048576).toFixed(1)} MiB`);
  assert.equal(o.kind, 'response');
  assert.ok((o.body ?? '').length <= MAX_BODY);
  assert.ok(ms < 5000, `${ms} ms`);
  assert.ok(pushed < 64 * 1024 * 1024, `the client kept reading: ${pushed} bytes`);
});

test('a server that drips one byte every 100 ms: the hard timeout ends the request', async (t) => {
  const url = await hostile((_q, res) => {
    res.writeHead(200);
    const timer = setInterval(() => (res.destroyed ? clearInterval(timer) : res.write('x')), 100);
  });
  const t0 = Date.now();
  const o = await sendRequest(get(url), { timeoutMs: 1000 });
  const ms = Date.now() - t0;
  t.diagnostic(`drip: ${ms} ms, ${o.kind}`);
  assert.equal(o.kind, 'timeout');
  assert.ok(ms < 3000, `${ms} ms`);
});

test('a flood of headers is a network error, not a crash', async () => {
  const url = await hostile((_q, res) => {
    const headers: Record<string, string> = {};
    for (let i = 0; i < 5000; i++) headers[`x-flood-${i}`] = 'y'.repeat(64);
    res.writeHead(200, headers);
    res.end('ok');
  });
  const o = await sendRequest(get(url), { timeoutMs: 3000 });
  assert.equal(o.kind, 'network-error', `${o.kind}`);
});

test('a server answering with escapes and invalid header bytes: nothing raw reaches the terminal, the headline says nothing was proven, an off-origin redirect is not followed', async () => {
  // A raw TLS server: Node's HTTP server would refuse to send these bytes in a header.
  const seen: string[] = [];
  const server = tls.createServer({ cert: pki.server.certPem, key: pki.server.keyPem, requestCert: true, rejectUnauthorized: false }, (sock) => {
    let buf = '';
    sock.on('error', () => undefined);
    sock.on('data', (d: Buffer) => {
      buf += d.toString('latin1');
      if (!buf.includes('\r\n\r\n')) return;
      const path = /^[A-Z]+ (\S+)/.exec(buf)?.[1] ?? '';
      seen.push(path);
      const body = path === '/login/' ? '' : 'hello \u001b[2J\u001b]0;owned\u0007 \u202e alice';
      const head = path === '/login/' ? 'HTTP/1.1 302 Found\r\nLocation: https://198.51.100.7/steal\r\n' : 'HTTP/1.1 200 OK\r\nX-Evil: a\u001b]52;c;cGF5bG9hZA==\u0007b\r\nContent-Type: text/plain\r\n';
      sock.end(`${head}Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = new URL(`https://127.0.0.1:${(server.address() as AddressInfo).port}/`);
  try {
    const r = await cli(['probe', url.href, '--cert', pki.files['alice:crt'], '--key', pki.files['alice:key'], '--login-path', '/login/', '--timeout', '3000', '--format', 'text', '--verbose']);
    assert.ok(r.code === 0 || r.code === 1, `exit ${r.code}: ${r.stderr}`);
    // Nothing could be judged (every baseline failed): the headline must not call the target clean.
    assert.match(r.stdout, /^No finding, but no case could be judged: nothing is proven either way/);
    assert.match(r.stdout, /HPE_INVALID_HEADER_TOKEN/);
    for (const out of [r.stdout, r.stderr]) {
      assert.ok(!/[\u001b\u0007\u202e]/.test(out), JSON.stringify(out.slice(0, 400)));
    }
    // Every request stayed on the target: the redirect's host was never contacted (it is not
    // loopback, so following it would have failed differently) and no path left the origin.
    assert.ok(
      seen.every((p) => p.startsWith('/')),
      JSON.stringify(seen),
    );
    assert.ok(!/198\.51\.100\.7/.test(seen.join(' ')));
  } finally {
    server.close();
  }
});
