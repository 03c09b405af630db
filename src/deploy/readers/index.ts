// The reader registry: one reader per proxy, app-server or container kind. deploy/build.ts loops
// over it; fix takes each proxy's snippets from it. Adding a proxy is a module next to this one
// and a line below (docs/architecture.md, "How to add").

import type { ProxyKind } from '../model.js';
import type { DeployReader, ProxyFix, Syntax } from './types.js';
import { nginxReader } from './nginx.js';
import { haproxyReader } from './haproxy.js';
import { apacheReader } from './apache.js';
import { envoyReader } from './envoy.js';
import { traefikReader } from './traefik.js';
import { kubernetesReader } from './kubernetes.js';
import { composeReader } from './compose.js';
import { dockerfileReader } from './dockerfile.js';
import { procfileReader } from './procfile.js';
import { systemdReader } from './systemd.js';
import { uwsgiReader } from './uwsgi.js';
import { gunicornReader } from './gunicorn.js';

/** Proxies first, in the order fix lists them (`--proxy`, the snippets' .gitignore). */
const READERS: readonly DeployReader[] = [nginxReader, haproxyReader, apacheReader, envoyReader, traefikReader, kubernetesReader, composeReader, dockerfileReader, procfileReader, systemdReader, uwsgiReader, gunicornReader];

/** A registry whose kinds (and proxy kinds) are unique: a duplicate is a programming error. */
export function makeRegistry(readers: readonly DeployReader[]): readonly DeployReader[] {
  const kinds = new Set<string>();
  const proxies = new Set<string>();
  for (const r of readers) {
    if (kinds.has(r.kind)) throw new Error(`deployment reader registry: duplicate kind "${r.kind}"`);
    kinds.add(r.kind);
    if (r.fix) {
      if (proxies.has(r.fix.kind)) throw new Error(`deployment reader registry: duplicate proxy kind "${r.fix.kind}" (reader ${r.kind})`);
      proxies.add(r.fix.kind);
    }
  }
  return Object.freeze([...readers]);
}

export const REGISTRY = makeRegistry(READERS);

/** The readers of one syntax, in the order they are asked (`sniffOrder`, then registry order). */
export function readersFor(syntax: Syntax, registry: readonly DeployReader[] = REGISTRY): DeployReader[] {
  return registry
    .map((r, i) => ({ r, i }))
    .filter(({ r }) => r.syntax.includes(syntax))
    .sort((a, b) => (a.r.sniffOrder ?? 100) - (b.r.sniffOrder ?? 100) || a.i - b.i)
    .map(({ r }) => r);
}

/** The proxy kinds fix writes snippets for, in registry order. */
export const PROXY_KINDS: readonly ProxyKind[] = REGISTRY.flatMap((r) => (r.fix ? [r.fix.kind] : []));

/** The snippets of a proxy kind. */
export function proxyFix(kind: ProxyKind): ProxyFix {
  const f = REGISTRY.find((r) => r.fix?.kind === kind)?.fix;
  if (!f) throw new Error(`no deployment reader writes snippets for the proxy kind "${kind}"`);
  return f;
}

export type { DeployReader, DeployContext, ProxyFix, ReaderRun, SnippetInputs, Syntax } from './types.js';
