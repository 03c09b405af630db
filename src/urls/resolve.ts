// Static URL resolution: from ROOT_URLCONF, read `urlpatterns` (assignments, `+=`, `append`,
// `extend`, `i18n_patterns`), follow `path`/`re_path`/`url` and `include()` (module strings, module
// objects, inline lists, `(patterns, app_name)` tuples, `router.urls`, `admin.site.urls`), DRF router
// `register()` calls, `.as_view()` and decorator wrappers. View modules are loaded lazily through
// PythonProject.resolve, so views without trigger words are analysed when a URLconf names them.

import type { PyNode } from '../python/parser.js';
import type { PyModule } from '../python/module.js';
import type { PythonProject, Resolved } from '../python/project.js';
import { callArgNodes, dotted, field, named, stringValue, unparen, walk } from '../python/ast.js';
import type { Route, UrlModel, UrlSite, UrlWrapper, ViewTarget } from './model.js';

const MAX_DEPTH = 12;

function siteOf(mod: PyModule, n: PyNode): UrlSite {
  return { file: mod.path, line: n.line, column: n.col, endLine: n.endLine, endColumn: n.endCol };
}

interface Ctx {
  prefix: string;
  wrappers: UrlWrapper[];
  includes: UrlSite[];
  depth: number;
  externalConf?: string;
}

/** External URLconfs whose routes matter to the auth-surface rules (path → view). */
const EXTERNAL_CONFS: Record<string, { path: string; view: string }[]> = {
  'django.contrib.auth.urls': [
    { path: 'login/', view: 'django.contrib.auth.views.LoginView' },
    { path: 'logout/', view: 'django.contrib.auth.views.LogoutView' },
    { path: 'password_change/', view: 'django.contrib.auth.views.PasswordChangeView' },
    { path: 'password_reset/', view: 'django.contrib.auth.views.PasswordResetView' },
    { path: 'reset/<uidb64>/<token>/', view: 'django.contrib.auth.views.PasswordResetConfirmView' },
  ],
  'rest_framework.urls': [{ path: 'login/', view: 'django.contrib.auth.views.LoginView' }],
  'allauth.urls': [
    { path: 'login/', view: 'allauth.account.views.LoginView' },
    { path: 'password/reset/', view: 'allauth.account.views.PasswordResetView' },
  ],
  'allauth.account.urls': [
    { path: 'login/', view: 'allauth.account.views.LoginView' },
    { path: 'password/reset/', view: 'allauth.account.views.PasswordResetView' },
  ],
  'two_factor.urls': [{ path: 'account/login/', view: 'two_factor.views.LoginView' }],
  'dj_rest_auth.urls': [
    { path: 'login/', view: 'dj_rest_auth.views.LoginView' },
    { path: 'password/reset/', view: 'dj_rest_auth.views.PasswordResetView' },
  ],
  'rest_auth.urls': [
    { path: 'login/', view: 'rest_auth.views.LoginView' },
    { path: 'password/reset/', view: 'rest_auth.views.PasswordResetView' },
  ],
  'djoser.urls.jwt': [{ path: 'jwt/create/', view: 'rest_framework_simplejwt.views.TokenObtainPairView' }],
  'djoser.urls.authtoken': [{ path: 'token/login/', view: 'djoser.views.TokenCreateView' }],
  'knox.urls': [{ path: 'login/', view: 'knox.views.LoginView' }],
};

function externalConfFor(q: string): string | null {
  for (const k of Object.keys(EXTERNAL_CONFS)) if (q === k || q === `${k}.urlpatterns` || q.startsWith(`${k}.`)) return k;
  return null;
}

const endsWith = (q: string | null, ...names: string[]) => !!q && names.some((n) => q === n || q.endsWith(`.${n}`));

export class UrlResolver {
  private readonly routes: Route[] = [];
  private readonly visiting = new Set<string>();
  private adminPatches: Map<string, string> | null = null;

  constructor(private readonly python: PythonProject) {}

  resolveRoots(roots: PyModule[]): UrlModel {
    for (const r of roots) this.conf(r, { prefix: '', wrappers: [], includes: [], depth: 0 });
    return { roots: roots.map((r) => r.path), routes: this.routes };
  }

