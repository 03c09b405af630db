import { probeRuleSuite } from '../../helpers/probe-target.js';

probeRuleSuite('accepts-untrusted-ca', { verifyChain: false });
