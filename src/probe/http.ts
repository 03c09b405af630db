// One request on one fresh connection (`agent: false`, `Connection: close`), with a hard timeout.
// Every failure becomes an Outcome: a TLS alert from the server is a refusal (HAProxy `verify
// required` refuses in the handshake), anything else is a network error. Never throws.

import { X509Certificate } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { Outcome, OutcomeKind, ProbeRequest } from './types.js';
import { VERSION } from '../version.js';

export const MAX_BODY = 64 * 1024;

export interface SendOptions {
  timeoutMs: number;
  /** PEM of the CA that must have issued the server's certificate; without it the server is not verified. */
  serverCaPem?: string;
}

/** Client-side verification failures of the *server's* certificate (not a refusal by the server). */
const SERVER_CERT_ERRORS = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_SIGNATURE_FAILURE',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'HOSTNAME_MISMATCH',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

export function classifyError(err: NodeJS.ErrnoException): { kind: OutcomeKind; error: string } {
  const code = err.code ?? '';
  const msg = err.message.split('\n')[0];
  if (SERVER_CERT_ERRORS.has(code)) return { kind: 'network-error', error: `server certificate not trusted: ${code}` };
  if (code === 'SERVER_CERT_UNTRUSTED') return { kind: 'network-error', error: `server certificate not trusted: ${msg}` };
  if (/ALERT/i.test(code) || /alert/i.test(msg)) {
    const m = /ALERT_([A-Z_]+)/.exec(code) ?? /alert ([a-z ]+)/i.exec(msg);
    return { kind: 'tls-refused', error: m ? `TLS alert: ${m[1].toLowerCase().replace(/_/g, ' ')}` : `TLS alert (${code || msg})` };
  }
  if (code === 'EPROTO' || /^ERR_SSL_/.test(code)) return { kind: 'tls-refused', error: `TLS handshake failed (${code})` };
  if (code === 'ETIMEDOUT_PROBE') return { kind: 'timeout', error: 'timed out' };
  return { kind: 'network-error', error: code || msg };
}

function hostHeader(url: URL): string {
  return url.host;
}

const caCache = new Map<string, X509Certificate[]>();

function parseCas(pem: string): X509Certificate[] {
  let cas = caCache.get(pem);
  if (!cas) {
    const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? [];
    cas = blocks.map((b) => new X509Certificate(b));
    caCache.set(pem, cas);
  }
  return cas;
}

/**
 * Verifies the server's certificate against --server-ca by hand. Passing `ca` to the TLS context
 * instead would let OpenSSL append that CA to the *client* certificate chain it sends, which
 * changes what the target sees (a verifier without a CA file would then find the real issuer).
 * Returns why the certificate is not trusted, or null.
 */
export function verifyServerCertificate(socket: TLSSocket, serverCaPem: string, host: string): string | null {
  const cas = parseCas(serverCaPem);
  if (!cas.length) return 'no certificate in --server-ca';
  const chain: X509Certificate[] = [];
  const seen = new Set<string>();
  let c = socket.getPeerCertificate(true) as (ReturnType<TLSSocket['getPeerCertificate']> & { issuerCertificate?: unknown }) | null;
  while (c && c.raw && !seen.has(c.fingerprint256)) {
    seen.add(c.fingerprint256);
    chain.push(new X509Certificate(c.raw));
    c = (c.issuerCertificate as typeof c) ?? null;
  }
  if (!chain.length) return 'the server sent no certificate';
  const now = Date.now();
  for (let i = 0; i < chain.length; i++) {
    const cert = chain[i];
    if (Date.parse(cert.validTo) < now || Date.parse(cert.validFrom) > now) return `certificate ${cert.subject.replace(/\n/g, ', ')} is outside its validity period`;
    if (cas.some((ca) => cert.checkIssued(ca) && cert.verify(ca.publicKey))) {
      const leaf = chain[0];
      const ok = isIP(host) ? leaf.checkIP(host) : leaf.checkHost(host);
      return ok ? null : `the server certificate is not valid for ${host}`;
    }
    const next = chain[i + 1];
    if (!next || !cert.checkIssued(next) || !cert.verify(next.publicKey)) break;
  }
  return 'the server certificate does not chain to --server-ca';
}

