// The reports and the rule catalogue as the CLI prints them, through its entry (`main`, called in
// this process with stdout and stderr captured). The same through a spawned CLI, on real pipes:
// test/integration/report.test.ts.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { allRules } from '../../src/rules/index.js';
import { catalogueEntries, renderRulesCatalogue } from '../../src/report/catalogue.js';
import { writeTree } from '../helpers/rule-tester.js';
import { runCliInProcess } from '../helpers/in-process-cli.js';
import { assertNoStack } from '../cli/helpers.js';
import { reportSchemaValidator, validateSarif } from './helpers.js';

async function cli(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const r = await runCliInProcess(args);
  assertNoStack(r.stderr);
  return { status: r.code, stdout: r.stdout, stderr: r.stderr };
}

test('cli: `mtls-audit rules --format json` lists every registered rule with its meta', async () => {
  const r = await cli(['rules', '--format', 'json']);
  assert.equal(r.status, 0, r.stderr);
  const data = JSON.parse(r.stdout);
  assert.deepEqual(data, catalogueEntries(allRules));
  assert.deepEqual(
    data.map((e: { id: string }) => e.id),
    allRules.map((x) => x.meta.id),
  );
});

test('cli: `mtls-audit rules` (text) and `--format markdown` print the catalogue; a bad format exits 2', async () => {
  const text = await cli(['rules']);
  assert.equal(text.status, 0, text.stderr);
  assert.equal(text.stdout, renderRulesCatalogue(allRules, 'text'));
  const md = await cli(['rules', '--format', 'markdown']);
  assert.equal(md.status, 0, md.stderr);
  assert.equal(md.stdout, renderRulesCatalogue(allRules, 'markdown'));
  const bad = await cli(['rules', '--format', 'yaml']);
  assert.equal(bad.status, 2);
  assert.equal(bad.stderr.trim().split('\n').length, 1, bad.stderr);
});

test('cli: `scan --format sarif --output` and `--format json` of a tree: valid SARIF, schema-valid JSON, no colour in files', async () => {
  const root = writeTree({
    'app/views.py': `
      from django.http import JsonResponse

      def whoami(request):
          cert = request.META.get('HTTP_X_SSL_CLIENT_CERT')
          if not cert:
              return JsonResponse({'error': 'no cert'}, status=401)
          return JsonResponse({'authenticated': True})
    `,
  });
  try {
    const sarifFile = join(root, 'out.sarif');
    const s = await cli(['scan', root, '--format', 'sarif', '--output', sarifFile]);
    assert.ok(s.status === 0 || s.status === 1, s.stderr);
    assert.equal(s.stdout, '');
    const sarif = readFileSync(sarifFile, 'utf8');
    const v = validateSarif(sarif);
    assert.deepEqual(v.errors, [], v.console);
    const j = await cli(['scan', root, '--format', 'json']);
    assert.equal(JSON.parse(sarif).runs[0].results.length, JSON.parse(j.stdout).findings.length);

    const check = reportSchemaValidator()(JSON.parse(j.stdout));
    assert.ok(check.ok, check.errors);

    const t = await cli(['scan', root]);
    assert.doesNotMatch(t.stdout, /\u001b\[/, 'no ANSI colours when stdout is not a TTY (captured output is not one)');
    assert.match(t.stdout, /\d+ findings? \(\d+ critical, \d+ high, \d+ medium, \d+ low\); \d+ suppressed/);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
