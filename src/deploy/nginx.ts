// nginx → entry points. Includes are expanded (globs, relative to the including file, the main
// config and the scanned root; absolute paths by their suffix in the tree), then every location
// that proxies (`proxy_pass`, `uwsgi_pass`, `fastcgi_pass`, `scgi_pass`, `grpc_pass`) becomes an
// entry point with the settings it inherits the way nginx merges them:
//   - ssl_verify_client, ssl_client_certificate, ssl_crl, ssl_ocsp, underscores_in_headers,
//     ignore_invalid_headers: http → server;
//   - proxy_set_header / *_param arrays: the innermost level that has any replaces the outer ones;
//   - proxy_pass_request_headers: innermost explicit value;
//   - `if (…) { return 4xx; }` on $ssl_client_verify (directly or through a `map`) at server or
//     location level enforces the verification result.

import type { InputError } from '../core/types.js';
import type { ConfigSite, EntryPoint, RemovedHeader, UpstreamHeader, VerifyMode } from './model.js';
import { wsgiKey } from './model.js';
import { parseNginx, NgxSyntaxError, type NgxDirective } from './nginx-parse.js';
import { header, isVerifySource, resolveInclude, site, type SourceFile } from './common.js';

export interface NginxFile {
  path: string;
  directives: NgxDirective[];
}

export function parseNginxFile(f: SourceFile, errors: InputError[]): NginxFile | null {
  try {
    return { path: f.path, directives: parseNginx(f.text, f.path) };
  } catch (e) {
    if (e instanceof NgxSyntaxError) {
      errors.push({ file: f.path, message: `nginx configuration syntax error: ${e.message}; file skipped, the rest of the scan goes on` });
      return null;
    }
    throw e;
  }
}

const dsite = (d: NgxDirective): ConfigSite => site(d.file, d.line, d.column, d.text);

/**
 * The files Debian's nginx package ships next to nginx.conf, which configs include by bare name
 * (`include proxy_params;`). What they set matters: a location that includes proxy_params has
 * proxy_set_header of its own and so inherits none from the server.
 */
/** Debian's fastcgi_params, beyond the CGI variables every *_params file sets (cgiParams). */
const FASTCGI_PARAMS: [string, string][] = [
  ['HTTPS', '$https if_not_empty'],
  ['HTTP_HOST', '$host'],
  ['GATEWAY_INTERFACE', 'CGI/1.1'],
  ['SERVER_SOFTWARE', 'nginx/$nginx_version'],
  ['REDIRECT_STATUS', '200'],
  ['SCRIPT_NAME', '$fastcgi_script_name'],
];

const PACKAGED_INCLUDES: Record<string, [string, string][]> = {
  proxy_params: [
    ['proxy_set_header', 'Host $host'],
    ['proxy_set_header', 'X-Real-IP $remote_addr'],
    ['proxy_set_header', 'X-Forwarded-For $proxy_add_x_forwarded_for'],
    ['proxy_set_header', 'X-Forwarded-Proto $scheme'],
  ],
  uwsgi_params: cgiParams('uwsgi_param', [
    ['HTTPS', '$https if_not_empty'],
    ['HTTP_HOST', '$host'],
  ]),
  scgi_params: cgiParams('scgi_param', [
    ['HTTPS', '$https if_not_empty'],
    ['HTTP_HOST', '$host'],
  ]),
  fastcgi_params: cgiParams('fastcgi_param', FASTCGI_PARAMS),
  // Debian's fastcgi.conf is fastcgi_params with SCRIPT_FILENAME first.
  'fastcgi.conf': cgiParams('fastcgi_param', [['SCRIPT_FILENAME', '$document_root$fastcgi_script_name'], ...FASTCGI_PARAMS]),
  'mime.types': [],
};

