// Docker Compose: services (ports, expose, network mode, labels), merged per directory the way
// `docker compose` merges its files, and the app-server command each runs, its own or its
// Dockerfile's (deploy/containers.ts).

import { posix } from 'node:path';
import type { YNode } from '../yaml-tree.js';
import { isCompose, readCompose, type ComposeService } from '../containers.js';
import { site } from '../common.js';
import type { DeployReader } from './types.js';

export const composeReader: DeployReader = {
  kind: 'compose',
  role: 'container',
  syntax: ['yaml'],
  jsonKeys: ['services'],
  sniffOrder: 10,
  sniff: (_path, _text, doc) => isCompose(doc as YNode),
  // After the proxies' cross-file work, before the Dockerfiles no service builds.
  finishStage: 20,
  start(ctx) {
    const services = ctx.composeServices;
    return {
      read(src, doc) {
        services.push(...readCompose(src.path, src.text, doc as YNode));
        return true;
      },
      finish() {
        // Files in one directory (docker-compose.yml + docker-compose.override.yml, compose.*.yaml)
        // are merged per service the way `docker compose` merges them: ports/expose/labels add up,
        // the last command/entrypoint/build wins.
        const merged = new Map<string, ComposeService>();
        for (const svc of services) {
          const k = `${posix.dirname(svc.file)}|${svc.name}`;
          const prev = merged.get(k);
          if (!prev) {
            merged.set(k, { ...svc, ports: [...svc.ports], expose: [...svc.expose], labels: [...svc.labels], env: { ...svc.env } });
            continue;
          }
          prev.ports.push(...svc.ports);
          prev.expose.push(...svc.expose);
          prev.labels.push(...svc.labels);
          Object.assign(prev.env, svc.env);
          if (svc.command) prev.command = svc.command;
          if (svc.entrypoint) prev.entrypoint = svc.entrypoint;
          if (svc.build) prev.build = svc.build;
          if (svc.networkHost) prev.networkHost = svc.networkHost;
          if (svc.image) prev.image = svc.image;
        }
        services.length = 0;
        services.push(...merged.values());
        // Commands: the service's own, else its Dockerfile's.
        for (const svc of services) {
          const dir = posix.dirname(svc.file);
          let dockerfile: string | undefined;
          if (svc.build) {
            const p = posix.normalize(posix.join(dir, svc.build.context, svc.build.dockerfile));
            if (ctx.dockerfiles.has(p)) dockerfile = p;
          }
          if (dockerfile) ctx.usedDockerfiles.add(dockerfile);
          const df = dockerfile ? ctx.dockerfiles.get(dockerfile) : undefined;
          const cmdWords = svc.command?.words;
          if (svc.entrypoint) ctx.addCommands([...svc.entrypoint.words, ...(cmdWords ?? [])], svc.entrypoint.site, 'container', svc.name, svc.file);
          else if (cmdWords) ctx.addCommands(df?.entrypoint ? [...df.entrypoint.words, ...cmdWords] : cmdWords, svc.command!.site, 'container', svc.name, svc.file);
          else if (df && dockerfile) {
            const c = df.cmd ?? df.entrypoint;
            if (c) ctx.addCommands(df.entrypoint && df.cmd ? [...df.entrypoint.words, ...df.cmd.words] : c.words, site(dockerfile, c.line, 1, c.text), 'container', svc.name, dockerfile);
          }
        }
      },
    };
  },
};
