// Envoy v3 (YAML): listeners → filter chains (DownstreamTlsContext: require_client_certificate,
// validation_context trusted_ca / crl / trust_chain_verification) → HTTP connection manager
// (forward_client_cert_details, set_current_client_cert_details, headers_with_underscores_action,
// route_config request_headers_to_add/remove at route-config, virtual-host and route level) →
// clusters and their endpoints. Static `static_resources` and LDS/CDS `resources` files.

import type { ConfigSite, EntryPoint, UpstreamHeader, VerifyMode } from './model.js';
import { wsgiKey } from './model.js';
import { type YNode, yget, ykeyPos, ystr, yitems, ybool, ywalkMaps } from './yaml-tree.js';
import { lineOf, site } from './common.js';

export function isEnvoy(doc: YNode): boolean {
  if (yget(doc, 'static_resources')) return true;
  const res = yitems(yget(doc, 'resources'));
  return res.some((r) => /envoy\.config\.(listener|cluster)\.v3/.test(ystr(yget(r, '@type')) ?? ''));
}

const XFCC = 'x-forwarded-client-cert';

export function envoyEntryPoints(file: string, text: string, doc: YNode): EntryPoint[] {
  const S = (p: { line: number; col: number }) => site(file, p.line, p.col, lineOf(text, p.line));
  const listeners = [...yitems(yget(doc, 'static_resources', 'listeners')), ...yitems(yget(doc, 'resources')).filter((r) => /Listener$/.test(ystr(yget(r, '@type')) ?? ''))];
  const clusters = new Map<string, string[]>();
  for (const c of [...yitems(yget(doc, 'static_resources', 'clusters')), ...yitems(yget(doc, 'resources')).filter((r) => /Cluster$/.test(ystr(yget(r, '@type')) ?? ''))]) {
    const name = ystr(yget(c, 'name')) ?? '';
    const targets: string[] = [];
    ywalkMaps(c, (m) => {
      const sa = yget(m, 'socket_address');
      if (sa) targets.push(`${ystr(yget(sa, 'address')) ?? ''}:${ystr(yget(sa, 'port_value')) ?? ''}`);
      const pipe = yget(m, 'pipe');
      if (pipe) targets.push(`unix:${ystr(yget(pipe, 'path')) ?? ''}`);
    });
    clusters.set(name, targets);
  }
  // SDS secrets defined in this file, by name (`static_resources.secrets[].validation_context`).
  const secrets = new Map<string, YNode>();
  for (const sec of yitems(yget(doc, 'static_resources', 'secrets'))) {
    const name = ystr(yget(sec, 'name'));
    if (name) secrets.set(name, sec);
  }
  const out: EntryPoint[] = [];
  for (const l of listeners) {
    const lname = ystr(yget(l, 'name')) ?? 'listener';
    const lsite = S(ykeyPos(l, 'name'));
    // The default filter chain serves connections no filter_chain_match selects: another way in.
    const chains = [...yitems(yget(l, 'filter_chains'))];
    const dfc = yget(l, 'default_filter_chain');
    if (dfc) chains.push(dfc);
    for (const fc of chains) {
      // TLS context.
      const tls = yget(fc, 'transport_socket', 'typed_config');
      let verify: VerifyMode = 'off';
      let verifySite: ConfigSite | undefined;
      let ca: string | undefined;
      let crl: ConfigSite | undefined;
      let crlUnknown = false;
      if (tls) {
        const v = validationContext(yget(tls, 'common_tls_context'), secrets);
        const vc = v.node;
        const req = ybool(yget(tls, 'require_client_certificate')) === true;
        const trusted = yget(vc, 'trusted_ca');
        const untrusted = ystr(yget(vc, 'trust_chain_verification')) === 'ACCEPT_UNTRUSTED';
        if (trusted) ca = ystr(yget(trusted, 'filename')) ?? 'inline';
        if (yget(vc, 'crl')) crl = S(ykeyPos(vc, 'crl'));
        if (v.external) {
          // An SDS secret served from elsewhere: Envoy fetches a CA bundle (and perhaps a CRL) we
          // cannot see. The CA is taken as present (an SDS validation context without one is
          // rejected); whether a CRL comes with it is unknown, so no revocation claim either way.
          ca = `SDS secret ${v.external}`;
          crlUnknown = true;
          verify = req ? 'on' : 'optional';
        } else if (trusted && !untrusted) verify = req ? 'on' : 'optional';
        else if (req || vc) verify = 'optional_no_ca';
        verifySite = yget(tls, 'require_client_certificate') ? S(ykeyPos(tls, 'require_client_certificate')) : v.key ? S(ykeyPos(yget(tls, 'common_tls_context'), v.key)) : undefined;
      }
      for (const f of yitems(yget(fc, 'filters'))) {
        const hcm = yget(f, 'typed_config');
        if (!/http_connection_manager/.test(ystr(yget(f, 'name')) ?? '') && !/HttpConnectionManager/.test(ystr(yget(hcm, '@type')) ?? '')) continue;
        const mode = ystr(yget(hcm, 'forward_client_cert_details')) ?? 'SANITIZE';
        const modeSite = yget(hcm, 'forward_client_cert_details') ? S(ykeyPos(hcm, 'forward_client_cert_details')) : S(ykeyPos(f, 'name'));
        const uscore = ystr(yget(hcm, 'common_http_protocol_options', 'headers_with_underscores_action')) ?? 'ALLOW';
        const base: UpstreamHeader[] = [];
        const xs = (src: string, overwrites: boolean, action: UpstreamHeader['action']) => base.push({ name: XFCC, wsgiKey: wsgiKey(XFCC), source: src, overwrites, site: modeSite, action });
        const scd = yget(hcm, 'set_current_client_cert_details');
        const parts = scd ? ['subject', 'cert', 'chain', 'dns', 'uri'].filter((k) => ybool(yget(scd, k))) : [];
        const xsrc = `XFCC (By, Hash${parts.length ? ', ' + parts.join(', ') : ''}) of the client certificate`;
        if (mode === 'SANITIZE') xs('', true, 'remove');
        else if (mode === 'SANITIZE_SET') xs(xsrc, true, 'set');
        else if (mode === 'APPEND_FORWARD') xs(xsrc, false, 'append');
        // FORWARD_ONLY / ALWAYS_FORWARD_ONLY: the client's XFCC goes upstream untouched.
        const rc = yget(hcm, 'route_config');
        const addHeaders = (n: YNode | undefined, into: UpstreamHeader[]) => {
          for (const h of yitems(yget(n, 'request_headers_to_add'))) {
            const key = ystr(yget(h, 'header', 'key')) ?? '';
            const value = ystr(yget(h, 'header', 'value')) ?? '';
            const aa = ystr(yget(h, 'append_action'));
            const ap = ybool(yget(h, 'append'));
            let action: UpstreamHeader['action'] = 'append';
            if (aa) action = aa === 'APPEND_IF_EXISTS_OR_ADD' ? 'append' : aa === 'ADD_IF_ABSENT' ? 'add-if-absent' : 'set';
            else if (ap === false) action = 'set';
            for (let i = into.length - 1; i >= 0; i--) if (action === 'set' && into[i].name.toLowerCase() === key.toLowerCase()) into.splice(i, 1);
            into.push({ name: key, wsgiKey: wsgiKey(key), source: value, overwrites: action === 'set', site: S(h), action });
          }
          for (const r of yitems(yget(n, 'request_headers_to_remove'))) {
            const key = ystr(r) ?? '';
            into.push({ name: key, wsgiKey: wsgiKey(key), source: '', overwrites: true, site: S(r), action: 'remove' });
          }
        };
        const vhosts = yitems(yget(rc, 'virtual_hosts'));
        for (const vh of vhosts) {
          for (const route of yitems(yget(vh, 'routes'))) {
            const cluster = ystr(yget(route, 'route', 'cluster'));
            if (!cluster && !yget(route, 'route')) continue;
            // Envoy applies route, then virtual host, then route configuration headers.
            const headers: UpstreamHeader[] = [...base];
            addHeaders(rc, headers);
            addHeaders(vh, headers);
            addHeaders(route, headers);
            const match = yget(route, 'match');
            const prefix = ystr(yget(match, 'prefix')) ?? ystr(yget(match, 'path')) ?? ystr(yget(match, 'safe_regex', 'regex')) ?? '';
            const routeSite = S(route);
            const targets = cluster ? (clusters.get(cluster) ?? []) : [];
            const ep: EntryPoint = {
              kind: 'envoy',
              name: `listener ${lname} > virtual host ${ystr(yget(vh, 'name')) ?? ''} > route ${prefix}`,
              site: lsite,
              listenerSite: lsite,
              verify,
              verifyEnforced: verify === 'on',
              headers,
              removed: headers.filter((h) => h.action === 'remove').map((h) => ({ pattern: h.name, match: 'exact' as const, site: h.site })),
              passesUnderscoreHeaders: uscore === 'ALLOW',
              upstream: cluster,
              upstreamTargets: targets,
              upstreamSite: cluster ? S(ykeyPos(yget(route, 'route'), 'cluster')) : routeSite,
              reachesApp: true,
              xfcc: { mode, site: modeSite },
            };
            if (verifySite) ep.verifySite = verifySite;
            if (ca) ep.caFile = ca;
            if (crl) ep.crl = crl;
            if (crlUnknown) ep.crlUnknown = true;
            if (fc === dfc) ep.name += ' (default filter chain)';
            ep.underscoreSite = yget(hcm, 'common_http_protocol_options', 'headers_with_underscores_action') ? S(ykeyPos(yget(hcm, 'common_http_protocol_options'), 'headers_with_underscores_action')) : lsite;
            const vf = headers.find((h) => /%DOWNSTREAM_PEER_CERT_V|VERIFY/i.test(h.source) && h.action !== 'remove');
            if (vf) ep.verifyForwarded = vf;
            out.push(ep);
          }
        }
      }
    }
  }
  return out;
}

