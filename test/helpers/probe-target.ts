// A target for probe rule tests without the lab: an HTTPS server in this process, on 127.0.0.1,
// that asks for a client certificate (real TLS handshakes, the probe's own runner) and decides
// like a Django app behind a proxy would, by a small behaviour description: which certificates it
// verifies, which users it knows, which request headers it trusts. Secure by default; each probe
// rule's test turns off the one check that rule is about and sees the rule fire, and sees it stay
// silent on the secure target. The lab (test/probe/lab.test.ts) runs the same rules against real
// nginx/HAProxy + gunicorn + Django.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type Server } from 'node:https';
import { X509Certificate } from 'node:crypto';
import type { TLSSocket } from 'node:tls';
import type { AddressInfo } from 'node:net';
import { createLabPki, type LabPki } from '../../src/pki/lab.js';
import { runProbe } from '../../src/probe/probe.js';
import type { Report } from '../../src/core/types.js';

export interface TargetBehaviour {
  /** The certificate must chain to the lab CA. */
  verifyChain: boolean;
  /** notBefore/notAfter are compared with now. */
  checkValidity: boolean;
  /** The clientAuth extended key usage is required. */
  checkEku: boolean;
  /** Serials on the lab CRL are refused. */
  checkRevocation: boolean;
  /** Users the app knows (the CN must name one), or any CN. */
  knownUsers: string[] | 'any';
  /** The CN is taken by a text search in the one-line DN (`O=CN=alice,CN=x` gives alice). */
  cnFromDnString: boolean;
  /** Without a TLS client certificate, one forwarded in this request header (PEM, URL-escaped or not) is taken. */
  trustCertHeader: string | null;
  /** Without a TLS client certificate, the user this request header names is taken. */
  trustIdentityHeader: string | null;
  /** The page does not depend on the client at all: every request gets the same 200 (a view nothing protects). */
  unprotected: boolean;
  /**
   * Session mode: /api/me/ serves only a session, which the certificate login at LOGIN_PATH opens
   * (a cookie `sessionid`; any request without one gets a fresh pre-authentication one).
   * `bindToCert`: the session holds the certificate's fingerprint and a request with another
   * certificate, or none, is refused. `rotateOnLogin`: the login issues a new session id.
   */
  sessions: { bindToCert: boolean; rotateOnLogin: boolean } | null;
  /** A password login form at PASSWORD_LOGIN_PATH; `throttleAfter` failures, then 429 (null: never). */
  passwordLogin: { throttleAfter: number | null } | null;
}

/** The password login path of a target with `passwordLogin`. */
export const PASSWORD_LOGIN_PATH = '/accounts/login/';

/** The certificate login path of a target in session mode. */
export const LOGIN_PATH = '/accounts/cert-login/';

export const SECURE: TargetBehaviour = {
  verifyChain: true,
  checkValidity: true,
  checkEku: true,
  checkRevocation: true,
  knownUsers: ['alice', 'bob'],
  cnFromDnString: false,
  trustCertHeader: null,
  trustIdentityHeader: null,
  unprotected: false,
  sessions: null,
  passwordLogin: null,
};

const CLIENT_AUTH = '1.3.6.1.5.5.7.3.2';

function cnOf(cert: X509Certificate, fromString: boolean): string | null {
  const lines = cert.subject.split('\n');
  if (fromString) return /CN=([^,]+)/.exec(lines.join(','))?.[1] ?? null;
  const cn = lines.find((l) => l.startsWith('CN='));
  return cn ? cn.slice(3) : null;
}

/** The user the request is served as, or null (403). */
function decide(b: TargetBehaviour, revoked: Set<string>, ca: X509Certificate, cert: X509Certificate | null, headers: Record<string, string | string[] | undefined>): string | null {
  let c = cert;
  if (!c && b.trustIdentityHeader) {
    const v = headers[b.trustIdentityHeader.toLowerCase()];
    if (typeof v === 'string' && v) return b.knownUsers === 'any' || b.knownUsers.includes(v) ? v : null;
  }
  if (!c && b.trustCertHeader) {
    const v = headers[b.trustCertHeader.toLowerCase()];
    if (typeof v === 'string' && v.includes('BEGIN')) {
      try {
        c = new X509Certificate(decodeURIComponent(v.replace(/\t/g, '\n')));
      } catch {
        c = null;
      }
    }
  }
  if (!c) return null;
  if (b.verifyChain && !(c.checkIssued(ca) && c.verify(ca.publicKey))) return null;
  const now = Date.now();
  if (b.checkValidity && (now < Date.parse(c.validFrom) || now > Date.parse(c.validTo))) return null;
  if (b.checkEku && !(c.keyUsage ?? []).includes(CLIENT_AUTH)) return null;
  if (b.checkRevocation && revoked.has(c.serialNumber.replace(/^0+/, '').toUpperCase())) return null;
  const cn = cnOf(c, b.cnFromDnString);
  if (!cn || (b.knownUsers !== 'any' && !b.knownUsers.includes(cn))) return null;
  return cn;
}