  private conf(mod: PyModule, ctx: Ctx): void {
    const key = `${mod.path}|${ctx.prefix}`;
    if (this.visiting.has(key) || ctx.depth > MAX_DEPTH) return;
    this.visiting.add(key);
    try {
      for (const el of this.urlpatterns(mod)) this.entry(el.mod, el.node, ctx);
    } finally {
      this.visiting.delete(key);
    }
  }

  /** Elements of `urlpatterns` in `mod`, in order. */
  urlpatterns(mod: PyModule): { mod: PyModule; node: PyNode }[] {
    let out: { mod: PyModule; node: PyNode }[] = [];
    const visit = (stmts: PyNode[]) => {
      for (const s of stmts) {
        if (s.type === 'if_statement') {
          const cond = field(s, 'condition');
          // Debug-only routes (`if settings.DEBUG:`) are not served in production.
          if (cond && /\bDEBUG\b/.test(mod.text(cond))) {
            for (const c of s.children) if (c.type === 'else_clause') visit(named(field(c, 'body') ?? c));
            continue;
          }
          const cons = field(s, 'consequence');
          if (cons) visit(named(cons));
          for (const c of s.children) {
            if (c.type === 'elif_clause') visit(named(field(c, 'consequence') ?? c));
            if (c.type === 'else_clause') visit(named(field(c, 'body') ?? c));
          }
          continue;
        }
        if (s.type === 'try_statement' || s.type === 'with_statement') {
          const b = field(s, 'body');
          if (b) visit(named(b));
          continue;
        }
        if (s.type !== 'expression_statement') continue;
        const e = named(s)[0];
        if (!e) continue;
        if (e.type === 'assignment' && this.isUrlpatterns(mod, field(e, 'left'))) {
          const right = field(e, 'right');
          if (right) out = this.elements(mod, right, 0);
        } else if (e.type === 'augmented_assignment' && this.isUrlpatterns(mod, field(e, 'left'))) {
          const right = field(e, 'right');
          if (right) out.push(...this.elements(mod, right, 0));
        } else if (e.type === 'call') {
          const fn = unparen(field(e, 'function'));
          if (fn?.type === 'attribute' && this.isUrlpatterns(mod, field(fn, 'object'))) {
            const m = mod.text(field(fn, 'attribute')!);
            const args = field(e, 'arguments');
            const a = args ? named(args).filter((x) => x.type !== 'keyword_argument') : [];
            if (m === 'append' && a[0]) out.push({ mod, node: a[0] });
            else if (m === 'extend' && a[0]) out.push(...this.elements(mod, a[0], 0));
            else if (m === 'insert' && a[1]) out.unshift({ mod, node: a[1] });
          }
        }
      }
    };
    visit(named(mod.root));
    return out;
  }

  private isUrlpatterns(mod: PyModule, n: PyNode | null): boolean {
    const u = unparen(n);
    return !!u && u.type === 'identifier' && mod.text(u) === 'urlpatterns';
  }

  /** The URL-pattern elements an expression stands for. */
  private elements(mod: PyModule, n0: PyNode, depth: number): { mod: PyModule; node: PyNode }[] {
    const n = unparen(n0);
    if (!n || depth > MAX_DEPTH) return [];
    switch (n.type) {
      case 'list':
      case 'tuple': {
        const out: { mod: PyModule; node: PyNode }[] = [];
        for (const c of named(n)) {
          if (c.type === 'list_splat') {
            const inner = named(c)[0];
            if (inner) out.push(...this.elements(mod, inner, depth + 1));
          } else out.push({ mod, node: c });
        }
        return out;
      }
      case 'binary_operator': {
        const l = field(n, 'left');
        const r = field(n, 'right');
        return [...(l ? this.elements(mod, l, depth + 1) : []), ...(r ? this.elements(mod, r, depth + 1) : [])];
      }
      case 'call': {
        const q = this.python.qualifyNode(mod, n) ?? dotted(field(n, 'function'), mod.src);
        const args = field(n, 'arguments');
        const a = args ? named(args).filter((x) => x.type !== 'keyword_argument') : [];
        if (endsWith(q, 'i18n_patterns')) return a.flatMap((x) => (x.type === 'list_splat' ? this.elements(mod, named(x)[0] ?? x, depth + 1) : [{ mod, node: x }]));
        if (endsWith(q, 'patterns')) return a.slice(1).map((x) => ({ mod, node: x }));
        if (endsWith(q, 'format_suffix_patterns') && a[0]) return this.elements(mod, a[0], depth + 1);
        if (endsWith(q, 'list') && a[0]) return this.elements(mod, a[0], depth + 1);
        return [];
      }
      case 'attribute': {
        // `router.urls`
        if (mod.text(field(n, 'attribute')!) === 'urls') return [{ mod, node: n }];
        return this.refElements(mod, n, depth);
      }
      case 'identifier':
        return this.refElements(mod, n, depth);
      default:
        return [];
    }
  }

