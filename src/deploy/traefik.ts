// Traefik (v2/v3): dynamic configuration in YAML or TOML (file provider) and Docker labels in
// Compose. Routers → their TLS options (`tls.options.<name>.clientAuth.clientAuthType`, `caFiles`),
// middlewares (`passTLSClientCert` with `pem`/`info`, `headers.customRequestHeaders`) and services.
// Static configuration files are recognised (entryPoints/providers) but carry no client-auth data.

import type { ConfigSite, EntryPoint, UpstreamHeader, VerifyMode } from './model.js';
import { wsgiKey } from './model.js';
import { type YNode, yget, ykeyPos, ystr, yitems, yentries, ybool } from './yaml-tree.js';
import { lineOf, site } from './common.js';
import type { ComposeService } from './containers.js';

interface TRouter {
  name: string;
  service?: string;
  middlewares: string[];
  tlsOptions?: string;
  tls: boolean;
  site: ConfigSite;
}
interface TMiddleware {
  pem?: boolean;
  info?: boolean;
  custom: { name: string; value: string }[];
  site: ConfigSite;
}
interface TOption {
  clientAuthType?: string;
  caFiles: string[];
  site: ConfigSite;
  typeSite?: ConfigSite;
}
export interface TraefikConfig {
  file: string;
  routers: TRouter[];
  middlewares: Map<string, TMiddleware>;
  options: Map<string, TOption>;
  services: Map<string, string[]>;
  /** Docker labels: the Compose service these labels belong to. */
  composeService?: string;
}

const strip = (n: string) => n.replace(/@\w+$/, '');

export function isTraefikYaml(doc: YNode): boolean {
  const http = yget(doc, 'http');
  if (http && (yget(http, 'routers') || yget(http, 'middlewares') || yget(http, 'services'))) return true;
  if (yget(doc, 'tls', 'options')) return true;
  return !!(yget(doc, 'entryPoints') && (yget(doc, 'providers') || yget(doc, 'api') || yget(doc, 'certificatesResolvers')));
}

export function isTraefikToml(data: unknown): boolean {
  if (!data || typeof data !== 'object') return false;
  const d = data as Record<string, Record<string, unknown> | undefined>;
  if (d.http && (d.http.routers || d.http.middlewares || d.http.services)) return true;
  if (d.tls && d.tls.options) return true;
  return !!(d.entryPoints && (d.providers || d.api));
}

export function traefikFromTree(file: string, text: string, doc: YNode): TraefikConfig {
  const S = (p: { line: number; col: number }) => site(file, p.line, p.col, lineOf(text, p.line));
  const t: TraefikConfig = { file, routers: [], middlewares: new Map(), options: new Map(), services: new Map() };
  for (const [name, e] of yentries(yget(doc, 'http', 'routers'))) {
    const r = e.value;
    const tls = yget(r, 'tls');
    t.routers.push({
      name,
      service: ystr(yget(r, 'service')),
      middlewares: yitems(yget(r, 'middlewares')).map((m) => ystr(m) ?? ''),
      tlsOptions: ystr(yget(tls, 'options')),
      tls: !!tls,
      site: S({ line: e.keyLine, col: e.keyCol }),
    });
  }
  for (const [name, e] of yentries(yget(doc, 'http', 'middlewares'))) {
    const p = yget(e.value, 'passTLSClientCert');
    const custom = yentries(yget(e.value, 'headers', 'customRequestHeaders')).map(([k, v]) => ({ name: k, value: ystr(v.value) ?? '' }));
    t.middlewares.set(name, { pem: ybool(yget(p, 'pem')), info: !!yget(p, 'info'), custom, site: S(p ? ykeyPos(e.value, 'passTLSClientCert') : { line: e.keyLine, col: e.keyCol }) });
  }
  for (const [name, e] of yentries(yget(doc, 'tls', 'options'))) {
    const ca = yget(e.value, 'clientAuth');
    const o: TOption = { clientAuthType: ystr(yget(ca, 'clientAuthType')), caFiles: yitems(yget(ca, 'caFiles')).map((x) => ystr(x) ?? ''), site: S({ line: e.keyLine, col: e.keyCol }) };
    if (yget(ca, 'clientAuthType')) o.typeSite = S(ykeyPos(ca, 'clientAuthType'));
    t.options.set(name, o);
  }
  for (const [name, e] of yentries(yget(doc, 'http', 'services'))) {
    t.services.set(
      name,
      yitems(yget(e.value, 'loadBalancer', 'servers')).map((s) => ystr(yget(s, 'url')) ?? ''),
    );
  }
  return t;
}

