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
}

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
};

const CLIENT_AUTH = '1.3.6.1.5.5.7.3.2';

function cnOf(cert: X509Certificate, fromString: boolean): string | null {
  const lines = cert.subject.split('\n');
  if (fromString) return /CN=([^,]+)/.exec(lines.join(','))?.[1] ?? null;
  const cn = lines.find((l) => l.startsWith('CN='));
  return cn ? cn.slice(3) : null;
}

/** The user the request is served as, or null (403). */
function decide(b: TargetBehaviour, pki: LabPki, revoked: Set<string>, ca: X509Certificate, cert: X509Certificate | null, headers: Record<string, string | string[] | undefined>): string | null {
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
  void pki;
  return cn;
}

/** Starts the target; `url` is its protected path. */
export async function startTarget(pki: LabPki, behaviour: Partial<TargetBehaviour>): Promise<{ url: string; close: () => void }> {
  const b = { ...SECURE, ...behaviour };
  const ca = new X509Certificate(pki.ca.certPem);
  const revoked = new Set(pki.crl.entries.map((e) => e.serialNumber.replace(/^0+/, '').toUpperCase()));
  const server: Server = createServer({ key: pki.server.keyPem, cert: pki.server.certPem, requestCert: true, rejectUnauthorized: false }, (req, res) => {
    if (b.unprotected) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"report":"quarterly figures"}');
      return;
    }
    const peer = (req.socket as TLSSocket).getPeerX509Certificate() ?? null;
    const user = decide(b, pki, revoked, ca, peer, req.headers);
    res.writeHead(user ? 200 : 403, { 'content-type': 'application/json' });
    res.end(JSON.stringify(user ? { user } : { error: 'forbidden' }));
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
    });
    return report;
  } finally {
    t.close();
  }
}

/**
 * The test file of one probe rule: against the secure target the rule reports nothing; against the
 * target with `weakness` it reports on /api/me/ (at least `minFindings` findings), each finding
 * backed by the exchange (evidence) that proves it.
 */
export function probeRuleSuite(ruleId: string, weakness: Partial<TargetBehaviour>, opts: { minFindings?: number } = {}): void {
  let pki: LabPki;
  let dir: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), `mtls-audit-${ruleId}-`));
    pki = await createLabPki(dir);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test(`${ruleId}: the secure target gives no finding`, async () => {
    const r = await probeTarget(pki, {});
    assert.deepEqual(r.errors, []);
    assert.deepEqual(
      r.findings.map((f) => `${f.ruleId} ${f.location.case}`),
      [],
    );
  });

  test(`${ruleId}: reported against a target with the weakness, with the exchange that proves it`, async () => {
    const r = await probeTarget(pki, weakness);
    const mine = r.findings.filter((f) => f.ruleId === ruleId);
    assert.ok(mine.length >= (opts.minFindings ?? 1), `${ruleId} findings: ${JSON.stringify(r.findings.map((f) => `${f.ruleId} ${f.location.case}`))}`);
    for (const f of mine) {
      assert.match(f.location.url ?? '', /\/api\/me\/$/);
      assert.match(f.evidence ?? '', /^> (GET|POST) \/api\/me\/ HTTP\/1\.1$/m, 'the request in the evidence');
      assert.match(f.evidence ?? '', /^< HTTP\/1\.1 200 /m, 'its answer in the evidence');
    }
  });
}
