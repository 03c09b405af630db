// Certificate libraries as data: cryptography, pyOpenSSL and `ssl` — parsing, what the methods of
// a parsed certificate, its subject/issuer and its extensions return, verification (chain,
// validity, EKU) and revocation. Receiver entries are by what the receiver is in the value domain;
// the first entry that matches wins, so each receiver kind ends with its `*` default.

import type { AttrEntry, LibEntry } from './types.js';

const X509 = 'cryptography.x509';
const CRYPTO = 'OpenSSL.crypto';

/** Functions that parse certificate bytes (PEM/DER) into a certificate object. */
export const PARSE_FNS = ['load_pem_x509_certificate', 'load_der_x509_certificate', 'load_pem_x509_certificates', 'load_certificate', 'load_der_x509_certificates', 'PEM_cert_to_DER_cert_parsed'];

export const PARSING: LibEntry[] = [
  {
    lib: 'cryptography / pyOpenSSL: parse PEM or DER',
    qualified: [`${X509}.load_pem_x509_certificate`, `${X509}.load_der_x509_certificate`, `${X509}.load_pem_x509_certificates`, `${CRYPTO}.load_certificate`],
    names: PARSE_FNS,
    needsTaint: true,
    does: { t: 'parse-cert' },
  },
  { lib: 'pyOpenSSL: X509.from_cryptography', qualified: [`${CRYPTO}.X509.from_cryptography`], names: ['from_cryptography'], needsTaint: true, does: { t: 'same-cert', from: 'args' } },
];

export const CERTIFICATE_METHODS: LibEntry[] = [
  // A parsed certificate (cryptography `Certificate`, pyOpenSSL `X509`).
  { lib: 'pyOpenSSL', receiver: 'cert', methods: ['to_cryptography'], does: { t: 'same-cert', from: 'receiver' } },
  { lib: 'pyOpenSSL', receiver: 'cert', methods: ['get_subject'], does: { t: 'derive', kinds: ['subject'] } },
  { lib: 'pyOpenSSL', receiver: 'cert', methods: ['get_issuer'], does: { t: 'derive', kinds: ['issuer'] } },
  { lib: 'pyOpenSSL', receiver: 'cert', methods: ['get_serial_number'], does: { t: 'derive', kinds: ['serial'] } },
  { lib: 'cryptography / pyOpenSSL', receiver: 'cert', methods: ['digest', 'fingerprint'], does: { t: 'derive', kinds: ['fingerprint'] } },
  { lib: 'pyOpenSSL', receiver: 'cert', methods: ['get_notAfter'], does: { t: 'validity-read', which: 'after' } },
  { lib: 'pyOpenSSL', receiver: 'cert', methods: ['get_notBefore'], does: { t: 'validity-read', which: 'before' } },
  { lib: 'pyOpenSSL', receiver: 'cert', methods: ['has_expired'], does: { t: 'check-receiver', what: 'validity', detail: 'has_expired()' } },
  // Against an issuer taken from request data (the certificate itself, a forwarded chain) it is no pinning.
  { lib: 'cryptography', receiver: 'cert', methods: ['verify_directly_issued_by'], does: { t: 'check-receiver', what: 'chain', detail: 'verify_directly_issued_by()', unlessArgTainted: true } },
  { lib: 'cryptography / pyOpenSSL', receiver: 'cert', methods: ['get_extension_for_class', 'get_extension_for_oid', 'get_extension'], does: { t: 'derive', kinds: ['extensions'] } },
  // `public_key()`, `public_bytes()` and the rest: derived from the certificate, no longer it (its
  // own key verifying its own signature proves nothing about the chain).
  { lib: 'cryptography / pyOpenSSL', receiver: 'cert', methods: ['*'], does: { t: 'derive', kinds: [] } },

  // The issuer / subject name (cryptography `Name`, pyOpenSSL `X509Name`): issuer first, a value that is both is the issuer.
  { lib: 'cryptography', receiver: 'issuer', methods: ['get_attributes_for_oid'], does: { t: 'derive', kinds: ['issuer-attr'] } },
  { lib: 'cryptography', receiver: 'issuer', methods: ['rfc4514_string', '__str__'], does: { t: 'derive', kinds: ['dn-string', 'issuer'] } },
  { lib: 'pyOpenSSL', receiver: 'issuer', methods: ['get_components'], does: { t: 'derive', kinds: ['issuer-attr', 'parts'] } },
  { lib: 'cryptography / pyOpenSSL', receiver: 'issuer', methods: ['*'], does: { t: 'derive', kinds: ['issuer'] } },
  { lib: 'cryptography', receiver: 'subject', methods: ['get_attributes_for_oid'], does: { t: 'derive', kinds: ['subject-attr'] } },
  { lib: 'cryptography', receiver: 'subject', methods: ['rfc4514_string', '__str__'], does: { t: 'derive', kinds: ['dn-string'] } },
  { lib: 'pyOpenSSL', receiver: 'subject', methods: ['get_components'], does: { t: 'derive', kinds: ['subject-attr', 'parts'] } },
  { lib: 'cryptography / pyOpenSSL', receiver: 'subject', methods: ['*'], does: { t: 'derive', kinds: ['subject'] } },

  // Extensions: the EKU stays extensions, the SAN is a subject attribute.
  { lib: 'cryptography', receiver: 'extensions', methods: ['*'], argText: /ExtendedKeyUsage|EXTENDED_KEY_USAGE/, does: { t: 'derive', kinds: ['extensions'] } },
  { lib: 'cryptography', receiver: 'extensions', methods: ['*'], argText: /SubjectAlternativeName|SUBJECT_ALTERNATIVE_NAME/, does: { t: 'derive', kinds: ['subject-attr'] } },
  { lib: 'cryptography', receiver: 'extensions', methods: ['get_values_for_type'], does: { t: 'derive', kinds: ['subject-attr', 'parts'] } },
  { lib: 'cryptography', receiver: 'extensions', methods: ['*'], does: { t: 'derive', kinds: ['extensions'] } },
];

