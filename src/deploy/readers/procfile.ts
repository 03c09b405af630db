// Procfiles (Heroku, Dokku, foreman): one app-server command line per process type (deploy/appserver.ts).

import { procfileCommands } from '../appserver.js';
import { site } from '../common.js';
import type { DeployReader } from './types.js';

export const procfileReader: DeployReader = {
  kind: 'procfile',
  role: 'app-server',
  syntax: ['text'],
  sniffOrder: 11,
  sniff: (path) => /^procfile/.test(path.split('/').pop()!.toLowerCase()),
  start(ctx) {
    return {
      read(src) {
        for (const c of procfileCommands(src.text)) ctx.addCommands(c.words, site(src.path, c.line, 1, c.text), 'host', undefined, src.path);
        return true;
      },
    };
  },
};
