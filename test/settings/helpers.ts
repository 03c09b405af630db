// Builds the settings model and the authentication surface of a small tree with the real parts
// (discovery, tree-sitter parsing, the resolver), without running the rules.

import { rmSync } from 'node:fs';
import { discover } from '../../src/scan/discover.js';
import { getPythonParser } from '../../src/python/parser.js';
import { PythonProject } from '../../src/python/project.js';
import { buildSettings } from '../../src/settings/resolve.js';
import { emptyDeployment, type DeploymentModel } from '../../src/deploy/model.js';
import type { ProjectModel } from '../../src/model/project.js';
import type { SettingsModel } from '../../src/settings/model.js';
import { authSurface, type SurfaceProfile } from '../../src/urls/surface.js';
import { writeTree } from '../helpers/rule-tester.js';
import { wantsParseText } from '../../src/scan/prefilter.js';
import { readText } from '../../src/scan/discover.js';
import { buildCodeModel } from '../../src/python/flow.js';

export interface Loaded {
  settings: SettingsModel;
  model: ProjectModel;
  surface(): SurfaceProfile[];
}

/** Loads a tree like the engine does: trigger-word and always-parsed modules are analysed, the rest lazily. */
export async function load(files: Record<string, string>, opts: { deploy?: DeploymentModel } = {}): Promise<Loaded> {
  const dir = writeTree(files);
  try {
    return await loadDir(dir, opts);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function loadDir(dir: string, opts: { deploy?: DeploymentModel } = {}): Promise<Loaded> {
  const { files, errors } = discover(dir, {});
  const python = new PythonProject(await getPythonParser(), files, errors);
  const analysed = [];
  for (const f of files) {
    if (f.kind !== 'python') continue;
    const r = readText(f.abs);
    if (!r.ok) continue;
    if (!wantsParseText(f.path, r.text)) continue;
    const m = python.load(f.path, r.text);
    if (m) analysed.push(m);
  }
  const deploy = opts.deploy ?? emptyDeployment();
  const settings = buildSettings(python, analysed, deploy, files);
  const model: ProjectModel = {
    root: dir,
    files,
    python,
    analysed,
    settings,
    deploy,
    code: null as never,
    errors,
  };
  model.code = buildCodeModel(model);
  // The surface loads view modules lazily; compute it while the files still exist.
  const surface = authSurface(model);
  return { settings, model, surface: () => surface };
}