  /** A name standing for a list of patterns (`api_patterns`, `from .api import urlpatterns as api`). */
  private refElements(mod: PyModule, n: PyNode, depth: number): { mod: PyModule; node: PyNode }[] {
    const r = this.python.resolveNode(mod, n);
    if (r?.kind === 'assign') {
      if (r.name === 'urlpatterns') return this.urlpatterns(r.mod);
      return this.elements(r.mod, r.value, depth + 1);
    }
    if (r?.kind === 'module') return this.urlpatterns(r.mod);
    return [];
  }

  private entry(mod: PyModule, n0: PyNode, ctx: Ctx): void {
    const n = unparen(n0);
    if (!n) return;
    if (n.type === 'attribute' && mod.text(field(n, 'attribute')!) === 'urls') {
      this.urlsAttr(mod, n, n, ctx, '');
      return;
    }
    if (n.type !== 'call') return;
    const fnText = dotted(field(n, 'function'), mod.src);
    if (!fnText) return;
    const q = this.python.qualifyNode(mod, n) ?? fnText;
    if (!endsWith(q, 'path', 're_path', 'url')) return;
    const { pos, kw } = callArgNodes(n, mod.src);
    const routeNode = pos[0] ?? kw.get('route') ?? kw.get('regex') ?? null;
    const viewNode = pos[1] ?? kw.get('view') ?? null;
    if (!viewNode) return;
    let pattern = routeNode ? stringValue(routeNode, mod.src) : '';
    if (pattern === null) pattern = '*';
    if (!endsWith(q, 'path')) pattern = pattern.replace(/^\^/, '').replace(/\$$/, '');
    const nameNode = kw.get('name') ?? pos[3] ?? null;
    const routeName = nameNode ? (stringValue(nameNode, mod.src) ?? undefined) : undefined;
    const here = siteOf(mod, n);
    const sub: Ctx = { ...ctx, prefix: ctx.prefix + pattern };
    this.viewOrInclude(mod, viewNode, n, here, sub, routeName);
  }

  private viewOrInclude(mod: PyModule, viewNode: PyNode, routeCall: PyNode, here: UrlSite, ctx: Ctx, routeName: string | undefined): void {
    const v = unparen(viewNode);
    if (!v) return;
    // include(...)
    if (v.type === 'call') {
      const ft = dotted(field(v, 'function'), mod.src);
      const fq = ft ? (this.python.qualifyNode(mod, v) ?? ft) : null;
      if (endsWith(fq, 'include')) {
        const args = field(v, 'arguments');
        const a = args ? named(args).filter((x) => x.type !== 'keyword_argument') : [];
        const inc: Ctx = { ...ctx, includes: [...ctx.includes, here], depth: ctx.depth + 1 };
        if (a[0]) this.include(mod, a[0], routeCall, here, inc);
        return;
      }
    }
    if (v.type === 'attribute' && mod.text(field(v, 'attribute')!) === 'urls') {
      this.urlsAttr(mod, v, routeCall, { ...ctx, includes: [...ctx.includes, here], depth: ctx.depth + 1 }, '', here);
      return;
    }
    if (v.type === 'tuple') {
      // Old style `url(r'^admin/', (patterns, app_name, namespace))` or `admin.site.urls` tuple.
      const first = named(v)[0];
      if (first) this.include(mod, first, routeCall, here, { ...ctx, includes: [...ctx.includes, here], depth: ctx.depth + 1 });
      return;
    }
    const wrappers: UrlWrapper[] = [...ctx.wrappers];
    const target = this.viewTarget(mod, v, wrappers, 0);
    this.routes.push({
      path: '/' + ctx.prefix,
      site: here,
      file: mod.path,
      view: target,
      wrappers,
      includes: ctx.includes,
      name: routeName,
      externalConf: ctx.externalConf,
    });
  }

