// systemd service units: the app server each ExecStart= runs on the host (deploy/appserver.ts).

import { systemdExecStarts } from '../appserver.js';
import { site } from '../common.js';
import type { DeployReader } from './types.js';

export const systemdReader: DeployReader = {
  kind: 'systemd',
  role: 'app-server',
  syntax: ['text'],
  sniffOrder: 12,
  sniff: (path, text) => /\.service$/.test(path.split('/').pop()!.toLowerCase()) && /^\s*\[Service\]/m.test(text),
  start(ctx) {
    return {
      read(src) {
        for (const c of systemdExecStarts(src.text)) ctx.addCommands(c.words, site(src.path, c.line, 1, c.text), 'host', undefined, src.path);
        return true;
      },
    };
  },
};
