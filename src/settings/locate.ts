// Where are the settings? `DJANGO_SETTINGS_MODULE` as named by manage.py / wsgi.py / asgi.py
// (`os.environ.setdefault(...)`), other Python entry points, and deployment files (Dockerfile `ENV`,
// Compose `environment:`, `.env`, systemd units, Kubernetes env lists, Procfiles). When nothing names
// one, modules called settings.py or living in a settings/ package that assign Django settings.

import type { PyModule } from '../python/module.js';
import type { PythonProject } from '../python/project.js';
import { readText, type DiscoveredFile } from '../core/read.js';
import { field, named, stringValue, unparen, walk, dotted } from '../python/ast.js';
import type { SettingsSource } from './model.js';

/** Files that configure test runs or CI, not deployments: their settings module is not what runs in production. */
const TEST_CONFIG_RE =
  /(^|\/)(pytest\.ini|tox\.ini|setup\.cfg|pyproject\.toml|\.coveragerc|noxfile\.py|conftest\.py|\.gitlab-ci\.ya?ml|\.travis\.ya?ml|azure-pipelines\.ya?ml|bitbucket-pipelines\.ya?ml)$|(^|\/)\.(github|circleci|buildkite)\//;
const TEST_MODULE_RE = /(^|[._])(tests?|testing|ci|pytest)($|[._])/i;
const DEV_MODULE_RE = /(^|[._])(dev|develop|development|local|docker_local)($|[._])/i;
const PROD_MODULE_RE = /(^|[._])(prod|production|live|deploy|deployment|staging)($|[._])/i;

/** Settings Django projects assign; a module assigning several is a settings module. */
export const DJANGO_SETTING_NAMES = new Set([
  'INSTALLED_APPS',
  'MIDDLEWARE',
  'MIDDLEWARE_CLASSES',
  'SECRET_KEY',
  'DATABASES',
  'ROOT_URLCONF',
  'TEMPLATES',
  'DEBUG',
  'ALLOWED_HOSTS',
  'AUTH_PASSWORD_VALIDATORS',
  'STATIC_URL',
  'WSGI_APPLICATION',
  'AUTHENTICATION_BACKENDS',
  'SESSION_COOKIE_AGE',
  'LANGUAGE_CODE',
  'TIME_ZONE',
  'USE_TZ',
  'AUTH_USER_MODEL',
  'REST_FRAMEWORK',
  'CACHES',
  'LOGGING',
]);

export interface NamedModule {
  source: SettingsSource;
  mod: PyModule;
}

export function findNamedSettings(python: PythonProject, analysed: PyModule[], files: DiscoveredFile[]): NamedModule[] {
  const out: NamedModule[] = [];
  const add = (module: string, file: string, line: number, kind: SettingsSource['kind']) => {
    const mod = python.moduleByName(module);
    if (!mod) return;
    out.push({ source: { module, file, line, kind }, mod });
  };
  for (const m of analysed) {
    if (!m.src.includes('DJANGO_SETTINGS_MODULE')) continue;
    if (TEST_CONFIG_RE.test(m.path)) continue;
    const base = m.path.split('/').pop()!;
    const kind: SettingsSource['kind'] = base === 'manage.py' ? 'manage' : base === 'wsgi.py' || base === 'asgi.py' ? 'wsgi' : 'python';
    const found = settingsModuleAssignments(m);
    // Strings such as gunicorn's `raw_env = ['DJANGO_SETTINGS_MODULE=proj.settings.prod']`.
    for (const t of settingsModuleInText(m.src)) if (!found.some((f) => f.line === t.line)) found.push(t);
    for (const f of found) add(f.module, m.path, f.line, kind);
  }
  for (const f of files) {
    if (f.kind !== 'config' || TEST_CONFIG_RE.test(f.path)) continue;
    const r = readText(f.abs);
    if (!r.ok || !r.text.includes('DJANGO_SETTINGS_MODULE')) continue;
    for (const found of settingsModuleInText(r.text)) add(found.module, f.path, found.line, 'config');
  }
  return out;
}

