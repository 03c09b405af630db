import { probeRuleSuite } from '../../helpers/probe-target.js';

probeRuleSuite('accepts-revoked-cert', { checkRevocation: false });
