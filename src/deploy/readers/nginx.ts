// nginx: `server`/`location` blocks of every file that looks like nginx, includes resolved across
// the tree once every file is read (deploy/nginx.ts, deploy/nginx-parse.ts).

import type { RawKind } from '../../python/flow/values.js';
import { looksLikeNginx, nginxEntryPoints, parseNginxFile, type NginxFile } from '../nginx.js';
import type { DeployReader } from './types.js';
import { hostPort, httpUrl } from './snippets.js';

declare module '../model.js' {
  interface ProxyKinds {
    nginx: true;
  }
}

/** nginx variable for a header the code read, when nginx has the same value; otherwise the header is emptied. */
const NGINX_VARS: Partial<Record<RawKind, string>> = {
  pem: '$ssl_client_escaped_cert',
  dn: '$ssl_client_s_dn',
  'issuer-dn': '$ssl_client_i_dn',
  verify: '$ssl_client_verify',
  serial: '$ssl_client_serial',
};

/** `proxy_set_header` lines for the other certificate headers the code read (ingress-nginx too). */
export function nginxExtraHeaders(extras: { name: string; kind: RawKind }[]): string {
  return extras.map((h) => `proxy_set_header ${h.name} ${NGINX_VARS[h.kind] ?? '""'};`).join('\n');
}

export const nginxReader: DeployReader = {
  kind: 'nginx',
  role: 'proxy',
  syntax: ['text'],
  // The loosest sniff of the block configs: asked after HAProxy, Apache and the app-server files.
  sniffOrder: 90,
  sniff: (_path, text) => looksLikeNginx(text),
  finishStage: 10,
  start(ctx) {
    const files: NginxFile[] = [];
    return {
      read(src, _input, errors) {
        const f = parseNginxFile(src, errors);
        if (!f) return false;
        files.push(f);
        return true;
      },
      finish() {
        ctx.entryPoints.push(...nginxEntryPoints(files, ctx.treePaths, ctx.errors).entryPoints);
      },
    };
  },
  fix: {
    kind: 'nginx',
    files: [
      { name: 'mtls-server.conf', out: 'nginx/mtls-server.conf', secret: false },
      { name: 'mtls-proxy.conf', out: 'nginx/mtls-proxy.conf', secret: false },
      { name: 'mtls-proxy-secret.conf', out: 'nginx/mtls-proxy-secret.conf', secret: true },
      { name: 'site.conf', out: 'nginx/site.conf', secret: false },
    ],
    certVariables: NGINX_VARS,
    // nginx resolves relative paths against its conf directory, where deploy/mtls-audit/ is installed.
    installDir: 'mtls-audit',
    installPlace: (file) => `<nginx conf dir>/mtls-audit/${file} for nginx (this directory installed there)`,
    followUp: (at, server, ep) =>
      `${at} ${server}: include mtls-audit/nginx/mtls-server.conf in this server block${ep.verifySite ? ` instead of \`${ep.verifySite.text.trim()}\`` : ''}, and mtls-audit/nginx/mtls-proxy.conf in every block of it that has proxy_pass.`,
    values({ extras, upstream }) {
      const up = hostPort(upstream);
      return { EXTRA_HEADERS: nginxExtraHeaders(extras), UPSTREAM: up.unix ? `http://unix:${up.unix}:` : httpUrl(upstream) };
    },
  },
};
