// The login machinery every check shares: a certificate login at --login-path (or the login page a
// protected path redirects to), done the way a browser does it, and the form/CSRF handling of the
// password login burst.
//
// A login is: GET the login path with the identity (and the cookies so far); then
//   - an HTML page with a POST form: submit it (hidden fields such as csrfmiddlewaretoken, the
//     submit button's name/value) with the csrftoken cookie, X-CSRFToken, Origin and Referer;
//   - 405 Method Not Allowed: POST `{}` as JSON (a JSON login), with the same CSRF material;
//   - a redirect: followed (GET, the identity and the cookies kept) while it stays on the same
//     origin, at most MAX_REDIRECTS times; a redirect elsewhere is never followed.
// Every Set-Cookie along the way lands in one jar (deletions honoured): the session. At most
// 2 + MAX_REDIRECTS requests per login, each under the runner's budget and timeout.

import { PRIORITY, req, type CheckContext } from './check.js';
import { cookieHeader, setCookies } from './cookies.js';
import { describe, header, statusClass } from './judge.js';
import type { ClientIdentity, LoginResult, Outcome, ProbeRequest } from './types.js';

export type { LoginResult };

export const MAX_REDIRECTS = 3;

export interface Form {
  json: boolean;
  /** Where the form posts (null: the page itself). */
  action: string | null;
  method: 'GET' | 'POST';
  userField: string;
  passField: string;
  /** Whether the page has a password input. */
  hasPassword: boolean;
  hidden: Record<string, string>;
  /** The submit button's name and value, when it has a name. */
  submit?: [string, string];
}

function attr(tag: string, name: string): string | undefined {
  const m = new RegExp(`\\b${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)'|([^\\s>]+))`, 'i').exec(tag);
  return m ? (m[1] ?? m[2] ?? m[3]) : undefined;
}

