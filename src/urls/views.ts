// What a routed view is, for the authentication-surface rules: a password or token login, a
// password reset, a state-changing endpoint; which decorators, mixins and DRF attributes guard it.

import type { PyNode } from '../python/parser.js';
import type { PyClass, PyFunction, PyModule } from '../python/module.js';
import type { PythonProject } from '../python/project.js';
import { callArgNodes, codeText, dotted, field, named, stringValue, unparen, walk } from '../python/ast.js';
import type { Route, UrlSite, ViewTarget } from './model.js';

/** A decorator as applied to a view (in its module, on its class/methods, or in the URLconf). */
export interface Deco {
  /** Qualified name (`django.views.decorators.csrf.csrf_exempt`), or the name as written. */
  q: string;
  /** The decorator expression (a call when it takes arguments). */
  node: PyNode;
  mod: PyModule;
  /** For `method_decorator(..., name='post')`: the method it applies to. */
  method?: string;
}

export const endsWith = (q: string | null | undefined, ...names: string[]) => !!q && names.some((n) => q === n || q.endsWith(`.${n}`));

/** Known views outside the project (by qualified name). */
export const KNOWN_VIEWS: Record<string, { login?: 'password' | 'token'; reset?: boolean; drf?: boolean; secondFactor?: boolean; builtinThrottle?: 'allauth'; label: string }> = {
  'django.contrib.auth.views.LoginView': { login: 'password', label: 'Django `LoginView`' },
  'django.contrib.auth.views.login': { login: 'password', label: 'Django `login` view' },
  'django.contrib.auth.views.PasswordResetView': { reset: true, label: 'Django `PasswordResetView`' },
  'django.contrib.auth.views.password_reset': { reset: true, label: 'Django `password_reset` view' },
  'django.contrib.auth.views.PasswordResetConfirmView': { reset: true, label: 'Django `PasswordResetConfirmView`' },
  'rest_framework.authtoken.views.ObtainAuthToken': { login: 'token', drf: true, label: 'DRF `ObtainAuthToken`' },
  'rest_framework.authtoken.views.obtain_auth_token': { login: 'token', drf: true, label: 'DRF `obtain_auth_token`' },
  'rest_framework_simplejwt.views.TokenObtainPairView': { login: 'token', drf: true, label: 'simplejwt `TokenObtainPairView`' },
  'rest_framework_simplejwt.views.TokenObtainSlidingView': { login: 'token', drf: true, label: 'simplejwt `TokenObtainSlidingView`' },
  'rest_framework_simplejwt.views.TokenObtainView': { login: 'token', drf: true, label: 'simplejwt `TokenObtainView`' },
  'rest_framework_simplejwt.views.token_obtain_pair': { login: 'token', drf: true, label: 'simplejwt `token_obtain_pair`' },
  'rest_framework_simplejwt.views.token_obtain_sliding': { login: 'token', drf: true, label: 'simplejwt `token_obtain_sliding`' },
  'rest_framework_jwt.views.ObtainJSONWebToken': { login: 'token', drf: true, label: 'drf-jwt `ObtainJSONWebToken`' },
  'rest_framework_jwt.views.obtain_jwt_token': { login: 'token', drf: true, label: 'drf-jwt `obtain_jwt_token`' },
  'knox.views.LoginView': { login: 'token', drf: true, label: 'django-rest-knox `LoginView`' },
  'djoser.views.TokenCreateView': { login: 'token', drf: true, label: 'djoser `TokenCreateView`' },
  'dj_rest_auth.views.LoginView': { login: 'password', drf: true, label: 'dj-rest-auth `LoginView`' },
  'dj_rest_auth.views.PasswordResetView': { reset: true, drf: true, label: 'dj-rest-auth `PasswordResetView`' },
  'rest_auth.views.LoginView': { login: 'password', drf: true, label: 'django-rest-auth `LoginView`' },
  'rest_auth.views.PasswordResetView': { reset: true, drf: true, label: 'django-rest-auth `PasswordResetView`' },
  'allauth.account.views.LoginView': { login: 'password', builtinThrottle: 'allauth', label: 'django-allauth `LoginView`' },
  'allauth.account.views.login': { login: 'password', builtinThrottle: 'allauth', label: 'django-allauth `login` view' },
  'allauth.account.views.PasswordResetView': { reset: true, label: 'django-allauth `PasswordResetView`' },
  'two_factor.views.LoginView': { login: 'password', secondFactor: true, label: 'django-two-factor-auth `LoginView`' },
  'two_factor.views.core.LoginView': { login: 'password', secondFactor: true, label: 'django-two-factor-auth `LoginView`' },
};

