import { probeRuleSuite } from '../../helpers/probe-target.js';

probeRuleSuite('accepts-dn-injection', { cnFromDnString: true });
