// Minting certificates, keys and CRLs in-process (@peculiar/x509 over Node's webcrypto).
// Used by `mtls-audit pki` (the lab PKI) and by the probe (attack certificates minted at run time
// from --ca/--ca-key). Keys are ECDSA P-256; an issuer loaded from disk may also be RSA or Ed25519.

import { createPrivateKey, createPublicKey, randomBytes, X509Certificate as NodeX509 } from 'node:crypto';
import { UsageError } from '../core/errors.js';
import { subtle, x509 } from './x509.js';

export type NameInput = string | x509.JsonName | x509.Name;

const EC_P256: EcKeyGenParams = { name: 'ECDSA', namedCurve: 'P-256' };
const DAY = 24 * 60 * 60 * 1000;

export const EKU = {
  serverAuth: '1.3.6.1.5.5.7.3.1',
  clientAuth: '1.3.6.1.5.5.7.3.2',
} as const;

/** A certificate with the key pair it was minted with, and both as PEM. */
export interface Minted {
  cert: x509.X509Certificate;
  certPem: string;
  /** PKCS#8 PEM of the private key. */
  keyPem: string;
  privateKey: CryptoKey;
  publicKey: CryptoKey;
}

/** A CA that can sign: its certificate and private key. */
export interface Issuer {
  cert: x509.X509Certificate;
  certPem: string;
  privateKey: CryptoKey;
  signingAlgorithm: Algorithm | EcdsaParams;
}

export async function generateKeys(): Promise<CryptoKeyPair> {
  return await subtle.generateKey(EC_P256, true, ['sign', 'verify']);
}

/** A positive, non-zero 16-byte serial in hex (RFC 5280 allows up to 20 octets). */
export function randomSerial(): string {
  const b = randomBytes(16);
  b[0] = (b[0] & 0x7f) | 0x10;
  return b.toString('hex');
}

export async function keyToPem(key: CryptoKey): Promise<string> {
  const der = await subtle.exportKey('pkcs8', key);
  return x509.PemConverter.encode(der, 'PRIVATE KEY');
}

/** OpenSSL (nginx, HAProxy, cryptography) wants `X509 CRL`; @peculiar/x509 writes `CRL`. */
export function crlToPem(crl: x509.X509Crl): string {
  return x509.PemConverter.encode(crl.rawData, 'X509 CRL');
}

async function minted(cert: x509.X509Certificate, keys: CryptoKeyPair): Promise<Minted> {
  return {
    cert,
    certPem: cert.toString('pem'),
    keyPem: await keyToPem(keys.privateKey),
    privateKey: keys.privateKey,
    publicKey: keys.publicKey,
  };
}

export interface CaOptions {
  subject?: NameInput;
  notBefore?: Date;
  notAfter?: Date;
  keys?: CryptoKeyPair;
}

