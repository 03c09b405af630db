// Registry of the deploy-layer rules (one module per rule id).
import type { AnyRule } from '../../core/rule.js';

export const deployRules: AnyRule[] = [];
