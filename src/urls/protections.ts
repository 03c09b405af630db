// The ecosystem's protections, recognised so they never show up as false positives:
// throttling (django-axes, django-defender, django-ratelimit, DRF throttles, allauth's own limits,
// custom cache counters), second factors (django-otp, django-two-factor-auth, allauth.mfa,
// webauthn/FIDO2 packages, OTP admin sites), access control (`login_required` & co.,
// `permission_classes`, Django 5.1 `LoginRequiredMiddleware`, a project middleware that refuses
// requests without a client certificate) and client-certificate requirements at the proxy.

import type { ProjectModel } from '../model/project.js';
import type { PyClass } from '../python/module.js';
import { codeText } from '../python/ast.js';
import type { EntryPoint } from '../deploy/model.js';
import { entry, isUnknown, itemsAtLeast, pyTruthy, stringItems, type SettingsProfile, type SValue } from '../settings/model.js';
import { callArgs, classList, decoList, drfAttr, endsWith, type Deco, type ViewFacts } from './views.js';

/** A list setting's string items; null when the list (or an item) is unknown, or absent and not defaulted. */
export function listSetting(p: SettingsProfile | null, name: string): string[] | null {
  const s = p?.get(name);
  if (!s) return p && !p.opaque ? [] : null;
  return stringsOf(s.tree);
}

export function stringsOf(v: SValue | undefined): string[] | null {
  if (!v || !v.items || isUnknown(v.value)) return null;
  const out: string[] = [];
  for (const i of v.items) {
    if (typeof i.value !== 'string') return null;
    out.push(i.value);
  }
  return out;
}

export function hasApp(apps: string[], name: string): boolean {
  return apps.some((a) => a === name || a.startsWith(`${name}.apps.`) || a.startsWith(`${name}.`));
}

export interface Protections {
  profile: SettingsProfile | null;
  apps: string[] | null;
  /**
   * When `apps` is unknown: the apps INSTALLED_APPS certainly holds (`[*env_apps, 'a', 'b']`), the
   * rest coming from somewhere the scanner cannot read. Null when not even those are known.
   */
  appsAtLeast: string[] | null;
  middleware: string[] | null;
  backends: string[] | null;
  /**
   * A throttle every `authenticate()` call passes through: django-axes (active), or a
   * django-ratelimit-backend backend in AUTHENTICATION_BACKENDS. What it is, or null.
   */
  axes: string | null;
  /** django-defender's FailedLoginMiddleware (protects the admin login). */
  defenderAdmin: string | null;
  /** A project-wide second factor for session logins (django-otp + OTPMiddleware, two_factor, allauth.mfa, webauthn apps). */
  secondFactor: string | null;
  /** Django 5.1 LoginRequiredMiddleware. */
  loginRequiredMiddleware: boolean;
  /** A project middleware that refuses requests without a client certificate. */
  certMiddleware: string | null;
  /** mtls-audit's own Django app (`fix --write`): certificate on every request, password-login throttling. */
  mtlsAuditApp: string | null;
  /** REST_FRAMEWORK settings. */
  drf: {
    throttleClasses: string[] | null;
    rates: Record<string, string | null> | null;
    permissions: string[] | null;
    authentications: string[] | null;
  };
  /** allauth's built-in login rate limits are on (its default). */
  allauthLimits: boolean;
  /** Something the resolver could not see could change any of this. */
  unsure: boolean;
}

const WEBAUTHN_APPS = ['django_otp_webauthn', 'webauthn', 'django_webauthn', 'passkeys', 'mfa', 'trench', 'django_mfa', 'allauth.mfa', 'fido2'];

