// `npm run docs`: writes docs/rules/<id>.md for every registered rule and docs/rules/README.md (the
// index), all generated from the rule metas by the pure functions in src/report/catalogue.ts, and
// removes docs of rules that are no longer registered. test/report/docs.test.ts fails when the
// files in the repository differ from what this would write.

import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { allRules } from '../src/rules/index.js';
import { renderRuleDocs } from '../src/report/catalogue.js';

export { renderRuleDoc, renderRuleIndex, renderRuleDocs } from '../src/report/catalogue.js';

/** dist/scripts/gen-docs.js → the repository root. */
export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const RULE_DOCS_DIR = join(REPO_ROOT, 'docs', 'rules');

export function generateDocs(dir = RULE_DOCS_DIR): { written: string[]; removed: string[]; unchanged: string[] } {
  mkdirSync(dir, { recursive: true });
  const want = renderRuleDocs(allRules);
  const written: string[] = [];
  const unchanged: string[] = [];
  const removed: string[] = [];
  for (const [name, text] of want) {
    const path = join(dir, name);
    let old: string | null = null;
    try {
      old = readFileSync(path, 'utf8');
    } catch {
      old = null;
    }
    if (old === text) unchanged.push(name);
    else {
      writeFileSync(path, text);
      written.push(name);
    }
  }
  for (const name of readdirSync(dir)) {
    if (name.endsWith('.md') && !want.has(name)) {
      rmSync(join(dir, name));
      removed.push(name);
    }
  }
  return { written, removed, unchanged };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const r = generateDocs();
  process.stderr.write(`docs/rules: ${r.written.length} written, ${r.unchanged.length} unchanged, ${r.removed.length} removed\n`);
}
