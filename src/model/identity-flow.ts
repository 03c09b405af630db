// The identity-flow picture of a scan: for every proxy route that reaches the Django app, the path a
// client identity takes — client → proxy (verify mode, headers it sets) → app server (who can reach
// it) → Django views/middleware (which checks happen, which are missing) — with the links that
// findings break. Built once per scan from the deployment model, the certificate flows of the code
// model and the findings: the rules decide what is broken (and say, in `meta.diagram`, which link or
// check they are about); this module only places their findings on the picture. The types are in
// core/identity-flow.ts; the HTML reporter draws it.

import type { Finding } from '../core/types.js';
import type { AppServer, EntryPoint } from '../deploy/model.js';
import { pinnedByFingerprint, type CertFlow, type FlowEvent } from '../python/flow.js';
import type { ProjectModel } from './project.js';
import { appRoutes, appServersOf, coverage, provesProvenance, spellings } from '../deploy/facts.js';
import { isCertSource } from '../deploy/common.js';
import { flowViewKeys, forwardsTo, literalPath, routeShape, routesByView, tlsSummary, type RouteShape } from './identity-routes.js';
import {
  CHECK_ORDER,
  findingKey,
  uniq,
  worst,
  type CheckName,
  type DiagramPlace,
  type FlowCheck,
  type FlowFact,
  type FlowHandler,
  type FlowLink,
  type FlowNode,
  type FlowRef,
  type IdentityFlow,
  type LinkState,
} from '../core/identity-flow.js';

/** Where a rule's findings go on the picture (the rule registry answers from the metas). */
export type PlaceOf = (ruleId: string) => DiagramPlace | undefined;

// ---------------------------------------------------------------------------------------------
// Small helpers

const ref = (s: { file: string; line: number } | undefined): FlowRef | undefined => (s ? { file: s.file, line: s.line } : undefined);
const sameSite = (a: { file?: string; line?: number }, b: { file: string; line: number } | undefined): boolean => !!b && a.file === b.file && a.line === b.line;
const locs = (f: Finding): { file?: string; line?: number }[] => [f.location, ...(f.related ?? [])];

const verifies = (ep: EntryPoint) => !ep.ignoresVerifyErrors && (ep.verify === 'on' || (ep.verify === 'optional' && ep.verifyEnforced));
const isolated = (a: AppServer) => a.exposure === 'loopback' || a.exposure === 'unix' || a.exposure === 'container-internal';

/** Every config site an entry point is made of, split by the link it belongs to. */
function epSites(ep: EntryPoint): { tls: FlowRef[]; headers: FlowRef[]; listener: FlowRef[] } {
  const tls = [ep.verifySite, ep.crl, ep.ocsp, ep.enforceSite, ep.ignoresVerifyErrors, ep.usesCert, ep.verifyForwarded?.site].filter((x): x is NonNullable<typeof x> => !!x);
  const headers = [ep.upstreamSite, ep.underscoreSite, ep.dropsClientHeaders, ep.xfcc?.site, ...ep.headers.map((h) => h.site), ...(ep.removed ?? []).map((r) => r.site)].filter((x): x is NonNullable<typeof x> => !!x);
  const listener = [ep.site, ep.listenerSite].filter((x): x is NonNullable<typeof x> => !!x);
  return { tls: tls.map((s) => ref(s)!), headers: headers.map((s) => ref(s)!), listener: listener.map((s) => ref(s)!) };
}

function appSites(a: AppServer): FlowRef[] {
  return [a.site, ...a.exposureSites].map((s) => ref(s)!);
}

// ---------------------------------------------------------------------------------------------
// Scan: one picture per proxy route that reaches the app