/** A self-signed CA (basicConstraints CA:TRUE, keyCertSign|cRLSign). */
export async function createCa(opts: CaOptions = {}): Promise<Minted & { issuer: Issuer }> {
  const keys = opts.keys ?? (await generateKeys());
  const now = Date.now();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomSerial(),
    name: opts.subject ?? 'CN=mtls-audit lab CA, O=mtls-audit lab',
    notBefore: opts.notBefore ?? new Date(now - DAY),
    notAfter: opts.notAfter ?? new Date(now + 30 * DAY),
    keys,
    signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' },
    extensions: [new x509.BasicConstraintsExtension(true, undefined, true), new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true), await x509.SubjectKeyIdentifierExtension.create(keys.publicKey)],
  });
  const m = await minted(cert, keys);
  return { ...m, issuer: { cert, certPem: m.certPem, privateKey: keys.privateKey, signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' } } };
}

export interface LeafOptions {
  subject: NameInput;
  /** Extended key usages (OIDs); `null` leaves the extension out (valid for any purpose). Default clientAuth. */
  eku?: string[] | null;
  notBefore?: Date;
  notAfter?: Date;
  serial?: string;
  dns?: string[];
  ips?: string[];
  emails?: string[];
  /** Add the authority key identifier (default true). */
  aki?: boolean;
  keys?: CryptoKeyPair;
}

/** A leaf certificate signed by `issuer`. */
export async function issueCert(issuer: Issuer, opts: LeafOptions): Promise<Minted> {
  const keys = opts.keys ?? (await generateKeys());
  const now = Date.now();
  const eku = opts.eku === undefined ? [EKU.clientAuth] : opts.eku;
  const extensions: x509.Extension[] = [new x509.BasicConstraintsExtension(false, undefined, true), new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true), await x509.SubjectKeyIdentifierExtension.create(keys.publicKey)];
  if (eku) extensions.push(new x509.ExtendedKeyUsageExtension(eku, false));
  if (opts.aki !== false) extensions.push(await x509.AuthorityKeyIdentifierExtension.create(issuer.cert.publicKey));
  const names: x509.JsonGeneralName[] = [
    ...(opts.dns ?? []).map((value) => ({ type: 'dns' as const, value })),
    ...(opts.ips ?? []).map((value) => ({ type: 'ip' as const, value })),
    ...(opts.emails ?? []).map((value) => ({ type: 'email' as const, value })),
  ];
  if (names.length) extensions.push(new x509.SubjectAlternativeNameExtension(names, false));
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: opts.serial ?? randomSerial(),
    subject: opts.subject,
    issuer: issuer.cert.subjectName,
    notBefore: opts.notBefore ?? new Date(now - DAY),
    notAfter: opts.notAfter ?? new Date(now + 30 * DAY),
    publicKey: keys.publicKey,
    signingKey: issuer.privateKey,
    signingAlgorithm: issuer.signingAlgorithm,
    extensions,
  });
  return minted(cert, keys);
}

export interface CrlOptions {
  /** Hex serial numbers to list as revoked. */
  serials: string[];
  thisUpdate?: Date;
  nextUpdate?: Date;
}

export async function createCrl(issuer: Issuer, opts: CrlOptions): Promise<{ crl: x509.X509Crl; pem: string }> {
  const now = Date.now();
  const crl = await x509.X509CrlGenerator.create({
    issuer: issuer.cert.subjectName,
    thisUpdate: opts.thisUpdate ?? new Date(now - 60 * 60 * 1000),
    nextUpdate: opts.nextUpdate ?? new Date(now + 7 * DAY),
    signingAlgorithm: issuer.signingAlgorithm,
    signingKey: issuer.privateKey,
    entries: opts.serials.map((serialNumber) => ({ serialNumber, revocationDate: new Date(now - 60 * 60 * 1000), reason: x509.X509CrlReason.keyCompromise })),
  });
  return { crl, pem: crlToPem(crl) };
}

// ---------------------------------------------------------------------------------------------
// Loading user-supplied material (the probe's --cert/--ca/--ca-key/--crl).

/** All certificates in a PEM text (or one DER certificate). Throws UsageError naming `what`. */
export function parseCertificates(data: string | Buffer, what: string): x509.X509Certificate[] {
  const text = typeof data === 'string' ? data : data.toString('latin1');
  try {
    if (/-----BEGIN CERTIFICATE-----/.test(text)) {
      const blocks = text.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? [];
      return blocks.map((b) => new x509.X509Certificate(b));
    }
    if (typeof data !== 'string') return [new x509.X509Certificate(new Uint8Array(data))];
  } catch (e) {
    throw new UsageError(`${what} is not a valid X.509 certificate: ${(e as Error).message.split('\n')[0]}`);
  }
  throw new UsageError(`${what} holds no PEM certificate`);
}

