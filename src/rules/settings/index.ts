// Registry of the settings-layer rules (one module per rule id, RULES.md "Settings and
// authentication-surface rules").
import type { AnyRule } from '../../core/rule.js';
import passwordValidatorsWeak from './password-validators-weak.js';
import sessionExpiryLong from './session-expiry-long.js';
import sessionFixation from './session-fixation.js';
import loginNotThrottled from './login-not-throttled.js';
import passwordOnlyAuth from './password-only-auth.js';
import passwordResetWeak from './password-reset-weak.js';
import criticalViewUnauthenticated from './critical-view-unauthenticated.js';

export const settingsRules: AnyRule[] = [passwordValidatorsWeak, sessionExpiryLong, sessionFixation, loginNotThrottled, passwordOnlyAuth, passwordResetWeak, criticalViewUnauthenticated];