interface Ctx {
  model: ProjectModel;
  findings: Finding[];
  keyOf: Map<Finding, string>;
  routes: { byView: Map<string, string[]>; byDef: Map<string, string[]> };
  shapes: Map<EntryPoint, RouteShape | null>;
  /** Findings placed inside some handler (the rest of the Django findings are shown at node level). */
  placed: Set<Finding>;
  /** Findings with a file and line, per file, sorted by line (each flow looks up its own ranges). */
  byFile: Map<string, { line: number; index: number; f: Finding }[]>;
  /** A rule's place in the picture (its `meta.diagram`). */
  place: PlaceOf;
}

function indexByFile(findings: Finding[]): Ctx['byFile'] {
  const out: Ctx['byFile'] = new Map();
  findings.forEach((f, index) => {
    const { file, line } = f.location;
    if (!file || !line) return;
    const list = out.get(file);
    if (list) list.push({ line, index, f });
    else out.set(file, [{ line, index, f }]);
  });
  for (const list of out.values()) list.sort((a, b) => a.line - b.line || a.index - b.index);
  return out;
}

/** The findings inside a flow's functions (or on its root), in report order: binary search per function range, not a pass over every finding per flow. */
function findingsInFlow(ctx: Ctx, flow: CertFlow): Finding[] {
  const hit = new Map<number, Finding>();
  const take = (file: string, from: number, to: number) => {
    const list = ctx.byFile.get(file);
    if (!list) return;
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (list[mid].line < from) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo; i < list.length && list[i].line <= to; i++) hit.set(list[i].index, list[i].f);
  };
  for (const fn of flow.functions) take(fn.module.path, fn.node.line, fn.node.endLine);
  if (flow.root.file && flow.root.line) take(flow.root.file, flow.root.line, flow.root.line);
  return [...hit.entries()].sort((a, b) => a[0] - b[0]).map((e) => e[1]);
}

function eventSite(e: FlowEvent): FlowRef {
  return { file: e.module.path, line: e.node.line };
}

/** The Django checks of one flow, as seen from one proxy route. */
function checksOf(ctx: Ctx, flow: CertFlow, ep: EntryPoint | null, flowFindings: Finding[]): FlowCheck[] {
  const checks = new Map<CheckName, FlowCheck>();
  const put = (c: FlowCheck) => {
    const have = checks.get(c.name);
    if (!have) checks.set(c.name, c);
    else if (c.state === 'missing' && have.state !== 'missing') checks.set(c.name, { ...c, findings: uniq([...have.findings, ...c.findings]) });
    else if (c.state === have.state) have.findings = uniq([...have.findings, ...c.findings]);
  };
  for (const f of flowFindings) {
    const name = ctx.place(f.ruleId)?.check;
    if (!name) continue;
    put({ name, state: 'missing', detail: f.ruleId, site: f.location.file && f.location.line ? { file: f.location.file, line: f.location.line } : undefined, findings: [ctx.keyOf.get(f)!] });
  }
  const code = ctx.model.code;
  const events = [...flow.events, ...(code.globalProvenance ?? [])];
  for (const e of events) {
    if (e.t === 'check') {
      const name: CheckName = e.what === 'chain' ? 'chain' : e.what === 'validity' ? 'validity' : e.what === 'eku' ? 'eku' : e.what === 'revocation' ? 'revocation' : 'provenance';
      put({ name, state: 'done', detail: e.detail || e.module.text(e.node).split('\n')[0].slice(0, 80), site: eventSite(e), findings: [] });
    } else if (e.t === 'validity-compare') {
      put({ name: 'validity', state: 'done', detail: e.module.text(e.node).split('\n')[0].slice(0, 80), site: eventSite(e), findings: [] });
    } else if (e.t === 'lookup' && flow.events.includes(e)) {
      put({ name: 'identity', state: 'done', detail: e.module.text(e.node).split('\n')[0].slice(0, 80), site: eventSite(e), findings: [] });
    } else if (e.t === 'session-compare') {
      put({ name: 'session', state: 'done', detail: e.module.text(e.node).split('\n')[0].slice(0, 80), site: eventSite(e), findings: [] });
    }
  }
  // What the proxy of this route checks on the certificate it forwards.
  if (ep && verifies(ep)) {
    const certKeys = flow.reads.filter((r) => r.kind !== 'user').map((r) => r.key);
    const forwarded = ep.headers.filter((h) => h.overwrites && h.action !== 'remove' && isCertSource(h.source) && certKeys.includes(h.wsgiKey));
    // What the proxy checked protects only requests that cannot go around it.
    if (forwarded.length && forwarded.every((h) => provesProvenance(ctx.model.deploy, h.wsgiKey).proven)) {
      const s = ref(ep.verifySite ?? ep.site);
      for (const name of ['chain', 'validity', 'eku'] as CheckName[]) put({ name, state: 'at-proxy', detail: `${ep.kind} ${ep.verifySite?.text ?? `verify ${ep.verify}`}`, site: s, findings: [] });
      const rs = ep.crl ?? ep.ocsp;
      if (rs) put({ name: 'revocation', state: 'at-proxy', detail: `${ep.kind} ${rs.text}`, site: ref(rs), findings: [] });
    }
  }
  // A certificate used only through its SHA-256 fingerprint against an enrolled record needs no
  // chain of its own where the proxy's does not hold (RULES.md, cert-chain-unverified): the exact certificate is the trust anchor.
  if (flow.parses.length && flow.parses.every((p) => pinnedByFingerprint(flow, p))) {
    const p = flow.parses[0];
    put({ name: 'chain', state: 'done', detail: "pinned: the certificate's SHA-256 fingerprint must match an enrolled record", site: { file: p.module.path, line: p.node.line }, findings: [] });
  }
  if (flow.events.some((e) => e.t === 'login') && !checks.has('session')) {
    // login() without a session finding: the session rule found the binding.
    const e = flow.events.find((x) => x.t === 'login')!;
    if (!flowFindings.some((f) => ctx.place(f.ruleId)?.check === 'session')) put({ name: 'session', state: 'done', detail: 'session bound to the certificate', site: eventSite(e), findings: [] });
  }
  return CHECK_ORDER.filter((n) => checks.has(n)).map((n) => checks.get(n)!);
}