/** A CRL in PEM (`X509 CRL` or `CRL` label) or DER. */
export function parseCrl(data: string | Buffer, what: string): x509.X509Crl {
  const text = typeof data === 'string' ? data : data.toString('latin1');
  try {
    const m = /-----BEGIN (?:X509 )?CRL-----([\s\S]*?)-----END (?:X509 )?CRL-----/.exec(text);
    if (m) return new x509.X509Crl(new Uint8Array(Buffer.from(m[1].replace(/\s+/g, ''), 'base64')));
    if (typeof data !== 'string') return new x509.X509Crl(new Uint8Array(data));
  } catch (e) {
    throw new UsageError(`${what} is not a valid CRL: ${(e as Error).message.split('\n')[0]}`);
  }
  throw new UsageError(`${what} holds no PEM CRL`);
}

/**
 * The signing algorithm for a private key and a webcrypto handle on it. Accepts PKCS#8, SEC1
 * (`EC PRIVATE KEY`) and PKCS#1 (`RSA PRIVATE KEY`) PEM; ECDSA (P-256/384/521), RSA and Ed25519.
 */
export async function importSigningKey(pem: string | Buffer, what: string): Promise<{ privateKey: CryptoKey; signingAlgorithm: Algorithm | EcdsaParams; spki: Buffer }> {
  let key;
  try {
    key = createPrivateKey(pem);
  } catch (e) {
    throw new UsageError(`${what} is not a readable unencrypted private key: ${(e as Error).message.split('\n')[0]}`);
  }
  const pkcs8 = key.export({ type: 'pkcs8', format: 'der' });
  const spki = createPublicKey(key).export({ type: 'spki', format: 'der' });
  const type = key.asymmetricKeyType;
  let importAlg: RsaHashedImportParams | EcKeyImportParams | Algorithm;
  let signingAlgorithm: Algorithm | EcdsaParams;
  if (type === 'ec') {
    const curve = key.asymmetricKeyDetails?.namedCurve;
    const named = curve === 'prime256v1' ? 'P-256' : curve === 'secp384r1' ? 'P-384' : curve === 'secp521r1' ? 'P-521' : null;
    if (!named) throw new UsageError(`${what}: unsupported EC curve ${curve ?? '?'}`);
    importAlg = { name: 'ECDSA', namedCurve: named };
    signingAlgorithm = { name: 'ECDSA', hash: named === 'P-256' ? 'SHA-256' : named === 'P-384' ? 'SHA-384' : 'SHA-512' };
  } else if (type === 'rsa') {
    importAlg = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
    signingAlgorithm = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
  } else if (type === 'ed25519') {
    importAlg = { name: 'Ed25519' };
    signingAlgorithm = { name: 'Ed25519' };
  } else {
    throw new UsageError(`${what}: unsupported key type ${type ?? '?'}`);
  }
  const privateKey = await subtle.importKey('pkcs8', pkcs8, importAlg, false, ['sign']);
  return { privateKey, signingAlgorithm, spki };
}

/** The CA of --ca/--ca-key, checked: the key must belong to the certificate. */
export async function loadIssuer(certPem: string | Buffer, keyPem: string | Buffer): Promise<Issuer> {
  const [cert] = parseCertificates(certPem, '--ca');
  const { privateKey, signingAlgorithm, spki } = await importSigningKey(keyPem, '--ca-key');
  if (!Buffer.from(cert.publicKey.rawData).equals(spki)) throw new UsageError('--ca-key does not belong to the --ca certificate');
  return { cert, certPem: cert.toString('pem'), privateKey, signingAlgorithm };
}

/** Hex SHA-256 fingerprint of a certificate (lowercase, no colons). */
export function sha256Fingerprint(cert: x509.X509Certificate): string {
  return new NodeX509(Buffer.from(cert.rawData)).fingerprint256.replace(/:/g, '').toLowerCase();
}

/** Normalises a hex serial for comparison (lowercase, no leading zeros). */
export function normSerial(hex: string): string {
  return hex.toLowerCase().replace(/^0+(?=.)/, '');
}

export async function verifyCrlIssuer(crl: x509.X509Crl, ca: x509.X509Certificate): Promise<boolean> {
  try {
    return await crl.verify({ publicKey: ca.publicKey });
  } catch {
    return false;
  }
}