function unescapeHtml(s: string): string {
  return s.replace(/&(amp|lt|gt|quot|#39|#x27);/g, (_m, e: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", '#x27': "'" })[e] ?? _m);
}

/** The login form of a page (its first form; JSON when the page is JSON). */
export function parseForm(o: Outcome): Form {
  const type = header(o, 'content-type') ?? '';
  if (/json/i.test(type)) return { json: true, action: null, method: 'POST', userField: 'username', passField: 'password', hasPassword: false, hidden: {} };
  const body = o.body ?? '';
  const formTag = /<form\b[^>]*>/i.exec(body)?.[0];
  const inputs = body.match(/<(?:input|button)\b[^>]*>/gi) ?? [];
  const hidden: Record<string, string> = {};
  let passField = 'password';
  let hasPassword = false;
  let userField: string | undefined;
  let submit: [string, string] | undefined;
  for (const tag of inputs) {
    const name = attr(tag, 'name');
    if (!name) continue;
    const isButton = /^<button/i.test(tag);
    const t = (attr(tag, 'type') ?? (isButton ? 'submit' : 'text')).toLowerCase();
    if (t === 'hidden') hidden[name] = unescapeHtml(attr(tag, 'value') ?? '');
    else if (t === 'password') {
      passField = name;
      hasPassword = true;
    } else if (t === 'submit') submit ??= [name, unescapeHtml(attr(tag, 'value') ?? '')];
    else if (!userField && ['text', 'email'].includes(t)) userField = name;
  }
  const action = formTag ? attr(formTag, 'action') : undefined;
  const method = formTag && /^post$/i.test(attr(formTag, 'method') ?? '') ? 'POST' : 'GET';
  return { json: false, action: action ? unescapeHtml(action) : null, method, userField: userField ?? 'username', passField, hasPassword, hidden, ...(submit ? { submit } : {}) };
}

/** Headers a browser sends with a same-origin POST: Origin, Referer (HTTPS wants it), cookies, CSRF token. */
export function postHeaders(page: URL, cookies: Map<string, string>, form: Form | null, json: boolean): Record<string, string> {
  const headers: Record<string, string> = { Referer: page.href, Origin: page.origin, 'Content-Type': json ? 'application/json' : 'application/x-www-form-urlencoded' };
  if (cookies.size) headers.Cookie = cookieHeader(cookies);
  const csrf = cookies.get('csrftoken') ?? form?.hidden.csrfmiddlewaretoken;
  // A token is a short printable string; anything else (line breaks from a hostile page) is not sent.
  if (csrf && /^[\x21-\x7e]{1,512}$/.test(csrf)) headers['X-CSRFToken'] = csrf;
  return headers;
}

/** Applies a response's Set-Cookie lines to a jar (last one wins; deletions remove). */
export function absorb(jarIn: Map<string, string>, o: Outcome): void {
  for (const c of setCookies(o)) {
    if (c.deleted) jarIn.delete(c.name);
    else jarIn.set(c.name, c.value);
  }
}

export interface LoginRoute {
  identity: ClientIdentity | null;
  /** Straight to --backend. */
  onBackend?: boolean;
  /** Extra headers on every request of the login (forged headers). */
  headers?: Record<string, string>;
  /** For the request log: `legitimate certificate`, `expired certificate`, … */
  who: string;
}

type LoginCtx = Pick<CheckContext, 'send' | 'url'>;

/** The page's URL resolved on the same origin, or null when it leads elsewhere (never followed). */
function sameOrigin(base: URL, ref: string): URL | null {
  try {
    const u = new URL(ref, base);
    return u.origin === base.origin && (u.protocol === 'https:' || u.protocol === 'http:') ? u : null;
  } catch {
    return null;
  }
}

/**
 * Performs the login at `path` as `route` (a login page: its form is submitted). `first` is the GET of the login path already sent (the
 * learning baseline): the login goes on from it instead of sending it again.
 */
export async function login(
  ctx: LoginCtx,
  path: string,
  route: LoginRoute,
  opts: { cookies?: Map<string, string>; first?: Outcome; priority?: number; purpose?: string; /** Submit forms / POST JSON (false: only follow redirects, for a path that is not a login page). */ submit?: boolean } = {},
): Promise<LoginResult> {
  const cookies = new Map(opts.cookies ?? []);
  const priority = opts.priority ?? PRIORITY.session;
  const what = opts.purpose ?? `login at ${path} with ${route.who}`;
  const steps: Outcome[] = [];
  const send = async (r: ProbeRequest): Promise<Outcome> => {
    const [o] = await ctx.send([r]);
    steps.push(o);
    absorb(cookies, o);
    return o;
  };
  const get = (url: URL, step: string) => send(req(url, route.identity, `${what}: ${step}`, priority, { headers: { ...(route.headers ?? {}), ...(cookies.size ? { Cookie: cookieHeader(cookies) } : {}) } }));

  const start = ctx.url(path, route.onBackend);
  let o: Outcome;
  if (opts.first) {
    o = opts.first;
    steps.push(o);
    absorb(cookies, o);
  } else o = await get(start, `GET ${path}`);
  let stopped: string | null = null;
  let submitted = opts.submit === false;
  let hops = 0;
  for (;;) {
    if (o.kind !== 'response') break;
    const here = o.request.url;
    const c = statusClass(o);
    if (c === 3) {
      const loc = header(o, 'location');
      if (!loc) break;
      const next = sameOrigin(here, loc);
      if (!next) {
        stopped = `the redirect to ${loc.slice(0, 200)} leaves the origin: not followed`;
        break;
      }
      if (hops >= MAX_REDIRECTS) {
        stopped = `more than ${MAX_REDIRECTS} redirects: not followed further`;
        break;
      }
      hops++;
      o = await get(next, `follow redirect to ${next.pathname}`);
      continue;
    }
    if (submitted) break;
    if (o.status === 405) {
      // A JSON (or POST-only) login: nothing to fill in for a certificate login.
      submitted = true;
      o = await send(req(here, route.identity, `${what}: POST {} (JSON login)`, priority, { method: 'POST', headers: { ...(route.headers ?? {}), ...postHeaders(here, cookies, null, true) }, body: '{}' }));
      continue;
    }
    if (c === 2 && /html/i.test(header(o, 'content-type') ?? '') && /<form\b/i.test(o.body ?? '')) {
      const form = parseForm(o);
      if (form.method !== 'POST' || form.hasPassword) break; // not a certificate login form
      const target = form.action ? sameOrigin(here, form.action) : here;
      if (!target) {
        stopped = `the login form posts to ${String(form.action).slice(0, 200)}, off the origin: not submitted`;
        break;
      }
      submitted = true;
      const fields: Record<string, string> = { ...form.hidden, ...(form.submit ? { [form.submit[0]]: form.submit[1] } : {}) };
      o = await send(req(target, route.identity, `${what}: submit the form`, priority, { method: 'POST', headers: { ...(route.headers ?? {}), ...postHeaders(here, cookies, form, false) }, body: new URLSearchParams(fields).toString() }));
      continue;
    }
    break;
  }
  return { path, steps, cookies, final: o, stopped };
}

/** The user a response names when the app echoes it (JSON `user`/`username`/`email`…), for evidence. */
export function echoedIdentity(o: Outcome): string | null {
  if (o.kind !== 'response' || !o.body || !/json/i.test(header(o, 'content-type') ?? '')) return null;
  try {
    const v = JSON.parse(o.body) as unknown;
    if (!v || typeof v !== 'object' || Array.isArray(v)) return null;
    for (const k of ['user', 'username', 'name', 'email', 'subject']) {
      const x = (v as Record<string, unknown>)[k];
      if (typeof x === 'string' && x.length <= 200) return x;
      if (x && typeof x === 'object' && typeof (x as Record<string, unknown>).username === 'string') return String((x as Record<string, unknown>).username).slice(0, 200);
    }
  } catch {
    /* not JSON after all */
  }
  return null;
}

/** One line per step of a login, for evidence. */
export function loginLines(r: LoginResult): string {
  const lines = r.steps.map((s) => `${s.request.method} ${s.request.url.pathname}${s.request.url.search} → ${describe(s)}`);
  return `${lines.join('; ')}${r.stopped ? ` (${r.stopped})` : ''}; cookies after: ${[...r.cookies.keys()].join(', ') || 'none'}`;
}

/**
 * Session mode: a fresh login with `identity` at `loginPath`, then `path` with that identity and the
 * login's cookies (the login's own last answer when its redirect already fetched `path`).
 */
export async function loginAndGet(ctx: LoginCtx, loginPath: string, path: string, identity: ClientIdentity, priority: number, what: string): Promise<{ login: LoginResult; outcome: Outcome }> {
  const l = await login(ctx, loginPath, { identity, who: identity.label }, { priority, purpose: `${what}: login at ${loginPath}` });
  const url = ctx.url(path);
  const last = l.final;
  if (last.kind === 'tls-refused' || last.kind === 'not-sent') return { login: l, outcome: last };
  if (last.kind === 'response' && last.request.method === 'GET' && last.request.url.href === url.href && l.steps.length > 1) return { login: l, outcome: last };
  const [o] = await ctx.send([req(url, identity, `${what} on ${path} after its login`, priority, { headers: l.cookies.size ? { Cookie: cookieHeader(l.cookies) } : {} })]);
  return { login: l, outcome: o };
}
