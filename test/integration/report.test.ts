// The rule catalogue and a report through the real CLI process (`node bin/mtls-audit.js`), on real
// pipes: what test/report/cli.test.ts, which calls the CLI's entry in its own process, cannot show.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { allRules } from '../../src/rules/index.js';
import { catalogueEntries } from '../../src/report/catalogue.js';
import { assertNoStack, makeTree, removeTree, runCli, VULN_VIEW } from '../cli/helpers.js';

test('the spawned CLI: `rules --format json` is the catalogue; a text report on a pipe has no colours and ends with its summary', (t) => {
  const rules = runCli(['rules', '--format', 'json']);
  assert.equal(rules.code, 0, rules.stderr);
  assert.equal(rules.stderr, '');
  assert.deepEqual(JSON.parse(rules.stdout), catalogueEntries(allRules));

  const dir = makeTree({ 'app/views.py': VULN_VIEW });
  t.after(() => removeTree(dir));
  const text = runCli(['scan', dir]);
  assert.equal(text.code, 1, text.stderr);
  assertNoStack(text.stderr);
  assert.doesNotMatch(text.stdout, /\u001b\[/, 'no ANSI colours when stdout is a pipe');
  assert.match(text.stdout, /\d+ findings? \(\d+ critical, \d+ high, \d+ medium, \d+ low\); \d+ suppressed\n$/);
});