function readFacts(flow: CertFlow, ep: EntryPoint | null): FlowFact[] {
  const out: FlowFact[] = [];
  const seen = new Set<string>();
  for (const r of flow.reads) {
    const k = `${r.key}|${r.origin}`;
    if (seen.has(k)) continue;
    seen.add(k);
    const site = { file: r.file, line: r.line };
    if (r.origin !== 'header' || !/^HTTP_/.test(r.key)) {
      out.push({ label: r.key, value: r.origin === 'copied' ? 'copied from a header by a middleware' : 'WSGI environ (set by the server)', site, ...(r.origin === 'copied' ? { state: 'warn' as const } : {}) });
      continue;
    }
    if (!ep) {
      out.push({ label: r.key, value: 'request header; no proxy in the tree sets it', state: 'warn', site });
      continue;
    }
    if (ep.inProcess) {
      out.push({ label: r.key, value: 'request header (app inside the proxy)', state: 'warn', site });
      continue;
    }
    const c = coverage(ep, r.key);
    const { dash, underscore } = spellings(r.key);
    if (c.dash && c.underscore) {
      const by = c.by && 'site' in c.by && 'name' in c.by ? `set by the proxy (${c.by.name})` : c.by ? 'client copy removed by the proxy' : 'client headers dropped by the proxy';
      out.push({ label: r.key, value: by, state: 'ok', site });
    } else if (!c.dash) {
      out.push({ label: r.key, value: `client-sent ${dash} passes through this route`, state: 'bad', site });
    } else {
      out.push({ label: r.key, value: `client-sent ${underscore[0] ?? 'underscore spelling'} passes through this route`, state: 'bad', site });
    }
  }
  return out;
}

