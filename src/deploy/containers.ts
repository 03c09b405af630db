// Containers and orchestration: docker-compose services (command, ports vs expose, build,
// network_mode, environment, Traefik labels) and Kubernetes manifests (workloads, Services with
// their type and selector, Ingresses with ingress-nginx annotations, ingress-nginx ConfigMap).

import type { ConfigSite, EntryPoint, UpstreamHeader, VerifyMode } from './model.js';
import { wsgiKey } from './model.js';
import { type YNode, yget, ykeyPos, ystr, yitems, yentries, ybool } from './yaml-tree.js';
import { site, lineOf } from './common.js';
import { shellWords } from './appserver.js';
import { parseNginx, NgxSyntaxError } from './nginx-parse.js';
import type { InputError } from '../core/types.js';

export interface PortMapping {
  target?: number;
  hostIp?: string;
  published: boolean;
  site: ConfigSite;
}

export interface ComposeService {
  name: string;
  file: string;
  site: ConfigSite;
  command?: { words: string[]; site: ConfigSite };
  entrypoint?: { words: string[]; site: ConfigSite };
  ports: PortMapping[];
  expose: number[];
  build?: { context: string; dockerfile: string };
  image?: string;
  networkHost?: ConfigSite;
  env: Record<string, string>;
  labels: { key: string; value: string; site: ConfigSite }[];
}

export function isCompose(doc: YNode): boolean {
  const services = yget(doc, 'services');
  if (!services || services.kind !== 'map') return false;
  return yentries(services).some(([, e]) => e.value.kind === 'map' && ['image', 'build', 'command', 'ports', 'expose', 'environment', 'volumes', 'depends_on', 'labels'].some((k) => yget(e.value, k)));
}

function cmdWords(n: YNode | undefined): string[] | undefined {
  if (!n) return undefined;
  if (n.kind === 'seq') return n.items.map((i) => ystr(i) ?? '');
  const s = ystr(n);
  return s === undefined ? undefined : shellWords(s);
}

function parsePortString(s: string): { target?: number; hostIp?: string; published: boolean } {
  const p = s.replace(/\/(tcp|udp|sctp)$/, '');
  // [host_ip:][host_port:]container_port ; IPv6 host ips in brackets.
  const m = /^(?:(\[[^\]]+\]|[^:]*):)?(?:([\d-]*):)?([\d-]+)$/.exec(p);
  if (!m) return { published: true };
  let hostIp: string | undefined;
  const a = m[1];
  const b = m[2];
  if (a !== undefined && b === undefined) {
    // "8000:8000" → a=host port
    if (/^\d+(-\d+)?$/.test(a)) hostIp = undefined;
    else hostIp = a.replace(/^\[|\]$/g, '');
  } else if (a !== undefined) hostIp = a.replace(/^\[|\]$/g, '');
  return { target: parseInt(m[3], 10), hostIp: hostIp || undefined, published: true };
}

