// Django and Django REST framework as data: responses (success or denial), exceptions, and the ORM
// (a manager or queryset receiver, and the rows a certificate-keyed lookup returned). Response and
// exception entries are keyed by the qualified name the semantic model gives the callee (or, for a
// project class, one of its library bases); the text fallbacks apply only to a callee that is not a
// project definition (a project `render()` or `Response` class is analysed as project code).
// src/python/flow/django-calls.ts interprets these tables.

export interface NamedEntry<A> {
  /** What the library is (for the reader and the docs). */
  lib: string;
  /** Qualified names of the callee (or of a library base of a project class). */
  qualified: string[];
  /** Text fallbacks on the callee's last name, for callees the model cannot name and that are not project code. */
  names?: string[];
  nameRe?: RegExp;
  does: A;
}

export type ResponseAction = { t: 'response'; outcome: 'ok' | 'deny' };
export type ExceptionAction = { t: 'exception' };

const HTTP = ['django.http', 'django.http.response'];
const under = (mods: string[], names: string[]) => mods.flatMap((m) => names.map((n) => `${m}.${n}`));

const DENY_CLASSES = ['HttpResponseForbidden', 'HttpResponseBadRequest', 'HttpResponseNotAllowed', 'HttpResponseNotFound', 'HttpResponseGone', 'HttpResponseServerError'];
const OK_CLASSES = ['HttpResponse', 'JsonResponse', 'HttpResponseRedirect', 'HttpResponsePermanentRedirect', 'FileResponse', 'StreamingHttpResponse'];

/** Responses: the first entry that matches wins (denials first: `HttpResponseNotFound` ends in `Response` too). */
export const RESPONSES: NamedEntry<ResponseAction>[] = [
  {
    lib: 'Django: error responses, redirect to login',
    qualified: [...under(HTTP, DENY_CLASSES), 'django.contrib.auth.views.redirect_to_login'],
    nameRe: /Forbidden|Unauthori[sz]ed|BadRequest|NotAllowed|NotFound|Gone|ServerError|Denied|redirect_to_login/,
    does: { t: 'response', outcome: 'deny' },
  },
  {
    lib: 'Django / DRF: responses and shortcuts',
    qualified: [
      ...under(HTTP, OK_CLASSES),
      'django.template.response.TemplateResponse',
      'django.template.response.SimpleTemplateResponse',
      'django.shortcuts.render',
      'django.shortcuts.redirect',
      'django.shortcuts.render_to_response',
      'rest_framework.response.Response',
    ],
    names: ['JsonResponse', 'HttpResponse', 'Response', 'render', 'redirect', 'TemplateResponse', 'HttpResponseRedirect', 'FileResponse', 'StreamingHttpResponse', 'render_to_response', 'SimpleTemplateResponse'],
    nameRe: /Response$/,
    does: { t: 'response', outcome: 'ok' },
  },
];

/** Exceptions that deny a request (and, by convention, any `…Error`/`…Exception`/`…Denied` class). */
export const EXCEPTIONS: NamedEntry<ExceptionAction>[] = [
  {
    lib: 'Django / DRF / Python exceptions',
    qualified: [
      'django.core.exceptions.PermissionDenied',
      'django.core.exceptions.SuspiciousOperation',
      'django.core.exceptions.ValidationError',
      'django.http.Http404',
      'rest_framework.exceptions.APIException',
      'rest_framework.exceptions.AuthenticationFailed',
      'rest_framework.exceptions.NotAuthenticated',
      'rest_framework.exceptions.PermissionDenied',
      'rest_framework.exceptions.ValidationError',
    ],
    nameRe: /^(PermissionDenied|AuthenticationFailed|NotAuthenticated|SuspiciousOperation|ValidationError|ValueError|Http404|\w*(Error|Exception|Denied|Failed|Invalid\w*))$/,
    does: { t: 'exception' },
  },
];

export type OrmAction =
  /** A lookup (`get`, `filter`, `create`, …): keyed by certificate data it returns the bound row or a user. */
  | { t: 'lookup'; creates?: boolean }
  /** The rows of the receiver, the same lookup (`first()`, `order_by()`, `select_related()`, …). */
  | { t: 'rows' };

export interface OrmEntry {
  lib: string;
  /**
   * `manager`: a model manager or queryset, by the receiver expression (`X.objects`,
   * `X._default_manager`, a `.filter(…)` chain, the user model) or a value that is rows of a
   * lookup; `rows`: a value that is rows of a certificate-keyed lookup (kinds `binding`/`user`).
   */
  receiver: 'manager' | 'rows';
  methods: string[];
  does: OrmAction;
}

/** A receiver expression that is a manager or queryset, by its text. */
export const MANAGER_TEXT = /\bobjects\b|_default_manager|_base_manager|\.filter\(|get_user_model\(\)|UserModel|User\b/;

/** The ORM, first match wins. */
export const ORM: OrmEntry[] = [
  { lib: 'Django ORM: create', receiver: 'manager', methods: ['get_or_create', 'update_or_create', 'create', 'create_user', 'create_superuser', 'aget_or_create', 'acreate'], does: { t: 'lookup', creates: true } },
  { lib: 'Django ORM: lookups', receiver: 'manager', methods: ['get', 'filter', 'exclude', 'first', 'get_by_natural_key', 'aget', 'afilter'], does: { t: 'lookup' } },
  { lib: 'Django ORM: a row of the rows', receiver: 'rows', methods: ['first', 'last', 'get', 'exists'], does: { t: 'rows' } },
  {
    lib: 'Django ORM: queryset chain',
    receiver: 'rows',
    methods: ['order_by', 'select_related', 'prefetch_related', 'only', 'defer', 'distinct', 'all', 'using', 'reverse', 'annotate', 'alias', 'select_for_update', 'latest', 'earliest', 'afirst', 'alast', 'alatest', 'aearliest'],
    does: { t: 'rows' },
  },
];