function handlerOf(ctx: Ctx, flow: CertFlow, ep: EntryPoint | null, routes: string[]): FlowHandler {
  const flowFindings = findingsInFlow(ctx, flow);
  for (const f of flowFindings) ctx.placed.add(f);
  return {
    kind: flow.root.kind,
    qualname: flow.root.qualname,
    site: { file: flow.root.file, line: flow.root.line },
    routes,
    reads: readFacts(flow, ep),
    checks: checksOf(ctx, flow, ep, flowFindings),
    findings: flowFindings.map((f) => ctx.keyOf.get(f)!),
  };
}

/** The flows a proxy route forwards to: views routed through it, plus everything that runs on every request. */
function flowsFor(ctx: Ctx, ep: EntryPoint | null): { flow: CertFlow; routes: string[] }[] {
  const out: { flow: CertFlow; routes: string[] }[] = [];
  const shape = ep ? (ctx.shapes.get(ep) ?? null) : null;
  const siblings =
    ep && shape
      ? appRoutes(ctx.model.deploy)
          .map((e) => ({ ep: e, shape: ctx.shapes.get(e) ?? null }))
          .filter((s): s is { ep: EntryPoint; shape: RouteShape } => !!s.shape && s.shape.group === shape.group)
      : [];
  for (const flow of ctx.model.code.flows) {
    let routes: string[] = [];
    if (flow.root.kind === 'view') {
      for (const k of flowViewKeys(flow)) routes.push(...(ctx.routes.byView.get(k) ?? []));
      routes = uniq(routes);
    }
    if (flow.root.kind !== 'view' || !routes.length || !ep || !shape) {
      out.push({ flow, routes });
      continue;
    }
    const here = routes.filter((p) => forwardsTo(ep, shape, siblings, literalPath(p)));
    if (here.length) out.push({ flow, routes: here });
  }
  return out;
}

function findingsOn(ctx: Ctx, pred: (f: Finding) => boolean): Finding[] {
  return ctx.findings.filter(pred);
}