/**
 * The validation context a DownstreamTlsContext uses: `validation_context`, or the default one of
 * a `combined_validation_context` (whose SDS part is merged over it), or an SDS secret by name —
 * resolved from this file's `static_resources.secrets` when it is there, else `external` names it.
 */
function validationContext(ctx: YNode | undefined, secrets: Map<string, YNode>): { node?: YNode; external?: string; key?: string } {
  if (!ctx) return {};
  const direct = yget(ctx, 'validation_context');
  if (direct) return { node: direct, key: 'validation_context' };
  const sdsOf = (cfg: YNode | undefined): { node?: YNode; external?: string } => {
    const name = ystr(yget(cfg, 'name'));
    if (!name) return {};
    const sec = secrets.get(name);
    const vc = sec ? yget(sec, 'validation_context') : undefined;
    return vc ? { node: vc } : { external: name };
  };
  const combined = yget(ctx, 'combined_validation_context');
  if (combined) {
    const dflt = yget(combined, 'default_validation_context');
    const sds = sdsOf(yget(combined, 'validation_context_sds_secret_config'));
    // Envoy merges the SDS context over the default one: a CA from either side counts.
    if (sds.node && !yget(dflt, 'trusted_ca')) return { node: sds.node, key: 'combined_validation_context' };
    if (sds.external && !yget(dflt, 'trusted_ca')) return { external: sds.external, key: 'combined_validation_context' };
    return { node: dflt, key: 'combined_validation_context' };
  }
  const sdsCfg = yget(ctx, 'validation_context_sds_secret_config');
  if (sdsCfg) return { ...sdsOf(sdsCfg), key: 'validation_context_sds_secret_config' };
  return {};
}
