// `mtls-audit pki DIR`: a throw-away lab PKI, minted in-process. Never for production: the CA key
// sits next to the certificates (mode 600) so the probe can mint attack certificates from it.

import { existsSync, lstatSync, mkdirSync } from 'node:fs';
import { writeFileAtomic } from '../core/safe-fs.js';
import { join } from 'node:path';
import { UsageError } from '../core/errors.js';
import { createCa, createCrl, EKU, issueCert, type Minted, type Issuer } from './mint.js';
import type { x509 } from './x509.js';

const DAY = 24 * 60 * 60 * 1000;

export interface LabPki {
  dir: string;
  ca: Minted & { issuer: Issuer };
  server: Minted;
  alice: Minted;
  bob: Minted;
  /** Revoked on `ca.crl` (CN=carol). */
  revoked: Minted;
  crl: x509.X509Crl;
  crlPem: string;
  /** Attack material for trying a target by hand (the probe mints its own at run time). */
  attacks: Record<string, Minted>;
  /** Absolute path of every file written, by role. */
  files: Record<string, string>;
}

export interface LabPkiOptions {
  /** Server certificate names (default localhost and 127.0.0.1). */
  hosts?: string[];
  /** Overwrite existing files. */
  force?: boolean;
  /** Organisation in every subject (default `mtls-audit lab`). */
  org?: string;
}

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

function isLink(p: string): boolean {
  try {
    return lstatSync(p).isSymbolicLink();
  } catch {
    return false;
  }
}

export async function createLabPki(dir: string, opts: LabPkiOptions = {}): Promise<LabPki> {
  const org = opts.org ?? 'mtls-audit lab';
  const hosts = opts.hosts?.length ? opts.hosts : ['localhost', '127.0.0.1'];
  const now = Date.now();
  // Conventional order (O then CN): RFC 2253 strings, as nginx renders them, read `CN=…,O=…`.
  const name = (cn: string) => [{ O: [org] }, { CN: [cn] }] as x509.JsonName;

  const ca = await createCa({ subject: [{ O: [org] }, { CN: [`${org} CA`] }], notAfter: new Date(now + 365 * DAY) });
  const [server, alice, bob, revoked] = await Promise.all([
    issueCert(ca.issuer, {
      subject: name(hosts[0]),
      eku: [EKU.serverAuth],
      dns: hosts.filter((h) => !IPV4.test(h) && !h.includes(':')),
      ips: hosts.filter((h) => IPV4.test(h) || h.includes(':')),
    }),
    issueCert(ca.issuer, { subject: name('alice') }),
    issueCert(ca.issuer, { subject: name('bob') }),
    issueCert(ca.issuer, { subject: name('carol') }),
  ]);
  const impostor = await createCa({ subject: ca.cert.subjectName, notAfter: new Date(now + 365 * DAY) });
  const attacks: Record<string, Minted> = Object.fromEntries(
    await Promise.all(
      Object.entries({
        'unknown-identity': () => issueCert(ca.issuer, { subject: name('mallory') }),
        expired: () => issueCert(ca.issuer, { subject: name('alice'), notBefore: new Date(now - 60 * DAY), notAfter: new Date(now - 30 * DAY) }),
        'not-yet-valid': () => issueCert(ca.issuer, { subject: name('alice'), notBefore: new Date(now + 30 * DAY), notAfter: new Date(now + 60 * DAY) }),
        'server-eku': () => issueCert(ca.issuer, { subject: name('alice'), eku: [EKU.serverAuth] }),
        'dn-injection-o': () => issueCert(ca.issuer, { subject: [{ O: ['CN=alice'] }, { CN: ['mallory'] }] }),
        'dn-injection-comma': () => issueCert(ca.issuer, { subject: [{ O: [org] }, { CN: ['mallory,CN=alice'] }] }),
        'impostor-ca': async () => impostor,
        'impostor-alice': () => issueCert(impostor.issuer, { subject: name('alice'), aki: false }),
      }).map(async ([k, f]) => [k, await f()] as const),
    ),
  );
  const { crl, pem: crlPem } = await createCrl(ca.issuer, { serials: [revoked.cert.serialNumber] });

  const files: Record<string, string> = {};
  const plan: [string, string, boolean][] = [
    ['ca.crt', ca.certPem, false],
    ['ca.key', ca.keyPem, true],
    ['ca.crl', crlPem, false],
    ['server.crt', server.certPem, false],
    ['server.key', server.keyPem, true],
    ['server.pem', `${server.certPem.trimEnd()}\n${server.keyPem}`, true],
    ['alice.crt', alice.certPem, false],
    ['alice.key', alice.keyPem, true],
    ['bob.crt', bob.certPem, false],
    ['bob.key', bob.keyPem, true],
    ['revoked.crt', revoked.certPem, false],
    ['revoked.key', revoked.keyPem, true],
  ];
  for (const [k, m] of Object.entries(attacks)) {
    plan.push([`attacks/${k}.crt`, m.certPem, false], [`attacks/${k}.key`, m.keyPem, true]);
  }
  if (!opts.force) {
    const clash = plan.find(([f]) => existsSync(join(dir, f)) || isLink(join(dir, f)));
    if (clash) throw new UsageError(`${join(dir, clash[0])} already exists (use --force to overwrite)`);
  }
  try {
    mkdirSync(join(dir, 'attacks'), { recursive: true, mode: 0o700 });
    for (const [file, text, secret] of plan) {
      const path = join(dir, file);
      // A random temporary file renamed into place: a (dangling) symlink planted at the name is
      // replaced, never written through.
      writeFileAtomic(path, text.endsWith('\n') ? text : `${text}\n`, secret ? 0o600 : 0o644);
      files[file.replace(/\.(crt|key|crl|pem)$/, (_m, ext: string) => `:${ext}`)] = path;
    }
  } catch (e) {
    throw new UsageError(`cannot write the PKI to ${dir}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  return { dir, ca, server, alice, bob, revoked, crl, crlPem, attacks, files };
}
