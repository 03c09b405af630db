// Registry of the probe-layer rules (one module per rule id).
import type { AnyRule } from '../../core/rule.js';

export const probeRules: AnyRule[] = [];
