import { probeRuleSuite } from '../../helpers/probe-target.js';

probeRuleSuite('accepts-no-cert', { unprotected: true });
