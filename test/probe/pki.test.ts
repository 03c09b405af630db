// The lab PKI and the minting API: files and modes, what OpenSSL and Python's cryptography make of
// them, the CRL label, loading user-supplied CA keys (EC and RSA, PKCS#8/SEC1/PKCS#1), and the attack
// certificates the probe mints.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createLabPki } from '../../src/pki/lab.js';
import { createCa, createCrl, issueCert, loadIssuer, parseCrl, verifyCrlIssuer } from '../../src/pki/mint.js';
import { x509 } from '../../src/pki/x509.js';
import { dnRfc2253, prepareIdentities } from '../../src/probe/identities.js';
import { UsageError } from '../../src/core/errors.js';
import { REPO_ROOT } from '../helpers/rule-tester.js';

const run = promisify(execFile);

function tmp(): string {
  return mkdtempSync(join(tmpdir(), 'mtls-audit-pki-'));
}

test('lab PKI: files, modes, a CRL OpenSSL reads, and verification results as intended', async () => {
  const dir = tmp();
  try {
    const pki = await createLabPki(join(dir, 'pki'));
    const mode = (f: string) => statSync(f).mode & 0o777;
    for (const [k, f] of Object.entries(pki.files)) assert.equal(mode(f), k.endsWith(':key') || k === 'server:pem' ? 0o600 : 0o644, k);
    const crl = readFileSync(pki.files['ca:crl'], 'utf8');
    assert.match(crl, /^-----BEGIN X509 CRL-----\n[\s\S]+\n-----END X509 CRL-----\n$/);
    assert.match(readFileSync(pki.files['alice:key'], 'utf8'), /^-----BEGIN PRIVATE KEY-----/);
    const verify = (cert: string) => spawnSync('openssl', ['verify', '-CAfile', pki.files['ca:crt'], '-crl_check', '-CRLfile', pki.files['ca:crl'], '-purpose', 'sslclient', cert], { encoding: 'utf8' });
    assert.equal(verify(pki.files['alice:crt']).status, 0, verify(pki.files['alice:crt']).stderr);
    assert.match(verify(pki.files['revoked:crt']).stdout + verify(pki.files['revoked:crt']).stderr, /certificate revoked/);
    assert.match(verify(pki.files['attacks/expired:crt']).stderr + verify(pki.files['attacks/expired:crt']).stdout, /certificate has expired/);
    assert.match(verify(pki.files['attacks/not-yet-valid:crt']).stderr + verify(pki.files['attacks/not-yet-valid:crt']).stdout, /not yet valid/);
    assert.match(verify(pki.files['attacks/server-eku:crt']).stderr + verify(pki.files['attacks/server-eku:crt']).stdout, /unsuitable certificate purpose/);
    assert.match(verify(pki.files['attacks/impostor-alice:crt']).stderr + verify(pki.files['attacks/impostor-alice:crt']).stdout, /signature failure/);
    const server = spawnSync('openssl', ['verify', '-CAfile', pki.files['ca:crt'], '-purpose', 'sslserver', '-verify_ip', '127.0.0.1', pki.files['server:crt']], { encoding: 'utf8' });
    assert.equal(server.status, 0, server.stderr);
    // Python's cryptography (Debian 38) loads the CRL and the certificates the way the lab apps do.
    const py = spawnSync(
      '/usr/bin/python3',
      [
        '-c',
        `import sys
from cryptography import x509
crl = x509.load_pem_x509_crl(open(sys.argv[1], 'rb').read())
revoked = x509.load_pem_x509_certificate(open(sys.argv[2], 'rb').read())
alice = x509.load_pem_x509_certificate(open(sys.argv[3], 'rb').read())
print(crl.get_revoked_certificate_by_serial_number(revoked.serial_number) is not None, crl.get_revoked_certificate_by_serial_number(alice.serial_number) is None)`,
        pki.files['ca:crl'],
        pki.files['revoked:crt'],
        pki.files['alice:crt'],
      ],
      { encoding: 'utf8', env: { PATH: '/usr/bin:/bin', PYTHONDONTWRITEBYTECODE: '1' } },
    );
    assert.equal(py.stdout.trim(), 'True True', py.stderr);
    await assert.rejects(createLabPki(join(dir, 'pki')), (e: unknown) => e instanceof UsageError && /already exists/.test(e.message));
    await createLabPki(join(dir, 'pki'), { force: true });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('CLI: mtls-audit pki DIR writes the PKI and refuses to overwrite it', async () => {
  const dir = tmp();
  try {
    const out = await run(process.execPath, ['bin/mtls-audit.js', 'pki', join(dir, 'lab')], { cwd: REPO_ROOT });
    assert.match(out.stdout, /Lab PKI written to/);
    assert.match(out.stdout, /ca:crl/);
    assert.equal(statSync(join(dir, 'lab', 'ca.key')).mode & 0o777, 0o600);
    const again = await run(process.execPath, ['bin/mtls-audit.js', 'pki', join(dir, 'lab')], { cwd: REPO_ROOT }).catch((e) => e as { code: number; stderr: string; stdout: string });
    assert.equal((again as { code?: number }).code, 2);
    assert.match(again.stderr, /^mtls-audit: .*ca\.crt already exists \(use --force to overwrite\)\n$/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('loading a CA: EC (SEC1) and RSA (PKCS#1) keys sign; a key of another CA is refused', async () => {
  const ec = await createCa();
  const sec1 = spawnSync('openssl', ['pkey', '-traditional'], { input: ec.keyPem, encoding: 'utf8' }).stdout;
  assert.match(sec1, /BEGIN EC PRIVATE KEY/);
  const issuer = await loadIssuer(ec.certPem, sec1);
  const leaf = await issueCert(issuer, { subject: 'CN=carol' });
  assert.ok(await leaf.cert.verify({ publicKey: ec.cert.publicKey, signatureOnly: true }));

  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const { webcrypto } = await import('node:crypto');
  const rsaPriv = await webcrypto.subtle.importKey('pkcs8', rsa.privateKey.export({ type: 'pkcs8', format: 'der' }), { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, true, ['sign']);
  const rsaPub = await webcrypto.subtle.importKey('spki', rsa.publicKey.export({ type: 'spki', format: 'der' }), { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, true, ['verify']);
  const rsaCa = await x509.X509CertificateGenerator.createSelfSigned({
    name: 'CN=rsa CA',
    keys: { privateKey: rsaPriv, publicKey: rsaPub },
    signingAlgorithm: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
    extensions: [new x509.BasicConstraintsExtension(true, undefined, true)],
  });
  const rsaIssuer = await loadIssuer(rsaCa.toString('pem'), rsa.privateKey.export({ type: 'pkcs1', format: 'pem' }));
  const rsaLeaf = await issueCert(rsaIssuer, { subject: 'CN=dave' });
  assert.ok(await rsaLeaf.cert.verify({ publicKey: rsaCa.publicKey, signatureOnly: true }));

  const other = await createCa();
  await assert.rejects(loadIssuer(ec.certPem, other.keyPem), /--ca-key does not belong to the --ca certificate/);
  await assert.rejects(loadIssuer(ec.certPem, 'not a key'), /--ca-key is not a readable unencrypted private key/);
  assert.throws(() => parseCrl('garbage', '--crl'), /--crl holds no PEM CRL/);
});

test('attack certificates minted from --ca/--ca-key', async () => {
  const dir = tmp();
  try {
    const pki = await createLabPki(dir);
    const ids = await prepareIdentities({
      url: 'https://127.0.0.1/',
      certPem: pki.alice.certPem,
      keyPem: pki.alice.keyPem,
      caPem: pki.ca.certPem,
      caKeyPem: pki.ca.keyPem,
      crlData: Buffer.from(pki.crlPem),
    });
    const a = ids.attacks;
    const cert = (m: { certPem: string }) => new x509.X509Certificate(m.certPem);
    assert.equal(ids.legit.name, 'alice');
    assert.equal(ids.legit.dn, 'CN=alice,O=mtls-audit lab');
    assert.ok(cert(a.expired!).notAfter.getTime() < Date.now());
    assert.ok(cert(a.notYetValid!).notBefore.getTime() > Date.now());
    const eku = cert(a.wrongEku!).getExtension(x509.ExtendedKeyUsageExtension)!;
    assert.deepEqual([...eku.usages], ['1.3.6.1.5.5.7.3.1']);
    assert.equal(cert(a.revoked!).serialNumber.replace(/^0+/, ''), pki.revoked.cert.serialNumber.replace(/^0+/, ''));
    assert.match(a.dnInjectionO!.subjectDn, /^CN=mtls-audit-dn-[0-9a-f]{8},O=CN=alice,O=mtls-audit lab$/);
    assert.match(a.dnInjectionComma!.subjectDn, /^CN=mtls-audit-dn-[0-9a-f]{8}\\,CN=alice,O=mtls-audit lab$/);
    assert.match(a.unknown!.subjectDn, /^CN=mtls-audit-unknown-[0-9a-f]{8},O=mtls-audit lab$/);
    for (const m of [a.expired, a.notYetValid, a.wrongEku, a.revoked, a.unknown, a.dnInjectionO, a.dnInjectionComma]) {
      assert.ok(await cert(m!).verify({ publicKey: pki.ca.cert.publicKey, signatureOnly: true }));
    }
    const imp = cert(a.impostorCa);
    assert.equal(imp.issuer, pki.ca.cert.subject);
    assert.equal(await imp.verify({ publicKey: pki.ca.cert.publicKey, signatureOnly: true }), false);
    assert.equal(dnRfc2253(imp.subjectName.toJSON()), 'CN=alice,O=mtls-audit lab');

    // Without the CA key only the CA-less cases exist; a CRL from another CA is refused.
    const bare = await prepareIdentities({ url: 'https://127.0.0.1/', certPem: pki.alice.certPem, keyPem: pki.alice.keyPem });
    assert.equal(bare.attacks.expired, undefined);
    assert.match(bare.missing.expired!, /--ca-key not given/);
    const other = await createCa();
    const foreign = await createCrl(other.issuer, { serials: ['0a'] });
    assert.equal(await verifyCrlIssuer(parseCrl(foreign.pem, '--crl'), pki.ca.cert), false);
    const wrongCrl = await prepareIdentities({ url: 'https://127.0.0.1/', certPem: pki.alice.certPem, keyPem: pki.alice.keyPem, caPem: pki.ca.certPem, caKeyPem: pki.ca.keyPem, crlData: Buffer.from(foreign.pem) });
    assert.match(wrongCrl.missing.revoked!, /not signed by the --ca key/);
    await assert.rejects(prepareIdentities({ url: 'https://127.0.0.1/', certPem: pki.alice.certPem, keyPem: pki.bob.keyPem }), /--key does not belong to the --cert certificate/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
