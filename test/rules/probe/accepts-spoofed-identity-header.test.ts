import { probeRuleSuite } from '../../helpers/probe-target.js';

probeRuleSuite('accepts-spoofed-identity-header', { trustIdentityHeader: 'X-Remote-User' });
