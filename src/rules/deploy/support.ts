// Helpers shared by the deployment rules: which header keys the Django code trusts, and how to
// cite code and config sites in one message.

import type { ProjectModel } from '../../model/project.js';
import type { RelatedLocation } from '../../core/types.js';
import type { SourceRead } from '../../python/flow.js';
import type { ConfigSite, EntryPoint } from '../../deploy/model.js';
import { codeProvenance } from '../code/support.js';

export interface TrustedKey {
  /** WSGI key (`HTTP_X_SSL_CLIENT_CERT`). */
  key: string;
  /** The header reads of that key in authentication paths, first one first. */
  reads: SourceRead[];
}

/**
 * Header keys the code trusts for authentication: header-origin reads (or the header a project
 * middleware copies into an environ-style key) in a flow that grants access, with no provenance
 * check (HMAC, trusted-proxy allow-list) in the code path.
 */
export function trustedHeaderKeys(model: ProjectModel): TrustedKey[] {
  const byKey = new Map<string, SourceRead[]>();
  for (const flow of model.code.flows) {
    if (!flow.grants.length) continue;
    if (codeProvenance(model, flow)) continue;
    for (const r of flow.reads) {
      const src = r.origin === 'copied' && r.copiedFrom ? r.copiedFrom : r.origin === 'header' ? r : null;
      if (!src || !/^HTTP_/.test(src.key)) continue;
      const list = byKey.get(src.key) ?? [];
      if (!list.some((x) => x.file === src.file && x.line === src.line)) list.push(src);
      byKey.set(src.key, list);
    }
  }
  return [...byKey.entries()]
    .map(([key, reads]) => ({ key, reads: reads.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line) }))
    .sort((a, b) => a.key.localeCompare(b.key));
}

/** Every read of `key` in the code (any origin), e.g. a forwarded verify result that Django checks. */
export function readsOfKey(model: ProjectModel, key: string): SourceRead[] {
  return model.code.reads.filter((r) => r.key === key || (r.origin === 'copied' && r.copiedFrom?.key === key));
}

export const codeRef = (r: SourceRead) => `${r.file}:${r.line}`;

export function readRelated(reads: SourceRead[], what: string): RelatedLocation[] {
  return reads.slice(0, 5).map((r) => ({ file: r.file, line: r.line, column: r.column, message: `${what}: \`${r.text.slice(0, 120)}\`` }));
}

export function siteRelated(s: ConfigSite, message: string): RelatedLocation {
  const r: RelatedLocation = { file: s.file, line: s.line, message };
  if (s.column !== undefined) r.column = s.column;
  return r;
}

export function at(s: ConfigSite): { file: string; line: number; column?: number } {
  return s.column !== undefined ? { file: s.file, line: s.line, column: s.column } : { file: s.file, line: s.line };
}

export const ref = (s: ConfigSite) => `${s.file}:${s.line}`;

export const headerName = (key: string) =>
  key
    .replace(/^HTTP_/, '')
    .split('_')
    .map((p) => (p.length <= 3 && /^(SSL|TLS|DN|XFCC|ID)$/.test(p) ? p : p.charAt(0) + p.slice(1).toLowerCase()))
    .join('-');

export function routeLabel(ep: EntryPoint): string {
  return `${kindLabel(ep.kind)} ${ep.name}`;
}

export function kindLabel(k: EntryPoint['kind']): string {
  return { nginx: 'nginx', haproxy: 'HAProxy', apache: 'Apache httpd', envoy: 'Envoy', traefik: 'Traefik', 'ingress-nginx': 'ingress-nginx' }[k];
}

/** One finding per site: groups items by `file:line:column`. */
export function bySite<T>(items: T[], siteOf: (t: T) => ConfigSite): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const it of items) {
    const s = siteOf(it);
    const k = `${s.file}:${s.line}:${s.column ?? 0}`;
    const l = m.get(k) ?? [];
    l.push(it);
    m.set(k, l);
  }
  return m;
}
