// Registry of the settings-layer rules (one module per rule id).
import type { AnyRule } from '../../core/rule.js';

export const settingsRules: AnyRule[] = [];
