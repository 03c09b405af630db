// RuleTester (ESLint style) and annotated-fixture checks (Semgrep style) for mtls-audit rules.
//
//   ruleTester.run('cert-presence-only', {
//     valid: [{ name: 'rejects then decides', files: { 'app/views.py': `...` } }],
//     invalid: [{ name: 'seed view', files: { 'app/views.py': `...` },
//                 errors: [{ ruleId: 'cert-presence-only', file: 'app/views.py', line: 7 }] }],
//   });
//
// Each case is written to a fresh temporary directory and scanned with the real engine (real
// tree-sitter parsing, real config parsers). `invalid` cases must produce exactly the listed
// findings of the rule(s) under test (no more, no fewer); `valid` cases must produce none.
// Other rules may be included in the comparison with `rules: [...]`.
//
// Annotated fixtures: in a fixture directory, a comment `# ruleid: <id>[, <id>…]` says the next
// non-comment line must carry that finding; `# ok: <id>` documents a line that must not.
// `checkAnnotatedFixture(dir, ruleIds)` scans the directory and compares findings to annotations.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync, rmSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runScan } from '../../src/scan/engine.js';
import type { Finding, Report } from '../../src/core/types.js';
import type { ProjectModel } from '../../src/model/project.js';

export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const FIXTURES = join(REPO_ROOT, 'test', 'fixtures');

export interface ExpectedFinding {
  ruleId: string;
  line: number;
  file?: string;
  messageId?: string;
  /** Text the rendered message must contain (the key, header or evidence it names). */
  messageIncludes?: string;
}

export interface ValidCase {
  name: string;
  files: Record<string, string>;
  /** Rules to run (default: the rule under test). */
  rules?: string[];
  /** The case is about unusable input itself (a syntax error, a bad config): `errors` may be non-empty. */
  allowInputErrors?: boolean;
}

export interface InvalidCase extends ValidCase {
  errors: ExpectedFinding[];
}

export function writeTree(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'mtls-audit-test-'));
  for (const [rel, content] of Object.entries(files)) {
    const abs = join(dir, rel);
    mkdirSync(dirname(abs), { recursive: true });
    writeFileSync(abs, dedent(content));
  }
  return dir;
}

/** Removes the common leading indentation of a template literal, and a leading newline. */
export function dedent(s: string): string {
  const text = s.replace(/^\n/, '');
  const lines = text.split('\n');
  const indents = lines.filter((l) => l.trim()).map((l) => /^[ \t]*/.exec(l)![0].length);
  const min = indents.length ? Math.min(...indents) : 0;
  return lines.map((l) => l.slice(min)).join('\n');
}

