// Deployment facts the code rules use (RULES.md "Facts from the deployment that code rules use").
// Owned by the deployment layer; conservative until proven: with no proxy config nothing is proven.
//
// - Provenance of a header key: every route to the app overwrites it in both spellings (the dash
//   spelling by a set/remove of that name, the underscore spellings because the proxy drops them or
//   a directive covers every spelling) AND every app server is reachable only from the proxy (unix
//   socket, loopback bind, a container port that is not published). A bind not in the tree, a
//   Kubernetes ClusterIP Service or a published port proves nothing.
// - Verified at the proxy: every route to the app verifies client certificates against a CA (`on`,
//   or `optional` with the result enforced) and provides the key from the certificate it verified,
//   with provenance for header keys.
// - Revocation at the proxy: verified, and every route also checks a CRL or OCSP.

import type { AppServer, DeploymentModel, EntryPoint, ProvenanceVerdict, RemovedHeader, UpstreamHeader } from './model.js';
import type { RelatedLocation } from '../core/types.js';
import { isCertSource, parseTarget } from './common.js';

const rel = (s: { file: string; line: number; column?: number }, message: string): RelatedLocation => {
  const r: RelatedLocation = { file: s.file, line: s.line, message };
  if (s.column !== undefined) r.column = s.column;
  return r;
};

/** The routes that reach the Django app. */
export function appRoutes(deploy: DeploymentModel): EntryPoint[] {
  return deploy.entryPoints.filter((e) => e.reachesApp);
}

/**
 * The routes a finding about the proxy's own configuration may be claimed on: those whose
 * configuration was read whole (see EntryPoint.unknown). The facts below still count every route:
 * an unknown one proves nothing.
 */
export function knownRoutes(deploy: DeploymentModel): EntryPoint[] {
  return appRoutes(deploy).filter((e) => !e.unknown);
}

/** The client spellings that map to a WSGI key: the dash form and underscore variants to test. */
export function spellings(wsgiKey: string): { dash: string; underscore: string[] } {
  const body = wsgiKey.replace(/^HTTP_/, '');
  const parts = body.split('_').map((p) => (p.length <= 1 || /^(SSL|TLS|DN|XFCC|ID|IP|CN|URI|PEM)$/.test(p) ? p : p.charAt(0) + p.slice(1).toLowerCase()));
  const dash = parts.join('-');
  const underscore = new Set<string>([parts.join('_')]);
  for (let i = 1; i < parts.length; i++) underscore.add(parts.map((p, j) => (j === 0 ? p : (j === i ? '_' : '-') + p)).join(''));
  underscore.delete(dash);
  return { dash, underscore: [...underscore].filter((u) => u.includes('_')) };
}

