// The JSON Schema (draft 2020-12) of the configuration file. The rule ids come from the registry,
// the thresholds from the rules' `meta.options`, so a new rule or option is configurable at once;
// docs/config.schema.json is this schema, written out (a test keeps the two equal — regenerate with
// `node -e "import('./dist/src/config/schema.js').then((m) => process.stdout.write(m.configSchemaJson()))" > docs/config.schema.json`).

import { allRules, ruleOptionSpecs } from '../rules/index.js';
import { SEVERITIES } from '../core/types.js';

/** Every rule id of the catalogue (scan and probe rules), sorted. */
export function knownRuleIds(): string[] {
  return [...new Set(allRules.map((r) => r.meta.id))].sort();
}

export function configSchema(): Record<string, unknown> {
  const ids = knownRuleIds();
  const name = new Map(allRules.map((r) => [r.meta.id, r.meta.name]));
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: 'mtls-audit/config.schema.json',
    title: 'mtls-audit configuration (.mtls-audit.yml, .mtls-audit.json or --config FILE)',
    description:
      'Rule selection and severities, paths to skip and thresholds for `mtls-audit scan`. Command-line options win over the file: --exclude adds to `exclude`, --include-tests turns `includeTests` on, an explicit --fail-on replaces `failOn`.',
    type: 'object',
    additionalProperties: false,
    properties: {
      $schema: { type: 'string', description: 'Editor hint; ignored.' },
      rules: {
        type: 'object',
        description: 'Per rule id (see `mtls-audit rules`): "off" or false disables it; "on" or true keeps it; a severity overrides its severity; or { enabled, severity }. Unknown ids are errors.',
        additionalProperties: false,
        properties: Object.fromEntries(ids.map((id) => [id, { $ref: '#/$defs/ruleSetting', description: name.get(id) ?? id }])),
      },
      exclude: {
        type: 'array',
        description: 'Globs of paths to skip, relative to the scanned directory (as --exclude).',
        items: { type: 'string', minLength: 1 },
      },
      includeTests: { type: 'boolean', description: 'Also scan tests.py, test_*.py and tests/ (as --include-tests).' },
      failOn: { $ref: '#/$defs/severity', description: 'Exit 1 when a finding is at or above this severity (as --fail-on).' },
      thresholds: {
        type: 'object',
        description: 'Limits some rules compare settings against.',
        additionalProperties: false,
        properties: Object.fromEntries([...ruleOptionSpecs()].map(([k, o]) => [k, { type: 'integer', description: `${o.rule}: ${o.description}`, minimum: o.minimum, maximum: o.maximum, default: o.default }])),
      },
    },
    $defs: {
      severity: { enum: [...SEVERITIES] },
      ruleSetting: {
        if: { type: 'object' },
        then: {
          type: 'object',
          additionalProperties: false,
          minProperties: 1,
          properties: { enabled: { type: 'boolean' }, severity: { $ref: '#/$defs/severity' } },
        },
        else: { enum: ['on', 'off', true, false, ...SEVERITIES] },
      },
    },
  };
}

/** The schema as shipped in docs/config.schema.json. */
export function configSchemaJson(): string {
  return JSON.stringify(configSchema(), null, 2) + '\n';
}
