// Proxy snippets, rendered from templates/proxy/<kind>/ for what the scan found: the certificate
// header Django reads, the other certificate headers the code used to read (overwritten or
// removed), the provenance secret, CA/CRL paths and the upstream app server.

import type { ProxyKind } from '../deploy/model.js';
import type { RawKind } from '../python/flow.js';
import { parseTarget } from '../deploy/common.js';
import { proxyTemplate, proxyTemplateNames, render } from './templates.js';
import { safeValue } from './safe-values.js';

export const PROXY_KINDS: readonly ProxyKind[] = ['nginx', 'haproxy', 'apache', 'envoy', 'traefik', 'ingress-nginx'];

export interface ProxyInputs {
  kind: ProxyKind;
  /** Dash spelling of the header that carries the certificate (`X-SSL-Client-Cert`). */
  certHeader: string;
  secretHeader: string;
  secret: string;
  /** Other certificate/identity headers the project's code read: overwritten or removed. */
  extraHeaders: { name: string; kind: RawKind }[];
  caFile: string;
  crlFile: string;
  /** `http://127.0.0.1:8000`, `unix:/run/app.sock`, `web:8000`. */
  upstream: string;
  serverName: string;
  tlsCert: string;
  tlsKey: string;
  /** nginx: directory (relative to nginx's conf dir) the snippets are installed in. */
  includeDir: string;
  namespace: string;
}

export interface RenderedFile {
  /** Relative to deploy/mtls-audit/. */
  path: string;
  text: string;
  /** Holds the provenance secret: written mode 600. */
  secret: boolean;
}

/** Every value that reaches a template must fit its grammar (fix/safe-values.ts). */
function checkInputs(inp: ProxyInputs): void {
  safeValue('header name', 'the certificate header', inp.certHeader);
  safeValue('header name', 'the provenance header', inp.secretHeader);
  for (const h of inp.extraHeaders) safeValue('header name', 'a certificate header the code reads', h.name);
  safeValue('path', 'the client CA file', inp.caFile);
  safeValue('path', 'the CRL file', inp.crlFile);
  safeValue('path', 'the server certificate', inp.tlsCert);
  safeValue('path', 'the server key', inp.tlsKey);
  safeValue('path', 'the include directory', inp.includeDir);
  safeValue('upstream', 'the app server upstream', inp.upstream);
  safeValue('server name', 'the server name', inp.serverName);
  if (!/^[0-9a-f]{64}$/.test(inp.secret)) throw new Error('provenance secret: 64 hex digits expected');
}

/** Every spelling of a dash header name with at least one underscore (`X_SSL-Client-Cert`, …). */
export function underscoreSpellings(dash: string): string[] {
  const parts = dash.split('-');
  const n = parts.length - 1;
  const out: string[] = [];
  for (let mask = 1; mask < 1 << n && n <= 6; mask++) {
    let s = parts[0];
    for (let i = 1; i < parts.length; i++) s += (mask & (1 << (i - 1)) ? '_' : '-') + parts[i];
    out.push(s);
  }
  return out;
}

/** nginx variable for a header the code read, when nginx has the same value; '' removes the header. */
function nginxVar(kind: RawKind): string {
  switch (kind) {
    case 'pem':
      return '$ssl_client_escaped_cert';
    case 'dn':
      return '$ssl_client_s_dn';
    case 'issuer-dn':
      return '$ssl_client_i_dn';
    case 'verify':
      return '$ssl_client_verify';
    case 'serial':
      return '$ssl_client_serial';
    default:
      return '""';
  }
}

function envoyVar(kind: RawKind): string | null {
  switch (kind) {
    case 'pem':
      return '%DOWNSTREAM_PEER_CERT%';
    case 'dn':
      return '%DOWNSTREAM_PEER_SUBJECT%';
    case 'issuer-dn':
      return '%DOWNSTREAM_PEER_ISSUER%';
    case 'serial':
      return '%DOWNSTREAM_PEER_SERIAL%';
    case 'fingerprint':
      return '%DOWNSTREAM_PEER_FINGERPRINT_256%';
    default:
      return null;
  }
}

function hostPort(upstream: string): { host: string; port: number; unix?: string } {
  const t = parseTarget(upstream);
  if (t.unix) return { host: '127.0.0.1', port: 8000, unix: t.unix };
  return { host: t.host ?? '127.0.0.1', port: t.port ?? 8000 };
}

function httpUrl(upstream: string): string {
  const t = hostPort(upstream);
  if (t.unix) return `http://unix:${t.unix}:`;
  return `http://${t.host.includes(':') ? `[${t.host}]` : t.host}:${t.port}`;
}

