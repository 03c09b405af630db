// The names under which a client certificate, or the identity it proves, reaches Django: one list
// for the classifier (flow.ts `isCertKey`, which decides what a `request.META[...]` /
// `request.headers[...]` read is) and for the pre-filter (scan/prefilter.ts, which decides which
// files are parsed at all), so a key family the classifier knows can never sit in a file the
// pre-filter skips.

export interface CertKeyFamily {
  /**
   * Regular expression source over an upper-case WSGI key (`HTTP_X_ARR_CLIENTCERT`,
   * `SSL_CLIENT_S_DN`); `^`/`$` anchor it to the whole key.
   */
  key: string;
  /**
   * Lower-case literals in underscore spelling, one of which every place `source` (or `key`) matches
   * in Python source contains, in either spelling. A family anchored to a whole string literal has
   * its closing or opening quote in the atom (`cert"`), so the common word alone (`cert`, `verify`)
   * does not send every file to the exact pattern.
   */
  atoms: string[];
  /** A key of the family (tests). */
  sample: string;
  /**
   * Where the pre-filter looks for the family in source text (case-insensitive), when `key`
   * translated to both spellings would also match words that are no key (`settings.AUTH_USER_MODEL`,
   * requests' `verify=`/`cert=`, `ssl_certfile`); it must contain one of `atoms`.
   */
  source?: string;
}

/** `request.headers.get("…` / `headers["…`: a header name as the read writes it. */
const HEADER_ARG = `headers(?:\\.get\\(|\\[)\\s*["']`;

export const CERT_KEY_FAMILIES: readonly CertKeyFamily[] = [
  { key: 'SSL_CLIENT', atoms: ['ssl_client'], sample: 'SSL_CLIENT_CERT' },
  { key: 'CLIENT_CERT', atoms: ['client_cert'], sample: 'HTTP_X_CLIENT_CERT' },
  // Azure App Service's X-ARR-ClientCert, AWS ALB's X-Amzn-Mtls-Clientcert.
  { key: 'CLIENTCERT', atoms: ['clientcert'], sample: 'HTTP_X_ARR_CLIENTCERT' },
  { key: 'CLIENT_S_DN', atoms: ['client_s_dn'], sample: 'HTTP_X_SSL_CLIENT_S_DN' },
  { key: 'CLIENT_I_DN', atoms: ['client_i_dn'], sample: 'HTTP_X_CLIENT_I_DN' },
  { key: 'CLIENT_DN', atoms: ['client_dn'], sample: 'HTTP_CLIENT_DN' },
  { key: 'CLIENT_CN', atoms: ['client_cn'], sample: 'HTTP_X_CLIENT_CN' },
  { key: 'CLIENT_VERIFY', atoms: ['client_verify'], sample: 'HTTP_X_CLIENT_VERIFY' },
  { key: 'CLIENT_FINGERPRINT', atoms: ['client_fingerprint'], sample: 'HTTP_X_CLIENT_FINGERPRINT' },
  { key: 'CLIENT_SERIAL', atoms: ['client_serial'], sample: 'HTTP_X_CLIENT_SERIAL' },
  { key: 'CLIENT_SUBJECT', atoms: ['client_subject'], sample: 'HTTP_X_CLIENT_SUBJECT' },
  { key: 'CLIENT_ISSUER', atoms: ['client_issuer'], sample: 'HTTP_X_CLIENT_ISSUER' },
  { key: 'FORWARDED_CLIENT_CERT', atoms: ['forwarded_client_cert'], sample: 'HTTP_X_FORWARDED_CLIENT_CERT' },
  { key: 'FORWARDED_TLS_CLIENT', atoms: ['forwarded_tls_client'], sample: 'HTTP_X_FORWARDED_TLS_CLIENT_CERT_INFO' },
  { key: 'TLS_CLIENT', atoms: ['tls_client'], sample: 'HTTP_TLS_CLIENT_SUBJECT' },
  { key: 'MTLS', atoms: ['mtls'], sample: 'HTTP_X_AMZN_MTLS_CLIENTCERT_SUBJECT' },
  { key: 'REMOTE_USER', atoms: ['remote_user'], sample: 'REMOTE_USER' },
  { key: 'FORWARDED_USER', atoms: ['forwarded_user'], sample: 'HTTP_X_FORWARDED_USER' },
  // Not Django's own session keys (`_auth_user_id`, `_auth_user_backend`, `_auth_user_hash`).
  { key: 'AUTH_USER(?!_(ID|BACKEND|HASH|MODEL)\\b)', atoms: ['auth_user'], sample: 'HTTP_X_AUTH_USER', source: '[-_]auth[-_]user(?![-_](id|backend|hash|model)\\b)' },
  // X-Authenticated-User, IAP's X-Goog-Authenticated-User-Email: identity asserted by a front end.
  { key: 'AUTHENTICATED_USER', atoms: ['authenticated_user'], sample: 'HTTP_X_AUTHENTICATED_USER', source: `(x|http|goog)[-_]authenticated[-_]user|${HEADER_ARG}authenticated[-_]user` },
  {
    key: 'CERT_(DN|CN|SUBJECT|FINGERPRINT|SERIAL|PEM|VERIFY)',
    atoms: ['cert_dn', 'cert_cn', 'cert_subject', 'cert_fingerprint', 'cert_serial', 'cert_pem', 'cert_verify'],
    sample: 'HTTP_X_CERT_SUBJECT',
    source: '[-_]cert[-_](dn|cn|subject|fingerprint|serial|pem|verify)',
  },
  { key: '^HTTP_(X_)?(SSL_)?CERT$', atoms: ['cert"', "cert'"], sample: 'HTTP_X_SSL_CERT', source: `["']http_(x_)?(ssl_)?cert["']|${HEADER_ARG}(x[-_])?(ssl[-_])?cert["']` },
  { key: '^HTTP_X_CLIENT_(DN|CN|CERT)', atoms: ['x_client_dn', 'x_client_cn', 'x_client_cert'], sample: 'HTTP_X_CLIENT_DN' },
  { key: '^HTTP_VERIFY$', atoms: ['verify"', "verify'"], sample: 'HTTP_VERIFY', source: `["']http_verify["']|${HEADER_ARG}verify["']` },
  { key: '^HTTP_S_DN$', atoms: ['s_dn"', "s_dn'"], sample: 'HTTP_S_DN', source: `["']http_s_dn["']|${HEADER_ARG}s[-_]dn["']` },
  { key: '^HTTP_SSL_', atoms: ['"http_ssl_', "'http_ssl_", '"ssl_', "'ssl_"], sample: 'HTTP_SSL_ISSUER_HASH', source: `["']http_ssl_|${HEADER_ARG}ssl[-_]` },
  {
    key: 'SSL_(USER|AUTHENTICATED|VERIFIED|DN|S_DN|I_DN|CN|SUBJECT|ISSUER|CERT|FINGERPRINT|SERIAL)',
    atoms: ['ssl_user', 'ssl_authenticated', 'ssl_verified', 'ssl_dn', 'ssl_s_dn', 'ssl_i_dn', 'ssl_cn', 'ssl_subject', 'ssl_issuer', 'ssl_cert', 'ssl_fingerprint', 'ssl_serial'],
    sample: 'HTTP_X_SSL_VERIFIED',
    source: 'ssl[-_](user|authenticated|verified|dn|s[-_]dn|i[-_]dn|cn|subject|issuer|cert|fingerprint|serial)(?![a-z])',
  },
  { key: 'TLS_(USER|DN|SUBJECT|CERT)', atoms: ['tls_user', 'tls_dn', 'tls_subject', 'tls_cert'], sample: 'HTTP_X_TLS_DN', source: 'tls[-_](user|dn|subject|cert)(?![a-z])' },
];

