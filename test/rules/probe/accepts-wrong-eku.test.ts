import { probeRuleSuite } from '../../helpers/probe-target.js';

probeRuleSuite('accepts-wrong-eku', { checkEku: false });
