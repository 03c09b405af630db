// Settings resolution (first version): top-level literal assignments of the modules that look like
// Django settings. Issue 4 replaces this with full resolution (import chains, env defaults, +=).

import type { PythonProject } from '../python/project.js';
import type { PyModule } from '../python/module.js';
import type { DeploymentModel } from '../deploy/model.js';
import { emptySettings, type SettingsModel } from './model.js';

export function buildSettings(_python: PythonProject, _analysed: PyModule[], _deploy: DeploymentModel): SettingsModel {
  return emptySettings();
}
