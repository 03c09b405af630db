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

test('a truly secure implementation (HMAC provenance, pinned CA, validity, EKU, CRL, fingerprint binding, session bound) yields no code finding', async () => {
  const findings = await checkAnnotatedFixture(join(FIXTURES, 'code', 'secure-implementation'), CODE_RULES);
  if (findings.some((f) => CODE_RULES.includes(f.ruleId))) throw new Error('unexpected code finding');
});
