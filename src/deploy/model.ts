// The deployment model: what the proxies, app servers and containers in the scanned tree do
// with client certificates. Built by the deployment layer (src/deploy/), queried by rules.

import type { InputError, RelatedLocation } from '../core/types.js';

/**
 * The proxy kinds: each proxy reader adds its own (`declare module '../model.js'` in
 * deploy/readers/<kind>.ts), so adding a proxy does not touch this file.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface ProxyKinds {}
export type ProxyKind = keyof ProxyKinds;
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
  /**
   * true when every client spelling of the key is replaced (nginx `uwsgi_param HTTP_X_…`, whose
   * client headers nginx skips after WSGI-style normalisation; a server-set environ variable).
   */
  coversAllSpellings?: boolean;
  /** set: replace; append: add to the client's value; add-if-absent: keep the client's value; remove. */
  action?: 'set' | 'append' | 'add-if-absent' | 'remove';
  /** Not a header but a WSGI environ variable the server sets itself (`uwsgi_param SSL_CLIENT_CERT`, mod_ssl `+ExportCertData`). */
  environ?: boolean;
  /** The directive only applies under a condition (HAProxy `if { ssl_c_used }`): client copies pass otherwise. */
  condition?: string;
}

/** A client header the proxy deletes before forwarding (`http-request del-header`, `RequestHeader unset`). */
export interface RemovedHeader {
  /** Name or pattern as written. */
  pattern: string;
  match: 'exact' | 'prefix' | 'suffix' | 'substring' | 'regex' | 'glob';
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
  /** Resolved upstream targets (`127.0.0.1:8000`, `unix:/run/app.sock`, `web:8000`). */
  upstreamTargets?: string[];
  /** The directive that forwards to the upstream (`proxy_pass`, `use_backend`, route `cluster`). */
  upstreamSite?: ConfigSite;
  /** The server / frontend / listener definition (for findings about a risky default). */
  listenerSite?: ConfigSite;
  /** Client headers deleted before forwarding. */
  removed?: RemovedHeader[];
  /** The proxy forwards no client header at all (`proxy_pass_request_headers off`). */
  dropsClientHeaders?: ConfigSite;
  /** Where the verify result is enforced. */
  enforceSite?: ConfigSite;
  /** Envoy `forward_client_cert_details` (and where). */
  xfcc?: { mode: string; site: ConfigSite };
  /** Chain verification errors are ignored (HAProxy `crt-ignore-err` with `all` or an issuer/signature error). */
  ignoresVerifyErrors?: ConfigSite;
  /** Whether the proxy checks a CRL cannot be told from the tree (an ingress secret or an Envoy SDS secret served from elsewhere). */
  crlUnknown?: boolean;
  /** A CRL is configured but its "revoked" verdict is ignored (HAProxy `crt-ignore-err 23` or `all`): it checks nothing. */
  crlIgnored?: ConfigSite;
  /** The proxy uses the client certificate itself (routing, access decisions) even if it forwards nothing. */
  usesCert?: ConfigSite;
  /**
   * Part of this route's configuration could not be read (an `include` that is not in the tree,
   * include expansion cut off by its budget): the headers it sets and the verification it does are
   * unknown, so nothing is proven from it and no header finding is claimed on it.
   */
  unknown?: { site: ConfigSite; reason: string };
  /** The app runs inside the proxy process (Apache mod_wsgi): no separate app server to reach. */
  inProcess?: boolean;
}

/** How an app server listens and who can reach it. */
export interface AppServer {
  kind: 'gunicorn' | 'uwsgi' | 'runserver' | 'daphne' | 'uvicorn' | 'hypercorn' | 'granian' | 'waitress' | 'mod_wsgi' | 'other';
  bind: string;
  site: ConfigSite;
  /** loopback / unix socket / all interfaces / published / cluster… */
  exposure: 'loopback' | 'unix' | 'container-internal' | 'published' | 'all-interfaces' | 'cluster' | 'unknown';
  exposureSites: ConfigSite[];
  host?: string;
  port?: number;
  unixPath?: string;
  /** Where the process runs: a container (Dockerfile, compose, k8s), the host (systemd, Procfile), or unknown. */
  context?: 'host' | 'container' | 'unknown';
  /** Compose service / k8s workload that runs it. */
  service?: string;
  /** Why `exposure` was decided, for messages. */
  exposureReason?: string;
  /** The server maps header names with underscores onto HTTP_ keys (Django's runserver drops them). */
  mapsUnderscoreHeaders?: boolean;
  /** What it speaks on this bind when the config says (uWSGI `socket =` speaks uwsgi, `http =` HTTP); unset: HTTP or not known. */
  protocol?: 'http' | 'uwsgi' | 'fastcgi';
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
