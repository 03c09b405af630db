// Header conventions a proxy uses to forward a client certificate or the identity it proves, and
// the values the probe forges from the legitimate certificate (public data: whoever has seen it can
// paste it into a header). Batches put several headers in one request where that is sound: one
// value per WSGI key, so the dash and underscore spellings of a name (both HTTP_X_SSL_CLIENT_CERT)
// never share a request, and a PEM encoding per batch.

import type { LegitInfo } from './identities.js';

export type Spelling = 'dash' | 'underscore';
export type HeaderKind = 'cert' | 'identity';

export interface HeaderItem {
  /** As sent, in its spelling. */
  name: string;
  /** Lower-case dash spelling: the key findings are grouped by. */
  canonical: string;
  kind: HeaderKind;
  convention: string;
  /** For certificate headers: how the certificate is encoded. */
  encoding?: string;
  value: string;
}

export interface Batch {
  id: string;
  spelling: Spelling;
  /** `url-escaped PEM`, …, or `identity headers`. */
  label: string;
  items: HeaderItem[];
}

/** Headers that carry the whole certificate. */
export const CERT_HEADERS: readonly { name: string; convention: string }[] = [
  { name: 'X-SSL-Client-Cert', convention: 'nginx $ssl_client_escaped_cert / HAProxy / Apache' },
  { name: 'X-SSL-Cert', convention: 'nginx / HAProxy' },
  { name: 'SSL-Client-Cert', convention: 'Apache SSL_CLIENT_CERT forwarded as a header' },
  { name: 'X-Client-Cert', convention: 'GCP / Kong / custom' },
  { name: 'X-Client-Certificate', convention: 'custom' },
  { name: 'X-Forwarded-Tls-Client-Cert', convention: 'Traefik passTLSClientCert' },
  { name: 'X-Amzn-Mtls-Clientcert', convention: 'AWS ALB mTLS passthrough' },
  { name: 'X-Amzn-Mtls-Clientcert-Leaf', convention: 'AWS ALB mTLS verify' },
  { name: 'X-ARR-ClientCert', convention: 'Azure App Service' },
];

export interface CertEncoding {
  id: string;
  label: string;
  encode: (l: LegitInfo) => string;
}

export const CERT_ENCODINGS: readonly CertEncoding[] = [
  { id: 'url', label: 'url-escaped PEM', encode: (l) => encodeURIComponent(l.pem) },
  { id: 'der', label: 'base64 DER', encode: (l) => l.derBase64 },
  { id: 'space', label: 'whitespace-folded PEM', encode: (l) => l.pem.trim().replace(/\n/g, ' ') },
  { id: 'tab', label: 'tab-folded PEM', encode: (l) => l.pem.trim().replace(/\n/g, '\t') },
  { id: 'nl', label: 'PEM with escaped \\n', encode: (l) => l.pem.trim().replace(/\n/g, '\\n') },
];

/** Header values must be Latin-1 without controls: escape anything else. */
export function headerSafe(v: string): string {
  return v.replace(/[^\t\x20-\x7e]/g, (c) => encodeURIComponent(c));
}

function quoted(v: string): string {
  return `"${v.replace(/(["\\])/g, '\\$1')}"`;
}