export function protections(model: ProjectModel, p: SettingsProfile | null): Protections {
  const apps = listSetting(p, 'INSTALLED_APPS');
  const atLeast = apps ? null : itemsAtLeast(p?.get('INSTALLED_APPS')?.tree);
  const appsAtLeast = atLeast ? stringItems(atLeast) : null;
  // An app the settings do not name may still be installed when the list is partly unknown.
  const mayHave = (name: string) => (apps ? hasApp(apps, name) : appsAtLeast !== null);
  const mwNew = p?.get('MIDDLEWARE');
  const middleware = mwNew ? stringsOf(mwNew.tree) : listSetting(p, 'MIDDLEWARE_CLASSES');
  const backendsSetting = p?.get('AUTHENTICATION_BACKENDS');
  const backends = backendsSetting ? stringsOf(backendsSetting.tree) : p && !p.opaque ? ['django.contrib.auth.backends.ModelBackend'] : null;

  let axes: string | null = null;
  const axesEnabled = p?.get('AXES_ENABLED');
  if (mayHave('axes') && !(axesEnabled && pyTruthy(axesEnabled.value) === false)) {
    const mw = middleware?.find((m) => endsWith(m, 'AxesMiddleware'));
    const be = backends?.find((b) => /Axes(Standalone|Model)?Backend$/.test(b));
    if (mw || be)
      axes = `django-axes (${[be, mw]
        .filter(Boolean)
        .map((x) => `\`${x!.split('.').pop()}\``)
        .join(', ')})`;
  }
  // django-ratelimit-backend: a backend (theirs, or a project one built on `RateLimitMixin`) that
  // counts failures of every `authenticate()` call, as django-axes' does.
  if (!axes) {
    const rl = backends?.find((b) => b.startsWith('ratelimitbackend.backends.') || projectClassInherits(model, b, 'ratelimitbackend.backends.RateLimitMixin'));
    if (rl) axes = `django-ratelimit-backend (\`${rl.split('.').pop()}\`)`;
  }
  const defenderAdmin = mayHave('defender') && middleware?.some((m) => endsWith(m, 'FailedLoginMiddleware')) ? 'django-defender `FailedLoginMiddleware`' : null;

  let secondFactor: string | null = null;
  if (apps) {
    if (hasApp(apps, 'django_otp') && middleware?.some((m) => endsWith(m, 'OTPMiddleware'))) secondFactor = 'django-otp (`OTPMiddleware`)';
    else if (hasApp(apps, 'two_factor')) secondFactor = 'django-two-factor-auth';
    else {
      const w = WEBAUTHN_APPS.find((a) => hasApp(apps, a));
      if (w) secondFactor = `\`${w}\``;
    }
  }
  const loginRequiredMiddleware = !!middleware?.some((m) => m === 'django.contrib.auth.middleware.LoginRequiredMiddleware');

  const rf = p?.get('REST_FRAMEWORK');
  const rfTree = rf?.tree;
  const rfKnown = rf ? !isUnknown(rf.value) && !!rfTree?.entries : !!p && !p.opaque;
  const drfList = (key: string, dflt: string[]): string[] | null => {
    if (!rfKnown) return null;
    const e = entry(rfTree, key);
    if (!e) return dflt;
    return stringsOf(e);
  };
  let rates: Record<string, string | null> | null = null;
  if (rfKnown) {
    const e = entry(rfTree, 'DEFAULT_THROTTLE_RATES');
    if (!e) rates = {};
    else if (e.entries && !isUnknown(e.value)) {
      rates = {};
      for (const x of e.entries) rates[x.key] = typeof x.value.value === 'string' ? x.value.value : x.value.value === null ? null : '?';
    }
  }
  const allauthRl = p?.get('ACCOUNT_RATE_LIMITS');
  const allauthAttempts = p?.get('ACCOUNT_LOGIN_ATTEMPTS_LIMIT');
  const allauthLimits = !(allauthRl && (allauthRl.value === false || (allauthRl.tree.entries && allauthRl.tree.entries.length === 0))) && !(allauthAttempts && allauthAttempts.value === null);

  return {
    profile: p,
    apps,
    appsAtLeast,
    middleware,
    backends,
    axes,
    defenderAdmin,
    secondFactor,
    loginRequiredMiddleware,
    certMiddleware: certMiddleware(model, middleware),
    mtlsAuditApp: middleware?.some((m) => m === 'mtls_audit_django.middleware.ClientCertificateMiddleware') ? '`mtls_audit_django` (`ClientCertificateMiddleware`)' : null,
    drf: {
      throttleClasses: drfList('DEFAULT_THROTTLE_CLASSES', []),
      rates,
      permissions: drfList('DEFAULT_PERMISSION_CLASSES', ['rest_framework.permissions.AllowAny']),
      authentications: drfList('DEFAULT_AUTHENTICATION_CLASSES', ['rest_framework.authentication.SessionAuthentication', 'rest_framework.authentication.BasicAuthentication']),
    },
    allauthLimits,
    unsure: !p || p.opaque,
  };
}

