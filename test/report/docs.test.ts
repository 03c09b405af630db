import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { allRules } from '../../src/rules/index.js';
import { SEVERITIES } from '../../src/core/types.js';
import type { RuleMeta } from '../../src/core/rule.js';
import { renderRuleDoc, renderRuleDocs, renderRuleIndex, renderRulesCatalogue, rulesById, LAYERS } from '../../src/report/catalogue.js';
import { generateDocs } from '../../scripts/gen-docs.js';
import { REPO_ROOT } from '../helpers/rule-tester.js';

const DOCS = join(REPO_ROOT, 'docs', 'rules');

test('docs: every registered rule has docs/rules/<id>.md and every file there is up to date (run `npm run docs`)', () => {
  const want = renderRuleDocs(allRules);
  const have = readdirSync(DOCS)
    .filter((n) => n.endsWith('.md'))
    .sort();
  assert.deepEqual(have, [...want.keys()].sort(), 'docs/rules differs from the registry: run `npm run docs` and commit docs/rules');
  for (const [name, text] of want) {
    assert.equal(readFileSync(join(DOCS, name), 'utf8'), text, `docs/rules/${name} is stale: run \`npm run docs\``);
  }
});

test('docs: rule metas are complete enough to document', () => {
  for (const { meta } of allRules) {
    assert.match(meta.id, /^[a-z0-9]+(-[a-z0-9]+)*$/, `${meta.id}: kebab-case id`);
    assert.ok(LAYERS.includes(meta.layer), `${meta.id}: layer`);
    assert.ok(SEVERITIES.includes(meta.severity), `${meta.id}: severity`);
    assert.ok(meta.cwe.length >= 1, `${meta.id}: at least one CWE`);
    for (const c of meta.cwe) assert.match(c, /^CWE-[0-9]+$/, `${meta.id}: CWE id ${c}`);
    assert.ok(meta.name.trim(), `${meta.id}: name`);
    assert.ok(meta.docs.summary.trim(), `${meta.id}: docs.summary`);
    assert.ok(meta.docs.whyBad.trim(), `${meta.id}: docs.whyBad`);
    assert.ok(meta.fix.trim(), `${meta.id}: fix`);
  }
  // one id, one layer each (an id shared across layers is the same weakness checked two ways)
  for (const [id, metas] of rulesById(allRules)) {
    assert.equal(new Set(metas.map((m) => m.layer)).size, metas.length, `${id} registered twice in one layer`);
  }
});

const META: RuleMeta<'presence'> = {
  id: 'cert-presence-only',
  layer: 'code',
  name: 'Access granted on certificate presence',
  cwe: ['CWE-287', 'CWE-306'],
  severity: 'critical',
  docs: {
    summary: 'Access is granted because a client-certificate value is present | non-empty.',
    whyBad: 'Any certificate passes.',
    notReported: 'A presence check that only rejects.',
    example: { lang: 'python', bad: "if request.META.get('SSL_CLIENT_CERT'):\n    return ok\n", good: 'user = bind(fingerprint(cert))' },
    references: ['http://cwe.mitre.org/data/definitions/287.html', 'https://docs.djangoproject.com/en/stable/howto/auth-remote-user/', 'RFC 5280 section 4.2.1.12'],
  },
  fix: 'Bind the SHA-256 fingerprint to a user.',
  messages: { presence: 'Access is granted because `{{name}}` is present.' },
};