/** Identity headers and structured certificate headers, with the values the legitimate certificate implies. */
export function identityHeaders(l: LegitInfo): Omit<HeaderItem, 'canonical'>[] {
  const xfcc = [`Hash=${l.sha256Hex}`, `Cert=${quoted(encodeURIComponent(l.pem))}`, `Subject=${quoted(l.dn)}`, `URI=${l.uris[0] ?? ''}`, ...l.dnsNames.map((d) => `DNS=${d}`)].join(';');
  const traefikInfo = encodeURIComponent(
    [
      `Subject=${quoted(l.dnForward)}`,
      `Issuer=${quoted(l.issuerDn)}`,
      `NB=${quoted(String(Math.floor(l.notBefore.getTime() / 1000)))}`,
      `NA=${quoted(String(Math.floor(l.notAfter.getTime() / 1000)))}`,
      ...(l.dnsNames.length || l.emails.length ? [`SAN=${quoted([...l.dnsNames, ...l.emails].join(','))}`] : []),
    ].join(';'),
  );
  const sha256b64 = Buffer.from(l.sha256Hex, 'hex').toString('base64');
  const user = l.name;
  const email = l.emails[0] ?? user;
  const items: Omit<HeaderItem, 'canonical'>[] = [
    { name: 'X-SSL-Client-S-DN', kind: 'identity', convention: 'nginx $ssl_client_s_dn', value: l.dn },
    { name: 'X-SSL-Client-DN', kind: 'identity', convention: 'HAProxy ssl_c_s_dn / nginx legacy', value: l.dnLegacy },
    { name: 'X-SSL-Client-Subject', kind: 'identity', convention: 'custom', value: l.dn },
    { name: 'X-SSL-Client-CN', kind: 'identity', convention: 'custom', value: user },
    { name: 'X-SSL-Client-I-DN', kind: 'identity', convention: 'nginx $ssl_client_i_dn', value: l.issuerDn },
    { name: 'X-SSL-Client-Verify', kind: 'identity', convention: 'nginx $ssl_client_verify', value: 'SUCCESS' },
    { name: 'X-Client-Verify', kind: 'identity', convention: 'nginx / ingress-nginx', value: 'SUCCESS' },
    { name: 'X-SSL-Client-Serial', kind: 'identity', convention: 'nginx $ssl_client_serial', value: l.serialHex },
    { name: 'X-SSL-Client-Fingerprint', kind: 'identity', convention: 'nginx $ssl_client_fingerprint', value: l.sha1Hex },
    { name: 'X-SSL-Client-SHA256', kind: 'identity', convention: 'HAProxy ssl_c_sha256', value: l.sha256Hex },
    { name: 'Remote-User', kind: 'identity', convention: 'RemoteUserMiddleware on a header', value: user },
    { name: 'X-Remote-User', kind: 'identity', convention: 'custom', value: user },
    { name: 'X-Forwarded-User', kind: 'identity', convention: 'oauth2-proxy / custom', value: user },
    { name: 'X-Authenticated-User', kind: 'identity', convention: 'custom', value: user },
    { name: 'X-Forwarded-Client-Cert', kind: 'identity', convention: 'Envoy / Istio XFCC', value: xfcc },
    { name: 'X-Forwarded-Tls-Client-Cert-Info', kind: 'identity', convention: 'Traefik passTLSClientCert info', value: traefikInfo },
    { name: 'X-Amzn-Mtls-Clientcert-Subject', kind: 'identity', convention: 'AWS ALB mTLS verify', value: l.dn },
    { name: 'X-Amzn-Mtls-Clientcert-Issuer', kind: 'identity', convention: 'AWS ALB mTLS verify', value: l.issuerDn },
    { name: 'X-Amzn-Mtls-Clientcert-Serial-Number', kind: 'identity', convention: 'AWS ALB mTLS verify', value: l.serialHex },
    { name: 'X-Client-Cert-Present', kind: 'identity', convention: 'GCP load balancer mTLS', value: 'true' },
    { name: 'X-Client-Cert-Chain-Verified', kind: 'identity', convention: 'GCP load balancer mTLS', value: 'true' },
    { name: 'X-Client-Cert-Hash', kind: 'identity', convention: 'GCP load balancer mTLS', value: sha256b64 },
    { name: 'X-Client-Cert-Serial-Number', kind: 'identity', convention: 'GCP load balancer mTLS', value: l.serialHex },
    { name: 'X-Goog-Authenticated-User-Email', kind: 'identity', convention: 'GCP IAP', value: `accounts.google.com:${email}` },
    { name: 'X-Goog-Authenticated-User-Id', kind: 'identity', convention: 'GCP IAP', value: `accounts.google.com:${user}` },
    { name: 'Client-Cert', kind: 'cert', convention: 'RFC 9440', encoding: 'RFC 9440 byte sequence', value: `:${l.derBase64}:` },
  ];
  if (l.uris.length) {
    items.push({ name: 'X-Client-Cert-Spiffe', kind: 'identity', convention: 'GCP load balancer mTLS', value: l.uris[0] }, { name: 'X-Client-Cert-Uri-Sans', kind: 'identity', convention: 'GCP load balancer mTLS', value: l.uris.join(',') });
  }
  if (l.dnsNames.length) items.push({ name: 'X-Client-Cert-Dnsname-Sans', kind: 'identity', convention: 'GCP load balancer mTLS', value: l.dnsNames.join(',') });
  return items;
}

export function spell(name: string, spelling: Spelling): string {
  return spelling === 'dash' ? name : name.replace(/-/g, '_');
}

export function canonical(name: string): string {
  return name.toLowerCase().replace(/_/g, '-');
}

function item(i: Omit<HeaderItem, 'canonical'>, spelling: Spelling): HeaderItem {
  return { ...i, name: spell(i.name, spelling), canonical: canonical(i.name), value: headerSafe(i.value) };
}

/** Every batch: each PEM encoding of every certificate header, and the identity headers, in both spellings. */
export function spoofBatches(l: LegitInfo): Batch[] {
  const out: Batch[] = [];
  for (const spelling of ['dash', 'underscore'] as const) {
    for (const enc of CERT_ENCODINGS) {
      const value = enc.encode(l);
      out.push({
        id: `${spelling}:${enc.id}`,
        spelling,
        label: enc.label,
        items: CERT_HEADERS.map((h) => item({ name: h.name, kind: 'cert', convention: h.convention, encoding: enc.label, value }, spelling)),
      });
    }
    out.push({ id: `${spelling}:identity`, spelling, label: 'identity headers', items: identityHeaders(l).map((h) => item(h, spelling)) });
  }
  return out;
}

export function headersOf(items: HeaderItem[]): Record<string, string> {
  return Object.fromEntries(items.map((i) => [i.name, i.value]));
}
