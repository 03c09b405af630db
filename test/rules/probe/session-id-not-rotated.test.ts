import { probeRuleSuite } from '../../helpers/probe-target.js';

// A fixed session id only carries the identity when the session is not bound to the certificate.
probeRuleSuite('session-id-not-rotated', { sessions: { bindToCert: false, rotateOnLogin: false } }, { base: { sessions: { bindToCert: true, rotateOnLogin: true } } });
