// The deployment model: what the proxies, app servers and containers in the scanned tree do
// with client certificates. Built by the deployment layer (src/deploy/), queried by rules.

import type { InputError, RelatedLocation } from '../core/types.js';

export type ProxyKind = 'nginx' | 'haproxy' | 'apache' | 'envoy' | 'traefik' | 'ingress-nginx';
export type VerifyMode = 'on' | 'optional' | 'optional_no_ca' | 'off' | 'unknown';

export interface ConfigSite {
  file: string;
  line: number;
  column?: number;
  /** The directive / key text, for evidence. */
  text: string;
}

/** A header the proxy sends upstream. */
export interface UpstreamHeader {
  /** As written (`X-SSL-Client-Cert`). */
  name: string;
  /** WSGI key Django sees (`HTTP_X_SSL_CLIENT_CERT`). */
  wsgiKey: string;
  /** Source expression (`$ssl_client_escaped_cert`, `%[ssl_c_der,base64]`, a literal secret…). */
  source: string;
  /** true when the directive replaces any client-sent value; false for add/append. */
  overwrites: boolean;
  site: ConfigSite;
}

/** One way into the app: a server/location (nginx), frontend/backend (HAProxy), listener/route… */
export interface EntryPoint {
  kind: ProxyKind;
  name: string;
  site: ConfigSite;
  verify: VerifyMode;
  verifySite?: ConfigSite;
  caFile?: string;
  crl?: ConfigSite;
  ocsp?: ConfigSite;
  /** Is the verification result enforced at the proxy (e.g. `if ($ssl_client_verify != SUCCESS) { return 403; }`)? */
  verifyEnforced: boolean;
  /** Is the verify result forwarded upstream (so Django may check it)? */
  verifyForwarded?: UpstreamHeader;
  headers: UpstreamHeader[];
  /** Headers with underscores in their names are passed through from clients. */
  passesUnderscoreHeaders: boolean;
  underscoreSite?: ConfigSite;
  /** Upstream target as written (`http://127.0.0.1:8000`, `unix:/run/app.sock`, `app:8000`). */
  upstream?: string;
  /** Does this entry point forward to the Django app? */
  reachesApp: boolean;
}

/** How an app server listens and who can reach it. */
export interface AppServer {
  kind: 'gunicorn' | 'uwsgi' | 'runserver' | 'daphne' | 'uvicorn' | 'mod_wsgi' | 'other';
  bind: string;
  site: ConfigSite;
  /** loopback / unix socket / all interfaces / published / cluster… */
  exposure: 'loopback' | 'unix' | 'container-internal' | 'published' | 'all-interfaces' | 'cluster' | 'unknown';
  exposureSites: ConfigSite[];
}

export interface DeploymentModel {
  entryPoints: EntryPoint[];
  appServers: AppServer[];
  errors: InputError[];
  /** Files recognised as deployment configuration, with their kind. */
  configs: { file: string; kind: string }[];
}

export function emptyDeployment(): DeploymentModel {
  return { entryPoints: [], appServers: [], errors: [], configs: [] };
}

/** WSGI normalisation of a header name: `X-SSL-Client-Cert` and `X_SSL_Client_Cert` → `HTTP_X_SSL_CLIENT_CERT`. */
export function wsgiKey(header: string): string {
  return 'HTTP_' + header.trim().toUpperCase().replace(/-/g, '_');
}

export interface ProvenanceVerdict {
  proven: boolean;
  reason: string;
  related: RelatedLocation[];
}