export function readCompose(file: string, text: string, doc: YNode): ComposeService[] {
  const out: ComposeService[] = [];
  const services = yget(doc, 'services')!;
  for (const [name, e] of yentries(services)) {
    const svc = e.value;
    if (svc.kind !== 'map') continue;
    const at = (n: YNode | undefined, key: string, fallbackParent: YNode = svc) => {
      const p = n ? { line: n.line, col: n.col } : ykeyPos(fallbackParent, key);
      return site(file, p.line, p.col, lineOf(text, p.line));
    };
    const keyAt = (parent: YNode, key: string) => {
      const p = ykeyPos(parent, key);
      return site(file, p.line, p.col, lineOf(text, p.line));
    };
    const s: ComposeService = { name, file, site: site(file, e.keyLine, e.keyCol, lineOf(text, e.keyLine)), ports: [], expose: [], env: {}, labels: [] };
    const cmd = cmdWords(yget(svc, 'command'));
    if (cmd) s.command = { words: cmd, site: keyAt(svc, 'command') };
    const ep = cmdWords(yget(svc, 'entrypoint'));
    if (ep) s.entrypoint = { words: ep, site: keyAt(svc, 'entrypoint') };
    for (const p of yitems(yget(svc, 'ports'))) {
      if (p.kind === 'map') {
        const target = Number(ystr(yget(p, 'target')));
        const published = yget(p, 'published');
        s.ports.push({ target: Number.isFinite(target) ? target : undefined, hostIp: ystr(yget(p, 'host_ip')), published: true, site: at(p, '') });
        void published;
      } else {
        const v = ystr(p);
        if (v !== undefined) s.ports.push({ ...parsePortString(v), site: at(p, '') });
      }
    }
    for (const x of yitems(yget(svc, 'expose'))) {
      const v = parseInt(ystr(x) ?? '', 10);
      if (Number.isFinite(v)) s.expose.push(v);
    }
    const build = yget(svc, 'build');
    if (build) {
      if (build.kind === 'scalar') s.build = { context: ystr(build) ?? '.', dockerfile: 'Dockerfile' };
      else s.build = { context: ystr(yget(build, 'context')) ?? '.', dockerfile: ystr(yget(build, 'dockerfile')) ?? 'Dockerfile' };
    }
    s.image = ystr(yget(svc, 'image'));
    if (ystr(yget(svc, 'network_mode')) === 'host') s.networkHost = keyAt(svc, 'network_mode');
    const env = yget(svc, 'environment');
    if (env?.kind === 'map') for (const [k, v] of yentries(env)) s.env[k] = ystr(v.value) ?? '';
    else
      for (const it of yitems(env)) {
        const v = ystr(it) ?? '';
        const i = v.indexOf('=');
        if (i > 0) s.env[v.slice(0, i)] = v.slice(i + 1);
      }
    const labels = yget(svc, 'labels');
    if (labels?.kind === 'map') for (const [k, v] of yentries(labels)) s.labels.push({ key: k, value: ystr(v.value) ?? '', site: site(file, v.keyLine, v.keyCol, lineOf(text, v.keyLine)) });
    else
      for (const it of yitems(labels)) {
        const v = ystr(it) ?? '';
        const i = v.indexOf('=');
        if (i > 0) s.labels.push({ key: v.slice(0, i), value: v.slice(i + 1), site: site(file, it.line, it.col, lineOf(text, it.line)) });
      }
    out.push(s);
  }
  return out;
}

// ---------------------------------------------------------------- Kubernetes

export interface K8sContainer {
  workload: string;
  namespace: string;
  labels: Record<string, string>;
  command?: { words: string[]; site: ConfigSite };
  ports: number[];
  hostNetwork?: ConfigSite;
  hostPorts: ConfigSite[];
  site: ConfigSite;
}

export interface K8sService {
  name: string;
  namespace: string;
  type: string;
  typeSite: ConfigSite;
  selector: Record<string, string>;
  ports: { port?: number; targetPort?: number | string }[];
  site: ConfigSite;
}

export interface K8sRead {
  containers: K8sContainer[];
  services: K8sService[];
  ingressEntries: EntryPoint[];
  secrets: { name: string; namespace: string; keys: string[] }[];
  underscoreConfig?: ConfigSite;
}

const WORKLOADS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Pod', 'Job', 'CronJob', 'DeploymentConfig']);

export function isK8s(doc: YNode): boolean {
  return !!ystr(yget(doc, 'apiVersion')) && !!ystr(yget(doc, 'kind'));
}

function strMap(n: YNode | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of yentries(n)) out[k] = ystr(v.value) ?? '';
  return out;
}

const ANN = 'nginx.ingress.kubernetes.io/';

