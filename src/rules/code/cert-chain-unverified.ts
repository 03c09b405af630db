// cert-chain-unverified: a parsed certificate trusted without verifying its signature chain.

import { defineRule } from '../../core/rule.js';
import { at, checks, deciding, grantRelated, pinnedByFingerprint, proxyVerifies, parseTrusted } from './support.js';

export default defineRule({
  meta: {
    id: 'cert-chain-unverified',
    layer: 'code',
    name: 'Client certificate trusted without verifying its chain',
    cwe: ['CWE-295', 'CWE-347'],
    severity: 'high',
    diagram: { check: 'chain' },
    docs: {
      summary: 'A parsed client certificate is trusted without verifying that its signature chains to a pinned CA.',
      whyBad:
        "Anyone can mint a certificate with any subject, serial or issuer name. Unless the signature is verified against the CA's public key, the code trusts whatever the client (or a forged header) presents; comparing the issuer DN string is not verification — an impostor CA can carry the same name.",
      notReported:
        "Code that verifies the signature with the pinned CA public key (`cert.verify_directly_issued_by(ca)`, `ca.public_key().verify(cert.signature, …)`), an OpenSSL `X509StoreContext`, or cryptography's `PolicyBuilder` verifier; a certificate used only through its SHA-256 fingerprint matched against an enrolled record (a self-minted certificate cannot match; issuer and serial can be copied, so they do not exempt); certificates that reach the code only through a proxy that verifies client certificates on every route (`ssl_verify_client on`, HAProxy `verify required`, …) in the scanned tree.",
      example: {
        lang: 'python',
        bad: 'cert = x509.load_pem_x509_certificate(pem.encode())\nif cert.issuer.rfc4514_string() == "CN=Corp CA": ...',
        good: 'cert = x509.load_pem_x509_certificate(pem.encode())\ncert.verify_directly_issued_by(PINNED_CA)  # raises on a bad signature',
      },
      references: ['https://cryptography.io/en/latest/x509/verification/', 'https://cwe.mitre.org/data/definitions/295.html'],
    },
    fix: "Verify the certificate against the pinned CA before using any field: `cert.verify_directly_issued_by(ca_cert)` (cryptography ≥ 40) or `ca_cert.public_key().verify(cert.signature, cert.tbs_certificate_bytes, ec.ECDSA(cert.signature_hash_algorithm))`, or pyOpenSSL `X509StoreContext(store, cert).verify_certificate()`; or verify at the proxy (`ssl_verify_client on`) and prove the header's provenance.",
    messages: {
      unverified: 'The certificate parsed here from {{keys}} is trusted without verifying its signature against a pinned CA; a self-minted certificate with any subject passes.',
    },
  },
  check(ctx) {
    for (const flow of deciding(ctx.model)) {
      if (checks(flow, 'chain').length) continue;
      for (const p of flow.parses) {
        if (!parseTrusted(ctx.model, flow, p)) continue;
        if (proxyVerifies(ctx.model, p).verified) continue;
        // Matched by fingerprint against an enrolled record: a self-minted certificate cannot match.
        if (pinnedByFingerprint(flow, p)) continue;
        ctx.report({
          messageId: 'unverified',
          data: { keys: [...new Set([...p.reads].map((r) => r.key))].join(', ') },
          at: at(p.module, p.node),
          related: grantRelated(flow),
        });
      }
    }
  },
});
