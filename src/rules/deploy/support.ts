// Helpers shared by the deployment rules: which header keys the Django code trusts, and how to
// cite code and config sites in one message.

import type { ProjectModel } from '../../model/project.js';
import type { RelatedLocation } from '../../core/types.js';
import type { CertFlow, SourceRead } from '../../python/flow.js';
import type { ConfigSite, EntryPoint } from '../../deploy/model.js';
import { codeProvenance } from '../code/support.js';

export interface TrustedKey {
  /** WSGI key (`HTTP_X_SSL_CLIENT_CERT`). */
  key: string;
  /** The header reads of that key in authentication paths, first one first. */
  reads: SourceRead[];
  /** The authentication paths (view, middleware, backend…) that read it, in the same order. */
  flows: CertFlow[];
}

/**
 * Header keys the code trusts for authentication: header-origin reads (or the header a project
 * middleware copies into an environ-style key) in a flow that grants access, with no provenance
 * check (HMAC, trusted-proxy allow-list) in the code path.
 */
export function trustedHeaderKeys(model: ProjectModel): TrustedKey[] {
  const have = trustedMemo.get(model);
  if (have) return have;
  const byKey = new Map<string, { read: SourceRead; flow: CertFlow }[]>();
  const seen = new Set<string>();
  const flowIds = new Map<CertFlow, number>();
  for (const flow of model.code.flows) {
    if (!flow.grants.length) continue;
    if (codeProvenance(model, flow)) continue;
    flowIds.set(flow, flowIds.size);
    for (const r of flow.reads) {
      const src = r.origin === 'copied' && r.copiedFrom ? r.copiedFrom : r.origin === 'header' ? r : null;
      if (!src || !/^HTTP_/.test(src.key)) continue;
      const id = `${src.key}\u0000${src.file}\u0000${src.line}\u0000${flowIds.get(flow)}`;
      if (seen.has(id)) continue;
      seen.add(id);
      const list = byKey.get(src.key);
      if (list) list.push({ read: src, flow });
      else byKey.set(src.key, [{ read: src, flow }]);
    }
  }
  const out = [...byKey.entries()]
    .map(([key, uses]) => {
      uses.sort((a, b) => a.flow.root.file.localeCompare(b.flow.root.file) || a.flow.root.line - b.flow.root.line || a.read.file.localeCompare(b.read.file) || a.read.line - b.read.line);
      return { key, reads: [...new Set(uses.map((u) => u.read))], flows: [...new Set(uses.map((u) => u.flow))] };
    })
    .sort((a, b) => a.key.localeCompare(b.key));
  trustedMemo.set(model, out);
  return out;
}

/** Three deploy rules ask for the trusted keys of the same (frozen) model: computed once. */
const trustedMemo = new WeakMap<ProjectModel, TrustedKey[]>();

const ROOT_LABEL: Record<string, string> = { view: 'view', middleware: 'middleware', backend: 'authentication backend', 'drf-auth': 'DRF authentication class', function: 'function' };

/** "the view `whoami` (app/views.py:12), which reads it at app/certs.py:7," — the code half of the story. */
export function codeStory(t: TrustedKey): string {
  const flow = t.flows[0];
  const read = t.reads.find((r) => flow && flow.reads.some((x) => x === r || x.copiedFrom === r)) ?? t.reads[0];
  if (!flow) return `${read.file}:${read.line}`;
  const name = flow.root.qualname;
  const label = `the ${ROOT_LABEL[flow.root.kind] ?? flow.root.kind} \`${name}\``;
  const grant = flow.grants[0];
  const where = grant ? `${grant.file}:${grant.line}` : `${flow.root.file}:${flow.root.line}`;
  if (grant && grant.file === read.file && Math.abs(grant.line - read.line) < 40) return `${label} (${read.file}:${read.line})`;
  return `${label} (${where}, reading it at ${read.file}:${read.line})`;
}

/** The places where the code grants access on the trusted header. */
export function grantsRelated(keys: TrustedKey[]): RelatedLocation[] {
  const out: RelatedLocation[] = [];
  const seen = new Set<string>();
  for (const t of keys) {
    for (const f of t.flows) {
      const g = f.grants[0];
      if (!g) continue;
      const k = `${g.file}:${g.line}`;
      if (seen.has(k) || out.length >= 4) continue;
      seen.add(k);
      out.push({ file: g.file, line: g.line, message: `access is granted here on ${t.key} (${g.kind})` });
    }
  }
  return out;
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
