// The remediation plan: what `mtls-audit fix` would add and change, computed from the real scan
// (src/scan/engine.ts) of PATH — header names the code reads, the proxies in front of it, the
// settings module — without writing anything.

import { randomBytes } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { insideRoot } from '../core/safe-fs.js';
import { safeGit } from './git.js';
import { join, posix, resolve } from 'node:path';
import { UsageError } from '../core/errors.js';
import type { Finding, Report } from '../core/types.js';
import type { ProjectModel } from '../model/project.js';
import type { ProxyKind } from '../deploy/model.js';
import { spellings } from '../deploy/facts.js';
import { parseTarget, isLoopbackHost } from '../deploy/common.js';
import { runScan } from '../scan/engine.js';
import { applyEdits, type TextEdit } from './edits.js';
import { ACCESSOR, importEdit, rewriteRead } from './code-edit.js';
import type { RawKind } from '../python/flow.js';
import { field, named, stringValue, walk } from '../python/ast.js';
import { planSettings } from './settings-edit.js';
import { certHeaderFor, renderProxy, PROXY_KINDS } from './proxy.js';
import { proxyFix } from '../deploy/readers/index.js';
import { APP_NAME, djangoAppFiles, proxyTemplate, render } from './templates.js';

export const DEPLOY_DIR = 'deploy/mtls-audit';
export const SECRET_FILE = `${DEPLOY_DIR}/proxy-secret`;
export const SECRET_HEADER = 'X-Mtls-Proxy-Secret';

export interface PlanOptions {
  path: string;
  secretEnv?: string;
  ca?: string;
  crl?: string;
  upstream?: string;
  tlsCert?: string;
  tlsKey?: string;
  proxy?: ProxyKind;
}

export interface PlannedFile {
  /** Relative to the root, forward slashes. */
  path: string;
  /** Current text; null for a new file. */
  before: string | null;
  after: string;
  /** A file the fix creates (an existing one with other content is overwritten only with --force). */
  created: boolean;
  /** Holds the provenance secret: mode 600, masked when printed. */
  secret: boolean;
  mode: number;
}

export interface FixPlan {
  root: string;
  /** Files whose content changes, in print order. */
  files: PlannedFile[];
  /** Files the fix would create that exist with other content. */
  conflicts: string[];
  /** Summary lines (what was found and decided). */
  summary: string[];
  /** Follow-ups the fix does not do itself. */
  notes: string[];
  secret: string;
  report: Report;
}

const SECRET_RE = /^[0-9a-f]{64}$/;

/** Why an existing secret file cannot be trusted to be secret: tracked by git, or group/other-readable. */
function secretExposure(root: string, rel: string): string | null {
  try {
    const mode = statSync(join(root, rel)).mode & 0o777;
    if (mode & 0o077) return `readable by group or others (mode ${mode.toString(8)})`;
  } catch {
    return null;
  }
  const tracked = safeGit(root, ['ls-files', '--error-unmatch', '--', rel]);
  if (!tracked.error && tracked.status === 0) return 'tracked by git, so every clone has it';
  return null;
}

function readIfFile(root: string, abs: string): string | null {
  // A symlink leading out of the project is not read (its target's contents would end up in the
  // plan's diff); applying the plan refuses to write through it.
  if (!insideRoot(root, abs)) return null;
  try {
    if (!statSync(abs).isFile()) return null;
    return readFileSync(abs, 'utf8');
  } catch {
    return null;
  }
}

/** The directory Python imports the project's packages from (the one holding manage.py). */
function importRoot(model: ProjectModel): string {
  const p = model.settings.profiles[0];
  const segs = p.file.split('/');
  if (segs[segs.length - 1] === '__init__.py') segs.pop();
  else segs[segs.length - 1] = segs[segs.length - 1].replace(/\.py$/, '');
  const parts = p.module.split('.');
  if (segs.length >= parts.length && segs.slice(segs.length - parts.length).join('.') === p.module) return segs.slice(0, segs.length - parts.length).join('/');
  const manage = model.files.find((f) => posix.basename(f.path) === 'manage.py');
  return manage ? posix.dirname(manage.path).replace(/^\.$/, '') : '';
}