function removes(r: RemovedHeader, name: string): boolean {
  const n = name.toLowerCase();
  const p = r.pattern.toLowerCase();
  switch (r.match) {
    case 'exact':
      return n === p;
    case 'prefix':
      return n.startsWith(p.replace(/\*$/, ''));
    case 'suffix':
      return n.endsWith(p);
    case 'substring':
      return n.includes(p);
    case 'glob':
      return new RegExp('^' + p.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*') + '$').test(n);
    case 'regex':
      try {
        return new RegExp(r.pattern, 'i').test(name);
      } catch {
        return false;
      }
  }
}

export interface SpellingCoverage {
  /** Is the client's dash spelling (`X-SSL-Client-Cert`) replaced or removed on this route? */
  dash: boolean;
  /** Are the underscore spellings (`X_SSL_Client_Cert`) dropped, replaced or removed? */
  underscore: boolean;
  /** The directive that overwrites the dash spelling, if any. */
  by?: UpstreamHeader | RemovedHeader;
  /** Directives that set the same key without replacing the client's value (append, add-if-absent, conditional). */
  weak: UpstreamHeader[];
}

export function coverage(ep: EntryPoint, wsgiKey: string): SpellingCoverage {
  const { dash, underscore } = spellings(wsgiKey);
  const same = ep.headers.filter((h) => h.wsgiKey === wsgiKey);
  const weak = same.filter((h) => !h.overwrites);
  if (ep.dropsClientHeaders) return { dash: true, underscore: true, weak };
  const all = same.find((h) => h.overwrites && h.coversAllSpellings);
  if (all) return { dash: true, underscore: true, by: all, weak };
  const byDash = same.find((h) => h.overwrites && h.name.toLowerCase() === dash.toLowerCase()) ?? (ep.removed ?? []).find((r) => removes(r, dash));
  const removedAllUnderscore = underscore.length > 0 && underscore.every((u) => (ep.removed ?? []).some((r) => removes(r, u)));
  return { dash: !!byDash, underscore: !ep.passesUnderscoreHeaders || removedAllUnderscore, ...(byDash ? { by: byDash } : {}), weak };
}

const isolated = (a: AppServer) => a.exposure === 'loopback' || a.exposure === 'unix' || a.exposure === 'container-internal';

/** Does every route to the app overwrite `wsgiKey` (both spellings) and is the app reachable only from the proxy? */
export function provesProvenance(deploy: DeploymentModel, wsgiKey: string): ProvenanceVerdict {
  if (!/^HTTP_/.test(wsgiKey)) {
    return { proven: true, reason: `${wsgiKey} is a WSGI environ variable set by the server, not a request header`, related: [] };
  }
  const routes = appRoutes(deploy);
  if (!routes.length) return { proven: false, reason: 'no proxy route to the app in the scanned tree', related: [] };
  const related: RelatedLocation[] = [];
  for (const ep of routes) {
    if (ep.unknown) return { proven: false, reason: `what ${ep.kind} ${ep.name} forwards is unknown: ${ep.unknown.reason}`, related: [rel(ep.unknown.site, `${ep.kind} configuration not read: ${ep.unknown.reason}`)] };
    const c = coverage(ep, wsgiKey);
    if (!c.dash) {
      const s = c.weak[0]?.site ?? ep.upstreamSite ?? ep.site;
      return { proven: false, reason: `${ep.kind} ${ep.name} does not overwrite the client's ${spellings(wsgiKey).dash} header`, related: [rel(s, `${ep.kind} route ${ep.name} passes a client-sent ${spellings(wsgiKey).dash}`)] };
    }
    if (!c.underscore) {
      const s = ep.underscoreSite ?? ep.site;
      return { proven: false, reason: `${ep.kind} ${ep.name} passes header names with underscores (${spellings(wsgiKey).underscore[0]} reaches Django as ${wsgiKey})`, related: [rel(s, `${ep.kind} passes header names with underscores`)] };
    }
    if (c.by) related.push(rel(c.by.site, `${ep.kind} route ${ep.name} overwrites ${'pattern' in c.by ? c.by.pattern : c.by.name}`));
    else if (ep.dropsClientHeaders) related.push(rel(ep.dropsClientHeaders, `${ep.kind} route ${ep.name} forwards no client header`));
  }
  if (routes.every((r) => r.inProcess)) return { proven: true, reason: 'the app runs inside the proxy (mod_wsgi) and every route overwrites the header', related };
  const apps = deploy.appServers;
  if (!apps.length) return { proven: false, reason: 'no app server bind in the scanned tree: whether Django is reachable without the proxy is unknown', related: [] };
  for (const a of apps) {
    if (!isolated(a)) {
      const why = a.exposure === 'cluster' ? 'a ClusterIP Service or pod IP is reachable from every pod' : (a.exposureReason ?? `binds ${a.bind}`);
      return { proven: false, reason: `the ${a.kind} app server is reachable without the proxy: ${why}`, related: [rel(a.exposureSites[0] ?? a.site, `${a.kind} ${why}`)] };
    }
    related.push(rel(a.exposureSites[0] ?? a.site, `${a.kind} ${a.exposureReason ?? `binds ${a.bind}`}`));
  }
  return { proven: true, reason: 'every route to the app overwrites the header and the app server is reachable only from the proxy', related };
}

const verifies = (ep: EntryPoint) => !ep.ignoresVerifyErrors && (ep.verify === 'on' || ((ep.verify === 'optional' || ep.verify === 'optional_no_ca') && ep.verifyEnforced));

/** Does every route to the app verify client certificates against a CA (chain, dates, purpose checked by the proxy)? */
export function verifiedAtProxy(deploy: DeploymentModel, wsgiKey: string): { verified: boolean; related: RelatedLocation[] } {
  const routes = appRoutes(deploy);
  if (!routes.length) return { verified: false, related: [] };
  const related: RelatedLocation[] = [];
  for (const ep of routes) {
    if (ep.unknown || !verifies(ep)) return { verified: false, related: [] };
    const provided = ep.headers.find((h) => h.wsgiKey === wsgiKey && h.overwrites && h.action !== 'remove' && isCertSource(h.source));
    if (!provided) return { verified: false, related: [] };
    related.push(rel(ep.verifySite ?? ep.site, `${ep.kind} verifies client certificates against a CA (${ep.verifySite?.text ?? ep.verify})`));
    related.push(rel(provided.site, `${ep.kind} forwards the verified certificate as ${provided.name}`));
  }
  if (/^HTTP_/.test(wsgiKey)) {
    const p = provesProvenance(deploy, wsgiKey);
    if (!p.proven) return { verified: false, related: [] };
  }
  return { verified: true, related };
}

/** Does every route to the app also check revocation (CRL/OCSP) at the proxy? */
export function revocationAtProxy(deploy: DeploymentModel, wsgiKey: string): { checked: boolean; related: RelatedLocation[] } {
  const v = verifiedAtProxy(deploy, wsgiKey);
  if (!v.verified) return { checked: false, related: [] };
  const related: RelatedLocation[] = [];
  for (const ep of appRoutes(deploy)) {
    const s = ep.crl ?? ep.ocsp;
    if (!s) return { checked: false, related: [] };
    related.push(rel(s, `${ep.kind} checks revocation (${s.text})`));
  }
  return { checked: true, related };
}

/** What a route forwards with: `uwsgi_pass` speaks uwsgi, `fastcgi_pass` FastCGI, everything else HTTP. */
function forwardsWith(ep: EntryPoint): 'http' | 'uwsgi' | 'fastcgi' {
  const d = (ep.upstreamSite?.text ?? '').trim();
  return d.startsWith('uwsgi_pass') ? 'uwsgi' : d.startsWith('fastcgi_pass') ? 'fastcgi' : 'http';
}

/**
 * The app servers a route reaches: a bind that matches one of its upstream targets and speaks what
 * it forwards with (an HTTP `proxy_pass` cannot reach uWSGI's `socket =`). When none matches,
 * every app server of the tree (the route's target is not known well enough to exclude any).
 */
export function appServersOf(ep: EntryPoint, apps: AppServer[], opts: { exact?: boolean } = {}): AppServer[] {
  const targets = ep.upstreamTargets ?? [];
  const speaks = forwardsWith(ep);
  const hit = apps.filter(
    (a) =>
      (a.protocol === undefined || a.protocol === speaks) &&
      targets.some((raw) => {
        const t = parseTarget(raw);
        if (t.unix !== undefined) return !!a.unixPath && t.unix === a.unixPath;
        if (t.port === undefined) return !!a.service && t.host === a.service;
        if (a.port !== undefined && a.port !== t.port) return false;
        const host = t.host ?? '';
        return host === a.service || host === a.host || /^(127\.|localhost$|::1$)/.test(host) || a.host === undefined || /^(0\.0\.0\.0|::|\*)$/.test(a.host ?? '');
      }),
  );
  return hit.length || opts.exact ? hit : apps;
}
