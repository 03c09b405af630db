// Proxy snippets, rendered from templates/proxy/<kind>/ for what the scan found: the certificate
// header Django reads, the other certificate headers the code used to read (overwritten or
// removed), the provenance secret, CA/CRL paths and the upstream app server.

import type { ProxyKind } from '../deploy/model.js';
import type { RawKind } from '../python/flow.js';
import { PROXY_KINDS, proxyFix } from '../deploy/readers/index.js';
import { proxyTemplate, proxyTemplateNames, render } from './templates.js';
import { safeValue } from './safe-values.js';

export { PROXY_KINDS };
export { underscoreSpellings } from '../deploy/readers/snippets.js';

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

export function renderProxy(inp: ProxyInputs): RenderedFile[] {
  checkInputs(inp);
  const fix = proxyFix(inp.kind);
  const extras = inp.extraHeaders.filter((h) => h.name.toLowerCase() !== inp.certHeader.toLowerCase());
  const values: Record<string, string> = {
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
    ...fix.values({ certHeader: inp.certHeader, extras, allHeaders: [inp.certHeader, inp.secretHeader, ...extras.map((h) => h.name)], upstream: inp.upstream, tlsCert: inp.tlsCert }),
  };
  const have = new Set(proxyTemplateNames(inp.kind));
  return fix.files.map((f) => {
    if (!have.has(f.name)) throw new Error(`missing template proxy/${inp.kind}/${f.name}`);
    return { path: f.out, text: render(proxyTemplate(inp.kind, f.name), values), secret: f.secret };
  });
}

/** The header Django reads the certificate from: the proxy's own when it cannot rename it (Traefik). */
export function certHeaderFor(kind: ProxyKind, codeHeader: string | undefined): string {
  return proxyFix(kind).fixedCertHeader ?? codeHeader ?? 'X-SSL-Client-Cert';
}