  private include(mod: PyModule, arg0: PyNode, routeCall: PyNode, here: UrlSite, ctx: Ctx): void {
    const a = unparen(arg0);
    if (!a) return;
    const s = stringValue(a, mod.src);
    if (s !== null) {
      const m = this.python.moduleByName(s);
      if (m) this.conf(m, ctx);
      else this.external(s, here, ctx);
      return;
    }
    if (a.type === 'list') {
      for (const el of this.elements(mod, a, 0)) this.entry(el.mod, el.node, ctx);
      return;
    }
    if (a.type === 'tuple') {
      const first = named(a)[0];
      if (first) this.include(mod, first, routeCall, here, ctx);
      return;
    }
    if (a.type === 'attribute' && mod.text(field(a, 'attribute')!) === 'urls') {
      this.urlsAttr(mod, a, routeCall, ctx, '', here);
      return;
    }
    const r = this.python.resolveNode(mod, a);
    if (r?.kind === 'module') this.conf(r.mod, ctx);
    else if (r?.kind === 'assign') {
      for (const el of r.name === 'urlpatterns' ? this.urlpatterns(r.mod) : this.elements(r.mod, r.value, 0)) this.entry(el.mod, el.node, ctx);
    } else if (r?.kind === 'external') this.external(r.qualified, here, ctx);
  }

  private external(qualified: string, here: UrlSite, ctx: Ctx): void {
    const conf = externalConfFor(qualified);
    if (!conf) return;
    for (const e of EXTERNAL_CONFS[conf]) {
      this.routes.push({
        path: '/' + ctx.prefix + e.path,
        site: here,
        file: here.file,
        view: { kind: 'external', qualified: e.view, isClass: /\.[A-Z]\w*$/.test(e.view), initkwargs: new Map() },
        wrappers: [...ctx.wrappers],
        includes: ctx.includes.slice(0, -1),
        externalConf: conf,
      });
    }
  }

  /** `X.urls`: an admin site or a DRF router. `includeSite` is the `path()` call that includes it, if any. */
  private urlsAttr(mod: PyModule, n: PyNode, routeCall: PyNode, ctx: Ctx, _extra: string, includeSite?: UrlSite): void {
    const obj = field(n, 'object');
    if (!obj) return;
    const objName = dotted(obj, mod.src);
    if (!objName) return;
    const here = includeSite ?? siteOf(mod, routeCall);
    const admin = this.adminSite(mod, obj, objName);
    if (admin) {
      this.routes.push({
        path: '/' + ctx.prefix,
        site: here,
        file: mod.path,
        view: admin,
        wrappers: [...ctx.wrappers],
        includes: ctx.includes.filter((s) => s !== here),
      });
      return;
    }
    for (const r of this.routerRegistrations(mod, obj, objName)) {
      const wrappers = [...ctx.wrappers];
      const target = this.viewTarget(r.mod, r.viewset, wrappers, 0);
      if (target.kind === 'class') target.viaRouter = true;
      this.routes.push({
        path: '/' + ctx.prefix + r.prefix + '/',
        site: siteOf(r.mod, r.call),
        file: r.mod.path,
        view: target,
        wrappers,
        includes: ctx.includes,
      });
    }
  }