test('docs: a rule page has every section, generated from the meta', () => {
  const doc = renderRuleDoc(META);
  assert.match(doc, /^<!-- Generated from the rule metadata by `npm run docs`/);
  assert.match(doc, /\n# cert-presence-only: Access granted on certificate presence\n/);
  assert.match(doc, /\| Rule id \| `cert-presence-only` \|\n\| Layer \| code \|\n\| Severity \| critical \|\n/);
  assert.match(doc, /\| CWE \| \[CWE-287\]\(https:\/\/cwe\.mitre\.org\/data\/definitions\/287\.html\), \[CWE-306\]\(https:\/\/cwe\.mitre\.org\/data\/definitions\/306\.html\) \|/);
  assert.match(doc, /## Why it is exploitable\n\nAny certificate passes\.\n/);
  assert.match(doc, /## What is not reported\n\nA presence check that only rejects\.\n/);
  assert.match(doc, /## Example\n\nFlagged:\n\n```python\nif request\.META\.get\('SSL_CLIENT_CERT'\):\n {4}return ok\n```\n\nFixed:\n\n```python\nuser = bind\(fingerprint\(cert\)\)\n```\n/);
  assert.match(doc, /## How to fix\n\nBind the SHA-256 fingerprint to a user\.\n/);
  assert.match(doc, /## Messages\n\n- Access is granted because `\{\{name\}\}` is present\.\n/);
  assert.match(
    doc,
    /## References\n\n- \[CWE-287: Improper Authentication\]\(https:\/\/cwe\.mitre\.org\/data\/definitions\/287\.html\)\n- \[CWE-306: Missing Authentication for Critical Function\]\(https:\/\/cwe\.mitre\.org\/data\/definitions\/306\.html\)\n- <https:\/\/docs\.djangoproject\.com\/en\/stable\/howto\/auth-remote-user\/>\n- RFC 5280 section 4.2.1.12\n$/,
  );
  // an example containing a code fence does not break out of its own fence
  const fenced = renderRuleDoc({ ...META, docs: { ...META.docs, example: { lang: 'text', bad: 'a\n```\nb' } } });
  assert.match(fenced, /````\na\n```\nb\n````/);
});

test('docs: one id checked in two layers gets one page with both forms', () => {
  const settings: RuleMeta = { ...META, id: 'login-not-throttled', layer: 'settings', name: 'Login not throttled', cwe: ['CWE-307'], severity: 'high' };
  const probe: RuleMeta = { ...settings, layer: 'probe', name: 'Burst of failed logins accepted', docs: { summary: 'The probe sends a bounded burst.', whyBad: 'Guessing is unbounded.' }, fix: 'Add django-axes.' };
  const files = renderRuleDocs([settings, probe]);
  assert.deepEqual([...files.keys()], ['login-not-throttled.md', 'README.md']);
  const doc = files.get('login-not-throttled.md')!;
  assert.match(doc, /\| Layer \| settings, probe \|/);
  assert.match(doc, /## Probe form: Burst of failed logins accepted\n\nThe probe sends a bounded burst\.\n\n### Why it is exploitable\n\nGuessing is unbounded\.\n/);
  const index = files.get('README.md')!;
  assert.match(index, /## Settings and authentication-surface rules\n\n\| Rule \| Severity \| CWE \| Reports \|\n\|---\|---\|---\|---\|\n\| \[`login-not-throttled`\]\(\.\/login-not-throttled\.md\) \| high \| CWE-307 \|/);
  assert.match(index, /## Probe rules \(live target\)\n/);
  // pipes in a summary are escaped inside the table
  assert.match(renderRuleIndex([META]), /present \\\| non-empty\. \|/);
});

test('docs: gen-docs writes the files, leaves up-to-date ones alone and removes docs of unregistered rules', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mtls-audit-docs-'));
  try {
    writeFileSync(join(dir, 'retired-rule.md'), 'old');
    writeFileSync(join(dir, 'notes.txt'), 'kept: not a generated doc');
    const first = generateDocs(dir);
    assert.deepEqual(first.removed, ['retired-rule.md']);
    assert.deepEqual(first.written.sort(), [...renderRuleDocs(allRules).keys()].sort());
    const second = generateDocs(dir);
    assert.deepEqual(second.written, []);
    assert.equal(second.unchanged.length, first.written.length);
    assert.deepEqual(readdirSync(dir).sort(), [...renderRuleDocs(allRules).keys(), 'notes.txt'].sort());
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('catalogue: text grouped by layer, json with every field, markdown linking the docs', () => {
  const probe: RuleMeta = { ...META, id: 'accepts-no-cert', layer: 'probe', severity: 'critical', cwe: ['CWE-306'], docs: { summary: 'No certificate accepted.', whyBad: 'x' } };
  const deploy: RuleMeta = { ...META, id: 'backend-exposed', layer: 'deploy', severity: 'high', cwe: ['CWE-290'], docs: { summary: 'App server reachable.', whyBad: 'y' } };
  const text = renderRulesCatalogue([probe, META, deploy], 'text');
  assert.equal(
    text,
    [
      'Code rules (Django Python source) (1)',
      '  cert-presence-only  critical  CWE-287, CWE-306  Access is granted because a client-certificate value is present | non-empty.',
      '',
      'Deployment rules (reverse proxy, app server, containers, ingress) (1)',
      '  backend-exposed     high      CWE-290           App server reachable.',
      '',
      'Probe rules (live target) (1)',
      '  accepts-no-cert     critical  CWE-306           No certificate accepted.',
      '',
      `3 rules. Details: mtls-audit rules --format markdown, or https://github.com/mtls-audit/mtls-audit/blob/main/docs/rules/README.md`,
      '',
    ].join('\n'),
  );
  const json = JSON.parse(renderRulesCatalogue([META], 'json'));
  assert.deepEqual(json, [
    {
      id: 'cert-presence-only',
      layer: 'code',
      name: 'Access granted on certificate presence',
      severity: 'critical',
      cwe: ['CWE-287', 'CWE-306'],
      summary: META.docs.summary,
      whyBad: 'Any certificate passes.',
      fix: 'Bind the SHA-256 fingerprint to a user.',
      helpUri: 'https://github.com/mtls-audit/mtls-audit/blob/main/docs/rules/cert-presence-only.md',
      notReported: 'A presence check that only rejects.',
    },
  ]);
  assert.match(renderRulesCatalogue([META], 'markdown'), /\(https:\/\/github\.com\/mtls-audit\/mtls-audit\/blob\/main\/docs\/rules\/cert-presence-only\.md\)/);
  assert.equal(renderRulesCatalogue([], 'text'), 'No rules are registered.\n');
});
