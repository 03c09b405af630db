// Builds the deployment model from the config files of the scanned tree: recognises each
// file's kind by content (name only as a hint), parses it with the reader for that kind, then
// resolves how each app server is reachable and which proxy routes reach it.

import { posix } from 'node:path';
import type { Parser } from 'web-tree-sitter';
import { toml } from '../core/lazy.js';
import type { InputError } from '../core/types.js';
import { readText, type DiscoveredFile } from '../core/read.js';
import { emptyDeployment, type AppServer, type ConfigSite, type DeploymentModel, type EntryPoint } from './model.js';
import { parseNginxFile, nginxEntryPoints, looksLikeNginx, type NginxFile } from './nginx.js';
import { parseHaproxyFile, haproxyEntryPoints, looksLikeHaproxy } from './haproxy.js';
import { looksLikeApache, parseApacheFile, apacheEntryPoints } from './apache.js';
import { isEnvoy, envoyEntryPoints } from './envoy.js';
import { isTraefikYaml, isTraefikToml, traefikFromTree, traefikFromToml, traefikFromLabels, type TraefikConfig, traefikEntryPoints } from './traefik.js';
import { parseYaml, type YNode } from './yaml-tree.js';
import { isCompose, readCompose, isK8s, readK8s, type ComposeService, type K8sRead } from './containers.js';
import { commandsIn, parseBind, gunicornConfBinds, uwsgiIniBinds, dockerfileCommands, systemdExecStarts, procfileCommands, colOf, DEFAULT_BIND, type AppCommand, type BindSpec } from './appserver.js';
import { isAnyHost, isCertSource, isLoopbackHost, parseTarget, site, type SourceFile } from './common.js';

export interface BuildExtras {
  /** The project's tree-sitter Python parser (for gunicorn `*.conf.py`). */
  parser?: Parser;
  /** Every discovered file (the Python ones include gunicorn config files). */
  allFiles?: DiscoveredFile[];
}

