// HAProxy: frontends and backends of every file that looks like haproxy.cfg (deploy/haproxy.ts).

import { haproxyEntryPoints, looksLikeHaproxy, parseHaproxyFile } from '../haproxy.js';
import type { DeployReader } from './types.js';
import { ETC_DIR, hostPort } from './snippets.js';

declare module '../model.js' {
  interface ProxyKinds {
    haproxy: true;
  }
}

export const haproxyReader: DeployReader = {
  kind: 'haproxy',
  role: 'proxy',
  syntax: ['text'],
  sniffOrder: 20,
  sniff: (_path, text) => looksLikeHaproxy(text),
  start(ctx) {
    return {
      read(src, _input, errors) {
        const secs = parseHaproxyFile(src, errors);
        if (!secs) return false;
        ctx.entryPoints.push(...haproxyEntryPoints(src.path, secs));
        return true;
      },
    };
  },
  fix: {
    kind: 'haproxy',
    files: [{ name: 'haproxy.cfg', out: 'haproxy/haproxy.cfg', secret: true }],
    installDir: ETC_DIR,
    values({ extras, upstream, tlsCert }) {
      const up = hostPort(upstream);
      return {
        EXTRA_HEADERS: extras.map((h) => `http-request del-header ${h.name}`).join('\n'),
        UPSTREAM: up.unix ? up.unix : `${up.host.includes(':') ? `[${up.host}]` : up.host}:${up.port}`,
        BIND: ':443',
        TLS_PEM: tlsCert.replace(/\.(crt|pem|cer)$/, '') + '.pem',
      };
    },
  },
};
