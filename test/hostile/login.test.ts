// The probe's certificate login (src/probe/login.ts) against hostile and odd servers (Node https on
// loopback, the lab PKI): redirects and forms that lead off the origin are never followed or
// submitted, redirect loops are bounded, a login that hangs times out, a session that does not
// serve gives inconclusive cases (never passed); and the login page a protected path redirects to
// is found and its CSRF form submitted like a browser does.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import https from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { createLabPki, type LabPki } from '../../src/pki/lab.js';
import { Runner } from '../../src/probe/runner.js';
import { login, MAX_REDIRECTS } from '../../src/probe/login.js';
import { runProbe } from '../../src/probe/probe.js';
import type { ProbeOptions } from '../../src/probe/types.js';

let dir: string;
let pki: LabPki;
const servers: https.Server[] = [];

type Handler = (q: IncomingMessage, r: ServerResponse, body: string) => void;

async function listen(handler: Handler): Promise<{ url: string; hits: string[] }> {
  const hits: string[] = [];
  const server = https.createServer({ cert: pki.server.certPem, key: pki.server.keyPem, requestCert: true, rejectUnauthorized: false, ca: pki.ca.certPem }, (q, r) => {
    let body = '';
    q.on('data', (c) => (body += c));
    q.on('end', () => {
      hits.push(`${q.method} ${q.url}`);
      handler(q, r, body);
    });
  });
  await new Promise<void>((res) => server.listen(0, '127.0.0.1', res));
  servers.push(server);
  return { url: `https://127.0.0.1:${(server.address() as AddressInfo).port}`, hits };
}

/** The CN of a client certificate the CA issued (authorized), or null. */
function cn(q: IncomingMessage): string | null {
  const s = q.socket as TLSSocket;
  return s.authorized ? ((s.getPeerCertificate().subject?.CN as string | undefined) ?? null) : null;
}

function cookies(q: IncomingMessage): Map<string, string> {
  return new Map(
    (q.headers.cookie ?? '')
      .split(/;\s*/)
      .filter(Boolean)
      .map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)] as [string, string]),
  );
}

function ctxFor(base: string, maxRequests = 50, timeoutMs = 3000) {
  const runner = new Runner({ maxRequests, concurrency: 4, timeoutMs });
  const origin = new URL(base);
  return {
    runner,
    ctx: {
      send: (reqs: Parameters<Runner['run']>[0]) => runner.run(reqs),
      url: (path: string) => new URL(path, origin.origin),
    },
  };
}

const alice = () => ({ identity: { label: 'alice (--cert)', certPem: pki.alice.certPem, keyPem: pki.alice.keyPem }, who: 'alice' });

function options(url: string, over: Partial<ProbeOptions> = {}): ProbeOptions {
  return { url, certPem: pki.alice.certPem, keyPem: pki.alice.keyPem, caPem: pki.ca.certPem, caKeyPem: pki.ca.keyPem, timeoutMs: 2000, ...over };
}