export function renderProxy(inp: ProxyInputs): RenderedFile[] {
  checkInputs(inp);
  const up = hostPort(inp.upstream);
  const extras = inp.extraHeaders.filter((h) => h.name.toLowerCase() !== inp.certHeader.toLowerCase());
  const base = {
    CA_FILE: inp.caFile,
    CRL_FILE: inp.crlFile,
    CERT_HEADER: inp.certHeader,
    SECRET_HEADER: inp.secretHeader,
    SECRET: inp.secret,
    SERVER_NAME: inp.serverName,
    TLS_CERT: inp.tlsCert,
    TLS_KEY: inp.tlsKey,
    INCLUDE_DIR: inp.includeDir,
    NAMESPACE: inp.namespace,
  };
  const allHeaders = [inp.certHeader, inp.secretHeader, ...extras.map((h) => h.name)];
  const values: Record<string, string> = { ...base };
  const files: { name: string; out: string; secret: boolean }[] = [];
  switch (inp.kind) {
    case 'nginx':
      values.EXTRA_HEADERS = extras.map((h) => `proxy_set_header ${h.name} ${nginxVar(h.kind)};`).join('\n');
      values.UPSTREAM = up.unix ? `http://unix:${up.unix}:` : httpUrl(inp.upstream);
      files.push(
        { name: 'mtls-server.conf', out: 'nginx/mtls-server.conf', secret: false },
        { name: 'mtls-proxy.conf', out: 'nginx/mtls-proxy.conf', secret: false },
        { name: 'mtls-proxy-secret.conf', out: 'nginx/mtls-proxy-secret.conf', secret: true },
        { name: 'site.conf', out: 'nginx/site.conf', secret: false },
      );
      break;
    case 'haproxy':
      values.EXTRA_HEADERS = extras.map((h) => `http-request del-header ${h.name}`).join('\n');
      values.UPSTREAM = up.unix ? up.unix : `${up.host.includes(':') ? `[${up.host}]` : up.host}:${up.port}`;
      values.BIND = ':443';
      values.TLS_PEM = inp.tlsCert.replace(/\.(crt|pem|cer)$/, '') + '.pem';
      files.push({ name: 'haproxy.cfg', out: 'haproxy/haproxy.cfg', secret: true });
      break;
    case 'apache':
      values.UNDERSCORE_UNSETS = allHeaders.flatMap((h) => underscoreSpellings(h).map((u) => `RequestHeader unset ${u} early`)).join('\n');
      values.EXTRA_HEADERS = extras.map((h) => `RequestHeader unset ${h.name}`).join('\n');
      values.UPSTREAM = up.unix ? `unix:${up.unix}|http://localhost` : httpUrl(inp.upstream);
      files.push({ name: 'mtls-site.conf', out: 'apache/mtls-site.conf', secret: true });
      break;
    case 'envoy': {
      const add = extras.filter((h) => envoyVar(h.kind));
      const remove = extras.filter((h) => !envoyVar(h.kind));
      values.EXTRA_HEADERS = add.map((h) => `- header: { key: ${h.name}, value: "${envoyVar(h.kind)}" }\n  append_action: OVERWRITE_IF_EXISTS_OR_ADD`).join('\n');
      values.REMOVE_HEADERS = remove.length ? `request_headers_to_remove:\n${remove.map((h) => `  - ${h.name}`).join('\n')}` : '';
      values.UPSTREAM_HOST = up.host;
      values.UPSTREAM_PORT = String(up.port);
      files.push({ name: 'envoy.yaml', out: 'envoy/envoy.yaml', secret: true });
      break;
    }
    case 'traefik': {
      const names = [...allHeaders.filter((h) => h !== inp.certHeader), 'X-Forwarded-Tls-Client-Cert'];
      const lines = [
        ...extras.map((h) => `${h.name}: ""`),
        ...names.flatMap((h) => underscoreSpellings(h).map((u) => `${u}: ""`)),
      ];
      values.EXTRA_HEADERS = lines.join('\n');
      values.UPSTREAM = httpUrl(inp.upstream);
      files.push({ name: 'dynamic.yml', out: 'traefik/dynamic.yml', secret: true });
      break;
    }
    case 'ingress-nginx':
      values.EXTRA_HEADERS = extras.map((h) => `proxy_set_header ${h.name} ${nginxVar(h.kind)};`).join('\n');
      values.UPSTREAM_HOST = /^[a-z]([-a-z0-9]*[a-z0-9])?$/.test(up.host) && up.host !== 'localhost' ? up.host : 'django';
      values.UPSTREAM_PORT = String(up.port);
      files.push({ name: 'ingress.yaml', out: 'ingress-nginx/ingress.yaml', secret: true });
      break;
  }
  const have = new Set(proxyTemplateNames(inp.kind));
  return files.map((f) => {
    if (!have.has(f.name)) throw new Error(`missing template proxy/${inp.kind}/${f.name}`);
    return { path: f.out, text: render(proxyTemplate(inp.kind, f.name), values), secret: f.secret };
  });
}

/** The header Django reads the certificate from, per proxy kind (Traefik cannot rename its own). */
export function certHeaderFor(kind: ProxyKind, codeHeader: string | undefined): string {
  if (kind === 'traefik') return 'X-Forwarded-Tls-Client-Cert';
  return codeHeader ?? 'X-SSL-Client-Cert';
}
