// Registry of the probe-layer rules (one module per rule id). The probe checks report under these
// metas (src/probe/checks/), so messages, CWE and severity live in one place.
import type { AnyRule } from '../../core/rule.js';
import acceptsNoCert from './accepts-no-cert.js';
import acceptsUntrustedCa from './accepts-untrusted-ca.js';
import acceptsUnknownIdentity from './accepts-unknown-identity.js';
import acceptsExpiredCert from './accepts-expired-cert.js';
import acceptsWrongEku from './accepts-wrong-eku.js';
import acceptsRevokedCert from './accepts-revoked-cert.js';
import acceptsSpoofedCertHeader from './accepts-spoofed-cert-header.js';
import acceptsSpoofedIdentityHeader from './accepts-spoofed-identity-header.js';
import acceptsDnInjection from './accepts-dn-injection.js';
import sessionReplayAcrossCerts from './session-replay-across-certs.js';
import sessionIdNotRotated from './session-id-not-rotated.js';
import loginNotThrottled from './login-not-throttled.js';

export const probeRules: AnyRule[] = [
  acceptsNoCert,
  acceptsUntrustedCa,
  acceptsUnknownIdentity,
  acceptsExpiredCert,
  acceptsWrongEku,
  acceptsRevokedCert,
  acceptsSpoofedCertHeader,
  acceptsSpoofedIdentityHeader,
  acceptsDnInjection,
  sessionReplayAcrossCerts,
  sessionIdNotRotated,
  loginNotThrottled,
];