/** Starts the target; `url` is its protected path. */
export async function startTarget(pki: LabPki, behaviour: Partial<TargetBehaviour>): Promise<{ url: string; close: () => void }> {
  const b = { ...SECURE, ...behaviour };
  const ca = new X509Certificate(pki.ca.certPem);
  const revoked = new Set(pki.crl.entries.map((e) => e.serialNumber.replace(/^0+/, '').toUpperCase()));
  const sessions = new Map<string, { user: string | null; fp: string | null }>();
  let nextId = 1;
  let failures = 0;
  const server: Server = createServer({ key: pki.server.keyPem, cert: pki.server.certPem, requestCert: true, rejectUnauthorized: false }, (req, res) => {
    if (b.unprotected) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"report":"quarterly figures"}');
      return;
    }
    const peer = (req.socket as TLSSocket).getPeerX509Certificate() ?? null;
    const user = decide(b, revoked, ca, peer, req.headers);
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(body));
    };
    const path = new URL(req.url ?? '/', 'https://x').pathname;
    if (b.passwordLogin && path === PASSWORD_LOGIN_PATH) {
      if (req.method !== 'POST') {
        res.writeHead(200, { 'content-type': 'text/html' });
        res.end('<form method="post"><input name="username"><input type="password" name="password"><button>Log in</button></form>');
        return;
      }
      failures++;
      const limit = b.passwordLogin.throttleAfter;
      if (limit !== null && failures > limit) return send(429, { error: 'too many attempts' }, { 'retry-after': '60' });
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<p>Please enter a correct username and password.</p>');
      return;
    }
    if (!b.sessions) return send(user ? 200 : 403, user ? { user } : { error: 'forbidden' });
    const sid = /(?:^|;\s*)sessionid=([^;]+)/.exec(req.headers.cookie ?? '')?.[1];
    const session = sid ? sessions.get(sid) : undefined;
    const fresh = () => `s${(nextId++).toString(36)}${Math.random().toString(36).slice(2, 10)}`;
    if (path === LOGIN_PATH) {
      if (!user) {
        const pre = sid ?? fresh();
        if (!sid) sessions.set(pre, { user: null, fp: null });
        return send(403, { error: 'certificate required' }, { 'set-cookie': `sessionid=${pre}; Path=/; HttpOnly` });
      }
      const id = sid && !b.sessions.rotateOnLogin ? sid : fresh();
      sessions.set(id, { user, fp: peer?.fingerprint256 ?? null });
      return send(200, { user }, { 'set-cookie': `sessionid=${id}; Path=/; HttpOnly` });
    }
    const served = session?.user && (!b.sessions.bindToCert || (peer !== null && peer.fingerprint256 === session.fp)) ? session.user : null;
    if (served) return send(200, { user: served });
    return send(302, { error: 'log in first' }, { location: `${LOGIN_PATH}?next=${encodeURIComponent(path)}`, ...(sid ? {} : { 'set-cookie': `sessionid=${fresh()}; Path=/; HttpOnly` }) });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `https://127.0.0.1:${port}/api/me/`,
    close: () => {
      server.closeAllConnections();
      server.close();
    },
  };
}

/** The probe against a target with the lab's certificate, CA key and CRL: its report. */
export async function probeTarget(pki: LabPki, behaviour: Partial<TargetBehaviour>): Promise<Report> {
  const t = await startTarget(pki, behaviour);
  try {
    const { report } = await runProbe({
      url: t.url,
      certPem: pki.alice.certPem,
      keyPem: pki.alice.keyPem,
      caPem: pki.ca.certPem,
      caKeyPem: pki.ca.keyPem,
      crlData: Buffer.from(pki.crlPem),
      serverCaPem: pki.ca.certPem,
      timeoutMs: 5000,
      ...(behaviour.sessions ? { loginPath: LOGIN_PATH } : {}),
      ...(behaviour.passwordLogin ? { passwordLogin: PASSWORD_LOGIN_PATH } : {}),
    });
    return report;
  } finally {
    t.close();
  }
}

/**
 * The test file of one probe rule: against the secure target (`base`, the secure defaults otherwise)
 * the probe reports nothing; against the target with `weakness` it reports on /api/me/ on its path (/api/me/ unless `path` says otherwise; at least `minFindings` findings), each finding
 * backed by the exchange (evidence) that proves it.
 */
export function probeRuleSuite(ruleId: string, weakness: Partial<TargetBehaviour>, opts: { minFindings?: number; base?: Partial<TargetBehaviour>; path?: string } = {}): void {
  const base = opts.base ?? {};
  const path = (opts.path ?? '/api/me/').replace(/[/.]/g, '\\$&');
  let pki: LabPki;
  let dir: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), `mtls-audit-${ruleId}-`));
    pki = await createLabPki(dir);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test(`${ruleId}: the secure target gives no finding`, async () => {
    const r = await probeTarget(pki, base);
    assert.deepEqual(r.errors, []);
    assert.deepEqual(
      r.findings.map((f) => `${f.ruleId} ${f.location.case}`),
      [],
    );
  });

  test(`${ruleId}: reported against a target with the weakness, with the exchange that proves it`, async () => {
    const r = await probeTarget(pki, { ...base, ...weakness });
    const mine = r.findings.filter((f) => f.ruleId === ruleId);
    assert.ok(mine.length >= (opts.minFindings ?? 1), `${ruleId} findings: ${JSON.stringify(r.findings.map((f) => `${f.ruleId} ${f.location.case}`))}`);
    for (const f of mine) {
      assert.match(f.location.url ?? '', new RegExp(`${path}$`));
      assert.match(f.evidence ?? '', new RegExp(`^> (GET|POST) ${path} HTTP/1\\.1$`, 'm'), 'the request in the evidence');
      assert.match(f.evidence ?? '', /^< HTTP\/1\.1 200 /m, 'its answer in the evidence');
    }
  });
}
