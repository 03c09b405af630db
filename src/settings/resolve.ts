// Settings resolution without executing code: find the settings module(s) (src/settings/locate.ts),
// evaluate each with its `from .base import *` chain and later overrides (src/settings/evaluate.ts),
// and expose the result as SettingsProfiles. The first profile is the primary one.

import type { PythonProject } from '../python/project.js';
import type { PyModule } from '../python/module.js';
import type { DeploymentModel } from '../deploy/model.js';
import type { DiscoveredFile } from '../core/read.js';
import type { InputError } from '../core/types.js';
import { emptySettings, type ResolvedSetting, type SettingsModel, type SettingsProfile, type SettingsSource } from './model.js';
import { SettingsEvaluator, type Binding, type EvalResult } from './evaluate.js';
import { chooseNamed, findNamedSettings, isDevModuleName, isProdModuleName, isSettingsPath, isTestModuleName, looksLikeSettings } from './locate.js';

export function buildSettings(python: PythonProject, analysed: PyModule[], _deploy: DeploymentModel, files?: DiscoveredFile[], errors?: InputError[]): SettingsModel {
  const pyPaths = files ? files.filter((f) => f.kind === 'python').map((f) => f.path) : python.loaded.map((m) => m.path);
  const evaluator = new SettingsEvaluator(python, pyPaths);
  try {
    return resolveWith(evaluator, python, analysed, files);
  } finally {
    errors?.push(...evaluator.budgetHits);
  }
}

function resolveWith(evaluator: SettingsEvaluator, python: PythonProject, analysed: PyModule[], files?: DiscoveredFile[]): SettingsModel {
  const chosen = chooseNamed(findNamedSettings(python, analysed, files ?? []));
  const entries: { mod: PyModule; sources: SettingsSource[] }[] = [];
  for (const c of chosen) {
    const have = entries.find((e) => e.mod.path === c.mod.path);
    if (have) have.sources.push(c.source);
    else entries.push({ mod: c.mod, sources: [c.source] });
  }
  if (!entries.length) {
    for (const mod of heuristicSettings(analysed, evaluator)) {
      entries.push({ mod, sources: [{ module: mod.name, file: mod.path, line: 1, kind: 'heuristic' }] });
    }
  }
  if (!entries.length) return emptySettings();

  const profiles = entries.map((e) => makeProfile(e.mod, e.sources, evaluator.evaluateModule(e.mod)));
  const allFiles: string[] = [];
  for (const p of profiles) for (const f of p.files) if (!allFiles.includes(f)) allFiles.push(f);
  const primary = profiles[0];
  return {
    files: allFiles,
    get: (name) => primary.get(name),
    names: () => primary.names(),
    profiles,
  };
}

/** settings.py / settings/*.py modules that assign Django settings and that no other such module star-imports. */
function heuristicSettings(analysed: PyModule[], evaluator: SettingsEvaluator): PyModule[] {
  const cands = analysed.filter((m) => isSettingsPath(m.path) && looksLikeSettings(m));
  if (!cands.length) return [];
  const results = new Map<string, EvalResult>();
  for (const m of cands) results.set(m.path, evaluator.evaluateModule(m));
  let leaves = cands.filter((m) => !cands.some((o) => o !== m && results.get(o.path)!.files.includes(m.path)));
  const notTest = leaves.filter((m) => !isTestModuleName(m.name));
  if (notTest.length) leaves = notTest;
  const prod = leaves.filter((m) => isProdModuleName(m.name));
  if (prod.length) leaves = prod;
  else {
    const notDev = leaves.filter((m) => !isDevModuleName(m.name));
    if (notDev.length) leaves = notDev;
  }
  return leaves.sort((a, b) => a.path.localeCompare(b.path));
}

function makeProfile(mod: PyModule, sources: SettingsSource[], res: EvalResult): SettingsProfile {
  const cache = new Map<string, ResolvedSetting>();
  const names: string[] = [];
  for (const [k, b] of res.ns) if (/^[A-Z][A-Z0-9_]*$/.test(k) && !b.qual && !b.envScheme && !b.decouple) names.push(k);
  return {
    module: mod.name,
    file: mod.path,
    files: res.files,
    sources,
    opaque: res.opaque.length > 0,
    opaqueReasons: res.opaque,
    get(name: string) {
      const have = cache.get(name);
      if (have) return have;
      const b = res.ns.get(name);
      if (!b || b.qual || b.envScheme || b.decouple) return undefined;
      const r = toResolved(name, b);
      cache.set(name, r);
      return r;
    },
    names: () => names,
  };
}

function toResolved(name: string, b: Binding): ResolvedSetting {
  const r: ResolvedSetting = {
    name,
    value: b.v.value,
    site: b.stmt,
    envDependent: !!b.v.envDependent,
    tree: b.v,
    writes: b.writes,
    conditional: b.conditional || !!b.v.conditional,
  };
  if (b.v.env) r.env = b.v.env;
  if (b.v.items) r.elements = b.v.items.map((i) => ({ value: i.value, site: i.site }));
  return r;
}
