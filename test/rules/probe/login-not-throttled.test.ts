import { probeRuleSuite } from '../../helpers/probe-target.js';

// The probe form of the rule (the settings form is test/rules/settings/login-not-throttled.test.ts).
probeRuleSuite('login-not-throttled', { passwordLogin: { throttleAfter: null } }, { base: { passwordLogin: { throttleAfter: 5 } }, path: '/accounts/login/' });