/** The classifier's pattern over an upper-case WSGI key. */
export function certKeyRegExp(): RegExp {
  return new RegExp(CERT_KEY_FAMILIES.map((f) => f.key).join('|'));
}

/**
 * Where a key of some family is written in Python source, in either spelling: the WSGI key
 * (`'HTTP_X_ARR_CLIENTCERT'`) or the header name (`'X-ARR-ClientCert'`), any case. A family
 * anchored to the whole key matches only a whole string literal (`'X-SSL-Cert'`, `"HTTP_VERIFY"`),
 * so a word such as `def verify(` is no trigger.
 */
export function certKeySourceRegExp(): RegExp {
  const q = `["']`;
  const parts = CERT_KEY_FAMILIES.map((f) => {
    if (f.source) return f.source;
    let k = f.key;
    let head = '';
    let tail = '';
    if (k.startsWith('^HTTP_')) {
      head = `(?<=${q})(?:HTTP_)?`;
      k = k.slice('^HTTP_'.length);
    } else if (k.startsWith('^')) {
      head = `(?<=${q})`;
      k = k.slice(1);
    }
    if (k.endsWith('$')) {
      tail = `(?=${q})`;
      k = k.slice(0, -1);
    }
    return (head + k + tail).replace(/_/g, '[-_]');
  });
  return new RegExp(parts.join('|'), 'i');
}

/** The pre-filter's literals for the families, in both spellings (`client_cert`, `client-cert`). */
export function certKeyAtoms(): string[] {
  const out = new Set<string>();
  for (const f of CERT_KEY_FAMILIES) {
    for (const a of f.atoms) {
      out.add(a);
      out.add(a.replace(/_/g, '-'));
    }
  }
  return [...out];
}
