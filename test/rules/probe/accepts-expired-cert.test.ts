import { probeRuleSuite } from '../../helpers/probe-target.js';

probeRuleSuite('accepts-expired-cert', { checkValidity: false });
