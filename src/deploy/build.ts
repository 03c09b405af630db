// Builds the deployment model from the config files of the scanned tree: each file is parsed as
// its syntax (YAML/JSON, TOML, text, Python), handed to the first reader of the registry
// (deploy/readers/) whose sniff claims it, then each reader finishes its cross-file work, and
// this file resolves how each app server is reachable and which proxy routes reach it.

import { posix } from 'node:path';
import type { Parser } from 'web-tree-sitter';
import { toml } from '../core/lazy.js';
import type { InputError } from '../core/types.js';
import { readText, type DiscoveredFile } from '../core/read.js';
import { emptyDeployment, type AppServer, type ConfigSite, type DeploymentModel, type EntryPoint } from './model.js';
import { parseYaml, type YNode } from './yaml-tree.js';
import type { K8sRead } from './containers.js';
import { commandsIn, parseBind, colOf, DEFAULT_BIND, type AppCommand, type BindSpec } from './appserver.js';
import { isAnyHost, isCertSource, isLoopbackHost, parseTarget, type SourceFile } from './common.js';
import { REGISTRY, readersFor, type DeployContext, type DeployReader, type ReaderRun } from './readers/index.js';

export interface BuildExtras {
  /** The project's tree-sitter Python parser (for gunicorn `*.conf.py`). */
  parser?: Parser;
  /** Every discovered file (the Python ones include gunicorn config files). */
  allFiles?: DiscoveredFile[];
}

export function buildDeployment(root: string, files: DiscoveredFile[], errors: InputError[], extras: BuildExtras = {}): DeploymentModel {
  void root;
  const model = emptyDeployment();
  const localErrors: InputError[] = [];
  try {
    build(files, localErrors, extras, model);
  } catch (e) {
    localErrors.push({ message: `internal error in the deployment layer: ${(e as Error).message}` });
  }
  errors.push(...localErrors);
  model.errors.push(...localErrors);
  return model;
}

