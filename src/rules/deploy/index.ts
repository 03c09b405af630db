// Registry of the deploy-layer rules (one module per rule id).
import type { AnyRule } from '../../core/rule.js';
import proxyVerifyOptionalNoCa from './proxy-verify-optional-no-ca.js';
import proxyVerifyOptionalUnenforced from './proxy-verify-optional-unenforced.js';
import proxyHeaderPassthrough from './proxy-header-passthrough.js';
import headerUnderscoreSmuggling from './header-underscore-smuggling.js';
import backendExposed from './backend-exposed.js';
import proxyRevocationMissing from './proxy-revocation-missing.js';

export const deployRules: AnyRule[] = [proxyVerifyOptionalNoCa, proxyVerifyOptionalUnenforced, proxyHeaderPassthrough, headerUnderscoreSmuggling, backendExposed, proxyRevocationMissing];
