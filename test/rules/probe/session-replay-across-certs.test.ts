import { probeRuleSuite } from '../../helpers/probe-target.js';

probeRuleSuite('session-replay-across-certs', { sessions: { bindToCert: false, rotateOnLogin: true } }, { base: { sessions: { bindToCert: true, rotateOnLogin: true } } });