/** Sends one request. Resolves with an Outcome (seq 0; the runner numbers it). */
export function sendRequest(req: ProbeRequest, opts: SendOptions): Promise<Outcome> {
  const started = performance.now();
  const url = req.url;
  const isHttps = url.protocol === 'https:';
  const headers: Record<string, string> = {
    Host: hostHeader(url),
    'User-Agent': `mtls-audit-probe/${VERSION}`,
    Accept: '*/*',
    Connection: 'close',
    ...req.headers,
  };
  if (req.body !== undefined) headers['Content-Length'] = String(Buffer.byteLength(req.body));

  return new Promise<Outcome>((resolve) => {
    let settled = false;
    // eslint-disable-next-line prefer-const -- set once below, after finish() (which reads it) is defined
    let timer: NodeJS.Timeout | undefined;
    const finish = (o: Omit<Outcome, 'request' | 'seq' | 'ms'>) => {
      if (settled) return;
      settled = true;
      if (timer) clearTimeout(timer);
      resolve({ ...o, request: req, seq: 0, ms: Math.round((performance.now() - started) * 10) / 10 });
    };
    const base: http.RequestOptions = {
      method: req.method,
      host: url.hostname.replace(/^\[|\]$/g, ''),
      port: url.port || (isHttps ? 443 : 80),
      path: url.pathname + url.search,
      headers,
      agent: false,
    };
    let r: http.ClientRequest;
    try {
      if (isHttps) {
        const tlsOpts: https.RequestOptions = {
          ...base,
          rejectUnauthorized: false,
          ...(req.identity ? { cert: req.identity.certPem, key: req.identity.keyPem } : {}),
        };
        const host = url.hostname.replace(/^\[|\]$/g, '');
        if (!isIP(host)) tlsOpts.servername = host;
        r = https.request(tlsOpts);
        const serverCa = opts.serverCaPem;
        if (serverCa) {
          r.once('socket', (sock) => {
            sock.once('secureConnect', () => {
              const why = verifyServerCertificate(sock as TLSSocket, serverCa, host);
              if (why) {
                const e = new Error(why) as NodeJS.ErrnoException;
                e.code = 'SERVER_CERT_UNTRUSTED';
                r.destroy(e);
              }
            });
          });
        }
      } else {
        r = http.request(base);
      }
    } catch (e) {
      finish({ kind: 'network-error', error: (e as NodeJS.ErrnoException).code ?? (e as Error).message });
      return;
    }
    timer = setTimeout(() => {
      const e = new Error('timed out') as NodeJS.ErrnoException;
      e.code = 'ETIMEDOUT_PROBE';
      r.destroy(e);
    }, opts.timeoutMs);
    r.on('error', (e: NodeJS.ErrnoException) => finish(classifyError(e)));
    r.on('response', (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      const done = () =>
        finish({
          kind: 'response',
          status: res.statusCode ?? 0,
          statusText: res.statusMessage ?? '',
          headers: res.headers as Record<string, string | string[]>,
          body: Buffer.concat(chunks).toString('utf8'),
        });
      res.on('data', (c: Buffer) => {
        if (size < MAX_BODY) {
          chunks.push(c.subarray(0, MAX_BODY - size));
          size += c.length;
          if (size >= MAX_BODY) {
            done();
            res.destroy();
          }
        }
      });
      res.on('end', done);
      res.on('aborted', done);
      res.on('error', (e: NodeJS.ErrnoException) => (chunks.length ? done() : finish(classifyError(e))));
    });
    r.end(req.body);
  });
}
