// The probe's identities: the legitimate one (--cert/--key) and the attack certificates minted at
// run time. With --ca-key: an unknown subject, expired, not-yet-valid, serverAuth-only, revoked
// (a serial the --crl lists), and DN injections. Without any key: an impostor CA that copies the
// trusted CA's name, and an unrelated CA. Attack certificates copy the legitimate subject (so a
// target that maps the CN to a user would serve them as that user) unless the case needs another.

import { createPrivateKey, createPublicKey, randomBytes, X509Certificate as NodeX509 } from 'node:crypto';
import { UsageError } from '../core/errors.js';
import { createCa, EKU, generateKeys, issueCert, loadIssuer, normSerial, parseCertificates, parseCrl, verifyCrlIssuer, type Issuer, type LeafOptions } from '../pki/mint.js';
import type { x509 } from '../pki/x509.js';
import type { CaseNote, ClientIdentity, ProbeOptions } from './types.js';

const DAY = 24 * 60 * 60 * 1000;

export interface LegitInfo {
  identity: ClientIdentity;
  cert: x509.X509Certificate;
  /** The identity string a target shows when it serves this certificate's owner (CN, else e-mail). */
  name: string;
  subject: x509.JsonName;
  /** RFC 2253 subject, as nginx `$ssl_client_s_dn` renders it: `CN=alice,O=Example`. */
  dn: string;
  /** OpenSSL one-line subject: `/O=Example/CN=alice`. */
  dnLegacy: string;
  /** Forward order, as Traefik and AWS render it: `O=Example,CN=alice`. */
  dnForward: string;
  issuerDn: string;
  pem: string;
  derBase64: string;
  sha256Hex: string;
  sha1Hex: string;
  serialHex: string;
  emails: string[];
  uris: string[];
  dnsNames: string[];
  notBefore: Date;
  notAfter: Date;
}

export interface MintedIdentity extends ClientIdentity {
  /** The subject's unique marker (its CN) when it is not the legitimate name. */
  marker?: string;
  subjectDn: string;
}

export interface AttackSet {
  unknown?: MintedIdentity;
  expired?: MintedIdentity;
  notYetValid?: MintedIdentity;
  wrongEku?: MintedIdentity;
  revoked?: MintedIdentity & { serial: string };
  dnInjectionO?: MintedIdentity;
  dnInjectionComma?: MintedIdentity;
  impostorCa: MintedIdentity;
  unrelatedCa: MintedIdentity;
}

export interface Identities {
  legit: LegitInfo;
  attacks: AttackSet;
  /** Why attack certificates that need the CA key or a CRL were not minted. */
  notes: CaseNote[];
  /** Reasons keyed by attack name, for the checks that cannot run. */
  missing: Partial<Record<keyof AttackSet, string>>;
}

