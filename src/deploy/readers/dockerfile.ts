// Dockerfiles (and Containerfiles): CMD/ENTRYPOINT; run on their own when no Compose service
// builds them (deploy/appserver.ts).

import { dockerfileCommands } from '../appserver.js';
import { site } from '../common.js';
import type { DeployReader } from './types.js';

const baseName = (p: string) => p.split('/').pop()!.toLowerCase();

export const dockerfileReader: DeployReader = {
  kind: 'dockerfile',
  role: 'container',
  syntax: ['text'],
  sniffOrder: 10,
  sniff: (path) => /^(dockerfile|containerfile)/.test(baseName(path)) || /\.(dockerfile|containerfile)$/.test(baseName(path)),
  // After Compose, which marks the Dockerfiles its services build.
  finishStage: 30,
  start(ctx) {
    return {
      read(src) {
        ctx.dockerfiles.set(src.path, dockerfileCommands(src.path, src.text));
        return true;
      },
      finish() {
        for (const [path, df] of ctx.dockerfiles) {
          if (ctx.usedDockerfiles.has(path)) continue;
          const c = df.cmd ?? df.entrypoint;
          if (c) ctx.addCommands(df.entrypoint && df.cmd ? [...df.entrypoint.words, ...df.cmd.words] : c.words, site(path, c.line, 1, c.text), 'container', undefined, path);
        }
      },
    };
  },
};
