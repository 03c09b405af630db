// Apache httpd: virtual hosts and locations of every file that looks like an Apache config
// (deploy/apache.ts).

import { apacheEntryPoints, looksLikeApache, parseApacheFile } from '../apache.js';
import type { DeployReader } from './types.js';
import { ETC_DIR, hostPort, httpUrl, underscoreSpellings } from './snippets.js';

declare module '../model.js' {
  interface ProxyKinds {
    apache: true;
  }
}

export const apacheReader: DeployReader = {
  kind: 'apache',
  role: 'proxy',
  syntax: ['text'],
  sniffOrder: 21,
  sniff: (_path, text) => looksLikeApache(text),
  start(ctx) {
    return {
      read(src, _input, errors) {
        const dirs = parseApacheFile(src, errors);
        if (!dirs) return false;
        ctx.entryPoints.push(...apacheEntryPoints(src.path, dirs));
        return true;
      },
    };
  },
  fix: {
    kind: 'apache',
    files: [{ name: 'mtls-site.conf', out: 'apache/mtls-site.conf', secret: true }],
    installDir: ETC_DIR,
    values({ extras, allHeaders, upstream }) {
      const up = hostPort(upstream);
      return {
        UNDERSCORE_UNSETS: allHeaders.flatMap((h) => underscoreSpellings(h).map((u) => `RequestHeader unset ${u} early`)).join('\n'),
        EXTRA_HEADERS: extras.map((h) => `RequestHeader unset ${h.name}`).join('\n'),
        UPSTREAM: up.unix ? `unix:${up.unix}|http://localhost` : httpUrl(upstream),
      };
    },
  },
};
