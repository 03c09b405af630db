// uWSGI INI files: the sockets the `[uwsgi]` section binds (deploy/appserver.ts).

import { uwsgiIniBinds } from '../appserver.js';
import type { DeployReader } from './types.js';

export const uwsgiReader: DeployReader = {
  kind: 'uwsgi',
  role: 'app-server',
  syntax: ['text'],
  sniffOrder: 13,
  sniff: (_path, text) => /^\s*\[uwsgi\]\s*$/m.test(text),
  start(ctx) {
    return {
      read(src) {
        const b = uwsgiIniBinds(src.path, src.text);
        if (!b) return false;
        ctx.confBinds.set(src.path, { kind: 'uwsgi', binds: b });
        return true;
      },
    };
  },
};