  /** Is `objName` (in `mod`) an admin site? Returns the target with the site's class. */
  private adminSite(mod: PyModule, obj: PyNode, objName: string): ViewTarget | null {
    const q = this.python.qualifyNode(mod, obj);
    if (q && /^django\.contrib\.admin(\.sites)?\.site$/.test(q)) {
      const patched = this.adminPatch();
      const cls = patched ?? 'django.contrib.admin.sites.AdminSite';
      const r = patched ? this.classByQualified(patched) : null;
      return { kind: 'admin', expr: objName, siteClass: cls, siteCls: r };
    }
    const r = this.python.resolveNode(mod, obj);
    if (r?.kind === 'assign') {
      const v = unparen(r.value);
      if (v?.type === 'call') {
        const cr = this.python.resolveNode(r.mod, v);
        if (cr?.kind === 'class') {
          const anc = this.python.ancestry(cr.cls);
          if (anc.some((a) => /AdminSite\w*$/.test(a))) return { kind: 'admin', expr: objName, siteClass: `${cr.cls.module.name}.${cr.cls.qualname}`, siteCls: cr.cls };
        } else if (cr?.kind === 'external' && /AdminSite\w*$/.test(cr.qualified)) {
          return { kind: 'admin', expr: objName, siteClass: cr.qualified, siteCls: null };
        }
      }
    }
    return null;
  }

  private classByQualified(q: string): import('../python/module.js').PyClass | null {
    const i = q.lastIndexOf('.');
    if (i < 0) return null;
    const m = this.python.moduleByName(q.slice(0, i));
    return m?.classes.get(q.slice(i + 1)) ?? null;
  }

  /** `admin.site.__class__ = OTPAdminSite` anywhere in the parsed code: the qualified class. */
  private adminPatch(): string | null {
    if (!this.adminPatches) {
      this.adminPatches = new Map();
      // The patch usually sits in a URLconf, maybe one this resolution has not reached yet.
      this.python.loadAll(URLCONF_PATH_RE);
      for (const m of this.python.loaded) {
        if (!m.src.includes('__class__')) continue;
        for (const a of m.assigns) {
          if (!/^admin(\.sites)?\.site\.__class__$/.test(a.name)) continue;
          const cn = dotted(a.value, m.src);
          if (!cn) continue;
          const r = this.python.resolveNode(m, a.value);
          const q = r?.kind === 'class' ? `${r.cls.module.name}.${r.cls.qualname}` : r?.kind === 'external' ? r.qualified : cn;
          this.adminPatches.set(m.path, q);
        }
      }
    }
    return [...this.adminPatches.values()].pop() ?? null;
  }

  /** `router.register(prefix, ViewSet)` calls for the router named `name` in `mod` (or where it is defined). */
  private routerRegistrations(mod: PyModule, obj: PyNode, name: string): { mod: PyModule; prefix: string; viewset: PyNode; call: PyNode }[] {
    let home = mod;
    let local = name;
    const r = this.python.resolveNode(mod, obj);
    if (r?.kind === 'assign') {
      home = r.mod;
      local = r.name;
      const v = unparen(r.value);
      const ctor = v?.type === 'call' ? dotted(field(v, 'function'), r.mod.src) : null;
      const cq = ctor ? (this.python.qualifyNode(r.mod, v) ?? ctor) : null;
      if (!cq || !/Router$/.test(cq)) return [];
    } else if (r) return [];
    const out: { mod: PyModule; prefix: string; viewset: PyNode; call: PyNode }[] = [];
    const mods = home === mod ? [mod] : [home, mod];
    for (const m of mods) {
      const localName = m === home ? local : name;
      walk(m.root, (n) => {
        if (n.type === 'function_definition' || n.type === 'class_definition') return false;
        if (n.type !== 'call') return true;
        const fn = unparen(field(n, 'function'));
        if (fn?.type !== 'attribute') return true;
        if (dotted(fn, m.src) !== `${localName}.register`) return true;
        const args = field(n, 'arguments');
        const a = args ? named(args).filter((x) => x.type !== 'keyword_argument' && x.type !== 'comment') : [];
        const kw = args ? named(args).filter((x) => x.type === 'keyword_argument') : [];
        const vs = a[1] ?? kw.find((k) => m.text(field(k, 'name')!) === 'viewset')?.children.find((c) => c.field === 'value') ?? null;
        const pfx = a[0] ? stringValue(a[0], m.src) : null;
        if (vs) out.push({ mod: m, prefix: (pfx ?? '*').replace(/^\^/, '').replace(/\$$/, ''), viewset: vs, call: n });
        return false;
      });
    }
    return out;
  }

