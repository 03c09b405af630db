// gunicorn config files (`gunicorn*.py`, `*.conf.py`): their `bind`, read with tree-sitter, never
// executed (deploy/appserver.ts). gunicorn command lines are found by the readers of the files
// that run them (Procfile, systemd, Compose, Dockerfile, Kubernetes).

import { gunicornConfBinds } from '../appserver.js';
import type { DeployReader } from './types.js';

export const gunicornReader: DeployReader = {
  kind: 'gunicorn',
  role: 'app-server',
  syntax: ['python'],
  sniffPath: (path) => /(^|\/)(gunicorn[^/]*|[^/]*\.conf)\.py$/.test(path),
  sniff: (_path, text) => /^\s*bind\s*=/m.test(text),
  start(ctx) {
    return {
      read(src) {
        if (!ctx.parser) return false;
        const b = gunicornConfBinds(ctx.parser, src.path, src.text);
        if (!b) return false;
        ctx.confBinds.set(src.path, { kind: 'gunicorn', binds: b });
        return true;
      },
    };
  },
};