/** pyOpenSSL `X509Name` attributes (`.CN`, `.emailAddress`, …). */
const X509NAME_ATTRS = ['CN', 'O', 'OU', 'L', 'ST', 'C', 'emailAddress', 'commonName', 'organizationName', 'organizationalUnitName', 'UID', 'serialNumber'];

/** Attributes of certificate values (`cert.subject`, `getattr(cert, "not_valid_after")`), first match wins. */
export const CERTIFICATE_ATTRIBUTES: AttrEntry[] = [
  { lib: 'cryptography', receiver: 'cert', attrs: ['subject'], does: { t: 'derive', kinds: ['subject'] } },
  { lib: 'cryptography', receiver: 'cert', attrs: ['issuer'], does: { t: 'derive', kinds: ['issuer'] } },
  { lib: 'cryptography', receiver: 'cert', attrs: ['serial_number'], does: { t: 'derive', kinds: ['serial'] } },
  { lib: 'cryptography', receiver: 'cert', attrs: ['not_valid_after'], does: { t: 'validity-read', which: 'after' } },
  { lib: 'cryptography', receiver: 'cert', attrs: ['not_valid_after_utc'], does: { t: 'validity-read', which: 'after', aware: true } },
  { lib: 'cryptography', receiver: 'cert', attrs: ['not_valid_before'], does: { t: 'validity-read', which: 'before' } },
  { lib: 'cryptography', receiver: 'cert', attrs: ['not_valid_before_utc'], does: { t: 'validity-read', which: 'before', aware: true } },
  { lib: 'cryptography', receiver: 'cert', attrs: ['extensions'], does: { t: 'derive', kinds: ['extensions'] } },
  // `signature`, `tbs_certificate_bytes` and the rest: derived from the certificate, not it.
  { lib: 'cryptography', receiver: 'cert', attrs: ['*'], does: { t: 'derive', kinds: [] } },
  { lib: 'pyOpenSSL', receiver: 'issuer', attrs: X509NAME_ATTRS, does: { t: 'derive', kinds: ['issuer-attr'] } },
  { lib: 'cryptography / pyOpenSSL', receiver: 'issuer', attrs: ['*'], does: { t: 'derive', kinds: ['issuer'] } },
  { lib: 'pyOpenSSL', receiver: 'subject', attrs: X509NAME_ATTRS, does: { t: 'derive', kinds: ['subject-attr'] } },
  { lib: 'cryptography / pyOpenSSL', receiver: 'subject', attrs: ['*'], does: { t: 'derive', kinds: ['subject'] } },
  // `attrs[0].value`, `attr.oid`: still the attribute.
  { lib: 'cryptography', receiver: 'subject-attr', attrs: ['*'], does: { t: 'keep', kinds: ['subject-attr', 'issuer-attr'] } },
  { lib: 'cryptography', receiver: 'issuer-attr', attrs: ['*'], does: { t: 'keep', kinds: ['subject-attr', 'issuer-attr'] } },
  { lib: 'cryptography', receiver: 'extensions', attrs: ['*'], does: { t: 'derive', kinds: ['extensions'] } },
];

export const VERIFICATION: LibEntry[] = [
  // pyOpenSSL's `X509StoreContext(store, cert).verify_certificate()` — not a project function of
  // that name, which is analysed as project code.
  {
    lib: 'pyOpenSSL: X509StoreContext',
    qualified: [`${CRYPTO}.X509StoreContext.verify_certificate`, `${CRYPTO}.X509StoreContext`],
    names: ['verify_certificate', 'X509StoreContext'],
    does: {
      t: 'verify',
      checks: [
        { what: 'chain', detail: 'X509StoreContext.verify_certificate()' },
        { what: 'validity', detail: 'X509StoreContext.verify_certificate()' },
      ],
    },
  },
  {
    lib: 'cryptography: PolicyBuilder verifiers',
    qualified: [`${X509}.verification.PolicyBuilder`],
    names: ['build_client_verifier', 'build_server_verifier', 'PolicyBuilder'],
    does: {
      t: 'verify',
      checks: [
        { what: 'chain', detail: 'cryptography PolicyBuilder verifier' },
        { what: 'validity', detail: 'cryptography PolicyBuilder verifier' },
        { what: 'eku', detail: 'client verifier requires clientAuth', onlyMethod: 'build_client_verifier' },
      ],
    },
  },
  // `issuer_key.verify(cert.signature, cert.tbs_certificate_bytes, …)`: chain verification only with a pinned key.
  { lib: 'cryptography: public key verify', names: ['verify'], does: { t: 'signature-verify' } },
  {
    lib: 'cryptography / pyOpenSSL: CRL and OCSP',
    qualified: [`${X509}.load_pem_x509_crl`, `${X509}.load_der_x509_crl`, `${X509}.ocsp.*`, `${CRYPTO}.load_crl`],
    names: ['load_pem_x509_crl', 'load_der_x509_crl', 'get_revoked_certificate_by_serial_number', 'add_crl', 'load_crl'],
    dottedRe: /ocsp\.|OCSPRequestBuilder/i,
    does: { t: 'revocation' },
  },
];
