// The probe's check plugins, in report order. Each file covers one rule of RULES.md "Probe rules"
// (spoofed-headers covers the two header rules); learn.ts is the baseline step they all share.
import type { ProbeCheck } from '../check.js';
import noCert from './no-cert.js';
import untrustedCa from './untrusted-ca.js';
import unknownIdentity from './unknown-identity.js';
import expiredCert from './expired-cert.js';
import wrongEku from './wrong-eku.js';
import revokedCert from './revoked-cert.js';
import dnInjection from './dn-injection.js';
import spoofedHeaders from './spoofed-headers.js';
import sessionReplay from './session-replay.js';
import sessionRotation from './session-rotation.js';
import loginThrottle from './login-throttle.js';

export const CHECKS: ProbeCheck<unknown>[] = [noCert, untrustedCa, unknownIdentity, expiredCert, wrongEku, revokedCert, dnInjection, spoofedHeaders, sessionReplay, sessionRotation, loginThrottle] as ProbeCheck<unknown>[];