describe('the certificate login against hostile servers', () => {
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mtls-audit-login-'));
    pki = await createLabPki(dir);
  });
  after(() => {
    for (const s of servers) {
      s.closeAllConnections();
      s.close();
    }
    rmSync(dir, { recursive: true, force: true });
  });

  test('a redirect off the origin is never followed (another port, another scheme, //host)', async () => {
    const elsewhere = await listen((_q, r) => r.end('should never be asked'));
    for (const loc of [`${elsewhere.url}/steal`, `http://127.0.0.1:${new URL(elsewhere.url).port}/x`, `//evil.example/x`]) {
      const t = await listen((_q, r) => {
        r.writeHead(302, { Location: loc, 'Set-Cookie': 'sessionid=abc; Path=/' });
        r.end();
      });
      const { ctx, runner } = ctxFor(t.url);
      const l = await login(ctx, '/login/', alice());
      assert.equal(runner.requestsSent, 1, loc);
      assert.match(l.stopped ?? '', /leaves the origin: not followed/);
      assert.equal(l.cookies.get('sessionid'), 'abc');
    }
    assert.deepEqual(elsewhere.hits, []);
  });

  test('a same-origin redirect loop is bounded', async () => {
    const t = await listen((q, r) => {
      r.writeHead(302, { Location: `/loop/${Number(q.url!.split('/').pop() || 0) + 1}` });
      r.end();
    });
    const { ctx, runner } = ctxFor(t.url);
    const l = await login(ctx, '/loop/0', alice());
    assert.equal(runner.requestsSent, 1 + MAX_REDIRECTS);
    assert.match(l.stopped ?? '', /more than 3 redirects/);
  });

  test('a login form that posts to another origin is not submitted; a form with a password field is not a certificate login', async () => {
    const elsewhere = await listen((_q, r) => r.end('no'));
    const off = await listen((_q, r) => {
      r.writeHead(200, { 'Content-Type': 'text/html' });
      r.end(`<form method="post" action="${elsewhere.url}/collect"><input type="hidden" name="csrfmiddlewaretoken" value="x"></form>`);
    });
    const a = ctxFor(off.url);
    const l = await login(a.ctx, '/login/', alice());
    assert.equal(a.runner.requestsSent, 1);
    assert.match(l.stopped ?? '', /off the origin: not submitted/);
    assert.deepEqual(elsewhere.hits, []);
    const pw = await listen((_q, r) => {
      r.writeHead(200, { 'Content-Type': 'text/html' });
      r.end('<form method="post"><input name="username"><input type="password" name="password"></form>');
    });
    const b = ctxFor(pw.url);
    await login(b.ctx, '/login/', alice());
    assert.equal(b.runner.requestsSent, 1);
  });

  test('a hidden field carrying a line break never becomes a header (it goes in the urlencoded body only)', async () => {
    let seen: IncomingMessage | undefined;
    let seenBody = '';
    const t = await listen((q, r, body) => {
      if (q.method === 'POST') {
        seen = q;
        seenBody = body;
        r.writeHead(200, { 'Content-Type': 'application/json' });
        return r.end('{"user": "alice"}');
      }
      r.writeHead(200, { 'Content-Type': 'text/html' });
      r.end('<form method="post"><input type="hidden" name="csrfmiddlewaretoken" value="a\r\nX-Evil: 1"></form>');
    });
    const { ctx } = ctxFor(t.url);
    const l = await login(ctx, '/login/', alice());
    assert.equal(l.steps.length, 2);
    assert.equal(l.final.status, 200);
    assert.ok(seen);
    assert.equal(seen.headers['x-evil'], undefined);
    assert.equal(seen.headers['x-csrftoken'], undefined);
    assert.equal(seenBody, 'csrfmiddlewaretoken=a%0D%0AX-Evil%3A+1');
  });

  test('a login page that never answers: the probe ends within its timeouts, nothing passed', async () => {
    const t = await listen((q, r) => {
      if (q.url === '/login/') return; // never answers
      r.writeHead(401, { 'Content-Type': 'application/json' });
      r.end('{"error": "log in first"}');
    });
    const t0 = Date.now();
    const { report } = await runProbe(options(`${t.url}/api/me/`, { loginPath: '/login/', timeoutMs: 300 }));
    assert.ok(Date.now() - t0 < 15_000, `${Date.now() - t0} ms`);
    assert.deepEqual(report.findings, []);
    assert.deepEqual(
      report.notes!.filter((n) => n.status === 'passed' && n.case !== 'server-certificate' && n.case.endsWith('/api/me/')),
      [],
    );
    assert.ok(
      report.errors.some((e) => /after the certificate login at \/login\/ .*timed out|no answer/.test(e.message)),
      JSON.stringify(report.errors),
    );
  });

  test('a login that sets a cookie that serves nothing: the cases are inconclusive, never passed', async () => {
    const t = await listen((q, r) => {
      if (q.url === '/login/') {
        r.writeHead(302, { Location: '/api/me/', 'Set-Cookie': 'sessionid=decoy; Path=/' });
        return r.end();
      }
      r.writeHead(401, { 'Content-Type': 'application/json' });
      r.end('{"error": "log in first"}');
    });
    const { report } = await runProbe(options(`${t.url}/api/me/`, { loginPath: '/login/' }));
    assert.deepEqual(report.findings, []);
    assert.deepEqual(
      report.notes!.filter((n) => n.status === 'passed' && n.case.endsWith('/api/me/')),
      [],
    );
    assert.ok(
      report.errors.some((e) =>
        /\/api\/me\/: the legitimate certificate alone was answered 401 Unauthorized; after the certificate login at \/login\/ \(GET \/login\/ → 302 Found → \/api\/me\/; GET \/api\/me\/ → 401 Unauthorized; cookies after: sessionid\), the legitimate certificate was answered 401/.test(
          e.message,
        ),
      ),
      JSON.stringify(report.errors),
    );
  });

  test('no --login-path: the login page a protected path redirects to is found, its CSRF form submitted like a browser; the replayed session is found', async () => {
    const sessions = new Map<string, string>();
    let origin = '';
    const t = await listen((q, r, body) => {
      const jar = cookies(q);
      const path = q.url!.split('?')[0];
      if (path === '/accounts/login/' && q.method === 'GET') {
        const token = randomBytes(8).toString('hex');
        r.writeHead(200, { 'Content-Type': 'text/html', 'Set-Cookie': `csrftoken=${token}; Path=/` });
        return r.end(`<form method="post" action="/accounts/login/?next=/api/me/"><input type="hidden" name="csrfmiddlewaretoken" value="${token}"><button type="submit">Use my certificate</button></form>`);
      }
      if (path === '/accounts/login/' && q.method === 'POST') {
        const field = new URLSearchParams(body).get('csrfmiddlewaretoken');
        if (!field || field !== jar.get('csrftoken') || !String(q.headers.referer ?? '').startsWith(`${origin}/`)) {
          r.writeHead(403, { 'Content-Type': 'text/plain' });
          return r.end('CSRF verification failed');
        }
        const who = cn(q);
        if (who !== 'alice') {
          r.writeHead(403, { 'Content-Type': 'application/json' });
          return r.end('{"error": "no user"}');
        }
        const sid = randomBytes(16).toString('hex');
        sessions.set(sid, who);
        r.writeHead(302, { Location: '/api/me/', 'Set-Cookie': `sessionid=${sid}; Path=/; HttpOnly` });
        return r.end();
      }
      if (path === '/api/me/') {
        const user = sessions.get(jar.get('sessionid') ?? '');
        if (!user) {
          r.writeHead(302, { Location: '/accounts/login/?next=/api/me/' });
          return r.end();
        }
        r.writeHead(200, { 'Content-Type': 'application/json' });
        return r.end(JSON.stringify({ user }));
      }
      r.writeHead(404);
      r.end();
    });
    origin = t.url;
    const { report } = await runProbe(options(`${t.url}/api/me/`));
    assert.deepEqual(report.findings.map((f) => `${f.ruleId} ${f.location.case}`).sort(), ['session-replay-across-certs session-replay-no-cert', 'session-replay-across-certs session-replay-other-cert']);
    assert.ok(t.hits.some((h) => h.startsWith('POST /accounts/login/')));
    const f = report.findings[0];
    assert.match(
      f.evidence!,
      /# the session: certificate login at \/accounts\/login\/\?next=\/api\/me\/ with the legitimate certificate: GET \/accounts\/login\/\?next=\/api\/me\/ → 200 OK; POST \/accounts\/login\/\?next=\/api\/me\/ → 302 Found → \/api\/me\/; GET \/api\/me\/ → 200 OK/,
    );
    // Attack certificates logged in on their own and were refused; the impostor CA's alice never got a session.
    const note = (c: string) => report.notes!.find((n) => n.case === c);
    assert.equal(note('impostor-ca /api/me/')?.status, 'passed');
    assert.equal(note('unknown-identity /api/me/')?.status, 'passed');
  });
});