function cgiParams(name: string, extra: [string, string][]): [string, string][] {
  const base = [
    'QUERY_STRING $query_string',
    'REQUEST_METHOD $request_method',
    'CONTENT_TYPE $content_type',
    'CONTENT_LENGTH $content_length',
    'REQUEST_URI $request_uri',
    'PATH_INFO $document_uri',
    'DOCUMENT_ROOT $document_root',
    'SERVER_PROTOCOL $server_protocol',
    'REQUEST_SCHEME $scheme',
    'REMOTE_ADDR $remote_addr',
    'REMOTE_PORT $remote_port',
    'SERVER_PORT $server_port',
    'SERVER_NAME $server_name',
  ];
  return [...base.map((b) => [name, b] as [string, string]), ...extra.map(([k, v]) => [name, `${k} ${v}`] as [string, string])];
}

/** Directives nginx would read from a packaged include, placed at the include directive. */
function packagedInclude(d: NgxDirective): NgxDirective[] | null {
  const base = d.args[0].value.split('/').pop() ?? '';
  const body = PACKAGED_INCLUDES[base];
  if (!body || (d.args[0].value.startsWith('/') && !/^\/etc\/nginx\/[^/]+$/.test(d.args[0].value))) return null;
  return body.map(([name, args]) => ({ ...d, name, args: args.split(' ').map((v) => ({ value: v, raw: v, quoted: false, line: d.line, column: d.column })) }));
}

/** How many directives the expansion of one main config may produce (an included file is copied at every place it is included). */
const INCLUDE_BUDGET = 50_000;

interface ExpandState {
  files: Map<string, NginxFile>;
  treePaths: string[];
  included: Set<string>;
  /** resolveInclude's answers by (pattern, including file, main file). */
  resolved: Map<string, string[]>;
  left: number;
  /** Set once the budget ran out (the include where it did). */
  exhausted?: NgxDirective;
}

/**
 * Replaces `include` directives with the directives of the files they name (cycle-safe, bounded by
 * INCLUDE_BUDGET so includes that include each other cannot explode). A file Debian's package
 * ships is replaced by its known content; an include that cannot be resolved, or that the budget
 * no longer allows, stays in place as an `include` directive: what it sets is unknown.
 */
function expand(dirs: NgxDirective[], from: string, main: string, st: ExpandState, stack: string[]): NgxDirective[] {
  const out: NgxDirective[] = [];
  for (const d of dirs) {
    if (st.left <= 0) {
      st.exhausted ??= d;
      out.push(d);
      continue;
    }
    st.left--;
    if (d.name === 'include' && !d.block && d.args.length === 1) {
      const targets = resolveCached(st, d.args[0].value, from, main);
      const usable = targets.sort().filter((t) => st.files.has(t) && !stack.includes(t) && stack.length <= 16);
      if (!usable.length) {
        // Found but only along a cycle: nothing more to add. Not found: a file nginx's package
        // ships, or else kept as an unread include (what it sets is unknown).
        if (!targets.length) out.push(...(packagedInclude(d) ?? [d]));
        continue;
      }
      for (const t of usable) {
        st.included.add(t);
        out.push(...expand(st.files.get(t)!.directives, t, main, st, [...stack, t]));
      }
      continue;
    }
    if (d.block) out.push({ ...d, block: expand(d.block, from, main, st, stack) });
    else out.push(d);
  }
  return out;
}

function resolveCached(st: ExpandState, pattern: string, from: string, main: string): string[] {
  const key = `${pattern}\0${from}\0${main}`;
  let r = st.resolved.get(key);
  if (!r) st.resolved.set(key, (r = resolveInclude(pattern, from, main, st.treePaths)));
  return [...r];
}

function walkIncludes(dirs: NgxDirective[], visit: (d: NgxDirective) => void): void {
  for (const d of dirs) {
    if (d.name === 'include' && !d.block && d.args.length === 1) visit(d);
    if (d.block) walkIncludes(d.block, visit);
  }
}

