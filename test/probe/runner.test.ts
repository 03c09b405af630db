// The runner and the network client against real local TLS servers (Node https on loopback, the
// lab PKI): one connection per request, only the leaf certificate sent, TLS refusals recorded as
// results, budget, concurrency limit, priority, timeout, and --server-ca verification.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import https from 'node:https';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { createLabPki, type LabPki } from '../../src/pki/lab.js';
import { createCa, EKU, issueCert } from '../../src/pki/mint.js';
import { sendRequest } from '../../src/probe/http.js';
import { Runner } from '../../src/probe/runner.js';
import type { ClientIdentity, ProbeRequest } from '../../src/probe/types.js';

let dir: string;
let pki: LabPki;
const servers: https.Server[] = [];

async function listen(opts: https.ServerOptions, handler: (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => void): Promise<{ url: string; server: https.Server; connections: () => number }> {
  let n = 0;
  const server = https.createServer({ cert: pki.server.certPem, key: pki.server.keyPem, ...opts }, handler);
  server.on('secureConnection', () => n++);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  servers.push(server);
  return { url: `https://127.0.0.1:${(server.address() as AddressInfo).port}`, server, connections: () => n };
}

const id = (m: { certPem: string; keyPem: string }, label: string): ClientIdentity => ({ label, certPem: m.certPem, keyPem: m.keyPem });

function get(url: string, identity: ClientIdentity | null, priority = 0, purpose = 'test'): ProbeRequest {
  return { method: 'GET', url: new URL(url), headers: {}, identity, priority, purpose };
}

describe('runner and client', () => {
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mtls-audit-runner-'));
    pki = await createLabPki(dir);
  });
  after(() => {
    for (const s of servers) {
      s.closeAllConnections();
      s.close();
    }
    rmSync(dir, { recursive: true, force: true });
  });

  test('TLS refusals are results: no certificate, unknown CA, expired (HAProxy-style verify in the handshake)', async () => {
    const { url } = await listen({ requestCert: true, rejectUnauthorized: true, ca: pki.ca.certPem, minVersion: 'TLSv1.3' }, (_q, r) => r.end('ok'));
    const ok = await sendRequest(get(url, id(pki.alice, 'alice')), { timeoutMs: 3000 });
    assert.equal(ok.kind, 'response');
    assert.equal(ok.body, 'ok');
    const none = await sendRequest(get(url, null), { timeoutMs: 3000 });
    assert.equal(none.kind, 'tls-refused');
    assert.match(none.error!, /TLS alert: certificate required/);
    // Node's own TLS server resets instead of sending an alert for a bad certificate: recorded as a
    // network error (judged inconclusive, never passed), not thrown. HAProxy's alerts are in lab.test.ts.
    for (const m of [pki.attacks['impostor-alice'], pki.attacks.expired]) {
      const o = await sendRequest(get(url, id(m, 'bad')), { timeoutMs: 3000 });
      assert.ok(o.kind === 'tls-refused' || o.kind === 'network-error', `${o.kind} ${o.error}`);
      assert.ok(o.error);
    }
  });

  test('one connection per request, and only the leaf certificate is sent even with --server-ca', async () => {
    const { url, connections } = await listen({ requestCert: true, rejectUnauthorized: false }, (q, r) => {
      const c = (q.socket as TLSSocket).getPeerCertificate(true);
      r.end(JSON.stringify({ cn: c.subject?.CN ?? null, chained: !!c.issuerCertificate }));
    });
    const runner = new Runner({ maxRequests: 10, concurrency: 3, timeoutMs: 3000, serverCaPem: pki.ca.certPem });
    const outs = await runner.run([get(url, id(pki.alice, 'alice')), get(url, id(pki.bob, 'bob')), get(url, null), get(url, id(pki.alice, 'alice'))]);
    assert.deepEqual(
      outs.map((o) => o.body),
      ['{"cn":"alice","chained":false}', '{"cn":"bob","chained":false}', '{"cn":null,"chained":false}', '{"cn":"alice","chained":false}'],
    );
    assert.equal(connections(), 4);
  });

  test('--server-ca: the server certificate must chain to it and name the host', async () => {
    const { url } = await listen({}, (_q, r) => r.end('ok'));
    const good = await sendRequest(get(url, null), { timeoutMs: 3000, serverCaPem: pki.ca.certPem });
    assert.equal(good.kind, 'response');
    const other = await createCa({ subject: 'CN=another CA' });
    const bad = await sendRequest(get(url, null), { timeoutMs: 3000, serverCaPem: other.certPem });
    assert.equal(bad.kind, 'network-error');
    assert.match(bad.error!, /server certificate not trusted: the server certificate does not chain to --server-ca/);
    const elsewhere = await issueCert(pki.ca.issuer, { subject: 'CN=elsewhere.test', dns: ['elsewhere.test'], eku: [EKU.serverAuth] });
    const { url: url2 } = await listen({ cert: elsewhere.certPem, key: elsewhere.keyPem }, (_q, r) => r.end('ok'));
    const wrongHost = await sendRequest(get(url2, null), { timeoutMs: 3000, serverCaPem: pki.ca.certPem });
    assert.equal(wrongHost.kind, 'network-error');
    assert.match(wrongHost.error!, /not valid for 127\.0\.0\.1/);
  });

  test('budget: requests over --max-requests are not sent', async () => {
    const { url, connections } = await listen({}, (_q, r) => r.end('ok'));
    const runner = new Runner({ maxRequests: 3, concurrency: 2, timeoutMs: 3000 });
    const outs = await runner.run(Array.from({ length: 5 }, () => get(url, null)));
    assert.deepEqual(
      outs.map((o) => o.kind),
      ['response', 'response', 'response', 'not-sent', 'not-sent'],
    );
    assert.match(outs[4].error!, /request budget \(--max-requests 3\) exhausted/);
    assert.equal(runner.requestsSent, 3);
    assert.equal(connections(), 3);
  });

  test('concurrency limit and priority order', async () => {
    let inFlight = 0;
    let peak = 0;
    const order: string[] = [];
    const { url } = await listen({}, (q, r) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      order.push(q.url!);
      setTimeout(() => {
        inFlight--;
        r.end('ok');
      }, 40);
    });
    const runner = new Runner({ maxRequests: 20, concurrency: 2, timeoutMs: 3000 });
    const low = Array.from({ length: 4 }, (_, i) => get(`${url}/low${i}`, null, 5));
    const first = runner.run(low);
    const high = runner.run([get(`${url}/high`, null, 0)]);
    await Promise.all([first, high]);
    assert.equal(peak, 2);
    assert.equal(order.indexOf('/high'), 2, order.join(' '));
  });

  test('a silent server times out; a closed port is a network error', async () => {
    const { url } = await listen({}, () => {
      /* never answers */
    });
    const t0 = Date.now();
    const o = await sendRequest(get(url, null), { timeoutMs: 200 });
    assert.equal(o.kind, 'timeout');
    assert.ok(Date.now() - t0 < 2000);
    const port = (servers[servers.length - 1].address() as AddressInfo).port;
    servers[servers.length - 1].closeAllConnections();
    await new Promise<void>((r) => servers[servers.length - 1].close(() => r()));
    const refused = await sendRequest(get(`https://127.0.0.1:${port}/`, null), { timeoutMs: 1000 });
    assert.equal(refused.kind, 'network-error');
    assert.equal(refused.error, 'ECONNREFUSED');
  });
});
