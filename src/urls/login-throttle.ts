// Throttling of a login where real projects put it, beyond decorators and settings:
// a rate-limit test in the view's code (`if is_ratelimited(...): raise …`, django-ratelimit's
// function form or a project helper of that name), a project helper named for rate limiting that
// raises or denies, and the same inside the `AuthenticationForm` subclass the view uses
// (`LoginView.as_view(authentication_form=…)`, a class attribute) or `admin.site.login_form`.

import type { ProjectModel } from '../model/project.js';
import type { PyClass, PyFunction, PyModule } from '../python/module.js';
import type { PyNode } from '../python/parser.js';
import { codeText, dotted, unparen } from '../python/ast.js';
import { viewThrottle } from './protections.js';
import { drfAttr, type ViewFacts } from './views.js';

/** Names of rate-limit tests and helpers: `is_ratelimited`, `ratelimited`, `check_login_rate_limit`, `throttle_login`, `too_many_attempts`. */
const RL_NAME = /(^|_)(is_)?(rate_?limit(ed|s)?|throttl(e|ed|ing)|too_many_(attempts|failures|requests)|locked_out|login_attempts_exceeded)(_|$)/i;
/** A denial: raise, or return of a refusing response / a falsy result. */
const DENY_LINE = /^\s*(raise\b|return\b|self\.add_error\b|messages\.error\b)/;

interface Code {
  mod: PyModule;
  text: string;
  cls: PyClass | null;
}

/** The throttle protecting a login view, or null: decorators/counters (viewThrottle), rate-limit calls, the login form. */
export function loginThrottle(model: ProjectModel, v: ViewFacts): string | null {
  const own = viewThrottle(v);
  if (own) return own;
  const mod = v.cls?.module ?? v.fn?.module ?? null;
  if (mod) {
    const hit = rateLimitCheck(model, { mod, text: v.text, cls: v.cls }, 0);
    if (hit) return hit;
  }
  const form = loginForm(model, v);
  if (form) {
    const hit = formThrottle(model, form);
    if (hit) return `${hit} in the login form \`${form.name}\``;
  }
  return null;
}

/** `if is_ratelimited(...):` followed by a denial, or a call to a project helper named for rate limiting that raises/denies. */
function rateLimitCheck(model: ProjectModel, c: Code, depth: number): string | null {
  const lines = c.text.split('\n'); // code text: comments already left out
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i];
    if (/^\s*@/.test(l)) continue; // decorators are viewThrottle's business
    // `if is_ratelimited(request, group='login', key='ip', rate='5/m', increment=True):` then raise/return
    const cond = /^\s*(?:el)?if\b(.*)$/.exec(l);
    if (cond) {
      const names = callNames(cond[1]).filter((n) => RL_NAME.test(n.split('.').pop() ?? ''));
      if (names.length && /^\s*(?:el)?if\s+(?!not\b)/.test(l)) {
        const next = lines.slice(i + 1, i + 5).find((x) => x.trim());
        const sameLine = /:\s*(raise|return)\b/.test(l);
        if (sameLine || (next && DENY_LINE.test(next))) return `\`${names[0].split('.').pop()}()\` (denies when the limit is reached)`;
      }
      continue;
    }
    // A statement that calls a project helper named for rate limiting (`check_login_rate(request)`).
    const stmt = /^\s*(?:\w+\s*=\s*)?(?:await\s+)?([\w.]+)\s*\(/.exec(l);
    if (!stmt) continue;
    const name = stmt[1];
    if (!RL_NAME.test(name.split('.').pop() ?? '')) continue;
    const helper = resolveHelper(model, c, name);
    if (!helper) continue;
    const ht = codeText(helper.node, helper.module.src);
    if (/\braise\b/.test(ht) || /status\s*=\s*429|\b429\b|HttpResponseForbidden|PermissionDenied|Throttled/.test(ht)) return `\`${helper.name}()\` (raises when the limit is reached)`;
    if (depth < 1) {
      const inner = rateLimitCheck(model, { mod: helper.module, text: ht, cls: helper.cls }, depth + 1);
      if (inner) return `\`${helper.name}()\`, which uses ${inner}`;
    }
  }
  return null;
}

function callNames(expr: string): string[] {
  const out: string[] = [];
  const re = /([A-Za-z_][\w.]*)\s*\(/g;
  for (let m = re.exec(expr); m; m = re.exec(expr)) out.push(m[1]);
  return out;
}

function resolveHelper(model: ProjectModel, c: Code, name: string): PyFunction | null {
  const python = model.python;
  if (name.startsWith('self.') && c.cls) return python.findMethod(c.cls, name.slice(5));
  const r = python.resolve(c.mod, name);
  return r?.kind === 'function' ? r.fn : null;
}

/** The project form class the login uses: `authentication_form` (initkwarg or class attribute), or the admin site's `login_form`. */
function loginForm(model: ProjectModel, v: ViewFacts): PyClass | null {
  const python = model.python;
  if (v.admin) {
    const site = v.admin.siteCls;
    if (site) {
      const a = python.classAttr(site, 'login_form');
      if (a) return classOf(model, a.cls.module, a.value);
    }
    // `admin.site.login_form = StaffLoginForm` in an admin module (Django autodiscovers `<app>/admin.py`).
    python.loadAll(/(^|\/)admin\.py$/);
    for (const m of python.loaded) {
      for (const a of m.assigns) {
        if (!/(^|\.)site\.login_form$/.test(a.name)) continue;
        const cls = classOf(model, m, a.value);
        if (cls) return cls;
      }
    }
    return null;
  }
  const attr = drfAttr(python, v, 'authentication_form');
  return attr ? classOf(model, attr.mod, attr.node) : null;
}

function classOf(model: ProjectModel, mod: PyModule, n: PyNode): PyClass | null {
  const name = dotted(unparen(n), mod.src);
  if (!name) return null;
  const r = model.python.resolve(mod, name);
  return r?.kind === 'class' ? r.cls : null;
}

/** Throttling in the form class or its project bases: a rate-limit check, a helper, a cache counter. */
function formThrottle(model: ProjectModel, cls: PyClass, seen = new Set<PyClass>()): string | null {
  if (seen.has(cls)) return null;
  seen.add(cls);
  const text = codeText(cls.node, cls.module.src);
  const hit = rateLimitCheck(model, { mod: cls.module, text, cls }, 0);
  if (hit) return hit;
  if (/\bcache\w*\.(incr|decr)\s*\(|\bcaches\[[^\]]+\]\.(incr|decr)\s*\(/.test(text)) return 'a cache-based attempt counter';
  for (const b of cls.bases) {
    const r = model.python.resolve(cls.module, b);
    if (r?.kind === 'class') {
      const inner = formThrottle(model, r.cls, seen);
      if (inner) return inner;
    }
  }
  return null;
}