/** TOML has no positions in smol-toml: find the line of a key (after its table header when possible). */
function tomlSite(file: string, text: string, table: string, key?: string): ConfigSite {
  const lines = text.split('\n');
  const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const parts = table.split('.');
  const hdr = new RegExp(`^\\s*\\[\\s*${parts.map((p) => `"?${esc(p)}"?`).join('\\s*\\.\\s*')}\\s*\\]`);
  let start = lines.findIndex((l) => hdr.test(l));
  if (start < 0) start = 0;
  if (key) {
    const kre = new RegExp(`^\\s*"?${esc(key)}"?\\s*=`);
    for (let i = start; i < lines.length; i++) if (kre.test(lines[i])) return site(file, i + 1, lines[i].search(/\S/) + 1, lines[i]);
  }
  return site(file, start + 1, 1, lines[start] ?? '');
}

export function traefikFromToml(file: string, text: string, data: Record<string, unknown>): TraefikConfig {
  const t: TraefikConfig = { file, routers: [], middlewares: new Map(), options: new Map(), services: new Map() };
  const obj = (v: unknown) => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {});
  const http = obj(data.http);
  for (const [name, v] of Object.entries(obj(http.routers))) {
    const r = obj(v);
    const tls = r.tls !== undefined ? obj(r.tls) : undefined;
    t.routers.push({
      name,
      service: typeof r.service === 'string' ? r.service : undefined,
      middlewares: Array.isArray(r.middlewares) ? r.middlewares.map(String) : [],
      tlsOptions: typeof tls?.options === 'string' ? tls.options : undefined,
      tls: !!tls,
      site: tomlSite(file, text, `http.routers.${name}`),
    });
  }
  for (const [name, v] of Object.entries(obj(http.middlewares))) {
    const m = obj(v);
    const p = m.passTLSClientCert !== undefined ? obj(m.passTLSClientCert) : undefined;
    const custom = Object.entries(obj(obj(m.headers).customRequestHeaders)).map(([k, x]) => ({ name: k, value: String(x) }));
    t.middlewares.set(name, { pem: p?.pem === true, info: p?.info !== undefined, custom, site: tomlSite(file, text, p ? `http.middlewares.${name}.passTLSClientCert` : `http.middlewares.${name}`, p ? 'pem' : undefined) });
  }
  for (const [name, v] of Object.entries(obj(obj(data.tls).options))) {
    const ca = obj(obj(v).clientAuth);
    const o: TOption = { clientAuthType: typeof ca.clientAuthType === 'string' ? ca.clientAuthType : undefined, caFiles: Array.isArray(ca.caFiles) ? ca.caFiles.map(String) : [], site: tomlSite(file, text, `tls.options.${name}`) };
    if (o.clientAuthType) o.typeSite = tomlSite(file, text, `tls.options.${name}.clientAuth`, 'clientAuthType');
    t.options.set(name, o);
  }
  for (const [name, v] of Object.entries(obj(http.services))) {
    const servers = obj(obj(v).loadBalancer).servers;
    t.services.set(name, Array.isArray(servers) ? servers.map((s) => String(obj(s).url ?? '')) : []);
  }
  return t;
}

/** Docker labels (`traefik.http.routers.r.tls.options=mtls@file`, `…passtlsclientcert.pem=true`). */
export function traefikFromLabels(svc: ComposeService): TraefikConfig | null {
  const labels = svc.labels.filter((l) => /^traefik\./i.test(l.key));
  if (!labels.length) return null;
  const t: TraefikConfig = { file: svc.file, routers: [], middlewares: new Map(), options: new Map(), services: new Map(), composeService: svc.name };
  const routers = new Map<string, TRouter>();
  let port: string | undefined;
  for (const l of labels) {
    const k = l.key.split('.');
    const lk = k.map((x) => x.toLowerCase());
    if (lk[1] === 'http' && lk[2] === 'routers' && k[3]) {
      const r = routers.get(k[3]) ?? { name: k[3], middlewares: [], tls: false, site: l.site };
      const rest = lk.slice(4).join('.');
      if (rest === 'service') r.service = l.value;
      else if (rest === 'middlewares') r.middlewares = l.value.split(',').map((s) => s.trim());
      else if (rest === 'tls.options') {
        r.tlsOptions = l.value;
        r.tls = true;
      } else if (rest === 'tls' || rest.startsWith('tls.')) r.tls = r.tls || l.value !== 'false';
      routers.set(k[3], r);
    } else if (lk[1] === 'http' && lk[2] === 'middlewares' && k[3]) {
      const m = t.middlewares.get(k[3]) ?? { custom: [], site: l.site };
      const rest = lk.slice(4).join('.');
      if (rest === 'passtlsclientcert.pem') {
        m.pem = /^true$/i.test(l.value);
        m.site = l.site;
      } else if (rest.startsWith('passtlsclientcert.info')) {
        m.info = true;
        m.site = l.site;
      } else if (rest.startsWith('headers.customrequestheaders.')) m.custom.push({ name: k.slice(6).join('.'), value: l.value });
      t.middlewares.set(k[3], m);
    } else if (lk[1] === 'http' && lk[2] === 'services' && lk.slice(4).join('.') === 'loadbalancer.server.port') {
      port = l.value;
    }
  }
  t.routers = [...routers.values()];
  t.services.set('__labels__', [`${svc.name}:${port ?? ''}`.replace(/:$/, '')]);
  for (const r of t.routers) r.service ??= '__labels__';
  return t;
}