export async function scanFiles(files: Record<string, string>, rules?: string[]): Promise<Report> {
  const dir = writeTree(files);
  try {
    return await runScan({ path: dir, rules });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A case whose files did not parse would pass vacuously: every input must have been read. */
function assertNoInputErrors(report: Report, what: string): void {
  assert.deepEqual(
    report.errors.map((e) => `${e.file}: ${e.message}`),
    [],
    `${what}: the scan could not use some of its inputs, so the case proves nothing`,
  );
}

function fmt(f: { ruleId: string; file?: string; line?: number; messageId?: string }): string {
  return `${f.ruleId} ${f.file ?? ''}:${f.line ?? ''}`;
}

export const ruleTester = {
  run(ruleId: string, cases: { valid: ValidCase[]; invalid: InvalidCase[] }): void {
    const names = new Set<string>();
    for (const c of [...cases.valid, ...cases.invalid]) {
      if (names.has(c.name)) throw new Error(`${ruleId}: duplicate test case name "${c.name}"`);
      names.add(c.name);
    }
    for (const c of cases.valid) {
      test(`${ruleId} valid: ${c.name}`, async () => {
        const rules = c.rules ?? [ruleId];
        const report = await scanFiles(c.files, rules);
        if (!c.allowInputErrors) assertNoInputErrors(report, c.name);
        const got = report.findings.filter((f) => rules.includes(f.ruleId));
        assert.deepEqual(
          got.map((f) => fmt({ ...f, ...f.location })),
          [],
          `expected no findings, got:\n${got.map((f) => `${fmt({ ...f, ...f.location })} ${f.message}`).join('\n')}`,
        );
      });
    }
    for (const c of cases.invalid) {
      test(`${ruleId} invalid: ${c.name}`, async () => {
        const rules = c.rules ?? [...new Set([ruleId, ...c.errors.map((e) => e.ruleId)])];
        const report = await scanFiles(c.files, rules);
        if (!c.allowInputErrors) assertNoInputErrors(report, c.name);
        const defaultFile = Object.keys(c.files)[0];
        const want = c.errors.map((e) => fmt({ ruleId: e.ruleId, file: e.file ?? defaultFile, line: e.line })).sort();
        const got = report.findings
          .filter((f) => rules.includes(f.ruleId))
          .map((f) => fmt({ ruleId: f.ruleId, file: f.location.file, line: f.location.line }))
          .sort();
        assert.deepEqual(got, want, `findings differ; messages:\n${report.findings.map((f) => `${fmt({ ...f, ...f.location })} ${f.message}`).join('\n')}`);
        for (const e of c.errors) {
          if (!e.messageId && e.messageIncludes === undefined) continue;
          const f = report.findings.find((x) => x.ruleId === e.ruleId && x.location.line === e.line);
          if (e.messageId) assert.equal(f?.messageId, e.messageId, `messageId of ${e.ruleId} at line ${e.line}`);
          if (e.messageIncludes !== undefined) assert.ok(f?.message.includes(e.messageIncludes), `message of ${e.ruleId} at line ${e.line} should contain ${JSON.stringify(e.messageIncludes)}: ${f?.message}`);
        }
      });
    }
  },
};

const ANNOT_RE = /#\s*ruleid:\s*([a-z0-9, -]+)/;

/** Expected findings from `# ruleid:` annotations in every file under `dir`. */
export function annotations(dir: string): ExpectedFinding[] {
  const out: ExpectedFinding[] = [];
  const visit = (d: string) => {
    for (const name of readdirSync(d)) {
      const abs = join(d, name);
      if (statSync(abs).isDirectory()) {
        visit(abs);
        continue;
      }
      const rel = relative(dir, abs).split(sep).join('/');
      const lines = readFileSync(abs, 'utf8').split('\n');
      lines.forEach((l, i) => {
        const m = ANNOT_RE.exec(l);
        if (!m) return;
        let j = i + 1;
        while (j < lines.length && (/^\s*#/.test(lines[j]) || !lines[j].trim())) j++;
        for (const id of m[1]
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean))
          out.push({ ruleId: id, file: rel, line: j + 1 });
      });
    }
  };
  visit(dir);
  return out;
}

/** Scans a fixture directory and asserts findings of `ruleIds` equal its annotations. */
export async function checkAnnotatedFixture(dir: string, ruleIds: string[], opts: { includeTests?: boolean; allowInputErrors?: boolean; onModel?: (m: ProjectModel) => void } = {}): Promise<Finding[]> {
  const report = await runScan({ path: dir, rules: ruleIds, includeTests: opts.includeTests, ...(opts.onModel ? { onModel: opts.onModel } : {}) });
  if (!opts.allowInputErrors) assertNoInputErrors(report, relative(REPO_ROOT, dir));
  const want = annotations(dir)
    .filter((a) => ruleIds.includes(a.ruleId))
    .map((a) => fmt(a))
    .sort();
  const got = report.findings
    .filter((f) => ruleIds.includes(f.ruleId))
    .map((f) => fmt({ ruleId: f.ruleId, file: f.location.file, line: f.location.line }))
    .sort();
  assert.deepEqual(got, want, `fixture ${relative(REPO_ROOT, dir)}: findings differ from annotations;\n${report.findings.map((f) => `${fmt({ ...f, ...f.location })} ${f.message}`).join('\n')}`);
  return report.findings;
}