export function knownView(q: string): (typeof KNOWN_VIEWS)[string] | undefined {
  if (KNOWN_VIEWS[q]) return KNOWN_VIEWS[q];
  // `from django.contrib.auth.views import LoginView` may be re-exported: `django.contrib.auth.views.LoginView` only.
  return undefined;
}

/** Generic views and DRF classes whose handlers change state. */
const WRITING_BASES = [
  'CreateView',
  'UpdateView',
  'DeleteView',
  'FormView',
  'BaseCreateView',
  'BaseUpdateView',
  'BaseDeleteView',
  'BaseFormView',
  'ProcessFormView',
  'DeletionMixin',
  'CreateAPIView',
  'ListCreateAPIView',
  'UpdateAPIView',
  'RetrieveUpdateAPIView',
  'DestroyAPIView',
  'RetrieveDestroyAPIView',
  'RetrieveUpdateDestroyAPIView',
  'ModelViewSet',
  'CreateModelMixin',
  'UpdateModelMixin',
  'DestroyModelMixin',
];
const WRITE_METHODS = ['post', 'put', 'patch', 'delete', 'create', 'update', 'partial_update', 'destroy', 'perform_create', 'perform_update', 'perform_destroy', 'form_valid'];
const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const AUTH_MIXINS = ['LoginRequiredMixin', 'PermissionRequiredMixin', 'UserPassesTestMixin', 'AccessMixin', 'StaffuserRequiredMixin', 'SuperuserRequiredMixin', 'GroupRequiredMixin', 'OTPRequiredMixin', 'OTPRequiredMixin'];
export const AUTH_DECORATORS = ['login_required', 'permission_required', 'user_passes_test', 'staff_member_required', 'superuser_required', 'otp_required', 'require_login', 'admin_required', 'verified_email_required'];

export interface ViewFacts {
  route: Route;
  target: ViewTarget;
  /** Stable identity of the view (definition or external name + route). */
  key: string;
  /** Where view-level findings point: the `def`/`class` for project views, the route otherwise. */
  defSite: UrlSite;
  label: string;
  project: boolean;
  fn: PyFunction | null;
  cls: PyClass | null;
  /** Qualified ancestors (project and external) for class views. */
  ancestry: string[];
  decos: Deco[];
  drf: boolean;
  login: 'password' | 'token' | null;
  passwordReset: boolean;
  stateChanging: boolean;
  /** Why it changes state (for messages). */
  changes: string;
  /** Source text of the view (function, or class with its project bases), for pattern checks. */
  text: string;
  /** A view of a package that handles throttling itself (allauth). */
  builtinThrottle?: 'allauth';
  /** The login itself asks for a second factor (django-two-factor-auth's LoginView and subclasses). */
  secondFactorLogin: boolean;
  /** The admin site (its class and the class object when in the project). */
  admin?: { siteClass: string | null; siteCls: PyClass | null };
}

/**
 * Where a (possibly decorated) definition is: from its `def`/`class` keyword (comments before the
 * keyword are skipped) to the definition's end.
 */
export function defSiteOf(mod: PyModule, n: PyNode): UrlSite {
  const d = n.type === 'decorated_definition' ? (field(n, 'definition') ?? n) : n;
  const kw = d.children.find((c) => c.type === 'def' || c.type === 'class' || c.type === 'async') ?? d;
  return { file: mod.path, line: kw.line, column: kw.col, endLine: d.endLine, endColumn: d.endCol };
}

/** Decorators on a definition: `@x`, `@x(...)`, `@method_decorator(x, name='dispatch')`, `@method_decorator([a, b])`. */
export function decoratorsOf(python: PythonProject, mod: PyModule, def: PyNode, method?: string): Deco[] {
  if (def.type !== 'decorated_definition') return [];
  const out: Deco[] = [];
  for (const d of def.children) {
    if (d.type !== 'decorator') continue;
    const e = named(d)[0];
    if (e) out.push(...expandDeco(python, mod, e, method));
  }
  return out;
}

