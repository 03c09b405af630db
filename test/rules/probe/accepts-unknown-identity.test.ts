import { probeRuleSuite } from '../../helpers/probe-target.js';

probeRuleSuite('accepts-unknown-identity', { knownUsers: 'any' });
