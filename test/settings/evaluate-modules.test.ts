// The settings evaluator's layout (src/settings/evaluate.ts re-exporting src/settings/evaluate/*):
// every module stays at most 500 lines, and the modules import one another one way only.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { REPO_ROOT } from '../helpers/rule-tester.js';

const SETTINGS = join(REPO_ROOT, 'src', 'settings');
const DIR = join(SETTINGS, 'evaluate');
const MAX_LINES = 500;

/** The façade and the modules it re-exports, as absolute paths. */
function modules(): string[] {
  return [
    join(SETTINGS, 'evaluate.ts'),
    ...readdirSync(DIR)
      .filter((f) => f.endsWith('.ts'))
      .sort()
      .map((f) => join(DIR, f)),
  ];
}

function lineCount(path: string): number {
  const text = readFileSync(path, 'utf8');
  return text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
}

/** Relative imports and re-exports of a module (type-only ones too), resolved to .ts paths. */
function relativeImports(path: string): string[] {
  const text = readFileSync(path, 'utf8');
  const out: string[] = [];
  for (const m of text.matchAll(/^\s*(?:import|export)\b[^;]*?\bfrom\s+'(\.{1,2}\/[^']+)'/gm)) out.push(resolve(dirname(path), m[1].replace(/\.js$/, '.ts')));
  return out;
}

test('the evaluator is split into several modules under src/settings/evaluate/', () => {
  const mods = modules();
  assert.ok(mods.length >= 5, `expected the evaluator split into modules, found ${mods.map((m) => relative(REPO_ROOT, m)).join(', ')}`);
});

test(`each evaluator module is at most ${MAX_LINES} lines`, () => {
  for (const m of modules()) {
    const n = lineCount(m);
    assert.ok(n <= MAX_LINES, `${relative(REPO_ROOT, m)} has ${n} lines (at most ${MAX_LINES})`);
  }
});

test('the evaluator modules have no import cycle among themselves', () => {
  const mods = new Set(modules());
  const graph = new Map<string, string[]>();
  for (const m of mods)
    graph.set(
      m,
      relativeImports(m).filter((t) => mods.has(t)),
    );
  // The façade imports every module it re-exports; the modules never import the façade.
  for (const [m, ts] of graph) assert.ok(!ts.includes(join(SETTINGS, 'evaluate.ts')), `${relative(REPO_ROOT, m)} imports the façade src/settings/evaluate.ts`);
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (m: string, path: string[]): void => {
    if (state.get(m) === 'done') return;
    if (state.get(m) === 'visiting') assert.fail(`import cycle: ${[...path.slice(path.indexOf(m)), m].map((p) => relative(SETTINGS, p)).join(' → ')}`);
    state.set(m, 'visiting');
    for (const t of graph.get(m)!) visit(t, [...path, m]);
    state.set(m, 'done');
  };
  for (const m of mods) visit(m, []);
});

test('the cycle check sees the imports between the modules', () => {
  // Guards the check above against a regex that silently finds nothing.
  const edges = modules().reduce((n, m) => n + relativeImports(m).filter((t) => t.startsWith(DIR)).length, 0);
  assert.ok(edges >= modules().length - 1, `only ${edges} imports between the evaluator modules found`);
});
