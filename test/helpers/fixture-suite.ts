// One rule against its annotated fixture projects (test/fixtures/<layer>/<rule-id>/<case>/):
// `bad-*` cases carry `# ruleid:` annotations that must match the findings exactly; `ok-*` cases
// must produce no finding of the rule. Each case is a small project (Django code + configs).
// Called from the rule's own test file, test/rules/<layer>/<rule-id>.test.ts.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURES, annotations, checkAnnotatedFixture } from './rule-tester.js';

export function fixtureSuite(layer: string, id: string): void {
  const dir = join(FIXTURES, layer, id);
  test(`${id}: has bad and ok fixtures`, () => {
    assert.ok(existsSync(dir), `no fixture directory ${dir}`);
    const cases = readdirSync(dir).filter((c) => statSync(join(dir, c)).isDirectory());
    assert.ok(
      cases.some((c) => c.startsWith('bad-')),
      'no bad-* fixture',
    );
    assert.ok(
      cases.some((c) => c.startsWith('ok-')),
      'no ok-* fixture',
    );
  });
  for (const c of existsSync(dir) ? readdirSync(dir).sort() : []) {
    const caseDir = join(dir, c);
    if (!statSync(caseDir).isDirectory()) continue;
    test(`${id}: ${c}`, async () => {
      const want = annotations(caseDir).filter((a) => a.ruleId === id);
      if (c.startsWith('bad-')) assert.ok(want.length > 0, `${c} has no # ruleid: ${id} annotation`);
      if (c.startsWith('ok-')) assert.equal(want.length, 0, `${c} must not expect findings`);
      const findings = await checkAnnotatedFixture(caseDir, [id]);
      for (const f of findings.filter((x) => x.ruleId === id)) {
        assert.ok(f.message.length > 40 && !/\{\{/.test(f.message), `message: ${f.message}`);
        assert.ok((f.related ?? []).length > 0, `${id} finding without related locations: ${f.message}`);
      }
    });
  }
}