function buildOne(ctx: Ctx, ep: EntryPoint | null, index: number): IdentityFlow {
  const key = (fs: Finding[]) => uniq(fs.map((f) => ctx.keyOf.get(f)!));
  const deploy = ctx.model.deploy;
  const sites = ep ? epSites(ep) : { tls: [], headers: [], listener: [] };
  const onEp = (f: Finding, group: FlowRef[]) => group.some((s) => sameSite(f.location, s));
  const apps = ep ? appServersOf(ep, deploy.appServers) : deploy.appServers;

  // --- client → proxy
  let tls: FlowLink;
  if (!ep) {
    tls = { state: 'unknown', summary: 'no proxy configuration in the scanned tree: nothing shows that client certificates are verified', details: [], findings: [] };
  } else {
    const fs = findingsOn(ctx, (f) => ctx.place(f.ruleId)?.link === 'tls' && (onEp(f, sites.tls) || onEp(f, sites.listener)));
    const details: FlowFact[] = [
      { label: 'verify', value: ep.verify + (ep.verify === 'optional' ? (ep.verifyEnforced ? ' (enforced)' : ' (not enforced)') : ''), state: fs.length ? 'bad' : verifies(ep) ? 'ok' : 'warn', site: ref(ep.verifySite) },
    ];
    if (ep.ignoresVerifyErrors) details.push({ label: 'errors', value: `ignored (${ep.ignoresVerifyErrors.text})`, state: 'bad', site: ref(ep.ignoresVerifyErrors) });
    const summary = tlsSummary(ep);
    tls = { state: fs.length ? 'broken' : verifies(ep) ? 'ok' : 'unknown', summary, details, findings: key(fs) };
  }

  // --- Django handlers (needed to know which identity headers matter on this route)
  const routed = flowsFor(ctx, ep);
  const handlers: FlowHandler[] = routed.map(({ flow, routes }) => handlerOf(ctx, flow, ep, routes));
  const readKeys = uniq(routed.flatMap(({ flow }) => flow.reads.filter((r) => r.origin === 'header' && /^HTTP_/.test(r.key)).map((r) => r.key)));

  // --- proxy → app server
  let headers: FlowLink;
  if (!ep) {
    headers = {
      state: readKeys.length ? 'unknown' : 'neutral',
      summary: readKeys.length ? `nothing in the tree sets ${readKeys.map((k) => spellings(k).dash).join(', ')}` : 'no identity header',
      details: [],
      findings: [],
    };
  } else {
    const fs = findingsOn(
      ctx,
      (f) =>
        (ctx.place(f.ruleId)?.link === 'headers' && (onEp(f, sites.headers) || onEp(f, sites.listener))) ||
        (!!ctx.place(f.ruleId)?.provenance && (f.related ?? []).some((r) => sites.headers.some((s) => sameSite(r, s)) || sites.listener.some((s) => sameSite(r, s)))),
    );
    const details: FlowFact[] = [];
    for (const k of readKeys) {
      const c = coverage(ep, k);
      const { dash, underscore } = spellings(k);
      if (ep.inProcess) details.push({ label: dash, value: 'read inside the proxy process', state: 'warn' });
      else if (!c.dash) details.push({ label: dash, value: 'client copy passes', state: 'bad', site: ref(c.weak[0]?.site ?? ep.upstreamSite) });
      else if (!c.underscore) details.push({ label: underscore[0] ?? dash, value: 'underscore spelling passes', state: 'bad', site: ref(ep.underscoreSite ?? ep.site) });
      else details.push({ label: dash, value: c.by && 'name' in c.by ? `overwritten (${c.by.source})` : 'client copy removed', state: 'ok', site: ref(c.by?.site ?? ep.dropsClientHeaders) });
    }
    const bad = details.some((d) => d.state === 'bad');
    const state: LinkState = fs.length ? 'broken' : bad ? 'unknown' : readKeys.length ? 'ok' : 'neutral';
    const passing = details.filter((d) => d.state === 'bad').map((d) => d.label);
    const summary = passing.length
      ? passing.length === 1
        ? `a client-sent ${passing[0]} reaches the app`
        : 'client-sent identity headers reach the app'
      : readKeys.length
        ? 'identity headers set by the proxy'
        : ep.upstream
          ? `HTTP to ${ep.upstream}`
          : 'forwards to the app';
    headers = { state, summary, details, findings: key(fs) };
  }

  // --- client → app server, around the proxy
  let bypass: FlowLink;
  const appSiteList = apps.flatMap(appSites);
  {
    const fs = findingsOn(ctx, (f) => (ctx.place(f.ruleId)?.link === 'bypass' || !!ctx.place(f.ruleId)?.provenance) && locs(f).some((l) => appSiteList.some((s) => sameSite(l, s))));
    const open = apps.filter((a) => !isolated(a));
    const details: FlowFact[] = apps.map((a) => ({ label: `${a.kind} ${a.bind}`, value: a.exposureReason ?? a.exposure, state: isolated(a) ? 'ok' : fs.length ? 'bad' : 'warn', site: ref(a.exposureSites[0] ?? a.site) }));
    let state: LinkState;
    let summary: string;
    if (ep?.inProcess) {
      state = 'ok';
      summary = 'the app runs inside the proxy: no app server to reach';
    } else if (fs.length) {
      state = 'broken';
      summary = open.length ? `${open.map((a) => `${a.kind} ${a.bind}`).join(', ')} ${open.length === 1 ? 'is' : 'are'} reachable without the proxy: anyone can send the identity headers` : 'the app server is reachable without the proxy';
    } else if (!apps.length) {
      state = 'unknown';
      summary = 'app server bind not in the scanned tree: whether Django is reachable without the proxy is unknown';
    } else if (open.length) {
      state = 'unknown';
      summary = `reachable without the proxy (${open.map((a) => a.exposure).join(', ')})`;
    } else {
      state = 'ok';
      summary = `reachable only from the proxy (${uniq(apps.map((a) => a.exposure)).join(', ')})`;
    }
    bypass = { state, summary, details, findings: key(fs) };
  }

  // --- app server → Django
  const allReads = uniq(handlers.flatMap((h) => h.reads.map((r) => r.label)));
  const wsgi: FlowLink = { state: 'neutral', summary: allReads.length ? 'identity values Django reads' : 'no identity value read', details: allReads.map((k) => ({ label: k, value: '' })), findings: [] };

  // --- nodes
  const client: FlowNode = {
    title: 'Client',
    subtitle: 'TLS client certificate',
    state: 'neutral',
    facts:
      bypass.state === 'broken' || bypass.state === 'unknown'
        ? [{ label: '', value: bypass.state === 'broken' ? 'can also connect to the app server directly' : 'may be able to reach the app server directly', state: bypass.state === 'broken' ? 'bad' : 'warn' }]
        : [],
    findings: [],
  };

  let proxy: FlowNode;
  if (!ep) {
    proxy = { title: 'Proxy', subtitle: 'not in the scanned tree', state: 'unknown', facts: [{ label: 'config', value: 'no nginx / HAProxy / Apache / Envoy / Traefik / ingress route to the app found', state: 'warn' }], findings: [] };
  } else {
    const facts: FlowFact[] = [...tls.details];
    if (ep.caFile) facts.push({ label: 'CA', value: ep.caFile });
    const rs = ep.crl ?? ep.ocsp;
    if (verifies(ep) || ep.verify !== 'off') facts.push({ label: 'revocation', value: rs ? rs.text : 'not checked', state: rs ? 'ok' : 'warn', site: ref(rs) });
    for (const h of ep.headers) {
      if (!isCertSource(h.source) && !/REMOTE_USER|USER/i.test(h.wsgiKey)) continue;
      facts.push({
        label: h.action === 'remove' ? 'removes' : h.environ ? 'sets environ' : 'sets header',
        value: `${h.name} ← ${h.source}${h.overwrites ? '' : ' (does not replace the client copy)'}`,
        state: h.overwrites ? undefined : 'warn',
        site: ref(h.site),
      });
    }
    if (!ep.headers.some((h) => isCertSource(h.source) || /REMOTE_USER|USER/i.test(h.wsgiKey))) facts.push({ label: 'identity headers', value: 'none set on this route', state: readKeys.length ? 'bad' : undefined });
    if (!ep.inProcess) facts.push({ label: 'underscore names', value: ep.passesUnderscoreHeaders ? 'passed upstream' : 'dropped', state: ep.passesUnderscoreHeaders ? 'warn' : undefined, site: ref(ep.underscoreSite) });
    if (ep.upstream) facts.push({ label: 'upstream', value: ep.upstream, site: ref(ep.upstreamSite) });
    const pfs = uniq([...tls.findings, ...headers.findings]);
    proxy = { title: ep.kind, subtitle: ep.name, state: worst([tls.state, headers.state]), facts, findings: pfs };
  }

  const appServer: FlowNode = apps.length
    ? {
        title: apps.length === 1 ? apps[0].kind : `${apps.length} app servers`,
        subtitle: apps.map((a) => a.bind).join(', '),
        state: bypass.state,
        facts: apps.flatMap((a) => [
          { label: 'bind', value: a.bind, site: ref(a.site) },
          { label: 'reachable', value: isolated(a) ? `only locally (${a.exposure})` : (a.exposureReason ?? a.exposure), state: isolated(a) ? 'ok' : bypass.state === 'broken' ? 'bad' : 'warn', site: ref(a.exposureSites[0]) },
          ...(a.mapsUnderscoreHeaders ? [{ label: 'underscore names', value: 'mapped onto HTTP_ keys', state: 'warn' } as FlowFact] : []),
        ]),
        findings: bypass.findings,
      }
    : {
        title: ep?.inProcess ? 'mod_wsgi' : 'App server',
        subtitle: ep?.inProcess ? 'inside the proxy' : 'not in the scanned tree',
        state: ep?.inProcess ? 'ok' : 'unknown',
        facts: ep?.inProcess ? [] : [{ label: 'bind', value: 'unknown', state: 'warn' }],
        findings: [],
      };

  const djangoFindings = uniq(handlers.flatMap((h) => h.findings));
  const djangoState: LinkState = handlers.some((h) => h.checks.some((c) => c.state === 'missing') || h.reads.some((r) => r.state === 'bad')) ? 'broken' : handlers.length ? 'ok' : 'neutral';
  const django: IdentityFlow['django'] = {
    title: 'Django',
    subtitle: handlers.length ? `${handlers.length} ${handlers.length === 1 ? 'handler reads' : 'handlers read'} the client identity` : 'no handler on this route reads a client identity',
    state: djangoState,
    facts: [],
    findings: djangoFindings,
    handlers,
    also: [],
  };

  return {
    id: `flow-${index + 1}`,
    title: ep ? `${ep.kind} ${ep.name}` : 'Django app (no proxy configuration in the scanned tree)',
    client,
    proxy,
    appServer,
    django,
    links: { tls, headers, wsgi, bypass },
  };
}