export function readK8s(file: string, text: string, docs: YNode[], into: K8sRead, errors: InputError[]): void {
  const S = (n: { line: number; col: number }) => site(file, n.line, n.col, lineOf(text, n.line));
  const expanded: YNode[] = [];
  for (const d of docs) {
    if (ystr(yget(d, 'kind')) === 'List') expanded.push(...yitems(yget(d, 'items')));
    else expanded.push(d);
  }
  for (const doc of expanded) {
    const kind = ystr(yget(doc, 'kind')) ?? '';
    const meta = yget(doc, 'metadata');
    const name = ystr(yget(meta, 'name')) ?? '';
    const namespace = ystr(yget(meta, 'namespace')) ?? 'default';
    if (WORKLOADS.has(kind)) {
      let podSpec: YNode | undefined;
      let labels: Record<string, string>;
      if (kind === 'Pod') {
        podSpec = yget(doc, 'spec');
        labels = strMap(yget(meta, 'labels'));
      } else if (kind === 'CronJob') {
        const tpl = yget(doc, 'spec', 'jobTemplate', 'spec', 'template');
        podSpec = yget(tpl, 'spec');
        labels = strMap(yget(tpl, 'metadata', 'labels'));
      } else {
        const tpl = yget(doc, 'spec', 'template');
        podSpec = yget(tpl, 'spec');
        labels = strMap(yget(tpl, 'metadata', 'labels'));
      }
      if (!podSpec) continue;
      const hostNet = ybool(yget(podSpec, 'hostNetwork')) ? S(ykeyPos(podSpec, 'hostNetwork')) : undefined;
      for (const c of [...yitems(yget(podSpec, 'containers')), ...yitems(yget(podSpec, 'initContainers'))]) {
        const cmd = [...(cmdWords(yget(c, 'command')) ?? []), ...(cmdWords(yget(c, 'args')) ?? [])];
        const hostPorts: ConfigSite[] = [];
        const ports: number[] = [];
        for (const p of yitems(yget(c, 'ports'))) {
          const cp = Number(ystr(yget(p, 'containerPort')));
          if (Number.isFinite(cp)) ports.push(cp);
          if (yget(p, 'hostPort')) hostPorts.push(S(ykeyPos(p, 'hostPort')));
        }
        const cont: K8sContainer = { workload: `${kind}/${name}`, namespace, labels, ports, hostPorts, site: S(c) };
        if (cmd.length) cont.command = { words: cmd, site: S(ykeyPos(c, yget(c, 'command') ? 'command' : 'args')) };
        if (hostNet) cont.hostNetwork = hostNet;
        into.containers.push(cont);
      }
    } else if (kind === 'Service') {
      const spec = yget(doc, 'spec');
      const type = ystr(yget(spec, 'type')) ?? 'ClusterIP';
      const typeSite = yget(spec, 'type') ? S(ykeyPos(spec, 'type')) : S(ykeyPos(doc, 'kind'));
      into.services.push({
        name,
        namespace,
        type,
        typeSite,
        selector: strMap(yget(spec, 'selector')),
        ports: yitems(yget(spec, 'ports')).map((p) => {
          const tp = ystr(yget(p, 'targetPort'));
          return { port: Number(ystr(yget(p, 'port'))) || undefined, targetPort: tp === undefined ? undefined : /^\d+$/.test(tp) ? Number(tp) : tp };
        }),
        site: S(ykeyPos(doc, 'kind')),
      });
    } else if (kind === 'Secret') {
      const keys = [...yentries(yget(doc, 'data')), ...yentries(yget(doc, 'stringData'))].map(([k]) => k);
      into.secrets.push({ name, namespace, keys });
    } else if (kind === 'ConfigMap' && /ingress-nginx|nginx-configuration|nginx-ingress/.test(name)) {
      const data = yget(doc, 'data');
      const v = yget(data, 'enable-underscores-in-headers');
      if (v && /^true$/i.test(ystr(v) ?? '')) into.underscoreConfig = S(ykeyPos(data, 'enable-underscores-in-headers'));
    } else if (kind === 'Ingress') {
      readIngress(file, text, doc, name, namespace, into, errors);
    }
  }
}