/** `os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'x')`, `os.environ['DJANGO_SETTINGS_MODULE'] = 'x'`. */
export function settingsModuleAssignments(m: PyModule): { module: string; line: number }[] {
  const out: { module: string; line: number }[] = [];
  walk(m.root, (n) => {
    if (n.type === 'call') {
      const fn = dotted(field(n, 'function'), m.src);
      if (fn && /(^|\.)(environ\.setdefault|putenv|environ\.update)$/.test(fn)) {
        const args = field(n, 'arguments');
        const a = args ? named(args) : [];
        if (a.length >= 2 && stringValue(a[0], m.src) === 'DJANGO_SETTINGS_MODULE') {
          const v = stringValue(a[1], m.src);
          if (v) out.push({ module: v, line: n.line });
        }
      }
    } else if (n.type === 'assignment') {
      const left = unparen(field(n, 'left'));
      const right = field(n, 'right');
      if (left?.type === 'subscript' && right) {
        const base = dotted(field(left, 'value'), m.src);
        const key = stringValue(field(left, 'subscript'), m.src);
        if (base && /(^|\.)environ$/.test(base) && key === 'DJANGO_SETTINGS_MODULE') {
          const v = stringValue(right, m.src);
          if (v) out.push({ module: v, line: n.line });
        }
      }
    }
    return true;
  });
  return out;
}

const ASSIGN_RE = /DJANGO_SETTINGS_MODULE["']?(?:[ \t]*[=:][ \t]*|[ \t]+|:-)["']?([A-Za-z_][\w]*(?:\.[A-Za-z_]\w*)*)/g;
const K8S_RE = /name:[ \t]*["']?DJANGO_SETTINGS_MODULE["']?[ \t]*\r?\n[ \t]*value:[ \t]*["']?([A-Za-z_][\w]*(?:\.[A-Za-z_]\w*)*)/g;

/** `DJANGO_SETTINGS_MODULE=x` (env files, Dockerfile `ENV`, shell), `DJANGO_SETTINGS_MODULE: x` (Compose), k8s `name:/value:`. */
export function settingsModuleInText(text: string): { module: string; line: number }[] {
  const out: { module: string; line: number }[] = [];
  const lineAt = (i: number) => {
    let l = 1;
    for (let k = 0; k < i; k++) if (text.charCodeAt(k) === 10) l++;
    return l;
  };
  for (const re of [ASSIGN_RE, K8S_RE]) {
    re.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = re.exec(text))) {
      // Skip commented-out lines.
      const ls = text.lastIndexOf('\n', m.index) + 1;
      if (/^\s*(#|\/\/|;)/.test(text.slice(ls, m.index))) continue;
      out.push({ module: m[1], line: lineAt(m.index) });
    }
  }
  return out;
}

export function isTestModuleName(name: string): boolean {
  return TEST_MODULE_RE.test(name.split('.').pop() ?? name) || /(^|\.)tests?(\.|$)/.test(name);
}

export function isDevModuleName(name: string): boolean {
  return DEV_MODULE_RE.test(name.split('.').pop() ?? name);
}

export function isProdModuleName(name: string): boolean {
  return PROD_MODULE_RE.test(name.split('.').pop() ?? name);
}

/**
 * Chooses the settings modules that deployments load: those named by deployment files or
 * wsgi/asgi first (manage.py often names the development settings), tests and CI excluded,
 * development modules dropped when a non-development one is named.
 */
export function chooseNamed(named: NamedModule[]): NamedModule[] {
  let cands = named;
  const notTest = cands.filter((c) => !isTestModuleName(c.source.module));
  if (notTest.length) cands = notTest;
  const deployed = cands.filter((c) => c.source.kind !== 'manage');
  if (deployed.length) cands = deployed;
  const notDev = cands.filter((c) => !isDevModuleName(c.source.module));
  if (notDev.length) cands = notDev;
  const rank = { wsgi: 0, config: 1, python: 2, manage: 3, heuristic: 4 };
  return [...cands].sort((a, b) => rank[a.source.kind] - rank[b.source.kind]);
}

/** Does this module assign Django settings (or pull them in from a project settings module)? */
export function looksLikeSettings(m: PyModule): boolean {
  let count = 0;
  for (const a of m.assigns) if (DJANGO_SETTING_NAMES.has(a.name)) count++;
  if (count >= 2) return true;
  // One setting is enough in a module where Django settings live (`settings.py`, `settings/…`):
  // a split settings package may keep only REST_FRAMEWORK there, the rest in the deployment's base.
  return count >= 1 && (m.starImports.length > 0 || isSettingsPath(m.path));
}

export function isSettingsPath(path: string): boolean {
  return /(^|\/)settings\.py$/.test(path) || /(^|\/)settings\/[^/]+\.py$/.test(path);
}