/**
 * The identity-flow pictures of a scan: one per proxy route that reaches the app; one without a
 * proxy when the code reads client identities but no proxy route is in the tree; none otherwise.
 * `findings` are the reported (not suppressed) findings.
 */
export function buildIdentityFlows(model: ProjectModel, findings: Finding[], place: PlaceOf): IdentityFlow[] {
  try {
    return build(model, findings, place);
  } catch (e) {
    model.errors.push({ message: `internal error while drawing the identity flows: ${(e as Error).message}` });
    return [];
  }
}

function build(model: ProjectModel, findings: Finding[], place: PlaceOf): IdentityFlow[] {
  const routes = appRoutes(model.deploy);
  const code = model.code;
  if (!routes.length && !code?.flows?.length) return [];
  const ctx: Ctx = {
    model,
    findings,
    keyOf: new Map(findings.map((f) => [f, findingKey(f)])),
    routes: code?.flows?.some((f) => f.root.kind === 'view') ? routesByView(model) : { byView: new Map(), byDef: new Map() },
    shapes: new Map(routes.map((e) => [e, routeShape(e)])),
    placed: new Set(),
    byFile: indexByFile(findings),
    place,
  };
  const eps: (EntryPoint | null)[] = routes.length ? routes : [null];
  const flows = eps.map((ep, i) => buildOne(ctx, ep, i));
  // Django-side findings that no handler holds (settings, unauthenticated views): shown on the
  // Django node of the routes that reach them (every route when their path is unknown).
  for (const f of findings) {
    if (ctx.placed.has(f) || f.layer === 'deploy' || ctx.place(f.ruleId)?.link || !f.location.file) continue;
    if (f.layer !== 'settings' && !ctx.place(f.ruleId)?.check) continue;
    const paths = f.location.line ? ctx.routes.byDef.get(`${f.location.file}:${f.location.line}`) : undefined;
    eps.forEach((ep, i) => {
      const shape = ep ? ctx.shapes.get(ep) : null;
      if (paths?.length && ep && shape) {
        const siblings = routes.map((e) => ({ ep: e, shape: ctx.shapes.get(e) ?? null })).filter((s): s is { ep: EntryPoint; shape: RouteShape } => !!s.shape && s.shape.group === shape.group);
        if (!paths.some((p) => forwardsTo(ep, shape, siblings, literalPath(p)))) return;
      }
      const d = flows[i].django;
      const k = ctx.keyOf.get(f)!;
      if (!d.findings.includes(k)) d.findings.push(k);
      if (!d.also.includes(k)) d.also.push(k);
      if (d.state === 'neutral' || d.state === 'ok') d.state = 'broken';
    });
  }
  return flows;
}