/**
 * The client-auth policy Traefik applies: `caFiles` alone means RequireAndVerifyClientCert
 * (pkg/tls/tlsmanager.go sets it when CA files are given, and an explicit clientAuthType then
 * replaces it); neither means no client certificate is requested.
 */
export function effectiveClientAuthType(opt: { clientAuthType?: string; caFiles: string[] } | undefined): string | undefined {
  if (!opt) return undefined;
  if (opt.clientAuthType) return opt.clientAuthType;
  return opt.caFiles.length ? 'RequireAndVerifyClientCert' : undefined;
}

function verifyOf(type: string | undefined): VerifyMode {
  switch (type) {
    case 'RequireAndVerifyClientCert':
      return 'on';
    case 'VerifyClientCertIfGiven':
      return 'optional';
    case 'RequestClientCert':
    case 'RequireAnyClientCert':
      return 'optional_no_ca';
    default:
      return 'off';
  }
}

export function traefikEntryPoints(t: TraefikConfig, all: TraefikConfig[]): EntryPoint[] {
  const out: EntryPoint[] = [];
  const findMw = (n: string) => all.map((c) => c.middlewares.get(strip(n))).find(Boolean);
  const findOpt = (n: string) => all.map((c) => c.options.get(strip(n))).find(Boolean);
  const findSvc = (n: string) => (n === '__labels__' ? t.services.get(n) : all.map((c) => c.services.get(strip(n))).find(Boolean));
  for (const r of t.routers) {
    // A TLS router without explicit options uses tls.options.default.
    const opt = r.tlsOptions ? findOpt(r.tlsOptions) : r.tls ? findOpt('default') : undefined;
    const authType = effectiveClientAuthType(opt);
    const verify = r.tls || r.tlsOptions ? verifyOf(authType) : 'off';
    const alwaysCert = authType === 'RequireAndVerifyClientCert' || authType === 'RequireAnyClientCert';
    const headers: UpstreamHeader[] = [];
    for (const mn of r.middlewares) {
      const m = findMw(mn);
      if (!m) continue;
      const cond = alwaysCert ? undefined : 'only when the client presented a certificate';
      const add = (name: string, src: string) => headers.push({ name, wsgiKey: wsgiKey(name), source: src, overwrites: !cond, site: m.site, action: 'set', ...(cond ? { condition: cond } : {}) });
      if (m.pem) add('X-Forwarded-Tls-Client-Cert', 'passTLSClientCert pem (client certificate)');
      if (m.info) add('X-Forwarded-Tls-Client-Cert-Info', 'passTLSClientCert info (client certificate subject/issuer)');
      for (const c of m.custom) headers.push({ name: c.name, wsgiKey: wsgiKey(c.name), source: c.value, overwrites: true, site: m.site, action: c.value === '' ? 'remove' : 'set' });
    }
    const targets = r.service ? (findSvc(r.service) ?? []) : [];
    const ep: EntryPoint = {
      kind: 'traefik',
      name: `router ${r.name}`,
      site: r.site,
      listenerSite: r.site,
      verify,
      verifyEnforced: verify === 'on',
      headers,
      removed: headers.filter((h) => h.action === 'remove').map((h) => ({ pattern: h.name, match: 'exact' as const, site: h.site })),
      passesUnderscoreHeaders: true,
      underscoreSite: r.site,
      upstream: targets[0] ?? r.service,
      upstreamTargets: targets,
      upstreamSite: r.site,
      reachesApp: true,
    };
    if (opt) {
      ep.verifySite = opt.typeSite ?? opt.site;
      if (opt.caFiles.length) ep.caFile = opt.caFiles[0];
    }
    out.push(ep);
  }
  return out;
}
