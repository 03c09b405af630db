// Which Django routes a proxy route forwards to, for the identity-flow picture (identity-flow.ts):
// the path match a proxy route's name says, the longest-prefix choice among a server's routes,
// and the Django routes of each view.

import type { EntryPoint } from '../deploy/model.js';
import type { CertFlow } from '../python/flow.js';
import type { Route } from '../urls/model.js';
import { authSurface } from '../urls/surface.js';
import type { ProjectModel } from './project.js';

export interface RouteShape {
  /** Routes of the same server/listener compete for a path. */
  group: string;
  /** Client path prefix (or exact path) the proxy matches. */
  prefix: string;
  exact: boolean;
  /** Path the upstream URL rewrites the prefix to (`proxy_pass http://app/v1/`), if any. */
  rewriteTo?: string;
}

/** The path match of a proxy route, when its name says it (nginx/Envoy/Apache); null when unknown or a regex. */
export function routeShape(ep: EntryPoint): RouteShape | null {
  const sep = ep.name.lastIndexOf(' > ');
  let group = sep >= 0 ? ep.name.slice(0, sep) : ep.name;
  let m: RegExpExecArray | null;
  let prefix: string | null = null;
  let exact = false;
  if (ep.kind === 'nginx' && (m = /> location\s+(=|\^~)?\s*(\/\S*)$/.exec(ep.name))) {
    exact = m[1] === '=';
    prefix = m[2];
  } else if (ep.kind === 'envoy' && (m = /> route (\/[^\s^$*+?()[\]{}|\\]*)$/.exec(ep.name))) {
    prefix = m[1];
  } else if (ep.kind === 'apache' && (m = /^(.*) ProxyPass (\/\S*)$/.exec(ep.name))) {
    group = m[1];
    prefix = m[2];
  }
  if (prefix === null) return null;
  const shape: RouteShape = { group, prefix, exact };
  const up = /^[a-z]+:\/\/[^/]+(\/\S*)$/i.exec(ep.upstream ?? '');
  if (up && ep.kind === 'nginx' && !/\$/.test(up[1])) shape.rewriteTo = up[1];
  return shape;
}

/** Does the proxy route `ep` (among its siblings) forward some client path to the Django path `djangoPath`? */
export function forwardsTo(ep: EntryPoint, shape: RouteShape, siblings: { ep: EntryPoint; shape: RouteShape }[], djangoPath: string): boolean {
  // The client path that would reach djangoPath through this route.
  let client: string;
  if (shape.rewriteTo !== undefined) {
    if (!djangoPath.startsWith(shape.rewriteTo)) return false;
    client = shape.prefix + djangoPath.slice(shape.rewriteTo.length);
  } else client = djangoPath;
  if (shape.exact ? client !== shape.prefix : !client.startsWith(shape.prefix)) return false;
  // The proxy picks the exact match, else the longest prefix among the routes of the same server.
  const exactHit = siblings.find((s) => s.shape.exact && s.shape.prefix === client);
  if (exactHit) return exactHit.ep === ep;
  let best: { ep: EntryPoint; shape: RouteShape } | null = null;
  for (const s of siblings) {
    if (s.shape.exact || !client.startsWith(s.shape.prefix)) continue;
    if (!best || s.shape.prefix.length > best.shape.prefix.length) best = s;
  }
  return best?.ep === ep;
}

/** A Django route path as a literal prefix (`/api/<int:pk>/` → `/api/`; regex routes up to the first metacharacter). */
export function literalPath(p: string): string {
  let s = p.replace(/^\^/, '');
  if (!s.startsWith('/')) s = '/' + s;
  const cut = s.search(/[<([\\.*+?$|{]/);
  return cut >= 0 ? s.slice(0, cut) : s;
}

export function routeViewKey(r: Route): string | null {
  const v = r.view;
  if (v.kind === 'function') return `${v.fn.module.path}|${v.fn.qualname}`;
  if (v.kind === 'class') return `${v.cls.module.path}|${v.cls.qualname}`;
  return null;
}

export function flowViewKeys(f: CertFlow): string[] {
  const fn = f.root.fn;
  const keys = [`${fn.module.path}|${fn.qualname}`];
  if (fn.cls) keys.push(`${fn.cls.module.path}|${fn.cls.qualname}`);
  return keys;
}

export function routesByView(model: ProjectModel): { byView: Map<string, string[]>; byDef: Map<string, string[]> } {
  const byView = new Map<string, string[]>();
  const byDef = new Map<string, string[]>();
  let surface;
  try {
    surface = authSurface(model);
  } catch {
    return { byView, byDef };
  }
  const add = (m: Map<string, string[]>, k: string, path: string) => {
    const list = m.get(k) ?? [];
    if (!list.includes(path)) list.push(path);
    m.set(k, list);
  };
  for (const p of surface) {
    for (const r of p.urls.routes) {
      const key = routeViewKey(r);
      if (key) add(byView, key, r.path);
      // Findings about a route point at the route or at the view definition.
      add(byDef, `${r.site.file}:${r.site.line}`, r.path);
    }
    for (const v of p.views) add(byDef, `${v.defSite.file}:${v.defSite.line}`, v.route.path);
  }
  return { byView, byDef };
}

/** What the client → proxy leg does with the client certificate, in a few words. */
export function tlsSummary(ep: EntryPoint): string {
  const parts: string[] = [];
  if (ep.ignoresVerifyErrors) parts.push('certificate verification errors are ignored');
  else if (ep.verify === 'optional_no_ca') parts.push('any certificate from any issuer is accepted');
  else if (ep.verify === 'optional' && !ep.verifyEnforced) parts.push('requests without a valid certificate get through');
  else if (ep.verify === 'off') parts.push('no client-certificate verification');
  else if (ep.verify === 'unknown') parts.push('verification mode unknown');
  else parts.push(`verified against ${ep.caFile ? ep.caFile.split('/').pop() : 'a CA'}${ep.verify === 'optional' ? ' (optional, enforced)' : ''}`);
  if (ep.verify !== 'off' && !ep.crl && !ep.ocsp) parts.push('no revocation check');
  return parts.join('; ');
}