/** A glob include (`include conf.d/*.conf;`) that matches nothing is valid nginx and adds nothing. */
const isGlob = (d: NgxDirective) => /[*?[]/.test(d.args[0]?.value ?? '');

/** The first include left unexpanded on a route's levels (it may set what the route forwards). */
function unreadInclude(levels: Level[]): NgxDirective | undefined {
  return levels.flatMap((l) => l.dirs).find((d) => d.name === 'include' && !d.block && !isGlob(d));
}

interface Level {
  dirs: NgxDirective[];
}

const PASS = new Set(['proxy_pass', 'uwsgi_pass', 'fastcgi_pass', 'scgi_pass', 'grpc_pass']);
const PARAM_FOR: Record<string, string> = { uwsgi_pass: 'uwsgi_param', fastcgi_pass: 'fastcgi_param', scgi_pass: 'scgi_param' };

function last(levels: Level[], name: string): NgxDirective | undefined {
  for (let i = levels.length - 1; i >= 0; i--) {
    const found = levels[i].dirs.filter((d) => d.name === name && !d.block);
    if (found.length) return found[found.length - 1];
  }
  return undefined;
}

/** Array directives: the innermost level with any occurrence wins (nginx does not merge them). */
function innermostArray(levels: Level[], name: string): NgxDirective[] {
  for (let i = levels.length - 1; i >= 0; i--) {
    const found = levels[i].dirs.filter((d) => d.name === name && !d.block);
    if (found.length) return found;
  }
  return [];
}

/** Additive directives (headers-more): every level applies. */
function allLevels(levels: Level[], name: string): NgxDirective[] {
  return levels.flatMap((l) => l.dirs.filter((d) => d.name === name && !d.block));
}

interface MapDef {
  source: string;
  entries: { key: string; value: string; regex: boolean; ci: boolean }[];
  def: string;
}

function collectMaps(http: NgxDirective[]): Map<string, MapDef> {
  const maps = new Map<string, MapDef>();
  for (const d of http) {
    if (d.name !== 'map' || !d.block || d.args.length < 2) continue;
    const def: MapDef = { source: d.args[0].value, entries: [], def: '' };
    for (const e of d.block) {
      const key = e.name;
      const value = e.args[0]?.value ?? '';
      if (key === 'default') def.def = value;
      else if (key === 'hostnames' || key === 'volatile' || key === 'include') continue;
      else if (key.startsWith('~')) def.entries.push({ key: key.replace(/^~\*?/, ''), value, regex: true, ci: key.startsWith('~*') });
      else def.entries.push({ key: key.replace(/^\\/, ''), value, regex: false, ci: false });
    }
    maps.set(d.args[1].value.replace(/^\$/, ''), def);
  }
  return maps;
}

/** Evaluates `$var` given values of the client-cert variables (`ssl_client_verify` etc.). */
function evalVar(name: string, env: Record<string, string>, maps: Map<string, MapDef>, depth = 0): string | undefined {
  if (name in env) return env[name];
  const m = maps.get(name);
  if (!m || depth > 8) return undefined;
  const input = interpolate(m.source, env, maps, depth + 1);
  if (input === undefined) return undefined;
  for (const e of m.entries) {
    if (e.regex) {
      try {
        if (new RegExp(e.key, e.ci ? 'i' : '').test(input)) return interpolate(e.value, env, maps, depth + 1) ?? e.value;
      } catch {
        return undefined;
      }
    } else if (e.key === input) return interpolate(e.value, env, maps, depth + 1) ?? e.value;
  }
  return interpolate(m.def, env, maps, depth + 1) ?? m.def;
}

function interpolate(s: string, env: Record<string, string>, maps: Map<string, MapDef>, depth = 0): string | undefined {
  let unknown = false;
  const out = s.replace(/\$\{?(\w+)\}?/g, (_m, v: string) => {
    const r = evalVar(v, env, maps, depth);
    if (r === undefined) unknown = true;
    return r ?? '';
  });
  return unknown ? undefined : out;
}

/** Does `$var` depend on the client certificate (directly or through maps)? */
function dependsOnCert(expr: string, maps: Map<string, MapDef>, depth = 0): boolean {
  if (/\$\{?ssl_client_/.test(expr)) return true;
  if (depth > 8) return false;
  for (const m of expr.matchAll(/\$\{?(\w+)\}?/g)) {
    const def = maps.get(m[1]);
    if (def && dependsOnCert(def.source, maps, depth + 1)) return true;
  }
  return false;
}

/** Evaluates an `if` condition; undefined when it cannot tell. */
/**
 * The words of an `if (…)` condition without its parentheses, as nginx's ngx_http_rewrite
 * module reads them: the '(' opening the first word, the ')' closing the last one (or standing
 * alone after a quoted string). A quoted empty string stays a word (`$ssl_client_s_dn = ""`).
 */
export function conditionWords(args: { value: string; quoted: boolean }[]): string[] {
  const words = args.map((a) => ({ ...a }));
  const first = words[0];
  if (first && !first.quoted && first.value.startsWith('(')) first.value = first.value.slice(1);
  const last = words[words.length - 1];
  if (last && !last.quoted && last.value.endsWith(')')) last.value = last.value.slice(0, -1);
  return words.filter((w) => w.quoted || w.value !== '').map((w) => w.value);
}

function evalCondition(toks: string[], env: Record<string, string>, maps: Map<string, MapDef>): boolean | undefined {
  if (toks.length === 1) {
    const neg = toks[0].startsWith('!');
    const v = interpolate(toks[0].replace(/^!/, ''), env, maps);
    if (v === undefined) return undefined;
    const truthy = v !== '' && v !== '0';
    return neg ? !truthy : truthy;
  }
  if (toks.length === 3) {
    const left = interpolate(toks[0], env, maps);
    if (left === undefined) return undefined;
    const op = toks[1];
    const right = toks[2];
    switch (op) {
      case '=':
        return left === right;
      case '!=':
        return left !== right;
      case '~':
      case '~*':
      case '!~':
      case '!~*':
        try {
          const r = new RegExp(right, op.endsWith('*') ? 'i' : '').test(left);
          return op.startsWith('!') ? !r : r;
        } catch {
          return undefined;
        }
    }
  }
  return undefined;
}

const REFUSED: Record<string, string> = { ssl_client_verify: 'NONE', ssl_client_cert: '', ssl_client_raw_cert: '', ssl_client_escaped_cert: '', ssl_client_s_dn: '', ssl_client_i_dn: '', ssl_client_fingerprint: '', ssl_client_serial: '' };
const FAILED: Record<string, string> = {
  ...REFUSED,
  ssl_client_verify: 'FAILED:unable to get local issuer certificate',
  ssl_client_cert: 'PEM',
  ssl_client_raw_cert: 'PEM',
  ssl_client_escaped_cert: 'PEM',
  ssl_client_s_dn: 'CN=x',
  ssl_client_i_dn: 'CN=other-ca',
  ssl_client_fingerprint: 'ab',
  ssl_client_serial: '01',
};
const ACCEPTED: Record<string, string> = { ...FAILED, ssl_client_verify: 'SUCCESS', ssl_client_i_dn: 'CN=ca' };

/** An `if` that refuses requests whose certificate did not verify. */
function enforcingIf(d: NgxDirective, maps: Map<string, MapDef>, mode: VerifyMode): boolean {
  if (d.name !== 'if' || !d.block) return false;
  const cond = conditionWords(d.args);
  if (!dependsOnCert(cond.join(' '), maps)) return false;
  const refuses = d.block.some((x) => (x.name === 'return' && /^[45]\d\d$/.test(x.args[0]?.value ?? '')) || x.name === 'deny');
  if (!refuses) return false;
  const onNone = evalCondition(cond, REFUSED, maps);
  const onOk = evalCondition(cond, ACCEPTED, maps);
  if (onNone !== true || onOk !== false) return false;
  if (mode === 'optional_no_ca') return evalCondition(cond, FAILED, maps) === true;
  return true;
}

export function nginxEntryPoints(files: NginxFile[], treePaths: string[], errors: InputError[] = []): { entryPoints: EntryPoint[]; included: Set<string> } {
  const byPath = new Map(files.map((f) => [f.path, f]));
  const included = new Set<string>();
  const expanded = new Map<string, NgxDirective[]>();
  const resolved = new Map<string, string[]>();
  const st: ExpandState = { files: byPath, treePaths, included, left: 0, resolved };
  const cutAt = new Map<string, NgxDirective>();
  // Main configs first (files no other file includes), each with its own budget; a file is
  // expanded on its own only if no main config included it.
  const targets = new Set<string>();
  for (const f of files) {
    walkIncludes(f.directives, (d) => {
      for (const t of resolveCached(st, d.args[0].value, f.path, f.path)) if (t !== f.path) targets.add(t);
    });
  }
  const order = [...files.filter((f) => !targets.has(f.path)), ...files.filter((f) => targets.has(f.path))];
  for (const f of order) {
    if (included.has(f.path)) continue;
    st.left = INCLUDE_BUDGET;
    st.exhausted = undefined;
    expanded.set(f.path, expand(f.directives, f.path, f.path, st, [f.path]));
    const cut = st.exhausted as NgxDirective | undefined; // set by expand()
    if (!cut) continue;
    cutAt.set(f.path, cut);
    errors.push({ file: f.path, message: `nginx include expansion stopped after ${INCLUDE_BUDGET} directives (includes that include each other?) at ${cut.file}:${cut.line}; what the rest sets is unknown, so routes there prove nothing` });
  }
  const entryPoints: EntryPoint[] = [];
  for (const f of files) {
    const top = expanded.get(f.path);
    if (!top || included.has(f.path)) continue;
    const http = top.find((d) => d.name === 'http' && d.block);
    let httpDirs: NgxDirective[];
    let servers: NgxDirective[];
    if (http) {
      httpDirs = http.block!;
      servers = httpDirs.filter((d) => d.name === 'server' && d.block);
    } else {
      // A conf.d-style file: its top level is the http context.
      httpDirs = top;
      servers = top.filter((d) => d.name === 'server' && d.block);
    }
    const upstreams = new Map<string, string[]>();
    for (const d of httpDirs) {
      if (d.name === 'upstream' && d.block && d.args[0]) {
        upstreams.set(
          d.args[0].value,
          d.block
            .filter((s) => s.name === 'server')
            .map((s) => s.args[0]?.value ?? '')
            .filter(Boolean),
        );
      }
    }
    const maps = collectMaps(httpDirs);
    const cut = cutAt.get(f.path);
    for (const srv of servers) {
      for (const ep of serverEntries(srv, httpDirs, upstreams, maps)) {
        if (cut) ep.unknown = { site: dsite(cut), reason: 'include expansion stopped at its budget here: what the rest of the configuration sets is unknown' };
        entryPoints.push(ep);
      }
    }
  }
  return { entryPoints, included };
}

function serverEntries(srv: NgxDirective, httpDirs: NgxDirective[], upstreams: Map<string, string[]>, maps: Map<string, MapDef>): EntryPoint[] {
  const out: EntryPoint[] = [];
  const httpL: Level = { dirs: httpDirs };
  const srvL: Level = { dirs: srv.block! };
  const sl = [httpL, srvL];
  const verifyD = last(sl, 'ssl_verify_client');
  const rawMode = verifyD?.args[0]?.value ?? 'off';
  const verify: VerifyMode = (['on', 'optional', 'optional_no_ca', 'off'] as const).find((m) => m === rawMode) ?? 'unknown';
  const caD = last(sl, 'ssl_client_certificate') ?? last(sl, 'ssl_trusted_certificate');
  const crlD = last(sl, 'ssl_crl');
  const ocspD = last(sl, 'ssl_ocsp');
  const uD = last(sl, 'underscores_in_headers');
  const iD = last(sl, 'ignore_invalid_headers');
  let underscoreSite: ConfigSite | undefined;
  if (uD?.args[0]?.value === 'on') underscoreSite = dsite(uD);
  else if (iD?.args[0]?.value === 'off') underscoreSite = dsite(iD);
  const names = srv.block!.filter((d) => d.name === 'server_name').flatMap((d) => d.args.map((a) => a.value));
  const listens = srv.block!.filter((d) => d.name === 'listen').map((d) => d.args[0]?.value ?? '');
  const serverName = `server ${names[0] ?? '_'}${listens.length ? ` (listen ${listens.join(', ')})` : ''}`;
  const serverEnforce = srv.block!.find((d) => enforcingIf(d, maps, verify));
  const srvUses = srv.block!.find((d) => d.name === 'if' && dependsOnCert(d.args.map((a) => a.value).join(' '), maps));

  const visitLocation = (loc: NgxDirective, levels: Level[], path: string) => {
    const L: Level = { dirs: loc.block! };
    const lv = [...levels, L];
    const direct = loc.block!.filter((d) => PASS.has(d.name) && !d.block);
    // `if (…) { proxy_pass …; }` inside a location is a route with the location's settings.
    const inIf = loc.block!.filter((d) => d.name === 'if' && d.block).flatMap((d) => d.block!.filter((x) => PASS.has(x.name)));
    const internal = loc.block!.some((d) => d.name === 'internal');
    const passes = [...direct, ...inIf];
    if (passes.length && !internal) {
      const locEnforce = loc.block!.find((d) => enforcingIf(d, maps, verify));
      const enforce = locEnforce ?? serverEnforce;
      for (const pass of passes) out.push(entryFor(pass, lv, path, enforce));
    }
    for (const child of loc.block!.filter((d) => d.name === 'location' && d.block)) {
      visitLocation(child, lv, `${path} > location ${child.args.map((a) => a.value).join(' ')}`);
    }
  };

  const entryFor = (pass: NgxDirective, lv: Level[], path: string, enforce: NgxDirective | undefined): EntryPoint => {
    const headers: UpstreamHeader[] = [];
    const removed: RemovedHeader[] = [];
    const paramDir = PARAM_FOR[pass.name];
    if (pass.name === 'proxy_pass' || pass.name === 'grpc_pass') {
      const setName = pass.name === 'proxy_pass' ? 'proxy_set_header' : 'grpc_set_header';
      for (const d of innermostArray(lv, setName)) {
        if (d.args.length < 2) continue;
        const name = d.args[0].value;
        const value = d.args[1].value;
        if (value === '') {
          headers.push(header(name, '', true, dsite(d), { action: 'remove' }));
          removed.push({ pattern: name, match: 'exact', site: dsite(d) });
        } else headers.push(header(name, d.args[1].raw, true, dsite(d)));
      }
    } else if (paramDir) {
      for (const d of innermostArray(lv, paramDir)) {
        if (d.args.length < 2) continue;
        const name = d.args[0].value;
        const value = d.args[1].raw;
        if (/^HTTP_/.test(name)) {
          // nginx skips client headers whose WSGI-normalised name a HTTP_ param sets.
          headers.push({ name, wsgiKey: name.toUpperCase(), source: value, overwrites: true, site: dsite(d), coversAllSpellings: true, action: d.args[1].value === '' ? 'remove' : 'set' });
        } else if (
          !/^(QUERY_STRING|REQUEST_METHOD|CONTENT_TYPE|CONTENT_LENGTH|REQUEST_URI|PATH_INFO|DOCUMENT_ROOT|SERVER_PROTOCOL|REQUEST_SCHEME|HTTPS|REMOTE_ADDR|REMOTE_PORT|SERVER_PORT|SERVER_NAME|SERVER_ADDR|SCRIPT_NAME|SCRIPT_FILENAME|GATEWAY_INTERFACE|SERVER_SOFTWARE|DOCUMENT_URI|UWSGI_\w+|REDIRECT_STATUS)$/.test(
            name,
          )
        ) {
          headers.push({ name, wsgiKey: name, source: value, overwrites: true, site: dsite(d), coversAllSpellings: true, environ: true, action: 'set' });
        }
      }
    }
    // headers-more: more_set_input_headers / more_clear_input_headers act on the request itself.
    for (const d of allLevels(lv, 'more_set_input_headers')) {
      for (const a of d.args) {
        if (a.value.startsWith('-')) continue;
        const m = /^([^:]+):\s*(.*)$/.exec(a.value);
        if (m) headers.push(header(m[1].trim(), m[2], true, dsite(d)));
      }
    }
    for (const d of allLevels(lv, 'more_clear_input_headers')) {
      for (const a of d.args) {
        if (a.value.startsWith('-')) continue;
        removed.push({ pattern: a.value, match: a.value.endsWith('*') ? 'prefix' : 'exact', site: dsite(d) });
      }
    }
    const prh = last(lv, pass.name === 'proxy_pass' ? 'proxy_pass_request_headers' : `${pass.name.replace('_pass', '')}_pass_request_headers`);
    const target = pass.args[0]?.value ?? '';
    const hostPart = target.replace(/^[a-z]+:\/\//i, '').split('/')[0];
    const hostName = hostPart.replace(/:\d+$/, '');
    const bare = target.replace(/^[a-z]+:\/\//i, '');
    const direct = /^unix:/i.test(bare) ? bare.replace(/^(unix:[^:]+):.*$/, '$1') : bare.split('/')[0];
    const targets = upstreams.get(hostPart) ?? upstreams.get(hostName) ?? [direct || target];
    const verifyForwarded = headers.find(
      (h) => isVerifySource(h.source) || (h.source.includes('$') && [...h.source.matchAll(/\$\{?(\w+)/g)].some((m) => maps.get(m[1]) && dependsOnCert(`$${m[1]}`, maps) && /ssl_client_verify/.test(maps.get(m[1])!.source))),
    );
    const usesSite = enforce ?? srvUses ?? lv.flatMap((l) => l.dirs).find((d) => d.name === 'if' && dependsOnCert(d.args.map((a) => a.value).join(' '), maps));
    const ep: EntryPoint = {
      kind: 'nginx',
      name: `${serverName} > ${path}`,
      site: dsite(srv),
      listenerSite: dsite(srv),
      verify,
      verifyEnforced: verify === 'on' || !!enforce,
      headers,
      removed,
      passesUnderscoreHeaders: !!underscoreSite,
      upstream: target,
      upstreamTargets: targets,
      upstreamSite: dsite(pass),
      reachesApp: true,
    };
    if (verifyD) ep.verifySite = dsite(verifyD);
    if (caD) ep.caFile = caD.args[0]?.value;
    if (crlD) ep.crl = dsite(crlD);
    if (ocspD && ocspD.args[0]?.value !== 'off') ep.ocsp = dsite(ocspD);
    if (underscoreSite) ep.underscoreSite = underscoreSite;
    if (enforce) ep.enforceSite = dsite(enforce);
    if (verifyForwarded) ep.verifyForwarded = verifyForwarded;
    if (prh?.args[0]?.value === 'off') ep.dropsClientHeaders = dsite(prh);
    if (usesSite) ep.usesCert = dsite(usesSite);
    const unread = unreadInclude(lv);
    if (unread) ep.unknown = { site: dsite(unread), reason: `\`${unread.text}\` names a file that is not in the scanned tree` };
    return ep;
  };

  for (const loc of srv.block!.filter((d) => d.name === 'location' && d.block)) {
    visitLocation(loc, sl, `location ${loc.args.map((a) => a.value).join(' ')}`);
  }
  return out;
}

/** Does the text look like nginx configuration (rather than another `key value;` format)? */
export function looksLikeNginx(text: string): boolean {
  return (
    /(^|\n)\s*(server|http|location\s+[^\n{]*|upstream\s+\S+|events|map\s+\S+\s+\S+)\s*\{/.test(text) ||
    /(^|\n)\s*(proxy_pass|proxy_set_header|ssl_verify_client|ssl_client_certificate|uwsgi_pass|uwsgi_param|listen|underscores_in_headers)\s+[^\n]*;/.test(text)
  );
}

export { wsgiKey };
