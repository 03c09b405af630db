// The seed's two examples (../shared/seed), verbatim and in the header-reading form its prose
// describes: exact findings per RULES.md, checked against the `# ruleid:` annotations.
import { test } from 'node:test';
import { join } from 'node:path';
import { FIXTURES, checkAnnotatedFixture } from '../../helpers/rule-tester.js';
import { codeRules } from '../../../src/rules/code/index.js';

const CODE_RULES = codeRules.map((r) => r.meta.id);

for (const dir of ['vulnerable', 'vulnerable-header', 'secure', 'secure-header']) {
  test(`seed example: ${dir}`, async () => {
    await checkAnnotatedFixture(join(FIXTURES, 'code', 'seed', dir), CODE_RULES);
  });
}