function build(files: DiscoveredFile[], errors: InputError[], extras: BuildExtras, model: DeploymentModel): void {
  const sources: SourceFile[] = [];
  for (const f of files) {
    if (f.kind !== 'config') continue;
    const r = readText(f.abs);
    if (!r.ok) {
      errors.push({ file: f.path, message: r.message });
      continue;
    }
    sources.push({ path: f.path, text: r.text });
  }
  const commands: AppCommand[] = [];
  const entryPoints: EntryPoint[] = [];
  const ctx: DeployContext = {
    treePaths: sources.map((s) => s.path),
    errors,
    entryPoints,
    commands,
    confBinds: new Map(),
    dockerfiles: new Map(),
    usedDockerfiles: new Set(),
    composeServices: [],
    k8s: { containers: [], services: [], ingressEntries: [], secrets: [] },
    traefik: [],
    addCommands,
    ...(extras.parser ? { parser: extras.parser } : {}),
  };
  const { k8s, composeServices, confBinds, dockerfiles } = ctx;
  const runs = new Map<DeployReader, ReaderRun>(REGISTRY.map((r) => [r, r.start(ctx)]));
  const readWith = (r: DeployReader, src: SourceFile, input: unknown, errs: InputError[]) => {
    if (runs.get(r)!.read(src, input, errs)) model.configs.push({ file: src.path, kind: r.kind });
  };
  const textReaders = readersFor('text');
  const tomlReaders = readersFor('toml');
  const yamlReaders = readersFor('yaml');
  const wholeFile = yamlReaders.filter((r) => r.wholeFile);
  const perDocument = yamlReaders.filter((r) => !r.wholeFile);
  const keysRe = (keys: string[]) => new RegExp(`"(${keys.join('|')})"\\s*:`);
  const jsonRead = keysRe(yamlReaders.flatMap((r) => r.jsonKeys ?? []));
  const jsonReport = keysRe(yamlReaders.flatMap((r) => r.jsonErrorKeys ?? []));

  for (const src of sources) {
    const base = src.path.split('/').pop()!.toLowerCase();
    const isTemplate = /\.(j2|jinja2?|tpl|erb|tmpl)$/.test(base) && /\{\{|\{%|<%/.test(src.text);
    if (/\.ya?ml(\.template|\.tpl|\.j2)?$/.test(base)) {
      if (isTemplate || (/\{\{/.test(src.text) && /(^|\/)templates\//.test(src.path))) continue; // Helm/Jinja templates are not YAML yet
      const y = parseYaml(src.text);
      if (y.errors.length) {
        // One bad document of a multi-document stream (a CRD bundle, a Helm render) costs that
        // document only; its facts stay unknown and the error says so.
        const e = y.errors[0];
        const partial = y.docs.length > 0;
        const what = partial ? `${y.skippedDocs} of ${y.skippedDocs + y.docs.length} documents skipped, the others read` : 'file skipped, the rest of the scan goes on';
        errors.push({ file: src.path, message: `YAML syntax error${e.line ? ` at line ${e.line}, column ${e.col}` : ''}: ${e.message}; ${what}` });
        if (!partial) continue;
      }
      readYamlDocs(src, y.docs);
      continue;
    }
    if (/\.json$/.test(base)) {
      // JSON is YAML: read the configs of the YAML readers written as JSON; other JSON files
      // (package.json, …) are not deployment configuration, so their errors are not ours.
      if (!jsonRead.test(src.text)) continue;
      const y = parseYaml(src.text);
      if (y.errors.length) {
        if (jsonReport.test(src.text)) errors.push({ file: src.path, message: `JSON syntax error${y.errors[0].line ? ` at line ${y.errors[0].line}` : ''}: ${y.errors[0].message}; file skipped, the rest of the scan goes on` });
        continue;
      }
      readYamlDocs(src, y.docs);
      continue;
    }
    if (/\.toml$/.test(base)) {
      let data: unknown;
      try {
        data = toml().parse(src.text);
      } catch (e) {
        errors.push({ file: src.path, message: `TOML syntax error: ${(e as Error).message.split('\n')[0]}; file skipped, the rest of the scan goes on` });
        continue;
      }
      const r = tomlReaders.find((x) => x.sniff(src.path, src.text, data));
      if (r) readWith(r, src, data, errors);
      continue;
    }
    // A Jinja/ERB template is read when it still parses as its target syntax; otherwise skipped quietly.
    const r = textReaders.find((x) => x.sniff(src.path, src.text));
    if (r) readWith(r, src, src.text, isTemplate ? [] : errors);
  }

  function readYamlDocs(src: SourceFile, docs: YNode[]): void {
    for (const r of wholeFile) {
      const mine = docs.filter((d) => r.sniff(src.path, src.text, d));
      if (mine.length) readWith(r, src, mine, errors);
    }
    for (const d of docs) {
      if (wholeFile.some((r) => r.sniff(src.path, src.text, d))) continue;
      const r = perDocument.find((x) => x.sniff(src.path, src.text, d));
      if (r) readWith(r, src, d, errors);
    }
  }

  function addCommands(words: string[], s: ConfigSite, context: AppCommand['context'], service: string | undefined, file: string): void {
    commandsIn(words, (kind, binds, configRef, usesPortEnv) => {
      const cmd: AppCommand = {
        kind,
        binds: binds.map((b) => ({ spec: b, site: { ...s, column: colOf(s.text, b) ?? s.column } })),
        site: s,
        context,
        dir: posix.dirname(file),
        usesPortEnv,
      };
      if (configRef) cmd.configRef = configRef;
      if (service) cmd.service = service;
      commands.push(cmd);
    });
  }

  // Python config files (gunicorn's): the path decides whether the file is read at all.
  if (extras.parser && extras.allFiles) {
    const pythonReaders = readersFor('python');
    for (const f of extras.allFiles) {
      if (f.kind !== 'python') continue;
      const candidates = pythonReaders.filter((r) => !r.sniffPath || r.sniffPath(f.path));
      if (!candidates.length) continue;
      const rt = readText(f.abs);
      if (!rt.ok) continue;
      const r = candidates.find((x) => x.sniff(f.path, rt.text));
      if (r) readWith(r, { path: f.path, text: rt.text }, rt.text, errors);
    }
  }

  // Cross-file work: includes (nginx), merges (Compose), labels and routers (Traefik), ingress.
  const finishing = REGISTRY.map((r, i) => ({ r, i })).sort((a, b) => (a.r.finishStage ?? 100) - (b.r.finishStage ?? 100) || a.i - b.i);
  for (const { r } of finishing) runs.get(r)!.finish?.();

  // App servers from the commands.
  const hasContainers = dockerfiles.size > 0 || composeServices.length > 0 || k8s.containers.length > 0;
  const referencedConfs = new Set<string>();
  const findConf = (ref: string, dir: string): string | undefined => {
    const clean = ref.replace(/^python:/, '').replace(/^file:/, '');
    const cands = [posix.normalize(posix.join(dir, clean)), posix.normalize(clean.replace(/^\/+/, ''))];
    for (const c of cands) if (confBinds.has(c)) return c;
    const baseName = clean.split('/').pop();
    const byBase = [...confBinds.keys()].filter((p) => p.split('/').pop() === baseName);
    return byBase.length === 1 ? byBase[0] : undefined;
  };
  for (const cmd of commands) {
    let binds = cmd.binds.filter((b) => b.spec);
    if (!binds.length && cmd.configRef) {
      const conf = findConf(cmd.configRef, cmd.dir);
      if (conf) {
        referencedConfs.add(conf);
        binds = confBinds.get(conf)!.binds;
      }
    }
    if (!binds.length && cmd.kind === 'gunicorn') {
      // gunicorn reads ./gunicorn.conf.py from its working directory.
      const conf = [...confBinds.keys()].find((p) => p.split('/').pop() === 'gunicorn.conf.py' && (posix.dirname(p) === cmd.dir || cmd.context === 'container'));
      if (conf && confBinds.get(conf)!.binds.length) {
        referencedConfs.add(conf);
        binds = confBinds.get(conf)!.binds;
      }
    }
    if (!binds.length && cmd.usesPortEnv) binds = [{ spec: '0.0.0.0:$PORT', site: cmd.site, isDefault: true }];
    if (!binds.length && cmd.service && !cmd.service.startsWith('k8s:')) {
      const svc = composeServices.find((s) => s.name === cmd.service);
      if (svc?.env.PORT && cmd.kind === 'gunicorn') binds = [{ spec: `0.0.0.0:${svc.env.PORT}`, site: cmd.site, isDefault: true }];
    }
    if (!binds.length && DEFAULT_BIND[cmd.kind]) binds = [{ spec: DEFAULT_BIND[cmd.kind], site: cmd.site, isDefault: true }];
    for (const b of binds) model.appServers.push(resolveExposure(cmd.kind, b, cmd.context, cmd.service, cmd.site));
  }
  for (const [path, conf] of confBinds) {
    if (referencedConfs.has(path)) continue;
    for (const b of conf.binds) model.appServers.push(resolveExposure(conf.kind, b, hasContainers ? 'unknown' : 'host', undefined, b.site));
  }

  function resolveExposure(kind: AppServer['kind'], b: BindSpec, context: AppCommand['context'], service: string | undefined, cmdSite: ConfigSite): AppServer {
    const p = parseBind(kind, b.spec);
    const s: AppServer = { kind, bind: b.spec, site: b.site, exposure: 'unknown', exposureSites: [b.site], context };
    if (p.host !== undefined) s.host = p.host;
    if (p.port !== undefined) s.port = p.port;
    if (p.unix) s.unixPath = p.unix;
    if (b.protocol) s.protocol = b.protocol;
    if (service) s.service = service;
    // runserver, waitress and Daphne drop header names with underscores. gunicorn 22+ does too, and
    // Django's ASGIRequest from 4.2.30/5.2.13/6.0.4: those depend on pinned versions, which
    // header-underscore-smuggling reads (deploy/pins.ts); here they count as mapping.
    s.mapsUnderscoreHeaders = kind !== 'runserver' && kind !== 'waitress' && kind !== 'daphne';
    if (p.unix) {
      s.exposure = 'unix';
      s.exposureReason = `listens on the unix socket ${p.unix}`;
      return s;
    }
    if (isLoopbackHost(p.host)) {
      s.exposure = 'loopback';
      s.exposureReason = `binds the loopback address ${b.spec}${b.isDefault ? ` (${kind}'s default)` : ''}`;
      return s;
    }
    const any = isAnyHost(p.host) || !/^[a-z]/i.test(p.host ?? '') || true;
    void any;
    if (context === 'host') {
      s.exposure = 'all-interfaces';
      s.exposureReason = `binds ${b.spec} on the host, reachable from the network without the proxy`;
      return s;
    }
    if (context === 'container' && service && !service.startsWith('k8s:')) {
      const svc = composeServices.find((x) => x.name === service);
      if (svc?.networkHost) {
        s.exposure = 'all-interfaces';
        s.exposureSites = [b.site, svc.networkHost];
        s.exposureReason = `binds ${b.spec} in a container with network_mode: host`;
        return s;
      }
      const pub = svc?.ports.filter((pm) => pm.target === undefined || s.port === undefined || pm.target === s.port) ?? [];
      const open = pub.filter((pm) => !isLoopbackHost(pm.hostIp));
      if (open.length) {
        s.exposure = 'published';
        s.exposureSites = [open[0].site, b.site];
        s.exposureReason = `binds ${b.spec} in the container of service "${service}", and Compose publishes that port on the host (\`${open[0].site.text}\`)`;
        return s;
      }
      if (pub.length) {
        s.exposure = 'loopback';
        s.exposureSites = [pub[0].site, b.site];
        s.exposureReason = `Compose publishes the port on the host's loopback only (\`${pub[0].site.text}\`)`;
        return s;
      }
      if (svc) {
        s.exposure = 'container-internal';
        s.exposureReason = `binds ${b.spec} inside the container of service "${service}", whose port is not published`;
        return s;
      }
    }
    if (context === 'container' && service?.startsWith('k8s:')) {
      const workload = service.slice(4);
      const conts = k8s.containers.filter((c) => c.workload === workload);
      const hostSite = conts.find((c) => c.hostNetwork)?.hostNetwork ?? conts.flatMap((c) => c.hostPorts)[0];
      if (hostSite) {
        s.exposure = 'published';
        s.exposureSites = [hostSite, b.site];
        s.exposureReason = `the pod of ${workload} uses the node's network (\`${hostSite.text}\`)`;
        return s;
      }
      const labels = conts[0]?.labels ?? {};
      const svcs = k8s.services.filter((sv) => Object.keys(sv.selector).length && Object.entries(sv.selector).every(([k, v]) => labels[k] === v));
      const ext = svcs.find((sv) => sv.type === 'NodePort' || sv.type === 'LoadBalancer');
      if (ext) {
        s.exposure = 'published';
        s.exposureSites = [ext.typeSite, b.site];
        s.exposureReason = `Service ${ext.name} of type ${ext.type} selects the pods of ${workload}`;
        return s;
      }
      s.exposure = 'cluster';
      s.exposureSites = svcs.length ? [svcs[0].typeSite, b.site] : [b.site];
      s.exposureReason = svcs.length ? `Service ${svcs[0].name} (${svcs[0].type}) is reachable from every pod in the cluster` : `pod IPs are reachable from every pod in the cluster`;
      return s;
    }
    if (context === 'unknown' && !hasContainers) {
      s.exposure = 'all-interfaces';
      s.exposureReason = `binds ${b.spec}, reachable from the network without the proxy`;
      return s;
    }
    s.exposure = 'unknown';
    s.exposureReason = `binds ${b.spec}; how the container's port is published is not in the scanned tree`;
    void cmdSite;
    return s;
  }

  // Which routes reach the app: a route whose concrete target matches no known app server does not.
  // With no app server in the tree, the targets of the routes that forward client-certificate data
  // stand for the app: a route to another concrete target (a metrics or admin service) does not reach it.
  const apps = model.appServers;
  if (!apps.length) {
    const norm = (t: string) => t.replace(/^localhost(?=:|$)/i, '127.0.0.1').toLowerCase();
    const concrete = (ep: EntryPoint) => (ep.upstreamTargets?.length ? ep.upstreamTargets : ep.upstream ? [ep.upstream] : []).filter((t) => t && !/\$/.test(t)).map(norm);
    const certTargets = new Set(entryPoints.filter((ep) => ep.headers.some((h) => h.action !== 'remove' && isCertSource(h.source))).flatMap(concrete));
    if (certTargets.size) {
      for (const ep of entryPoints) {
        if (ep.inProcess) continue;
        const ts = concrete(ep);
        const all = ep.upstreamTargets?.length ? ep.upstreamTargets : ep.upstream ? [ep.upstream] : [];
        if (ts.length && ts.length === all.length && ts.every((t) => !certTargets.has(t))) ep.reachesApp = false;
      }
    }
  }
  for (const ep of entryPoints) {
    if (!apps.length || ep.inProcess) continue;
    const targets = ep.upstreamTargets?.length ? ep.upstreamTargets : ep.upstream ? [ep.upstream] : [];
    if (!targets.length) continue;
    if (targets.some((t) => /\$/.test(t))) continue;
    ep.reachesApp = targets.some((t) => matchesApp(t, apps, k8s));
  }
  model.entryPoints = entryPoints;
}

function matchesApp(target: string, apps: AppServer[], k8s: K8sRead): boolean {
  const t = parseTarget(target);
  return apps.some((a) => {
    if (t.unix || a.unixPath) return !!t.unix && !!a.unixPath && (t.unix === a.unixPath || t.unix.split('/').pop() === a.unixPath.split('/').pop());
    if (t.host && a.service && !a.service.startsWith('k8s:') && t.host === a.service) return true;
    if (t.host && a.service?.startsWith('k8s:')) {
      const svc = k8s.services.find((s) => s.name === t.host || `${s.name}.${s.namespace}` === t.host || t.host!.startsWith(`${s.name}.${s.namespace}.`));
      if (svc) {
        const workload = a.service.slice(4);
        const labels = k8s.containers.find((c) => c.workload === workload)?.labels ?? {};
        if (Object.keys(svc.selector).length && Object.entries(svc.selector).every(([k, v]) => labels[k] === v)) return true;
      }
    }
    if (t.port !== undefined && a.port !== undefined && t.port === a.port) return true;
    if (t.port === undefined && a.port === undefined) return true;
    // A host name we cannot resolve (DNS, k8s service by name): assume it may be the app.
    if (t.host && !isLoopbackHost(t.host) && !/^\d/.test(t.host) && !k8s.services.some((s) => s.name === t.host) && !apps.some((x) => x.service === t.host)) return t.port === undefined || a.port === undefined;
    return false;
  });
}
