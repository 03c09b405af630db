// The catalogue is consistent with the contract (RULES.md) and every rule has its registry entry,
// metadata, tests, fixtures and generated docs — a rule missing any of them fails here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../helpers/rule-tester.js';
import { allRules, DEFAULT_RULE_OPTIONS, ruleOptionSpecs } from '../../src/rules/index.js';
import { formatMessage } from '../../src/core/rule.js';

function contractRows(): { id: string; cwe: string[]; severity: string; table: string }[] {
  const local = join(REPO_ROOT, 'docs', 'contracts', 'RULES.md');
  const text = readFileSync(existsSync(local) ? local : join(REPO_ROOT, '..', 'shared', 'contracts', 'RULES.md'), 'utf8');
  const rows: { id: string; cwe: string[]; severity: string; table: string }[] = [];
  let table = '';
  for (const line of text.split('\n')) {
    const h = /^## (.*)/.exec(line);
    if (h) table = h[1];
    const m = /^\| `([a-z0-9-]+)` \| ([^|]+) \| (critical|high|medium|low) \|/.exec(line);
    if (m) rows.push({ id: m[1], cwe: m[2].split(',').map((s) => s.trim()), severity: m[3], table });
  }
  return rows;
}

function allFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...allFiles(p));
    else out.push(p);
  }
  return out;
}

const rows = contractRows();
const testText = allFiles(join(REPO_ROOT, 'test'))
  .filter((f) => f.endsWith('.ts'))
  .map((f) => readFileSync(f, 'utf8'))
  .join('\n');

test('RULES.md lists the rules we expect to parse', () => {
  assert.ok(rows.length >= 40, `parsed ${rows.length} rows from RULES.md`);
});

for (const row of rows) {
  test(`rule ${row.id}: registered with the contract's CWE and severity`, () => {
    const rule = allRules.find((r) => r.meta.id === row.id);
    assert.ok(rule, `${row.id} (${row.table}) is not registered in src/rules/*/index.ts`);
    assert.deepEqual(rule.meta.cwe, row.cwe);
    assert.equal(rule.meta.severity, row.severity);
  });
}

for (const rule of allRules) {
  const { meta } = rule;
  test(`rule ${meta.id}: metadata, messages, tests and docs`, () => {
    assert.ok(rows.some((r) => r.id === meta.id) || /^[a-z0-9]+(-[a-z0-9]+)*$/.test(meta.id), 'id is kebab-case');
    for (const k of ['summary', 'whyBad'] as const) assert.ok(meta.docs[k] && meta.docs[k].length > 20, `docs.${k}`);
    assert.ok(meta.fix.length > 20, 'fix');
    assert.ok(Object.keys(meta.messages).length > 0, 'messages');
    for (const [id, template] of Object.entries(meta.messages)) {
      assert.match(id, /^[a-z][a-zA-Z0-9]*$/, `messageId ${id} is camelCase`);
      const names = [...template.matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((m) => m[1]);
      const data = Object.fromEntries(names.map((n) => [n, 'x']));
      assert.doesNotThrow(() => formatMessage(template, data));
    }
    assert.ok(existsSync(join(REPO_ROOT, 'src', 'rules', meta.layer, `${meta.id}.ts`)), `src/rules/${meta.layer}/${meta.id}.ts`);
    assert.ok(testText.includes(`'${meta.id}'`) || testText.includes(`"${meta.id}"`), `a test names ${meta.id}`);
    // One convention for every layer: the rule's own test file, found by its id.
    assert.ok(existsSync(join(REPO_ROOT, 'test', 'rules', meta.layer, `${meta.id}.test.ts`)), `test/rules/${meta.layer}/${meta.id}.test.ts`);
    assert.ok(existsSync(join(REPO_ROOT, 'docs', 'rules', `${meta.id}.md`)), `docs/rules/${meta.id}.md (npm run docs)`);
  });
}

test('thresholds are declared once, in the meta of the rule that reads them, with a default inside their bounds', () => {
  const specs = ruleOptionSpecs();
  assert.ok(specs.size >= 3);
  assert.deepEqual([...specs.keys()].sort(), Object.keys(DEFAULT_RULE_OPTIONS).sort());
  for (const [k, o] of specs) {
    assert.ok(o.default >= o.minimum && o.default <= o.maximum, `${k}: default ${o.default} outside [${o.minimum}, ${o.maximum}]`);
    const src = readFileSync(join(REPO_ROOT, 'src', 'rules', allRules.find((r) => r.meta.id === o.rule)!.meta.layer, `${o.rule}.ts`), 'utf8');
    assert.ok(src.includes(`options.${k}`), `${o.rule} declares ${k} and reads it`);
  }
});