const CERT_KEY_RE = /SSL_CLIENT|CLIENT_CERT|CLIENT_S_DN|CLIENT_VERIFY|X509|x509|FORWARDED_CLIENT_CERT|load_certificate|load_pem_x509/;
const DENY_RE = /status\s*=\s*40[13]|HttpResponseForbidden|PermissionDenied|HttpResponse\w*\([^)]*40[13]|JsonResponse\([^)]*status\s*=\s*40[13]|status\.HTTP_40[13]/;

/** An `if` on a missing/unverified certificate (not on a session value) followed by a denial. */
function refusesWithoutCert(text: string): boolean {
  const lines = text.split('\n'); // code text: comments already left out
  // Variables holding a certificate value: `verify = request.META.get('SSL_CLIENT_VERIFY')`.
  const vars = lines.map((l) => (/^\s*(\w+)\s*=[^=]/.exec(l)?.[1] && CERT_KEY_RE.test(l) && !/session/.test(l) ? /^\s*(\w+)/.exec(l)![1] : null)).filter((v): v is string => !!v);
  const sessionVars = lines.map((l) => (/session/.test(l) ? (/^\s*(\w+)\s*=[^=]/.exec(l)?.[1] ?? null) : null)).filter((v): v is string => !!v);
  const certCond = (l: string) => CERT_KEY_RE.test(l) || vars.some((v) => new RegExp(`\\b${v}\\b`).test(l));
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i];
    if (!/^\s*(el)?if\b/.test(l) || !certCond(l) || /session/.test(l) || sessionVars.some((v) => new RegExp(`\\b${v}\\b`).test(l))) continue;
    if (!/^\s*(el)?if\s+not\b|!=\s*['"]SUCCESS['"]|\bis None\b|==\s*['"](NONE)?['"]/.test(l)) continue;
    if (DENY_RE.test(lines.slice(i, i + 4).join('\n'))) return true;
  }
  return false;
}

/** `dotted` names a project class with `base` (qualified) among its ancestors. */
function projectClassInherits(model: ProjectModel, dotted: string, base: string): boolean {
  const i = dotted.lastIndexOf('.');
  if (i < 0) return false;
  const cls = model.python.moduleByName(dotted.slice(0, i))?.classes.get(dotted.slice(i + 1));
  return !!cls && model.python.ancestry(cls).includes(base);
}

/** A project middleware in MIDDLEWARE that reads the client certificate and refuses requests without one. */
function certMiddleware(model: ProjectModel, middleware: string[] | null): string | null {
  const python = model.python;
  // The code model first: a listed middleware whose flow (helpers included) denies on a certificate value.
  for (const f of model.code.flows) {
    const cls = f.root.fn.cls;
    if (f.root.kind !== 'middleware' || !cls) continue;
    const dotted = `${cls.module.name}.${cls.name}`;
    if (!(middleware ?? []).some((m) => m === dotted || m.endsWith(`.${cls.module.name.split('.').pop()}.${cls.name}`))) continue;
    // It must refuse when the certificate is absent (a presence test that denies), not only on a mismatch.
    if (f.events.some((e) => e.t === 'cond' && e.denies && e.presence && [...e.val.reads].some((r) => r.kind !== 'user'))) return `\`${cls.name}\``;
  }
  for (const m of middleware ?? []) {
    const i = m.lastIndexOf('.');
    if (i < 0) continue;
    const mod = python.moduleByName(m.slice(0, i));
    const name = m.slice(i + 1);
    if (!mod) continue;
    const cls = mod.classes.get(name);
    const fn = mod.functions.get(name);
    const text = cls ? codeText(cls.node, mod.src) : fn ? codeText(fn.node, mod.src) : null;
    if (text && refusesWithoutCert(text)) return `\`${name}\``;
  }
  return null;
}