const isGunicornConf = (p: string) => /(^|\/)(gunicorn[^/]*|[^/]*\.conf)\.py$/.test(p);

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
  const treePaths = sources.map((s) => s.path);
  const nginxFiles: NginxFile[] = [];
  const composeServices: ComposeService[] = [];
  const k8s: K8sRead = { containers: [], services: [], ingressEntries: [], secrets: [] };
  const traefik: TraefikConfig[] = [];
  const commands: AppCommand[] = [];
  const dockerfiles = new Map<string, ReturnType<typeof dockerfileCommands>>();
  const confBinds = new Map<string, BindSpec[]>();
  const entryPoints: EntryPoint[] = [];
  const note = (file: string, kind: string) => model.configs.push({ file, kind });

  for (const src of sources) {
    const base = src.path.split('/').pop()!.toLowerCase();
    const isTemplate = /\.(j2|jinja2?|tpl|erb|tmpl)$/.test(base) && /\{\{|\{%|<%/.test(src.text);
    if (/\.ya?ml(\.template|\.tpl|\.j2)?$/.test(base)) {
      if (isTemplate || /\{\{/.test(src.text) && /(^|\/)templates\//.test(src.path)) continue; // Helm/Jinja templates are not YAML yet
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
      // JSON is YAML: read Envoy/Traefik/Kubernetes/Compose configs written as JSON; other JSON
      // files (package.json, …) are not deployment configuration, so their errors are not ours.
      if (!/"(static_resources|resources|apiVersion|services|http|tls|entryPoints)"\s*:/.test(src.text)) continue;
      const y = parseYaml(src.text);
      if (y.errors.length) {
        if (/"(static_resources|apiVersion)"\s*:/.test(src.text)) errors.push({ file: src.path, message: `JSON syntax error${y.errors[0].line ? ` at line ${y.errors[0].line}` : ''}: ${y.errors[0].message}; file skipped, the rest of the scan goes on` });
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
      if (isTraefikToml(data)) {
        traefik.push(traefikFromToml(src.path, src.text, data as Record<string, unknown>));
        note(src.path, 'traefik');
      }
      continue;
    }
    if (/^(dockerfile|containerfile)/.test(base) || /\.(dockerfile|containerfile)$/.test(base)) {
      dockerfiles.set(src.path, dockerfileCommands(src.path, src.text));
      note(src.path, 'dockerfile');
      continue;
    }
    if (/^procfile/.test(base)) {
      for (const c of procfileCommands(src.text)) addCommands(c.words, site(src.path, c.line, 1, c.text), 'host', undefined, src.path);
      note(src.path, 'procfile');
      continue;
    }
    if (/\.service$/.test(base) && /^\s*\[Service\]/m.test(src.text)) {
      for (const c of systemdExecStarts(src.text)) addCommands(c.words, site(src.path, c.line, 1, c.text), 'host', undefined, src.path);
      note(src.path, 'systemd');
      continue;
    }
    if (/^\s*\[uwsgi\]\s*$/m.test(src.text)) {
      const b = uwsgiIniBinds(src.path, src.text);
      if (b) {
        confBinds.set(src.path, b);
        note(src.path, 'uwsgi');
      }
      continue;
    }
    if (isTemplate) {
      // A Jinja/ERB template is read when it still parses as its target syntax; otherwise skipped.
      const quiet: InputError[] = [];
      readBlockConfig(src, quiet);
      continue;
    }
    readBlockConfig(src, errors);
  }

  function readBlockConfig(src: SourceFile, errs: InputError[]): void {
    const text = src.text;
    if (looksLikeHaproxy(text)) {
      const secs = parseHaproxyFile(src, errs);
      if (secs) {
        entryPoints.push(...haproxyEntryPoints(src.path, secs));
        note(src.path, 'haproxy');
      }
      return;
    }
    if (looksLikeApache(text)) {
      const dirs = parseApacheFile(src, errs);
      if (dirs) {
        entryPoints.push(...apacheEntryPoints(src.path, dirs));
        note(src.path, 'apache');
      }
      return;
    }
    if (looksLikeNginx(text)) {
      const f = parseNginxFile(src, errs);
      if (f) {
        nginxFiles.push(f);
        note(src.path, 'nginx');
      }
    }
  }

  function readYamlDocs(src: SourceFile, docs: YNode[]): void {
    const k8sDocs = docs.filter(isK8s);
    if (k8sDocs.length) {
      readK8s(src.path, src.text, k8sDocs, k8s, errors);
      note(src.path, 'kubernetes');
    }
    for (const d of docs) {
      if (isK8s(d)) continue;
      if (isCompose(d)) {
        composeServices.push(...readCompose(src.path, src.text, d));
        note(src.path, 'compose');
      } else if (isEnvoy(d)) {
        entryPoints.push(...envoyEntryPoints(src.path, src.text, d));
        note(src.path, 'envoy');
      } else if (isTraefikYaml(d)) {
        traefik.push(traefikFromTree(src.path, src.text, d));
        note(src.path, 'traefik');
      }
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

  // gunicorn config files are Python: parse with tree-sitter (never executed).
  if (extras.parser && extras.allFiles) {
    for (const f of extras.allFiles) {
      if (f.kind !== 'python' || !isGunicornConf(f.path)) continue;
      const r = readText(f.abs);
      if (!r.ok) continue;
      if (!/^\s*bind\s*=/m.test(r.text)) continue;
      const b = gunicornConfBinds(extras.parser, f.path, r.text);
      if (b) {
        confBinds.set(f.path, b);
        note(f.path, 'gunicorn');
      }
    }
  }

  // nginx: includes across files, then entry points.
  const ng = nginxEntryPoints(nginxFiles, treePaths, errors);
  entryPoints.push(...ng.entryPoints);

  // Compose: files in one directory (docker-compose.yml + docker-compose.override.yml, compose.*.yaml)
  // are merged per service the way `docker compose` merges them: ports/expose/labels add up, the
  // last command/entrypoint/build wins.
  {
    const merged = new Map<string, ComposeService>();
    for (const svc of composeServices) {
      const k = `${posix.dirname(svc.file)}|${svc.name}`;
      const prev = merged.get(k);
      if (!prev) {
        merged.set(k, { ...svc, ports: [...svc.ports], expose: [...svc.expose], labels: [...svc.labels], env: { ...svc.env } });
        continue;
      }
      prev.ports.push(...svc.ports);
      prev.expose.push(...svc.expose);
      prev.labels.push(...svc.labels);
      Object.assign(prev.env, svc.env);
      if (svc.command) prev.command = svc.command;
      if (svc.entrypoint) prev.entrypoint = svc.entrypoint;
      if (svc.build) prev.build = svc.build;
      if (svc.networkHost) prev.networkHost = svc.networkHost;
      if (svc.image) prev.image = svc.image;
    }
    composeServices.length = 0;
    composeServices.push(...merged.values());
  }
  // Compose: commands (own or the Dockerfile's), Traefik labels.
  const usedDockerfiles = new Set<string>();
  for (const svc of composeServices) {
    const dir = posix.dirname(svc.file);
    let dockerfile: string | undefined;
    if (svc.build) {
      const p = posix.normalize(posix.join(dir, svc.build.context, svc.build.dockerfile));
      if (dockerfiles.has(p)) dockerfile = p;
    }
    if (dockerfile) usedDockerfiles.add(dockerfile);
    const df = dockerfile ? dockerfiles.get(dockerfile) : undefined;
    const cmdWords = svc.command?.words;
    if (svc.entrypoint) addCommands([...svc.entrypoint.words, ...(cmdWords ?? [])], svc.entrypoint.site, 'container', svc.name, svc.file);
    else if (cmdWords) addCommands(df?.entrypoint ? [...df.entrypoint.words, ...cmdWords] : cmdWords, svc.command!.site, 'container', svc.name, svc.file);
    else if (df && dockerfile) {
      const c = df.cmd ?? df.entrypoint;
      if (c) addCommands(df.entrypoint && df.cmd ? [...df.entrypoint.words, ...df.cmd.words] : c.words, site(dockerfile, c.line, 1, c.text), 'container', svc.name, dockerfile);
    }
    const t = traefikFromLabels(svc);
    if (t) traefik.push(t);
  }
  for (const [path, df] of dockerfiles) {
    if (usedDockerfiles.has(path)) continue;
    const c = df.cmd ?? df.entrypoint;
    if (c) addCommands(df.entrypoint && df.cmd ? [...df.entrypoint.words, ...df.cmd.words] : c.words, site(path, c.line, 1, c.text), 'container', undefined, path);
  }
  for (const c of k8s.containers) {
    if (c.command) addCommands(c.command.words, c.command.site, 'container', `k8s:${c.workload}`, c.command.site.file);
  }
  entryPoints.push(...k8s.ingressEntries);
  for (const ep of k8s.ingressEntries) {
    if (k8s.underscoreConfig) {
      ep.passesUnderscoreHeaders = true;
      ep.underscoreSite = k8s.underscoreConfig;
    }
    // CRL: ingress-nginx reads `ca.crl` from the auth-tls secret.
    const ref = ep.caFile ?? '';
    const [ns, nm] = ref.includes('/') ? ref.split('/') : [(ep as EntryPoint & { ingressNamespace?: string }).ingressNamespace ?? 'default', ref];
    const sec = k8s.secrets.find((s) => s.name === nm && s.namespace === ns) ?? k8s.secrets.find((s) => s.name === nm);
    if (sec?.keys.includes('ca.crl') && ep.verifySite) ep.crl = ep.verifySite;
    ep.crlUnknown = !sec;
    delete (ep as EntryPoint & { ingressNamespace?: string }).ingressNamespace;
  }
  for (const t of traefik) entryPoints.push(...traefikEntryPoints(t, traefik));

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
        binds = confBinds.get(conf)!;
      }
    }
    if (!binds.length && cmd.kind === 'gunicorn') {
      // gunicorn reads ./gunicorn.conf.py from its working directory.
      const conf = [...confBinds.keys()].find((p) => p.split('/').pop() === 'gunicorn.conf.py' && (posix.dirname(p) === cmd.dir || cmd.context === 'container'));
      if (conf && confBinds.get(conf)!.length) {
        referencedConfs.add(conf);
        binds = confBinds.get(conf)!;
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
  for (const [path, binds] of confBinds) {
    if (referencedConfs.has(path)) continue;
    const kind: AppServer['kind'] = isGunicornConf(path) ? 'gunicorn' : 'uwsgi';
    for (const b of binds) model.appServers.push(resolveExposure(kind, b, hasContainers ? 'unknown' : 'host', undefined, b.site));
  }

  function resolveExposure(kind: AppServer['kind'], b: BindSpec, context: AppCommand['context'], service: string | undefined, cmdSite: ConfigSite): AppServer {
    const p = parseBind(kind, b.spec);
    const s: AppServer = { kind, bind: b.spec, site: b.site, exposure: 'unknown', exposureSites: [b.site], context };
    if (p.host !== undefined) s.host = p.host;
    if (p.port !== undefined) s.port = p.port;
    if (p.unix) s.unixPath = p.unix;
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
