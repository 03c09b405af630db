// Shapes real Django certificate code takes (../shared/regressions, in our own words): each
// directory under test/fixtures/code/shapes/ is a small project whose `# ruleid:` annotations are
// exactly the code findings RULES.md requires — a line without an annotation must stay clean.
import { test } from 'node:test';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURES, checkAnnotatedFixture } from '../../helpers/rule-tester.js';
import { codeRules } from '../../../src/rules/code/index.js';

const CODE_RULES = codeRules.map((r) => r.meta.id);
const SHAPES = join(FIXTURES, 'code', 'shapes');

for (const dir of readdirSync(SHAPES, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort()) {
  test(`code shape: ${dir}`, async () => {
    await checkAnnotatedFixture(join(SHAPES, dir), CODE_RULES);
  });
}
