// Builds the deployment model from the config files of the scanned tree (issue 3).

import type { InputError } from '../core/types.js';
import type { DiscoveredFile } from '../scan/discover.js';
import { emptyDeployment, type DeploymentModel } from './model.js';

export function buildDeployment(_root: string, _files: DiscoveredFile[], _errors: InputError[]): DeploymentModel {
  return emptyDeployment();
}