/** django-ratelimit on the view (blocking), in its module, class, methods or URLconf. */
export function ratelimitDeco(v: ViewFacts): Deco | null {
  for (const d of v.decos) {
    if (!endsWith(d.q, 'ratelimit') && !/(^|\.)ratelimit\.decorators\.ratelimit$|django_ratelimit/.test(d.q)) continue;
    if (d.method && !['dispatch', 'post', 'create', 'put'].includes(d.method)) continue;
    if (d.node.type === 'call') {
      const { kw } = callArgs(d.mod, d.node);
      const block = kw.get('block');
      if (block && d.mod.text(block).trim() === 'False' && !/\.limited\b|['"]limited['"]/.test(v.text)) continue;
    }
    return d;
  }
  return null;
}

/** A view-level throttle or counter: django-ratelimit, axes/defender decorators, a cache-based attempt counter. */
export function viewThrottle(v: ViewFacts): string | null {
  const rl = ratelimitDeco(v);
  if (rl) return 'django-ratelimit';
  const other = v.decos.find((d) => endsWith(d.q, 'axes_dispatch', 'axes_form_invalid', 'watch_login', 'brake', 'throttle'));
  if (other) return `\`${other.q.split('.').pop()}\``;
  const text = v.text;
  if (/\bcache\w*\.(incr|decr)\s*\(|\bcaches\[[^\]]+\]\.(incr|decr)\s*\(/.test(text)) return 'a cache-based attempt counter';
  if (/\b(failed_attempts|login_attempts|attempts|lockout|locked_out|failed_logins?|login_failures?|too_many_attempts)\b/i.test(text) && /\bcache\b|\.objects\.|status\s*=\s*429|429|locked/.test(text)) return 'an attempt counter';
  return null;
}

/** DRF throttling effective on a DRF view: its own `throttle_classes` or the project defaults, with rates. */
// 'unknown' is spelled out for the reader: a throttle class name, none, or not decidable.
// eslint-disable-next-line @typescript-eslint/no-redundant-type-constituents
export function drfThrottle(model: ProjectModel, prot: Protections, v: ViewFacts): string | null | 'unknown' {
  const python = model.python;
  let classes: string[] | null;
  let where: string;
  const own = drfAttr(python, v, 'throttle_classes');
  const deco = decoList(python, v, 'throttle_classes');
  if (deco !== null) {
    classes = deco;
    where = '`@throttle_classes`';
  } else if (own) {
    classes = classList(python, own.mod, own.node);
    if (classes === null) return 'unknown';
    where = '`throttle_classes`';
  } else {
    classes = prot.drf.throttleClasses;
    if (classes === null) return 'unknown';
    where = '`DEFAULT_THROTTLE_CLASSES`';
  }
  if (!classes.length) return null;
  const scopeAttr = drfAttr(python, v, 'throttle_scope');
  const scope = scopeAttr ? scopeAttr.mod.text(scopeAttr.node).replace(/^['"]|['"]$/g, '') : null;
  for (const c of classes) {
    const rateKey = endsWith(c, 'AnonRateThrottle') ? 'anon' : endsWith(c, 'UserRateThrottle') ? 'user' : endsWith(c, 'ScopedRateThrottle') ? scope : 'custom';
    if (rateKey === 'custom') return `${where} (\`${c.split('.').pop()}\`)`;
    if (rateKey === null) continue; // ScopedRateThrottle without a scope on the view does nothing.
    if (prot.drf.rates === null) return `${where} (\`${c.split('.').pop()}\`)`;
    const r = prot.drf.rates[rateKey];
    if (r === undefined || r === null) continue;
    return `${where} (\`${c.split('.').pop()}\`, rate ${r})`;
  }
  return null;
}

/** The admin site asks for a second factor (OTPAdminSite, AdminSiteOTPRequired, patched login). */
export function adminSecondFactor(model: ProjectModel, prot: Protections, v: ViewFacts): string | null {
  const cls = v.admin?.siteClass ?? null;
  const otp = (q: string) => /OTPAdminSite$|AdminSiteOTPRequired\w*$|OTPRequired\w*AdminSite$/.test(q);
  if (cls && otp(cls)) return `\`${cls.split('.').pop()}\``;
  const siteCls: PyClass | null = v.admin?.siteCls ?? null;
  if (siteCls) {
    const anc = model.python.ancestry(siteCls);
    const hit = anc.find(otp);
    if (hit) return `\`${hit.split('.').pop()}\``;
  }
  // two_factor's recipe: `admin.site.login = login_required(admin.site.login)` sends the admin login to the 2FA login.
  if (prot.secondFactor && prot.apps && (hasApp(prot.apps, 'two_factor') || hasApp(prot.apps, 'django_otp'))) {
    for (const m of model.python.loaded) {
      if (m.assigns.some((a) => /^admin(\.sites)?\.site\.login$/.test(a.name))) return '`admin.site.login` replaced';
    }
  }
  return null;
}

/** Entry points (deployment model) that serve `path` and reach the app: per server, the location nginx would pick. */
function entryPointsFor(eps: EntryPoint[], path: string): EntryPoint[] {
  const groups = new Map<string, EntryPoint[]>();
  for (const e of eps) {
    if (!e.reachesApp) continue;
    const k = `${e.kind}|${e.listenerSite?.file ?? e.site.file}|${e.listenerSite?.line ?? e.site.line}`;
    const list = groups.get(k) ?? [];
    list.push(e);
    groups.set(k, list);
  }
  const out: EntryPoint[] = [];
  for (const list of groups.values()) {
    const pick = pickLocation(list, path);
    if (pick) out.push(pick);
  }
  return out;
}

/** nginx's order: exact `=`, then the longest prefix (final if `^~`), then the first matching regex, then that prefix. */
function pickLocation(list: EntryPoint[], path: string): EntryPoint | null {
  let serverLevel: EntryPoint | null = null;
  let exact: EntryPoint | null = null;
  let prefix: { e: EntryPoint; len: number; stop: boolean } | null = null;
  let regex: EntryPoint | null = null;
  for (const e of list) {
    const loc = locationOf(e);
    if (loc === null) {
      serverLevel ??= e;
      continue;
    }
    const l = loc.trim();
    if (l.startsWith('@')) continue;
    if (l.startsWith('=')) {
      if (l.replace(/^=\s*/, '') === path) exact ??= e;
      continue;
    }
    if (l.startsWith('~')) {
      const ci = l.startsWith('~*');
      try {
        if (!regex && new RegExp(l.replace(/^~\*?\s*/, ''), ci ? 'i' : '').test(path)) regex = e;
      } catch {
        // An nginx regex JavaScript cannot read: not matched.
      }
      continue;
    }
    const stop = l.startsWith('^~');
    const p = l.replace(/^\^~\s*/, '');
    if (path.startsWith(p) && (!prefix || p.length > prefix.len)) prefix = { e, len: p.length, stop };
  }
  if (exact) return exact;
  if (prefix?.stop) return prefix.e;
  return regex ?? prefix?.e ?? serverLevel;
}

/** The URL location an entry point serves: a structured field when the model has one, else nginx's `> location …` name. */
function locationOf(e: EntryPoint): string | null {
  const x = e as EntryPoint & { location?: string; path?: string; pathPrefix?: string };
  const loc = x.location ?? x.path ?? x.pathPrefix;
  if (typeof loc === 'string') return loc;
  if (e.kind === 'nginx') {
    const m = /> location ([^>]+)$/.exec(e.name);
    if (m) return m[1].trim();
  }
  return null;
}

/** Does every route into the app that serves `path` require a verified client certificate? */
export function certRequiredAt(model: ProjectModel, path: string): string | null {
  const eps = entryPointsFor(model.deploy.entryPoints, path);
  if (!eps.length) return null;
  const required = eps.every((e) => e.verify === 'on' || (e.verify === 'optional' && e.verifyEnforced));
  if (!required) return null;
  const e = eps[0];
  return `${e.verifySite?.file ?? e.site.file}:${e.verifySite?.line ?? e.site.line}`;
}

/** The app authenticates with client certificates somewhere (code or deployment). */
export function usesMtls(model: ProjectModel): string | null {
  if (model.code?.usesClientCerts) return 'the code authenticates with client certificates';
  const ep = model.deploy.entryPoints.find((e) => e.verify !== 'off');
  if (ep) return `${ep.verifySite?.file ?? ep.site.file}:${ep.verifySite?.line ?? ep.site.line} verifies client certificates`;
  return null;
}
