// Shapes real Django certificate code takes (../shared/regressions, in our own words): each
// directory under test/fixtures/code/shapes/ is a small project whose `# ruleid:` annotations are
// exactly the code findings RULES.md requires — a line without an annotation must stay clean.
//
// Ruff's fixture + snapshot habit: what the analysis sees of each shape (its flows and their
// events, `describeFlows`) is kept in test/snapshots/flows/<shape>.txt, so a change in what the
// interpreter understands shows up in review even when no finding changes. After an intended
// change, `UPDATE_SNAPSHOTS=1 node --test dist/test/rules/code/shapes.test.js` rewrites them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURES, REPO_ROOT, checkAnnotatedFixture } from '../../helpers/rule-tester.js';
import { codeRules } from '../../../src/rules/code/index.js';
import { describeFlows } from '../../../src/python/flow.js';
import type { ProjectModel } from '../../../src/model/project.js';

const CODE_RULES = codeRules.map((r) => r.meta.id);
const SHAPES = join(FIXTURES, 'code', 'shapes');
const SNAPSHOTS = join(REPO_ROOT, 'test', 'snapshots', 'flows');

for (const dir of readdirSync(SHAPES, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name)
  .sort()) {
  test(`code shape: ${dir}`, async () => {
    let model: ProjectModel | null = null;
    await checkAnnotatedFixture(join(SHAPES, dir), CODE_RULES, { onModel: (m) => (model = m) });
    const got = describeFlows((model as ProjectModel | null)!.code) + '\n';
    const file = join(SNAPSHOTS, `${dir}.txt`);
    if (process.env.UPDATE_SNAPSHOTS || !existsSync(file)) {
      if (!process.env.UPDATE_SNAPSHOTS && process.env.CI) assert.fail(`no flow snapshot for ${dir}: run UPDATE_SNAPSHOTS=1 and commit ${file}`);
      mkdirSync(SNAPSHOTS, { recursive: true });
      writeFileSync(file, got);
      return;
    }
    assert.equal(got, readFileSync(file, 'utf8'), `the flows of ${dir} changed: review, then UPDATE_SNAPSHOTS=1 to accept`);
  });
}