function readIngress(file: string, text: string, doc: YNode, name: string, namespace: string, into: K8sRead, errors: InputError[]): void {
  const S = (n: { line: number; col: number }) => site(file, n.line, n.col, lineOf(text, n.line));
  const meta = yget(doc, 'metadata');
  const anns = yget(meta, 'annotations');
  const ann = (k: string) => ystr(yget(anns, ANN + k));
  const annSite = (k: string) => S(ykeyPos(anns, ANN + k));
  const cls = ystr(yget(doc, 'spec', 'ingressClassName')) ?? ystr(yget(anns, 'kubernetes.io/ingress.class')) ?? 'nginx';
  if (!/nginx/.test(cls) && !yentries(anns).some(([k]) => k.startsWith(ANN))) return;
  const secret = ann('auth-tls-secret');
  const rawVerify = ann('auth-tls-verify-client');
  let verify: VerifyMode = 'off';
  if (secret) verify = rawVerify === undefined ? 'on' : ((['on', 'off', 'optional', 'optional_no_ca'] as const).find((m) => m === rawVerify) ?? 'unknown');
  const headers: UpstreamHeader[] = [];
  if (secret && verify !== 'off') {
    const vs = annSite('auth-tls-secret');
    const h = (n: string, src: string, s: ConfigSite) => headers.push({ name: n, wsgiKey: wsgiKey(n), source: src, overwrites: true, site: s, action: 'set' });
    h('ssl-client-verify', '$ssl_client_verify', vs);
    h('ssl-client-subject-dn', '$ssl_client_s_dn', vs);
    h('ssl-client-issuer-dn', '$ssl_client_i_dn', vs);
    if (/^true$/i.test(ann('auth-tls-pass-certificate-to-upstream') ?? '')) h('ssl-client-cert', '$ssl_client_escaped_cert', annSite('auth-tls-pass-certificate-to-upstream'));
  }
  let enforce: ConfigSite | undefined;
  let uses: ConfigSite | undefined;
  const snippetNode = yget(anns, ANN + 'configuration-snippet');
  const snippet = ystr(snippetNode);
  if (snippet && snippetNode) {
    // Block scalars start on the line after the key.
    const base = snippetNode.line + (/^[|>]/.test(lineOf(text, snippetNode.line).split(':').slice(1).join(':').trim()) ? 1 : 0) - 1;
    try {
      const dirs = parseNginx(snippet, file);
      for (const d of dirs) {
        const s = site(file, d.line + base, undefined, lineOf(text, d.line + base));
        if (d.name === 'proxy_set_header' && d.args.length >= 2)
          headers.push({ name: d.args[0].value, wsgiKey: wsgiKey(d.args[0].value), source: d.args[1].raw, overwrites: true, site: s, action: d.args[1].value === '' ? 'remove' : 'set' });
        if (d.name === 'more_set_input_headers')
          for (const a of d.args) {
            const m = /^([^:]+):\s*(.*)$/.exec(a.value);
            if (m) headers.push({ name: m[1], wsgiKey: wsgiKey(m[1]), source: m[2], overwrites: true, site: s, action: 'set' });
          }
        if (d.name === 'if' && d.block && /\$ssl_client_/.test(d.args.map((a) => a.value).join(' '))) {
          uses ??= s;
          const cond = d.args.map((a) => a.value).join(' ');
          if (d.block.some((x) => x.name === 'return' && /^[45]\d\d$/.test(x.args[0]?.value ?? '')) && /\$ssl_client_verify\s*!=\s*"?SUCCESS|\$ssl_client_verify\s*!~/.test(cond)) enforce = s;
        }
      }
    } catch (e) {
      if (e instanceof NgxSyntaxError) errors.push({ file, message: `nginx syntax error in the configuration-snippet annotation of Ingress ${name}: ${e.message}` });
      else throw e;
    }
  }
  const backends: string[] = [];
  const spec = yget(doc, 'spec');
  const addBackend = (b: YNode | undefined) => {
    const svc = ystr(yget(b, 'service', 'name')) ?? ystr(yget(b, 'serviceName'));
    const port = ystr(yget(b, 'service', 'port', 'number')) ?? ystr(yget(b, 'service', 'port', 'name')) ?? ystr(yget(b, 'servicePort'));
    if (svc) backends.push(`${svc}${port ? ':' + port : ''}`);
  };
  addBackend(yget(spec, 'defaultBackend') ?? yget(spec, 'backend'));
  for (const r of yitems(yget(spec, 'rules'))) for (const p of yitems(yget(r, 'http', 'paths'))) addBackend(yget(p, 'backend'));
  const ingSite = S(ykeyPos(doc, 'kind'));
  const ep: EntryPoint = {
    kind: 'ingress-nginx',
    name: `Ingress ${namespace}/${name}`,
    site: ingSite,
    listenerSite: ingSite,
    verify,
    verifyEnforced: verify === 'on' || !!enforce,
    headers,
    removed: [],
    passesUnderscoreHeaders: false,
    upstream: backends[0],
    upstreamTargets: backends,
    upstreamSite: ingSite,
    reachesApp: true,
  };
  if (secret) {
    ep.caFile = secret;
    ep.verifySite = rawVerify !== undefined ? annSite('auth-tls-verify-client') : annSite('auth-tls-secret');
  }
  if (enforce) ep.enforceSite = enforce;
  if (uses) ep.usesCert = uses;
  const vf = headers.find((h) => h.name === 'ssl-client-verify');
  if (vf) ep.verifyForwarded = vf;
  (ep as EntryPoint & { ingressNamespace?: string }).ingressNamespace = namespace;
  into.ingressEntries.push(ep);
}
