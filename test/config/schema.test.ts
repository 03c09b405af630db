// The shipped JSON Schema (docs/config.schema.json) is the one the loader validates with, it knows
// every rule of the catalogue and every threshold, it compiles in ajv's strict mode on its own, and
// the README's example configuration is valid and states the real defaults.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { parse as parseYaml } from 'yaml';
import { configSchema, configSchemaJson, knownRuleIds } from '../../src/config/schema.js';
import { loadConfig } from '../../src/config/load.js';
import { allRules } from '../../src/rules/index.js';
import { DEFAULT_RULE_OPTIONS } from '../../src/rules/index.js';
import { REPO_ROOT } from '../helpers/rule-tester.js';

const SHIPPED = join(REPO_ROOT, 'docs', 'config.schema.json');

test('docs/config.schema.json is the schema the loader uses', () => {
  assert.equal(
    readFileSync(SHIPPED, 'utf8'),
    configSchemaJson(),
    'docs/config.schema.json is stale: regenerate it with `npx tsc -p . && node -e "import(\'./dist/src/config/schema.js\').then((m) => process.stdout.write(m.configSchemaJson()))" > docs/config.schema.json`',
  );
});

test('every rule of the catalogue and every threshold is configurable', () => {
  const s = configSchema() as { properties: { rules: { properties: Record<string, unknown> }; thresholds: { properties: Record<string, { default: number }> } } };
  assert.deepEqual(Object.keys(s.properties.rules.properties).sort(), [...new Set(allRules.map((r) => r.meta.id))].sort());
  assert.deepEqual(knownRuleIds(), Object.keys(s.properties.rules.properties).sort());
  assert.deepEqual(Object.keys(s.properties.thresholds.properties).sort(), Object.keys(DEFAULT_RULE_OPTIONS).sort());
  for (const [k, v] of Object.entries(s.properties.thresholds.properties)) assert.equal(v.default, DEFAULT_RULE_OPTIONS[k as keyof typeof DEFAULT_RULE_OPTIONS]);
});

test('the shipped schema compiles in strict mode and separates good from bad configs', () => {
  const ajv = new Ajv2020({ strict: true, allErrors: true });
  const validate = ajv.compile(JSON.parse(readFileSync(SHIPPED, 'utf8')));
  const good = [
    {},
    { rules: { 'cert-presence-only': 'off', 'dn-string-match': { severity: 'critical' }, 'accepts-no-cert': true } },
    { exclude: ['a/**'], includeTests: true, failOn: 'medium', thresholds: { minPasswordLength: 16 } },
    { $schema: './docs/config.schema.json' },
  ];
  const bad = [{ rules: { 'not-a-rule': 'off' } }, { rules: { 'cert-presence-only': 'disabled' } }, { rules: { 'cert-presence-only': { enabled: 'no' } } }, { thresholds: { maxSessionAgeSeconds: -1 } }, { failOn: 'info' }, { extra: 1 }, []];
  for (const g of good) assert.equal(validate(g), true, `${JSON.stringify(g)}: ${ajv.errorsText(validate.errors)}`);
  for (const b of bad) assert.equal(validate(b), false, `${JSON.stringify(b)} is rejected`);
});

test("the README's example configuration is valid and states the real defaults", () => {
  const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Configuration'));
  const m = /```yaml\n([\s\S]*?)```/.exec(section);
  assert.ok(m, 'a yaml block in the Configuration section');
  const dir = mkdtempSync(join(tmpdir(), 'mtls-audit-readme-config-'));
  try {
    writeFileSync(join(dir, '.mtls-audit.yml'), m[1]);
    const c = loadConfig(dir);
    const raw = parseYaml(m[1]) as { thresholds: Record<string, number> };
    assert.deepEqual(c.ruleOptions, raw.thresholds);
    assert.deepEqual(c.disabled, ['cert-revocation-unchecked']);
    assert.deepEqual(c.severity, { 'session-expiry-long': 'high' });
    const defaults = /defaults: ([\d, ]+)/.exec(m[1]);
    assert.ok(defaults, 'the defaults are stated');
    assert.deepEqual(
      defaults[1].split(',').map((x) => Number(x.trim())),
      Object.keys(raw.thresholds).map((k) => DEFAULT_RULE_OPTIONS[k as keyof typeof DEFAULT_RULE_OPTIONS]),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