  /** What a view expression in a URLconf refers to; decorators applied on the way go into `wrappers`. */
  viewTarget(mod: PyModule, n0: PyNode, wrappers: UrlWrapper[], depth: number): ViewTarget {
    const n = unparen(n0);
    if (!n || depth > MAX_DEPTH) return { kind: 'unknown', text: n0 ? mod.text(n0) : '' };
    if (n.type === 'call') {
      const fn = unparen(field(n, 'function'));
      const args = field(n, 'arguments');
      const pos = args ? named(args).filter((x) => x.type !== 'keyword_argument' && x.type !== 'comment') : [];
      if (fn?.type === 'attribute' && mod.text(field(fn, 'attribute')!) === 'as_view') {
        const clsName = dotted(field(fn, 'object'), mod.src);
        const initkwargs = new Map<string, { node: PyNode; mod: PyModule }>();
        for (const a of args ? named(args) : []) {
          if (a.type !== 'keyword_argument') continue;
          const k = field(a, 'name');
          const v = field(a, 'value');
          if (k && v) initkwargs.set(mod.text(k), { node: v, mod });
        }
        if (!clsName) return { kind: 'unknown', text: mod.text(n) };
        const r = this.python.resolveNode(mod, field(fn, 'object'));
        if (r?.kind === 'class') return { kind: 'class', cls: r.cls, qualified: `${r.cls.module.name}.${r.cls.qualname}`, initkwargs };
        if (r?.kind === 'external') return { kind: 'external', qualified: r.qualified, isClass: true, initkwargs };
        return { kind: 'external', qualified: clsName, isClass: true, initkwargs };
      }
      // A decorator applied in the URLconf: `login_required(view)`, `ratelimit(...)(view)`.
      if (fn && pos[0]) {
        const decoName = fn.type === 'call' ? dotted(field(fn, 'function'), mod.src) : dotted(fn, mod.src);
        if (decoName) {
          const q = this.python.qualifyNode(mod, fn) ?? decoName;
          wrappers.push({ qualified: q, node: fn.type === 'call' ? fn : n, mod });
          return this.viewTarget(mod, pos[0], wrappers, depth + 1);
        }
      }
      return { kind: 'unknown', text: mod.text(n) };
    }
    const name = dotted(n, mod.src);
    if (!name) return { kind: 'unknown', text: mod.text(n) };
    const r: Resolved | null = this.python.resolveNode(mod, n);
    if (!r) return { kind: 'unknown', text: name };
    switch (r.kind) {
      case 'function':
        return { kind: 'function', fn: r.fn, qualified: `${r.fn.module.name}.${r.fn.qualname}` };
      case 'class':
        return { kind: 'class', cls: r.cls, qualified: `${r.cls.module.name}.${r.cls.qualname}`, initkwargs: new Map() };
      case 'external':
        return { kind: 'external', qualified: r.qualified, isClass: /\.[A-Z]\w*$/.test(r.qualified), initkwargs: new Map() };
      case 'assign':
        return this.viewTarget(r.mod, r.value, wrappers, depth + 1);
      default:
        return { kind: 'unknown', text: name };
    }
  }
}

const URLCONF_PATH_RE = /(^|\/)urls\.py$/;

/** URLconf modules to start from: ROOT_URLCONF values, else urls.py modules no other URLconf includes. */
export function resolveUrls(python: PythonProject, rootConfs: string[], fallback: boolean): UrlModel {
  const roots: PyModule[] = [];
  for (const r of rootConfs) {
    const m = python.moduleByName(r);
    if (m && !roots.includes(m)) roots.push(m);
  }
  if (roots.length || !fallback) return new UrlResolver(python).resolveRoots(roots);
  const cands = python.loadAll(URLCONF_PATH_RE).filter((m) => m.assigns.some((a) => a.name === 'urlpatterns'));
  if (!cands.length) return { roots: [], routes: [] };
  // A candidate whose routes show up when resolving another candidate is included by it.
  const reached = new Set<string>();
  for (const c of cands) {
    const r = new UrlResolver(python).resolveRoots([c]);
    for (const route of r.routes) if (route.file !== c.path) reached.add(route.file);
  }
  const top = cands.filter((c) => !reached.has(c.path));
  return new UrlResolver(python).resolveRoots(top.length ? top : cands);
}
