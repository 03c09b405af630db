// Envoy: listeners, routes and clusters of every YAML/JSON document that is an Envoy bootstrap or
// xDS resource list (deploy/envoy.ts).

import type { RawKind } from '../../python/flow/values.js';
import type { YNode } from '../yaml-tree.js';
import { envoyEntryPoints, isEnvoy } from '../envoy.js';
import type { DeployReader } from './types.js';
import { ETC_DIR, hostPort } from './snippets.js';

declare module '../model.js' {
  interface ProxyKinds {
    envoy: true;
  }
}

/** Envoy's substitution for a header the code read; the others are removed. */
const ENVOY_VARS: Partial<Record<RawKind, string>> = {
  pem: '%DOWNSTREAM_PEER_CERT%',
  dn: '%DOWNSTREAM_PEER_SUBJECT%',
  'issuer-dn': '%DOWNSTREAM_PEER_ISSUER%',
  serial: '%DOWNSTREAM_PEER_SERIAL%',
  fingerprint: '%DOWNSTREAM_PEER_FINGERPRINT_256%',
};

export const envoyReader: DeployReader = {
  kind: 'envoy',
  role: 'proxy',
  syntax: ['yaml'],
  jsonKeys: ['static_resources', 'resources'],
  jsonErrorKeys: ['static_resources'],
  sniff: (_path, _text, doc) => isEnvoy(doc as YNode),
  start(ctx) {
    return {
      read(src, doc) {
        ctx.entryPoints.push(...envoyEntryPoints(src.path, src.text, doc as YNode));
        return true;
      },
    };
  },
  fix: {
    kind: 'envoy',
    files: [{ name: 'envoy.yaml', out: 'envoy/envoy.yaml', secret: true }],
    certVariables: ENVOY_VARS,
    installDir: ETC_DIR,
    values({ extras, upstream }) {
      const up = hostPort(upstream);
      const add = extras.filter((h) => ENVOY_VARS[h.kind]);
      const remove = extras.filter((h) => !ENVOY_VARS[h.kind]);
      return {
        EXTRA_HEADERS: add.map((h) => `- header: { key: ${h.name}, value: "${ENVOY_VARS[h.kind]}" }\n  append_action: OVERWRITE_IF_EXISTS_OR_ADD`).join('\n'),
        REMOVE_HEADERS: remove.length ? `request_headers_to_remove:\n${remove.map((h) => `  - ${h.name}`).join('\n')}` : '',
        UPSTREAM_HOST: up.host,
        UPSTREAM_PORT: String(up.port),
      };
    },
  },
};