const ESCAPE_2253 = /([,+"\\<>;])/g;

function escape2253(v: string): string {
  let s = v.replace(ESCAPE_2253, '\\$1');
  if (s.startsWith('#') || s.startsWith(' ')) s = `\\${s}`;
  if (s.endsWith(' ') && s.length > 1) s = `${s.slice(0, -1)}\\ `;
  return s;
}

function rdnString(rdn: Record<string, string[]>, escape: (v: string) => string): string {
  return Object.entries(rdn)
    .flatMap(([k, vs]) => vs.map((v) => `${k}=${escape(v)}`))
    .join('+');
}

export function dnRfc2253(name: x509.JsonName): string {
  return name
    .slice()
    .reverse()
    .map((r) => rdnString(r, escape2253))
    .join(',');
}

export function dnForward(name: x509.JsonName): string {
  return name.map((r) => rdnString(r, escape2253)).join(',');
}

export function dnLegacy(name: x509.JsonName): string {
  return name.map((r) => `/${rdnString(r, (v) => v.replace(/\//g, '\\/'))}`).join('');
}

function withoutCn(name: x509.JsonName): x509.JsonName {
  return name.map((r) => Object.fromEntries(Object.entries(r).filter(([k]) => k !== 'CN'))).filter((r) => Object.keys(r).length > 0);
}

function firstCn(name: x509.JsonName): string | undefined {
  for (const r of name) if (r.CN?.length) return r.CN[0];
  return undefined;
}

/** The subject with its CN replaced (or added at the end). */
export function replaceCn(name: x509.JsonName, cn: string): x509.JsonName {
  let done = false;
  const out = name.map((r) => {
    if (!r.CN || done) return { ...r };
    done = true;
    return { ...r, CN: [cn] };
  });
  if (!done) out.push({ CN: [cn] });
  return out;
}

export function loadLegit(certPem: string, keyPem: string): LegitInfo {
  const [cert] = parseCertificates(certPem, '--cert');
  let key;
  try {
    key = createPrivateKey(keyPem);
  } catch (e) {
    throw new UsageError(`--key is not a readable unencrypted private key: ${(e as Error).message.split('\n')[0]}`);
  }
  const spki = createPublicKey(key).export({ type: 'spki', format: 'der' });
  if (!Buffer.from(cert.publicKey.rawData).equals(spki)) throw new UsageError('--key does not belong to the --cert certificate');
  const node = new NodeX509(Buffer.from(cert.rawData));
  const subject = cert.subjectName.toJSON();
  const san = (node.subjectAltName ?? '').split(/,\s*/).filter(Boolean);
  const pick = (prefix: string) => san.filter((s) => s.startsWith(prefix)).map((s) => s.slice(prefix.length));
  const emails = pick('email:');
  const cn = firstCn(subject);
  const name = cn ?? emails[0] ?? dnRfc2253(subject);
  const pem = cert.toString('pem').trim() + '\n';
  return {
    identity: { label: `${name} (--cert)`, certPem: pem, keyPem },
    cert,
    name,
    subject,
    dn: dnRfc2253(subject),
    dnLegacy: dnLegacy(subject),
    dnForward: dnForward(subject),
    issuerDn: dnRfc2253(cert.issuerName.toJSON()),
    pem,
    derBase64: Buffer.from(cert.rawData).toString('base64'),
    sha256Hex: node.fingerprint256.replace(/:/g, '').toLowerCase(),
    sha1Hex: node.fingerprint.replace(/:/g, '').toLowerCase(),
    serialHex: node.serialNumber.toUpperCase(),
    emails,
    uris: pick('URI:'),
    dnsNames: pick('DNS:'),
    notBefore: cert.notBefore,
    notAfter: cert.notAfter,
  };
}

function marker(kind: string): string {
  return `mtls-audit-${kind}-${randomBytes(4).toString('hex')}`;
}

/** Loads the inputs and mints every attack certificate the inputs allow. */
export async function prepareIdentities(opts: ProbeOptions): Promise<Identities> {
  const legit = loadLegit(opts.certPem, opts.keyPem);
  const notes: CaseNote[] = [];
  const missing: Identities['missing'] = {};
  const caCert = opts.caPem ? parseCertificates(opts.caPem, '--ca')[0] : undefined;
  let issuer: Issuer | undefined;
  if (opts.caKeyPem) {
    if (!opts.caPem) throw new UsageError('--ca-key needs --ca');
    issuer = await loadIssuer(opts.caPem, opts.caKeyPem);
  }
  const keys = await generateKeys();
  const now = Date.now();
  const mint = async (iss: Issuer, label: string, subject: x509.JsonName, extra: Partial<LeafOptions>, mark?: string): Promise<MintedIdentity> => {
    const m = await issueCert(iss, { subject, keys, ...extra });
    return { label, certPem: m.certPem, keyPem: m.keyPem, subjectDn: dnRfc2253(subject), ...(mark ? { marker: mark } : {}) };
  };

  // Without the CA key: a CA with the trusted CA's name and another key, and an unrelated CA.
  const trustedName = caCert ? caCert.subjectName : legit.cert.issuerName;
  const [impostor, unrelated] = await Promise.all([createCa({ subject: trustedName, keys, notAfter: new Date(now + 30 * DAY) }), createCa({ subject: [{ O: ['mtls-audit probe'] }, { CN: [marker('untrusted-ca')] }], keys })]);
  const attacks: AttackSet = {
    impostorCa: await mint(impostor.issuer, `certificate for ${legit.name} from an impostor CA named like the trusted CA`, legit.subject, { aki: false }),
    unrelatedCa: await mint(unrelated.issuer, `certificate for ${legit.name} from an unrelated CA`, legit.subject, {}),
  };

  const needKey = '--ca-key not given: the probe cannot mint certificates from the trusted CA';
  if (!issuer) {
    for (const k of ['unknown', 'expired', 'notYetValid', 'wrongEku', 'revoked', 'dnInjectionO', 'dnInjectionComma'] as const) missing[k] = needKey;
  } else {
    const iss = issuer;
    const unknownCn = marker('unknown');
    const dnO = marker('dn');
    const dnComma = marker('dn');
    const base = legit.name;
    const [unknown, expired, notYetValid, wrongEku, dnInjectionO, dnInjectionComma] = await Promise.all([
      mint(iss, `certificate for the unknown subject ${unknownCn}`, replaceCn(legit.subject, unknownCn), {}, unknownCn),
      mint(iss, `expired certificate for ${base}`, legit.subject, { notBefore: new Date(now - 60 * DAY), notAfter: new Date(now - 30 * DAY) }),
      mint(iss, `not-yet-valid certificate for ${base}`, legit.subject, { notBefore: new Date(now + 30 * DAY), notAfter: new Date(now + 60 * DAY) }),
      mint(iss, `serverAuth-only certificate for ${base}`, legit.subject, { eku: [EKU.serverAuth] }),
      mint(iss, `certificate with O=CN=${base}`, [...withoutCn(legit.subject), { O: [`CN=${base}`] }, { CN: [dnO] }], {}, dnO),
      mint(iss, `certificate with CN=${dnComma}\\,CN=${base}`, replaceCn(legit.subject, `${dnComma},CN=${base}`), {}, dnComma),
    ]);
    Object.assign(attacks, { unknown, expired, notYetValid, wrongEku, dnInjectionO, dnInjectionComma });

    if (!opts.crlData) {
      missing.revoked = 'no --crl given';
    } else {
      const crl = parseCrl(opts.crlData, '--crl');
      const serials = crl.entries.map((e) => normSerial(e.serialNumber));
      if (!(await verifyCrlIssuer(crl, iss.cert))) {
        missing.revoked = 'the --crl is not signed by the --ca key';
      } else if (!serials.length) {
        missing.revoked = 'the --crl lists no revoked serial';
      } else {
        // A throw-away certificate for the legitimate subject that reuses a serial the CRL lists.
        const serial = serials.find((s) => s !== normSerial(legit.serialHex)) ?? serials[0];
        const even = serial.length % 2 ? `0${serial}` : serial;
        const der = parseInt(even[0], 16) >= 8 ? `00${even}` : even; // keep the INTEGER positive
        const m = await mint(iss, `certificate for ${base} with serial ${serial.toUpperCase()} (listed on the CRL)`, legit.subject, { serial: der });
        attacks.revoked = { ...m, serial: serial.toUpperCase() };
      }
    }
  }
  return { legit, attacks, notes, missing };
}
