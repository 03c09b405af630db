// Registry of the code-layer rules (one module per rule id).
import type { AnyRule } from '../../core/rule.js';

export const codeRules: AnyRule[] = [];
