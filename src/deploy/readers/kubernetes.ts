// Kubernetes manifests: workloads (app-server commands, host networking), Services, Secrets, and
// Ingress objects for ingress-nginx, whose annotations make them entry points (deploy/containers.ts).

import type { EntryPoint } from '../model.js';
import type { YNode } from '../yaml-tree.js';
import { isK8s, readK8s } from '../containers.js';
import type { DeployReader } from './types.js';
import { ETC_DIR, hostPort } from './snippets.js';
import { nginxExtraHeaders } from './nginx.js';

declare module '../model.js' {
  interface ProxyKinds {
    'ingress-nginx': true;
  }
}

type IngressEntry = EntryPoint & { ingressNamespace?: string };

export const kubernetesReader: DeployReader = {
  kind: 'kubernetes',
  role: 'container',
  syntax: ['yaml'],
  jsonKeys: ['apiVersion'],
  jsonErrorKeys: ['apiVersion'],
  wholeFile: true,
  sniff: (_path, _text, doc) => isK8s(doc as YNode),
  // After Compose and the Dockerfiles (the order of the app-server commands).
  finishStage: 40,
  start(ctx) {
    const k8s = ctx.k8s;
    return {
      read(src, docs) {
        readK8s(src.path, src.text, docs as YNode[], k8s, ctx.errors);
        return true;
      },
      finish() {
        for (const c of k8s.containers) {
          if (c.command) ctx.addCommands(c.command.words, c.command.site, 'container', `k8s:${c.workload}`, c.command.site.file);
        }
        ctx.entryPoints.push(...k8s.ingressEntries);
        for (const ep of k8s.ingressEntries as IngressEntry[]) {
          if (k8s.underscoreConfig) {
            ep.passesUnderscoreHeaders = true;
            ep.underscoreSite = k8s.underscoreConfig;
          }
          // CRL: ingress-nginx reads `ca.crl` from the auth-tls secret.
          const ref = ep.caFile ?? '';
          const [ns, nm] = ref.includes('/') ? ref.split('/') : [ep.ingressNamespace ?? 'default', ref];
          const sec = k8s.secrets.find((s) => s.name === nm && s.namespace === ns) ?? k8s.secrets.find((s) => s.name === nm);
          if (sec?.keys.includes('ca.crl') && ep.verifySite) ep.crl = ep.verifySite;
          ep.crlUnknown = !sec;
          delete ep.ingressNamespace;
        }
      },
    };
  },
  fix: {
    kind: 'ingress-nginx',
    files: [{ name: 'ingress.yaml', out: 'ingress-nginx/ingress.yaml', secret: true }],
    installDir: ETC_DIR,
    values({ extras, upstream }) {
      const up = hostPort(upstream);
      return {
        EXTRA_HEADERS: nginxExtraHeaders(extras),
        UPSTREAM_HOST: /^[a-z]([-a-z0-9]*[a-z0-9])?$/.test(up.host) && up.host !== 'localhost' ? up.host : 'django',
        UPSTREAM_PORT: String(up.port),
      };
    },
  },
};
