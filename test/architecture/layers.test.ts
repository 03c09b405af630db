// The layers only look down (docs/architecture.md): core ← python/deploy/settings/urls/pki (the
// models of each input) ← model (the joined project model) ← rules ← scan ← report/fix/probe ←
// config ← cli. Read from the sources' import statements: no import circle and no import that
// climbs a layer. Type-only imports are held to the same rule, except the few listed below
// (what is left of the code model taking the whole ProjectModel; each new one fails here).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'src');
const ORDER = ['core', 'python', 'deploy', 'settings', 'urls', 'pki', 'model', 'rules', 'scan', 'report', 'fix', 'probe', 'config', 'cli'];
/** Peers: inputs' models may use each other (the code model reads settings and deployment facts). */
const PEERS = new Set(['python', 'deploy', 'settings', 'urls', 'pki']);

/** Known type-only imports that climb: the code model's builders take the ProjectModel they fill in. */
const KNOWN_TYPE_ONLY_UP = new Set([
  'core/rule.ts -> model/project.ts',
  'python/flow/analyzer.ts -> model/project.ts',
  'python/flow/entry-points.ts -> model/project.ts',
  'python/flow/interp.ts -> model/project.ts',
  'python/flow/keys.ts -> model/project.ts',
  'python/flow/roots.ts -> model/project.ts',
  'urls/login-throttle.ts -> model/project.ts',
  'urls/protections.ts -> model/project.ts',
  'urls/surface.ts -> model/project.ts',
  'urls/view-gates.ts -> model/project.ts',
]);

interface Edge {
  from: string;
  to: string;
  typeOnly: boolean;
}

function sources(): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (p.endsWith('.ts')) out.push(p);
    }
  };
  walk(SRC);
  return out;
}

function edges(files: string[]): Edge[] {
  const known = new Set(files);
  const out: Edge[] = [];
  for (const f of files) {
    const text = readFileSync(f, 'utf8');
    const re = /^(?:import|export)\s+(type\s+)?(?:[^'";]*?\s+from\s+)?'(\.[^']+)'|import\('(\.[^']+)'\)/gm;
    for (const m of text.matchAll(re)) {
      const spec = m[2] ?? m[3];
      const to = resolve(dirname(f), spec.replace(/\.js$/, '.ts'));
      if (!known.has(to)) continue;
      // `import { type A, type B }` with nothing else is type-only too.
      const clause = m[0];
      const typeOnly =
        !!m[1] ||
        (/\{([^}]*)\}/.test(clause) &&
          /\{([^}]*)\}/
            .exec(clause)![1]
            .split(',')
            .every((x) => !x.trim() || /^type\s/.test(x.trim())) &&
          !/^(import|export)\s+\w+\s*,/.test(clause));
      out.push({ from: rel(f), to: rel(to), typeOnly });
    }
  }
  return out;
}

const rel = (p: string) => relative(SRC, p).split('\\').join('/');
const layerOf = (p: string) => (p.includes('/') ? p.split('/')[0] : 'core');

function cycles(es: Edge[]): string[][] {
  const g = new Map<string, string[]>();
  for (const e of es) g.set(e.from, [...(g.get(e.from) ?? []), e.to]);
  let index = 0;
  const stack: string[] = [];
  const on = new Set<string>();
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const out: string[][] = [];
  const visit = (v: string) => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    on.add(v);
    for (const w of g.get(v) ?? []) {
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const c: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        on.delete(w);
        c.push(w);
      } while (w !== v);
      if (c.length > 1) out.push(c.sort());
    }
  };
  for (const v of g.keys()) if (!idx.has(v)) visit(v);
  return out;
}

const climbs = (e: Edge) => {
  const a = ORDER.indexOf(layerOf(e.from));
  const b = ORDER.indexOf(layerOf(e.to));
  if (a < 0 || b < 0) return false;
  return b > a && !(PEERS.has(layerOf(e.from)) && PEERS.has(layerOf(e.to)));
};

const present = existsSync(SRC);

test('every source file belongs to a known layer', { skip: !present && 'sources not present' }, () => {
  const unknown = sources()
    .map(rel)
    .filter((p) => p.includes('/') && !ORDER.includes(layerOf(p)));
  assert.deepEqual(unknown, []);
});

test('no import circle among the sources (value imports)', { skip: !present && 'sources not present' }, () => {
  const es = edges(sources()).filter((e) => !e.typeOnly);
  assert.deepEqual(cycles(es), []);
});

test('no value import climbs a layer', { skip: !present && 'sources not present' }, () => {
  const up = edges(sources())
    .filter((e) => !e.typeOnly && climbs(e))
    .map((e) => `${e.from} -> ${e.to}`);
  assert.deepEqual(up, []);
});

test('type-only imports climb only where listed (and every listed one still exists)', { skip: !present && 'sources not present' }, () => {
  const up = new Set(
    edges(sources())
      .filter((e) => e.typeOnly && climbs(e))
      .map((e) => `${e.from} -> ${e.to}`),
  );
  assert.deepEqual(
    [...up].filter((e) => !KNOWN_TYPE_ONLY_UP.has(e)),
    [],
    'a new type import climbs a layer',
  );
  assert.deepEqual(
    [...KNOWN_TYPE_ONLY_UP].filter((e) => !up.has(e)),
    [],
    'a listed climb is gone: remove it from the list',
  );
});

test('the cycle finder sees a circle when there is one', () => {
  assert.deepEqual(
    cycles([
      { from: 'a.ts', to: 'b.ts', typeOnly: false },
      { from: 'b.ts', to: 'a.ts', typeOnly: false },
    ]),
    [['a.ts', 'b.ts']],
  );
});