export function expandDeco(python: PythonProject, mod: PyModule, e0: PyNode, method?: string): Deco[] {
  const e = unparen(e0);
  if (!e) return [];
  if (e.type === 'list' || e.type === 'tuple') return named(e).flatMap((x) => expandDeco(python, mod, x, method));
  const callee = e.type === 'call' ? dotted(field(e, 'function'), mod.src) : dotted(e, mod.src);
  if (!callee) return [];
  const q = python.qualifyNode(mod, e) ?? callee;
  if (endsWith(q, 'method_decorator') && e.type === 'call') {
    const args = field(e, 'arguments');
    const a = args ? named(args) : [];
    const nameKw = a.find((x) => x.type === 'keyword_argument' && mod.text(field(x, 'name')!) === 'name');
    const m = nameKw ? (stringValue(field(nameKw, 'value'), mod.src) ?? undefined) : method;
    const inner = a.find((x) => x.type !== 'keyword_argument' && x.type !== 'comment');
    return inner ? expandDeco(python, mod, inner, m) : [];
  }
  return [{ q, node: e, mod, method }];
}

function callArgs(mod: PyModule, call: PyNode): { pos: PyNode[]; kw: Map<string, PyNode> } {
  return callArgNodes(call, mod.src);
}

export { callArgs };

/** String items of a list/tuple literal (`['POST', 'GET']`). */
export function stringList(mod: PyModule, n: PyNode | null | undefined): string[] {
  const u = unparen(n ?? null);
  if (!u) return [];
  const one = stringValue(u, mod.src);
  if (one !== null) return [one];
  if (u.type !== 'list' && u.type !== 'tuple' && u.type !== 'set') return [];
  return named(u)
    .map((x) => stringValue(x, mod.src))
    .filter((x): x is string => x !== null);
}

/** HTTP methods a decorator restricts the view to (`require_POST`, `require_http_methods([...])`, `api_view([...])`). */
function decoMethods(d: Deco): string[] | null {
  if (endsWith(d.q, 'require_POST')) return ['POST'];
  if (endsWith(d.q, 'require_GET', 'require_safe')) return ['GET'];
  if ((endsWith(d.q, 'require_http_methods') || endsWith(d.q, 'api_view')) && d.node.type === 'call') {
    const { pos, kw } = callArgs(d.mod, d.node);
    const list = stringList(d.mod, pos[0] ?? kw.get('http_method_names') ?? kw.get('request_method_list'));
    if (list.length) return list.map((m) => m.toUpperCase());
    if (endsWith(d.q, 'api_view')) return ['GET'];
  }
  if (endsWith(d.q, 'api_view') && d.node.type !== 'call') return ['GET'];
  return null;
}

