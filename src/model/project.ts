// The project model every rule queries: Python modules, Django settings, deployment configs and
// the certificate flows found in the code. Built once per scan by src/scan/engine.ts.

import type { InputError } from '../core/types.js';
import type { DiscoveredFile } from '../core/read.js';
import type { PythonProject } from '../python/project.js';
import type { PyModule } from '../python/module.js';
import type { SettingsModel } from '../settings/model.js';
import type { DeploymentModel } from '../deploy/model.js';
import type { CodeModel } from '../python/flow.js';

export interface ProjectModel {
  /** Absolute path of the scanned root. */
  root: string;
  files: DiscoveredFile[];
  python: PythonProject;
  /** Modules that contain trigger words: the analysis roots. */
  analysed: PyModule[];
  settings: SettingsModel;
  deploy: DeploymentModel;
  code: CodeModel;
  errors: InputError[];
}
