// Traefik: dynamic and static configuration in YAML/JSON or TOML files, and the `traefik.*` labels
// of Compose services; routers are resolved once every file is read (deploy/traefik.ts).

import type { YNode } from '../yaml-tree.js';
import { isTraefikToml, isTraefikYaml, traefikEntryPoints, traefikFromLabels, traefikFromToml, traefikFromTree } from '../traefik.js';
import type { DeployReader } from './types.js';
import { ETC_DIR, httpUrl, underscoreSpellings } from './snippets.js';

declare module '../model.js' {
  interface ProxyKinds {
    traefik: true;
  }
}

/** Traefik sends the certificate in its own header, which cannot be renamed. */
const TRAEFIK_CERT_HEADER = 'X-Forwarded-Tls-Client-Cert';

export const traefikReader: DeployReader = {
  kind: 'traefik',
  role: 'proxy',
  syntax: ['yaml', 'toml'],
  jsonKeys: ['http', 'tls', 'entryPoints'],
  sniff: (path, _text, parsed) => (/\.toml$/i.test(path) ? isTraefikToml(parsed) : isTraefikYaml(parsed as YNode)),
  // After Compose (its services' labels) and Kubernetes (whose ingress entries come first).
  finishStage: 50,
  start(ctx) {
    return {
      read(src, parsed) {
        ctx.traefik.push(/\.toml$/i.test(src.path) ? traefikFromToml(src.path, src.text, parsed as Record<string, unknown>) : traefikFromTree(src.path, src.text, parsed as YNode));
        return true;
      },
      finish() {
        for (const svc of ctx.composeServices) {
          const t = traefikFromLabels(svc);
          if (t) ctx.traefik.push(t);
        }
        for (const t of ctx.traefik) ctx.entryPoints.push(...traefikEntryPoints(t, ctx.traefik));
      },
    };
  },
  fix: {
    kind: 'traefik',
    files: [{ name: 'dynamic.yml', out: 'traefik/dynamic.yml', secret: true }],
    fixedCertHeader: TRAEFIK_CERT_HEADER,
    installDir: ETC_DIR,
    values({ certHeader, extras, allHeaders, upstream }) {
      const names = [...allHeaders.filter((h) => h !== certHeader), TRAEFIK_CERT_HEADER];
      const lines = [...extras.map((h) => `${h.name}: ""`), ...names.flatMap((h) => underscoreSpellings(h).map((u) => `${u}: ""`))];
      return { EXTRA_HEADERS: lines.join('\n'), UPSTREAM: httpUrl(upstream) };
    },
  },
};