const ORM_WRITE_RE = /\.(save|delete|bulk_create|bulk_update|get_or_create|update_or_create)\s*\(|\.objects\.(create|filter\([^)]*\)\.update|update|all\(\)\.delete)\s*\(|\.objects\.[\w().,=' "]*\.(update|delete)\s*\(/;
const METHOD_CHECK_RE = /request\.method\s*(==|!=|in|not in)\s*[([{]?\s*['"](POST|PUT|PATCH|DELETE)['"]|['"](POST|PUT|PATCH|DELETE)['"]\s*(==|!=)\s*request\.method/;

const RESPONSE_CALL_RE = /^(Response|JsonResponse|HttpResponse|HttpResponseNotAllowed|HttpResponseBadRequest)$/;

/**
 * Does the handler only answer? Its body is a single `return Response(...)`-style statement (a
 * docstring aside) and the response is the only call in it: nothing is written, sent or called.
 */
export function onlyAnswers(fn: PyFunction): boolean {
  const stmts = named(fn.body).filter((s) => !(s.type === 'expression_statement' && named(s)[0]?.type === 'string') && s.type !== 'comment');
  if (stmts.length !== 1 || stmts[0].type !== 'return_statement') return false;
  const e = unparen(named(stmts[0])[0] ?? null);
  if (!e || e.type !== 'call') return false;
  const name = dotted(field(e, 'function'), fn.module.src) ?? '';
  if (!RESPONSE_CALL_RE.test(name.split('.').pop() ?? '')) return false;
  let calls = 0;
  walk(e, (n) => {
    if (n.type === 'call') calls++;
    return true;
  });
  return calls === 1;
}

/**
 * Password-checking evidence in a view: in its code (the functions given), a call to
 * `authenticate`/`aauthenticate` with a `password=` keyword — whatever its other arguments contain
 * (`username=request.POST.get("email")` has parentheses a text pattern stops at) — or a
 * `check_password(...)` call; in its code text, the same as written, `AuthenticationForm`, DRF's
 * `AuthTokenSerializer` or simplejwt's `TokenObtain…Serializer`.
 */
export function passwordEvidence(text: string, code: { module: PyModule; node: PyNode }[]): boolean {
  return (
    /\bauthenticate\s*\([^)]*\bpassword\s*=/.test(text) ||
    /\bcheck_password\s*\(/.test(text) ||
    /\bAuthenticationForm\b/.test(text) ||
    /\bAuthTokenSerializer\b/.test(text) ||
    /\bTokenObtain\w*Serializer\b/.test(text) ||
    code.some((c) => passwordCallIn(c.module, c.node))
  );
}

function passwordCallIn(mod: PyModule, node: PyNode): boolean {
  return passwordCallNode(mod, node) !== null;
}

/** The first call that checks a password: `check_password(...)`, or `authenticate(..., password=...)`. */
function passwordCallNode(mod: PyModule, node: PyNode): PyNode | null {
  let found: PyNode | null = null;
  walk(node, (n) => {
    if (found) return false;
    if (n.type !== 'call') return true;
    const f = dotted(field(n, 'function'), mod.src) ?? '';
    const last = f.split('.').pop() ?? '';
    if (last === 'check_password') found = n;
    else if (last === 'authenticate' || last === 'aauthenticate') {
      const args = field(n, 'arguments');
      if (args && named(args).some((a) => a.type === 'keyword_argument' && mod.text(field(a, 'name')!) === 'password')) found = n;
    }
    return !found;
  });
  return found;
}

/** Keyword names of long random secrets looked up in the database; OTPs, PINs and short codes are guessable and not listed. */
const UNGUESSABLE_KW = /^(key|token|secret|nonce|uuid|pairing_key|enroll(ment)?_(key|token)|claim_token|invite_token|invitation_token|invite_key|invitation_key|activation_key|signup_token|magic_token|login_token)$/;
const LOOKUP_CALL = /^(get|aget|get_object_or_404|aget_object_or_404)$/;

/**
 * A password check that is not a guess: the view first looks a record up by a long random secret
 * the client sends (an invitation or activation token in the body or the URL), so an unknown value
 * ends in DoesNotExist/404 before any password is checked; or the password checked is the one the
 * view has just set (`user.set_password(p)` … `authenticate(password=p)`). Returns why, or null.
 */
export function notAPasswordGuess(code: { module: PyModule; node: PyNode; params?: string[] }[]): string | null {
  for (const c of code) {
    const mod = c.module;
    const pw = passwordCallNode(mod, c.node);
    if (!pw) continue;
    const fromClient = new RegExp(
      `\\brequest\\.(data|POST|GET|query_params|body)\\b|\\bvalidated_data\\b|\\bcleaned_data\\b|\\bkwargs\\b${(c.params ?? [])
        .filter((p) => !/^(self|cls|request|args|kwargs)$/.test(p))
        .map((p) => `|^${p}$`)
        .join('')}`,
    );
    let why: string | null = null;
    walk(c.node, (n) => {
      if (why) return false;
      if (n.type !== 'call') return true;
      const name = dotted(field(n, 'function'), mod.src) ?? '';
      const last = name.split('.').pop() ?? '';
      const args = field(n, 'arguments');
      if (LOOKUP_CALL.test(last) && args && n.start < pw.start) {
        for (const a of named(args)) {
          if (a.type !== 'keyword_argument') continue;
          const k = mod.text(field(a, 'name')!);
          const v = field(a, 'value');
          if (UNGUESSABLE_KW.test(k) && v && fromClient.test(mod.text(v).trim())) why = `it first looks the record up by a secret the client must know (\`${k}=\`)`;
        }
      }
      if (last === 'set_password' && args && n.start < pw.start) {
        const set = named(args)[0];
        const pwArgs = field(pw, 'arguments');
        const given = pwArgs ? named(pwArgs).find((a) => a.type === 'keyword_argument' && mod.text(field(a, 'name')!) === 'password') : null;
        const gv = given ? field(given, 'value') : null;
        if (set && gv && mod.text(set).trim() === mod.text(gv).trim()) why = 'the password it checks is the one it has just set';
      }
      return true;
    });
    if (why) return why;
  }
  return null;
}

export function tokenEvidence(text: string): boolean {
  return /\bToken\.objects\.(get_or_create|create)\b|\bRefreshToken\.for_user\b|\bAccessToken\.for_user\b|\bAuthToken\.objects\.create\b|\bjwt\.encode\s*\(/.test(text);
}

/** Text of a class and its project bases (methods inherited from project mixins count). */
function classText(python: PythonProject, cls: PyClass, seen = new Set<PyClass>()): string {
  if (seen.has(cls)) return '';
  seen.add(cls);
  let t = codeText(cls.node, cls.module.src);
  for (const b of cls.bases) {
    const r = python.resolveBase(cls, b);
    if (r?.kind === 'class') t += '\n' + classText(python, r.cls, seen);
  }
  return t;
}

/** Methods of a class including those inherited from project bases. */
function allMethods(python: PythonProject, cls: PyClass, seen = new Set<PyClass>()): PyFunction[] {
  if (seen.has(cls)) return [];
  seen.add(cls);
  const out = [...cls.methods.values()];
  for (const b of cls.bases) {
    const r = python.resolveBase(cls, b);
    if (r?.kind === 'class') for (const m of allMethods(python, r.cls, seen)) if (!out.some((o) => o.name === m.name)) out.push(m);
  }
  return out;
}

/** Class decorators and method decorators of a class (and its project bases). */
function classDecos(python: PythonProject, cls: PyClass, seen = new Set<PyClass>()): Deco[] {
  if (seen.has(cls)) return [];
  seen.add(cls);
  const out = decoratorsOf(python, cls.module, cls.node);
  for (const m of cls.methods.values()) out.push(...decoratorsOf(python, cls.module, m.node, m.name));
  for (const b of cls.bases) {
    const r = python.resolveBase(cls, b);
    if (r?.kind === 'class') out.push(...classDecos(python, r.cls, seen));
  }
  return out;
}

export function analyseView(python: PythonProject, route: Route): ViewFacts | null {
  const t = route.view;
  const urlDecos: Deco[] = route.wrappers.map((w) => ({ q: w.qualified, node: w.node, mod: w.mod }));
  const base = { route, target: t, decos: urlDecos, secondFactorLogin: false };
  switch (t.kind) {
    case 'admin':
      return {
        ...base,
        key: `admin|${route.site.file}:${route.site.line}`,
        defSite: route.site,
        label: 'the admin site login',
        project: false,
        fn: null,
        cls: null,
        ancestry: [],
        drf: false,
        login: 'password',
        passwordReset: false,
        stateChanging: false,
        changes: '',
        text: '',
        admin: { siteClass: t.siteClass, siteCls: t.siteCls },
        secondFactorLogin: false,
      };
    case 'external': {
      const k = knownView(t.qualified);
      const kwText = [...t.initkwargs.entries()].map(([key, v]) => `${key}=${v.mod.text(v.node)}`).join(', ');
      return {
        ...base,
        key: `ext|${t.qualified}|${route.site.file}:${route.site.line}|${route.path}`,
        defSite: route.site,
        label: k?.label ?? `\`${t.qualified.split('.').pop()}\``,
        project: false,
        fn: null,
        cls: null,
        ancestry: [t.qualified],
        drf: !!k?.drf || /^rest_framework\./.test(t.qualified),
        login: k?.login ?? null,
        passwordReset: !!k?.reset,
        stateChanging: false,
        changes: '',
        text: kwText,
        builtinThrottle: k?.builtinThrottle,
        secondFactorLogin: !!k?.secondFactor || /django_otp|two_factor|OTPAuthenticationForm/.test(kwText),
      };
    }
    case 'function':
      return functionView(python, route, t.fn, urlDecos);
    case 'class':
      return classView(python, route, t.cls, urlDecos);
    default:
      return null;
  }
}

function functionView(python: PythonProject, route: Route, fn: PyFunction, urlDecos: Deco[]): ViewFacts {
  const mod = fn.module;
  const decos = [...urlDecos, ...decoratorsOf(python, mod, fn.node)];
  const text = codeText(fn.node, mod.src);
  const q = `${mod.name}.${fn.qualname}`;
  const known = knownView(q);
  const drf = decos.some((d) => endsWith(d.q, 'api_view'));
  let methods: string[] | null = null;
  for (const d of decos) {
    const m = decoMethods(d);
    if (m) methods = m;
  }
  let stateChanging = false;
  let changes = '';
  if (methods && methods.some((m) => UNSAFE.has(m))) {
    stateChanging = true;
    changes = `accepts ${methods.filter((m) => UNSAFE.has(m)).join('/')}`;
  } else if (!methods || !methods.every((m) => m === 'GET' || m === 'HEAD' || m === 'OPTIONS')) {
    if (METHOD_CHECK_RE.test(text)) {
      stateChanging = true;
      changes = 'handles POST/PUT/PATCH/DELETE';
    } else if (ORM_WRITE_RE.test(text)) {
      stateChanging = true;
      changes = 'writes to the database';
    }
  }
  const pw = passwordEvidence(text, [fn]) && !(!known?.login && notAPasswordGuess([{ module: mod, node: fn.node, params: fn.params }]));
  return {
    route,
    target: route.view,
    key: `fn|${q}`,
    defSite: defSiteOf(mod, fn.node),
    label: `\`${fn.name}\``,
    project: true,
    fn,
    cls: null,
    ancestry: [],
    decos,
    drf,
    login: known?.login ?? (pw ? (tokenEvidence(text) ? 'token' : 'password') : null),
    passwordReset: !!known?.reset || /\bPasswordResetForm\b|\bdefault_token_generator\.make_token\b/.test(text),
    stateChanging,
    changes,
    text,
    secondFactorLogin: /django_otp|two_factor|webauthn|fido2|verify_token|totp/i.test(text) && pw,
  };
}

function classView(python: PythonProject, route: Route, cls: PyClass, urlDecos: Deco[]): ViewFacts {
  const mod = cls.module;
  const ancestry = python.ancestry(cls);
  const decos = [...urlDecos, ...classDecos(python, cls)];
  const text = classText(python, cls);
  const methods = allMethods(python, cls);
  const drf = ancestry.some((a) => a.startsWith('rest_framework.') || /(APIView|ViewSet|GenericAPIView)$/.test(a));
  let login: 'password' | 'token' | null = null;
  let passwordReset = false;
  let secondFactorLogin = false;
  let builtinThrottle: 'allauth' | undefined;
  for (const a of ancestry) {
    const k = knownView(a);
    if (!k) continue;
    if (k.login && !login) login = k.login;
    if (k.reset) passwordReset = true;
    if (k.secondFactor) secondFactorLogin = true;
    if (k.builtinThrottle) builtinThrottle = k.builtinThrottle;
  }
  if (!login) {
    const loginish = methods.filter((m) => ['post', 'create', 'form_valid', 'validate', 'put'].includes(m.name));
    const pwText = loginish.map((m) => codeText(m.node, m.module.src)).join('\n');
    const serializer = python.classAttr(cls, 'serializer_class');
    const serText = serializer ? serializer.cls.module.text(serializer.value) : '';
    const guess = !notAPasswordGuess(loginish.map((m) => ({ module: m.module, node: m.node, params: m.params })));
    if ((passwordEvidence(pwText, loginish) && guess) || /\b(AuthTokenSerializer|TokenObtain\w*Serializer)\b/.test(serText)) login = tokenEvidence(pwText) || /Token/.test(serText) ? 'token' : 'password';
  }
  if (login && /django_otp|two_factor|webauthn|fido2|OTPAuthenticationForm/.test(text)) secondFactorLogin = true;
  // State change: handlers for unsafe methods, generic editing views, viewsets' write actions.
  let stateChanging = false;
  let changes = '';
  // A handler that only answers (its one statement returns a response built from the request's
  // own data, with no other call) changes nothing, whatever method it serves.
  const writer = methods.find((m) => WRITE_METHODS.includes(m.name) && !onlyAnswers(m));
  const readOnly = ancestry.some((a) => endsWith(a, 'ReadOnlyModelViewSet'));
  const names = stringList(mod, python.classAttr(cls, 'http_method_names')?.value);
  const allowsUnsafe = !names.length || names.some((n) => UNSAFE.has(n.toUpperCase()));
  if (writer && allowsUnsafe) {
    stateChanging = true;
    changes = `defines \`${writer.name}()\``;
  } else if (!readOnly && allowsUnsafe) {
    const wb = ancestry.find((a) => WRITING_BASES.some((w) => endsWith(a, w)));
    if (wb) {
      stateChanging = true;
      changes = `is a \`${wb.split('.').pop()}\``;
    }
  }
  if (!stateChanging) {
    for (const m of methods) {
      for (const d of decoratorsOf(python, m.module, m.node, m.name)) {
        if (!endsWith(d.q, 'action') || d.node.type !== 'call') continue;
        const { kw } = callArgs(d.mod, d.node);
        const ms = stringList(d.mod, kw.get('methods')).map((x) => x.toUpperCase());
        if (ms.some((x) => UNSAFE.has(x))) {
          stateChanging = true;
          changes = `has the \`${m.name}\` action for ${ms.filter((x) => UNSAFE.has(x)).join('/')}`;
        }
      }
    }
  }
  return {
    route,
    target: route.view,
    key: `cls|${mod.name}.${cls.qualname}`,
    defSite: defSiteOf(mod, cls.node),
    label: `\`${cls.name}\``,
    project: true,
    fn: null,
    cls,
    ancestry,
    decos,
    drf,
    login,
    passwordReset,
    stateChanging,
    changes,
    text,
    builtinThrottle,
    secondFactorLogin,
  };
}

/** Does the view restrict access itself (decorators, mixins, explicit checks in its code)? */
export function viewChecksAccess(v: ViewFacts): string | null {
  const d = v.decos.find((x) => endsWith(x.q, ...AUTH_DECORATORS));
  if (d) return `\`${d.q.split('.').pop()}\``;
  const mixin = v.ancestry.find((a) => AUTH_MIXINS.some((m) => endsWith(a, m)));
  if (mixin) return `\`${mixin.split('.').pop()}\``;
  if (OWN_AUTH_RE.test(v.text)) return 'an access check in the view';
  return null;
}

/** Checks a view's own code may make (user, permission, signature, certificate). */
const OWN_AUTH_RE =
  /\b(is_authenticated|is_anonymous|has_perms?|is_staff|is_superuser|PermissionDenied|HttpResponseForbidden|HttpResponseUnauthorized|NotAuthenticated|AuthenticationFailed|compare_digest|check_password|authenticate\s*\(|verify_signature|construct_event|validate_signature|SSL_CLIENT|CLIENT_CERT|CLIENT_S_DN|CLIENT_VERIFY|x509|X509|load_certificate|status\s*=\s*40[13]|status\.HTTP_40[13])/;

/** A view's DRF class attribute (through project bases), or an `as_view(attr=...)` initkwarg. */
export function drfAttr(python: PythonProject, v: ViewFacts, name: string): { node: PyNode; mod: PyModule } | null {
  const t = v.target;
  if ((t.kind === 'class' || t.kind === 'external') && t.initkwargs.has(name)) return t.initkwargs.get(name)!;
  if (v.cls) {
    const a = python.classAttr(v.cls, name);
    if (a) return { node: a.value, mod: a.cls.module };
  }
  return null;
}

/** Qualified names in a list/tuple of classes (`[AllowAny]`, `(IsAuthenticated,)`); null when not a literal list. */
export function classList(python: PythonProject, mod: PyModule, n: PyNode): string[] | null {
  const u = unparen(n);
  if (!u) return null;
  if (u.type !== 'list' && u.type !== 'tuple') return null;
  const out: string[] = [];
  for (const x of named(u)) {
    const name = dotted(x, mod.src);
    if (!name) {
      // `A | B`, `A & B` compositions: keep the text; callers treat it as not-AllowAny.
      out.push(mod.text(x));
      continue;
    }
    out.push(python.qualifyNode(mod, x) ?? name);
  }
  return out;
}

/** DRF decorator lists on a function view: `@permission_classes([...])` etc. */
export function decoList(python: PythonProject, v: ViewFacts, deco: string): string[] | null {
  const d = v.decos.find((x) => endsWith(x.q, deco) && x.node.type === 'call');
  if (!d) return null;
  const { pos } = callArgs(d.mod, d.node);
  return pos[0] ? classList(python, d.mod, pos[0]) : [];
}

/** Walks all call nodes of a subtree. */
export function calls(n: PyNode, f: (c: PyNode) => void): void {
  walk(n, (x) => {
    if (x.type === 'call') f(x);
    return true;
  });
}