function directiveArg(text: string | undefined): string | null {
  if (!text) return null;
  const m = /^\s*\S+\s+("([^"]+)"|'([^']+)'|([^\s;]+))/.exec(text);
  return m ? (m[2] ?? m[3] ?? m[4]) : null;
}

function joinRel(dir: string, p: string): string {
  return dir ? `${dir}/${p}` : p;
}

export async function buildPlan(opts: PlanOptions): Promise<FixPlan> {
  let model: ProjectModel | undefined;
  const report = await runScan({ path: opts.path, onModel: (m) => (model = m) });
  if (!model) throw new Error('the scan produced no model');
  const root = model.root;
  const profile = model.settings.profiles[0];
  if (!profile) throw new UsageError(`PATH ${opts.path} is not a Django project: no settings module found`);
  const disk = (p: string) => readIfFile(root, join(root, p));

  const pyRoot = importRoot(model);
  const appDir = joinRel(pyRoot, APP_NAME);
  const summary: string[] = [];
  const notes: string[] = [];
  const files: PlannedFile[] = [];
  const edits = new Map<string, TextEdit[]>();
  const addEdits = (file: string, e: TextEdit[]) => edits.set(file, [...(edits.get(file) ?? []), ...e]);

  // What the code reads (the generated app's own reads excluded).
  const reads = model.code.reads.filter((r) => !r.file.startsWith(`${appDir}/`));
  // Reads an earlier run rewrote still name their keys: the plan stays the same (idempotent).
  const keys = new Map<string, { key: string; kind: RawKind; origin: 'header' | 'environ' | 'copied' }>();
  for (const r of reads) keys.set(r.key, { key: r.key, kind: r.kind, origin: r.origin });
  for (const k of rewrittenReads(model, appDir)) if (!keys.has(k.key)) keys.set(k.key, k);
  const headerReads = [...keys.values()].filter((r) => r.origin === 'header');
  const pemHeader = headerReads.find((r) => r.kind === 'pem' || r.kind === 'xfcc');
  const ours = (f: string) => f.startsWith(`${DEPLOY_DIR}/`);
  const entryPoints = model.deploy.entryPoints.filter((e) => !ours(e.site.file));
  const appServers = model.deploy.appServers.filter((a) => !ours(a.site.file));
  const routes = entryPoints.filter((e) => e.reachesApp);
  const inProcess = routes.length > 0 && routes.every((e) => e.inProcess);
  const environOnly = keys.size > 0 && headerReads.length === 0 && inProcess;

  // Proxy kinds: those in front of the app, else --proxy, else nginx.
  const kindsFound = [...new Set((routes.length ? routes : entryPoints).map((e) => e.kind))];
  const kinds: ProxyKind[] = opts.proxy ? [opts.proxy] : kindsFound.length ? kindsFound : ['nginx'];
  const primary = kinds[0];
  const codeHeader = pemHeader && pemHeader.kind === 'pem' ? spellings(pemHeader.key).dash : undefined;
  const certHeader = certHeaderFor(primary, codeHeader);
  const certKey = environOnly ? 'SSL_CLIENT_CERT' : 'HTTP_' + certHeader.toUpperCase().replace(/-/g, '_');
  summary.push(`settings module: ${profile.module} (${profile.file})`);
  summary.push(`certificate values the project's code reads: ${keys.size ? [...keys.values()].map((r) => `${r.key} (${r.origin})`).join(', ') : 'none'}`);
  summary.push(`proxy: ${kindsFound.length ? kindsFound.join(', ') + ' (found in the tree)' : 'none in the tree'}; snippets for ${kinds.join(', ')}`);
  summary.push(`Django reads the certificate from ${certKey}${environOnly ? ' (server environ, mod_wsgi)' : ` with provenance header ${SECRET_HEADER}`}`);

  // CA / CRL: flags, else what the proxy config names.
  // An earlier run's own snippets come last: they keep a second run's plan the same.
  const byPreference = [...routes, ...entryPoints, ...model.deploy.entryPoints.filter((e) => ours(e.site.file))];
  const verifying = byPreference.find((e) => e.caFile);
  const proxyCa = opts.ca ? resolve(opts.ca) : (verifying?.caFile ?? null);
  const crlEp = byPreference.find((e) => e.crl);
  const proxyCrl = opts.crl ? resolve(opts.crl) : (directiveArg(crlEp?.crl?.text) ?? null);
  const upstream = opts.upstream ?? byPreference.find((e) => e.upstream)?.upstream ?? 'http://127.0.0.1:8000';

  // The secret: kept when already generated (a second run changes nothing).
  // Not kept when anyone else may know it: tracked by git (it is in every clone), readable by group
  // or others, or not 32 random bytes in hex.
  const existingSecret = disk(SECRET_FILE)?.trim() ?? null;
  const exposed = existingSecret !== null ? secretExposure(root, SECRET_FILE) : null;
  const secret = existingSecret && SECRET_RE.test(existingSecret) && !exposed ? existingSecret : randomBytes(32).toString('hex');
  if (existingSecret !== null && secret !== existingSecret) {
    notes.push(
      `${SECRET_FILE}: a new provenance secret replaces the existing one (${exposed ?? 'not 32 random bytes in hex'}); ${exposed?.startsWith('tracked') ? `remove it from git (\`git rm --cached ${SECRET_FILE}\`) and ` : ''}install the new one at the proxy and the app together.`,
    );
  }

  const plan = (path: string, after: string, secretFile = false, created = true) => {
    const before = disk(path);
    files.push({ path, before, after, created, secret: secretFile, mode: secretFile ? 0o600 : 0o644 });
  };

  // 1. The Django app.
  for (const f of djangoAppFiles()) plan(`${appDir}/${f.path}`, f.text);

  // 2. Settings.
  const sp = planSettings({
    profile,
    modules: model.python.modules,
    disk,
    certSource: environOnly ? 'environ' : 'header',
    certKey,
    secretKey: 'HTTP_' + SECRET_HEADER.toUpperCase().replace(/-/g, '_'),
    secretEnv: opts.secretEnv,
    deployDir: DEPLOY_DIR,
    caFile: opts.ca ? resolve(opts.ca) : null,
    crlFile: opts.crl ? resolve(opts.crl) : null,
  });
  for (const [f, e] of sp.edits) addEdits(f, e);
  summary.push(...sp.actions.map((a) => `settings: ${a}`));
  notes.push(...sp.notes);

  // 3. The project's reads of certificate values → the verified accessor.
  const byFile = new Map<string, TextEdit[]>();
  let rewritten = 0;
  for (const r of reads) {
    const mod = r.module;
    if (disk(r.file) !== mod.src) {
      notes.push(`${r.file}:${r.line}: not rewritten (the file is not plain UTF-8 text as parsed); replace \`${r.text}\` with verified_cert_value(request, '${r.key}', '${r.kind}') by hand.`);
      continue;
    }
    const rw = rewriteRead(r);
    if (!rw) {
      notes.push(`${r.file}:${r.line}: \`${r.text}\` has a shape the fix does not rewrite; read the value with ${APP_NAME}.access.verified_cert_value(request, '${r.key}', '${r.kind}') instead.`);
      continue;
    }
    byFile.set(r.file, [...(byFile.get(r.file) ?? []), rw.edit]);
    rewritten++;
  }
  for (const [file, e] of byFile) {
    const mod = model.python.modules.get(file)!;
    const imp = importEdit(mod, Math.min(...e.map((x) => x.start)));
    addEdits(file, imp ? [imp, ...e] : e);
  }
  if (rewritten) summary.push(`code: ${rewritten} certificate read(s) now take the verified certificate (${APP_NAME}.access.verified_cert_value)`);

  // A file that does not parse is not edited: the positions could not be trusted.
  for (const file of edits.keys()) {
    const err = report.errors.find((e) => e.file === file && /syntax error/i.test(e.message));
    if (err) throw new UsageError(`cannot edit ${file}: ${err.message.replace(/; the rest of the file.*$/, '')} (fix it, then run fix again)`);
  }
  for (const [file, e] of edits) {
    const before = disk(file)!;
    files.push({ path: file, before, after: applyEdits(before, e), created: false, secret: false, mode: 0o644 });
  }

  // 4. Deployment: secret, snippets per proxy kind, README.
  plan(SECRET_FILE, secret + '\n', true);
  plan(
    `${DEPLOY_DIR}/.gitignore`,
    [
      '# The provenance secret and every file that carries it.',
      'proxy-secret',
      ...PROXY_KINDS.flatMap((k) =>
        proxyFix(k)
          .files.filter((f) => f.secret)
          .map((f) => f.out),
      ),
    ].join('\n') + '\n',
  );
  const extraHeaders = [...new Map(headerReads.filter((r) => r.kind !== 'pem' || spellings(r.key).dash !== certHeader).map((r) => [r.key, { name: spellings(r.key).dash, kind: r.kind }])).values()];
  const serverName = entryPoints.map((e) => /server\s+([^\s(]+)/.exec(e.name)?.[1]).find((n) => n && n !== '_' && n !== 'default') ?? 'app.example.org';
  for (const kind of kinds) {
    const dir = proxyFix(kind).installDir;
    const defaults = { ca: `${dir}/client-ca.pem`, crl: `${dir}/client-ca.crl`, cert: `${dir}/server.crt`, key: `${dir}/server.key` };
    for (const f of renderProxy({
      kind,
      certHeader: certHeaderFor(kind, codeHeader),
      secretHeader: SECRET_HEADER,
      secret,
      extraHeaders,
      caFile: proxyCa ?? defaults.ca,
      crlFile: proxyCrl ?? defaults.crl,
      upstream,
      serverName,
      tlsCert: opts.tlsCert ? resolve(opts.tlsCert) : defaults.cert,
      tlsKey: opts.tlsKey ? resolve(opts.tlsKey) : defaults.key,
      includeDir: 'mtls-audit/nginx',
      namespace: 'default',
    })) {
      plan(`${DEPLOY_DIR}/${f.path}`, f.text + (f.text.endsWith('\n') ? '' : '\n'), f.secret);
    }
  }
  const t = parseTarget(upstream);
  const localUpstream = !!t.unix || isLoopbackHost(t.host);
  if (localUpstream) {
    const wsgi = profile.get('WSGI_APPLICATION')?.value;
    const app = typeof wsgi === 'string' && /^[\w.]+\.\w+$/.test(wsgi) ? wsgi.replace(/\.(\w+)$/, ':$1') : '<project>.wsgi:application';
    plan(
      `${DEPLOY_DIR}/gunicorn.conf.py`,
      `# mtls-audit: gunicorn reachable only from the proxy on this host.\n#   gunicorn -c ${DEPLOY_DIR}/gunicorn.conf.py ${app}\nbind = ${JSON.stringify(t.unix ? `unix:${t.unix}` : `${t.host}:${t.port ?? 8000}`)}\n`,
    );
  }
  plan(
    `${DEPLOY_DIR}/README.md`,
    render(proxyTemplate('.', 'README.md'), {
      KINDS: kinds.join(', '),
      CERT_KEY: certKey,
      SECRET_HEADER,
      SECRET_SOURCE: opts.secretEnv ? `the environment variable \`${opts.secretEnv}\` (export it from \`${SECRET_FILE}\`)` : `\`${SECRET_FILE}\``,
      APP_DIR: appDir,
    }),
  );

  // 5. Follow-ups, tailored to the scan.
  const seen = new Set<string>();
  for (const ep of entryPoints) {
    const s = ep.verifySite ?? ep.listenerSite ?? ep.site;
    const server = ep.name.split(' > ')[0];
    if (seen.has(`${s.file}:${server}`)) continue;
    seen.add(`${s.file}:${server}`);
    const followUp = proxyFix(ep.kind).followUp;
    if (followUp) notes.push(followUp(`${s.file}:${s.line}`, server, ep));
    else notes.push(`${s.file}:${s.line} ${ep.kind} ${server}: apply ${DEPLOY_DIR}/${ep.kind}/ (verification required, CRL, certificate header overwritten, underscore spellings dropped, provenance secret).`);
  }
  for (const a of appServers) {
    if (a.exposure === 'loopback' || a.exposure === 'unix' || a.exposure === 'container-internal') continue;
    notes.push(
      `${a.site.file}:${a.site.line} ${a.kind} ${a.exposureReason ?? `binds ${a.bind}`}: bind it to loopback or a unix socket${a.context === 'container' ? ' (in a container: drop the published port, keep `expose`)' : ''}. Until then only the provenance secret keeps direct requests out.`,
    );
  }
  const fixedRules = new Set(['spoofable-cert-header', 'cert-chain-unverified', 'cert-validity-unchecked', 'cert-eku-unchecked', 'cert-revocation-unchecked']);
  for (const f of report.findings.filter((x) => x.layer === 'code' && !fixedRules.has(x.ruleId) && !x.location.file?.startsWith(`${appDir}/`))) {
    notes.push(`review ${where(f)} ${f.ruleId}: after the fix this code only sees certificates that are verified and enrolled, and request.user is the enrolled user; prefer request.user to deciding on certificate fields.`);
  }
  // The middleware requires an enrolled certificate on every path, logs in (rotating the session) and
  // throttles password logins: these hold at run time even where the scan cannot see it.
  const atRunTime = new Set(['login-not-throttled', 'password-only-auth', 'critical-view-unauthenticated', 'session-fixation']);
  for (const f of report.findings.filter((x) => x.layer === 'settings')) {
    if (atRunTime.has(f.ruleId)) notes.push(`handled at run time by ${APP_NAME}: ${where(f)} ${f.ruleId} (every request needs an enrolled certificate; authentication rotates the session; failed password logins are throttled).`);
    else notes.push(`not changed: ${where(f)} ${f.ruleId}: ${f.message}`);
  }
  // What the fix cannot know: which CA issues the client certificates (and its CRL), when neither
  // a flag nor a proxy config in the tree names it. Said where it must go, for Django and each proxy.
  const proxyPlace = (kind: ProxyKind, file: string) => proxyFix(kind).installPlace?.(file) ?? `${proxyFix(kind).installDir}/${file} for ${kind}`;
  const unknown: [string, string, string, string, string][] = [];
  if (!proxyCa && disk(`${DEPLOY_DIR}/client-ca.pem`) === null) unknown.push(['the CA that issues your client certificates', 'its certificate (PEM)', '--ca', 'client-ca.pem', 'MTLS_CA_FILE']);
  if (!proxyCrl && disk(`${DEPLOY_DIR}/client-ca.crl`) === null) unknown.push(["the client CA's CRL", 'the CRL that CA publishes (PEM or DER)', '--crl', 'client-ca.crl', 'MTLS_CRL_FILE']);
  for (const [what, thing, flag, file, env] of unknown) {
    notes.push(
      `${what} is not known (no ${flag}, and no proxy config in the tree names one): place ${thing} at ${DEPLOY_DIR}/${file} (Django reads it there unless ${env} is set) and at ${[...new Set(kinds)].map((k) => proxyPlace(k, file)).join(', ')}; until then every request is refused and \`manage.py mtls_bind\` says the same. Or run fix again with ${flag} FILE.`,
    );
  }
  notes.push(`enrol each certificate: python3 manage.py migrate && python3 manage.py mtls_bind USER CERT_PEM (mtls_unbind CERT_PEM revokes).`);

  const changed = files.filter((f) => f.before !== f.after);
  const conflicts = changed.filter((f) => f.created && f.before !== null).map((f) => f.path);
  return { root, files: changed, conflicts, summary, notes, secret, report };
}

/** `verified_cert_value(request, 'KEY', 'KIND', …)` calls left by an earlier run. */
function rewrittenReads(model: ProjectModel, appDir: string): { key: string; kind: RawKind; origin: 'header' | 'environ' | 'copied' }[] {
  const out: { key: string; kind: RawKind; origin: 'header' | 'environ' | 'copied' }[] = [];
  for (const mod of model.python.modules.values()) {
    if (mod.path.startsWith(`${appDir}/`) || !mod.src.includes(ACCESSOR)) continue;
    walk(mod.root, (n) => {
      if (n.type !== 'call') return;
      const fn = field(n, 'function');
      if (!fn || mod.text(fn) !== ACCESSOR) return;
      const args = named(field(n, 'arguments') ?? n);
      const key = stringValue(args[1] ?? null, mod.src);
      const kind = stringValue(args[2] ?? null, mod.src);
      if (key && kind) out.push({ key, kind: kind as RawKind, origin: key.startsWith('HTTP_') ? 'header' : 'environ' });
    });
  }
  return out;
}

function where(f: Finding): string {
  return `${f.location.file}:${f.location.line}`;
}

export { PROXY_KINDS };
