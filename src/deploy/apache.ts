// Apache httpd (mod_ssl, mod_headers, mod_proxy, mod_wsgi): a line tokenizer with quoted
// arguments and `\` continuations, nested `<Section args>` … `</Section>` blocks checked for
// balance, and the analysis of each <VirtualHost> into entry points: SSLVerifyClient,
// SSLCACertificateFile/Path, SSLCARevocationFile/Path + SSLCARevocationCheck, SSLOCSPEnable,
// SSLOptions +ExportCertData/+StdEnvVars (environ for mod_wsgi), RequestHeader set/append/add/
// setifempty/unset, ProxyPass, WSGIScriptAlias/WSGIDaemonProcess, SSLRequire/Require expr.

import type { InputError } from '../core/types.js';
import type { ConfigSite, EntryPoint, RemovedHeader, UpstreamHeader, VerifyMode } from './model.js';
import { wsgiKey } from './model.js';
import { continuedLine, isVerifySource, site, type SourceFile } from './common.js';

export interface ApDirective {
  name: string;
  args: string[];
  block?: ApDirective[];
  file: string;
  line: number;
  column: number;
  text: string;
}

export class ApSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(`${message} at line ${line}`);
  }
}

function words(s: string, line: number): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < s.length) {
    while (i < s.length && /\s/.test(s[i])) i++;
    if (i >= s.length) break;
    const q = s[i];
    if (q === '"' || q === "'") {
      let v = '';
      i++;
      let closed = false;
      while (i < s.length) {
        if (s[i] === '\\' && i + 1 < s.length && (s[i + 1] === q || s[i + 1] === '\\')) {
          v += s[i + 1];
          i += 2;
          continue;
        }
        if (s[i] === q) {
          closed = true;
          i++;
          break;
        }
        v += s[i++];
      }
      if (!closed) throw new ApSyntaxError('unterminated quoted argument', line);
      out.push(v);
      continue;
    }
    let v = '';
    while (i < s.length && !/\s/.test(s[i])) v += s[i++];
    out.push(v);
  }
  return out;
}

export function parseApache(text: string, file: string): ApDirective[] {
  const lines = text.split('\n');
  const root: ApDirective[] = [];
  const stack: { d: ApDirective | null; list: ApDirective[] }[] = [{ d: null, list: root }];
  for (let i = 0; i < lines.length; i++) {
    const start = i;
    const joined = continuedLine(lines, i);
    const l = joined.text;
    i = joined.end;
    const t = l.trim();
    if (!t || t.startsWith('#')) continue;
    const col = l.length - l.trimStart().length + 1;
    const close = /^<\/([\w:.-]+)\s*>$/.exec(t);
    if (close) {
      const top = stack[stack.length - 1];
      if (!top.d) throw new ApSyntaxError(`</${close[1]}> without matching <${close[1]}>`, start + 1);
      if (top.d.name.toLowerCase() !== close[1].toLowerCase()) throw new ApSyntaxError(`</${close[1]}> closes <${top.d.name}> (opened at line ${top.d.line})`, start + 1);
      stack.pop();
      continue;
    }
    // Apache ends a section's arguments at the last '>' of the line: `<IfVersion >= 2.4>`,
    // `<If "%{SSL_CLIENT_VERIFY} != 'SUCCESS'">`.
    const open = /^<([\w:.-]+)(\s.*)?>$/.exec(t);
    if (open) {
      const d: ApDirective = { name: open[1], args: words(open[2] ?? '', start + 1), block: [], file, line: start + 1, column: col, text: lines[start].trim() };
      stack[stack.length - 1].list.push(d);
      stack.push({ d, list: d.block! });
      continue;
    }
    if (t.startsWith('<')) throw new ApSyntaxError('malformed section tag', start + 1);
    const w = words(t, start + 1);
    stack[stack.length - 1].list.push({ name: w[0], args: w.slice(1), file, line: start + 1, column: col, text: lines[start].trim() });
  }
  if (stack.length > 1) {
    const d = stack[stack.length - 1].d!;
    throw new ApSyntaxError(`<${d.name}> is never closed`, d.line);
  }
  return root;
}

export function looksLikeApache(text: string): boolean {
  return /^\s*<(VirtualHost|Location|Directory|IfModule)\b/im.test(text) || /^\s*(SSLVerifyClient|SSLEngine|ProxyPass|WSGIDaemonProcess|WSGIScriptAlias|LoadModule|RequestHeader)\s/m.test(text);
}

export function parseApacheFile(f: SourceFile, errors: InputError[]): ApDirective[] | null {
  try {
    return parseApache(f.text, f.path);
  } catch (e) {
    if (e instanceof ApSyntaxError) {
      errors.push({ file: f.path, message: `Apache httpd configuration syntax error: ${e.message}; file skipped, the rest of the scan goes on` });
      return null;
    }
    throw e;
  }
}

const ds = (d: ApDirective): ConfigSite => site(d.file, d.line, d.column, d.text);
const is = (d: ApDirective, n: string) => d.name.toLowerCase() === n.toLowerCase();

/** Flattens IfModule/IfDefine/IfVersion wrappers (their content applies when the module is there). */
function flat(dirs: ApDirective[]): ApDirective[] {
  return dirs.flatMap((d) => (d.block && /^If(Module|Define|Version|File)$/i.test(d.name) ? flat(d.block) : [d]));
}

const EXPORTED = ['SSL_CLIENT_CERT', 'SSL_CLIENT_S_DN', 'SSL_CLIENT_I_DN', 'SSL_CLIENT_VERIFY', 'SSL_CLIENT_M_SERIAL', 'SSL_CLIENT_S_DN_CN', 'SSL_CLIENT_I_DN_CN'];

export function apacheEntryPoints(file: string, top: ApDirective[]): EntryPoint[] {
  const out: EntryPoint[] = [];
  const global = flat(top);
  const vhosts = global.filter((d) => is(d, 'VirtualHost') && d.block);
  const scopes: { vh: ApDirective | null; dirs: ApDirective[] }[] = vhosts.length ? vhosts.map((vh) => ({ vh, dirs: flat(vh.block!) })) : [{ vh: null, dirs: global }];
  for (const { vh, dirs } of scopes) {
    const find = (list: ApDirective[], n: string) => [...list].reverse().find((d) => is(d, n) && !d.block);
    const g = (n: string) => find(dirs, n) ?? (vh ? find(global, n) : undefined);
    const locations = dirs.filter((d) => /^(Location|LocationMatch)$/i.test(d.name) && d.block).map((d) => ({ d, dirs: flat(d.block!) }));
    // Routes: ProxyPass at vhost level, ProxyPass inside <Location>, WSGIScriptAlias (in process).
    const routes: { pass: ApDirective; loc: { d: ApDirective; dirs: ApDirective[] } | null; inProcess: boolean }[] = [];
    for (const d of dirs) {
      if (is(d, 'ProxyPass') && d.args[1] && d.args[1] !== '!') routes.push({ pass: d, loc: null, inProcess: false });
      if (is(d, 'WSGIScriptAlias') || is(d, 'WSGIScriptAliasMatch')) routes.push({ pass: d, loc: null, inProcess: true });
    }
    for (const loc of locations) for (const d of loc.dirs) if (is(d, 'ProxyPass') && d.args[0] && d.args[0] !== '!') routes.push({ pass: d, loc, inProcess: false });
    for (const r of routes) {
      const lookup = (n: string) => (r.loc ? find(r.loc.dirs, n) : undefined) ?? g(n);
      // A <Location> whose path is a prefix of the ProxyPass path also applies.
      const path = r.loc ? (r.loc.d.args[0] ?? '/') : (r.pass.args[0] ?? '/');
      const covering = locations.filter((l) => l !== r.loc && path.startsWith(l.d.args[0] ?? '\u0000'));
      const lk = (n: string) => (r.loc ? find(r.loc.dirs, n) : undefined) ?? covering.map((l) => find(l.dirs, n)).find(Boolean) ?? g(n);
      const vD = lk('SSLVerifyClient');
      const raw = (vD?.args[0] ?? 'none').toLowerCase();
      const verify: VerifyMode = raw === 'require' ? 'on' : raw === 'optional' ? 'optional' : raw === 'optional_no_ca' ? 'optional_no_ca' : raw === 'none' ? 'off' : 'unknown';
      const ca = lookup('SSLCACertificateFile') ?? lookup('SSLCACertificatePath');
      const crlFile = lookup('SSLCARevocationFile') ?? lookup('SSLCARevocationPath');
      const crlCheck = lookup('SSLCARevocationCheck');
      const ocsp = lookup('SSLOCSPEnable');
      // RequestHeader directives: vhost level, then covering Locations, then the route's Location.
      const headerDirs = [...dirs.filter((d) => is(d, 'RequestHeader')), ...covering.flatMap((l) => l.dirs.filter((d) => is(d, 'RequestHeader'))), ...(r.loc ? r.loc.dirs.filter((d) => is(d, 'RequestHeader')) : [])];
      const headers: UpstreamHeader[] = [];
      const removed: RemovedHeader[] = [];
      for (const d of headerDirs) {
        const a = d.args.filter((x) => x !== 'early');
        const action = (a[0] ?? '').toLowerCase();
        const name = a[1] ?? '';
        const cond = a.slice(3).find((x) => /^(env=|expr=)/.test(x)) ?? (action === 'unset' ? a.slice(2).find((x) => /^(env=|expr=)/.test(x)) : undefined);
        if (action === 'set') {
          for (let i = headers.length - 1; i >= 0; i--) if (!cond && headers[i].name.toLowerCase() === name.toLowerCase()) headers.splice(i, 1);
          headers.push({ name, wsgiKey: wsgiKey(name), source: a[2] ?? '', overwrites: !cond, site: ds(d), action: 'set', ...(cond ? { condition: cond } : {}) });
        } else if (action === 'append' || action === 'add' || action === 'merge') {
          headers.push({ name, wsgiKey: wsgiKey(name), source: a[2] ?? '', overwrites: false, site: ds(d), action: 'append' });
        } else if (action === 'setifempty') {
          headers.push({ name, wsgiKey: wsgiKey(name), source: a[2] ?? '', overwrites: false, site: ds(d), action: 'add-if-absent' });
        } else if (action === 'unset' && !cond) {
          headers.push({ name, wsgiKey: wsgiKey(name), source: '', overwrites: true, site: ds(d), action: 'remove' });
          removed.push({ pattern: name, match: 'exact', site: ds(d) });
        }
      }
      const sslOpts = [...dirs, ...covering.flatMap((l) => l.dirs), ...(r.loc ? r.loc.dirs : [])].filter((d) => is(d, 'SSLOptions'));
      const exportsCert = sslOpts.some((d) => d.args.some((x) => /^\+?ExportCertData$/i.test(x)));
      const stdEnv = sslOpts.some((d) => d.args.some((x) => /^\+?StdEnvVars$/i.test(x)));
      if (r.inProcess && verify !== 'off') {
        for (const k of EXPORTED) {
          if (k === 'SSL_CLIENT_CERT' ? exportsCert : stdEnv) headers.push({ name: k, wsgiKey: k, source: `mod_ssl ${k}`, overwrites: true, site: ds(sslOpts[0] ?? r.pass), coversAllSpellings: true, environ: true, action: 'set' });
        }
      }
      const reqs = [...dirs, ...covering.flatMap((l) => l.dirs), ...(r.loc ? r.loc.dirs : [])].filter(
        (d) => (is(d, 'SSLRequire') || (is(d, 'Require') && /expr|ssl-verify-client/i.test(d.args[0] ?? ''))) && /SSL_CLIENT_VERIFY|ssl-verify-client/i.test(d.args.join(' ')),
      );
      const vhName = vh ? `<VirtualHost ${vh.args.join(' ')}>` : 'server config';
      const ep: EntryPoint = {
        kind: 'apache',
        name: `${vhName} ${r.inProcess ? r.pass.name : `ProxyPass ${path}`}`,
        site: vh ? ds(vh) : ds(r.pass),
        listenerSite: vh ? ds(vh) : ds(r.pass),
        verify,
        verifyEnforced: verify === 'on' || reqs.length > 0,
        headers,
        removed,
        // mod_wsgi (4.3+) drops headers whose names contain underscores; mod_proxy forwards them.
        passesUnderscoreHeaders: !r.inProcess,
        upstream: r.inProcess ? undefined : r.loc ? r.pass.args[0] : r.pass.args[1],
        upstreamTargets: r.inProcess ? [] : [(r.loc ? r.pass.args[0] : r.pass.args[1]) ?? ''],
        upstreamSite: ds(r.pass),
        reachesApp: true,
        inProcess: r.inProcess,
      };
      if (vD) ep.verifySite = ds(vD);
      if (ca) ep.caFile = ca.args[0];
      if (crlFile && crlCheck && /^(chain|leaf)$/i.test(crlCheck.args[0] ?? '')) ep.crl = ds(crlFile);
      if (ocsp && /^on$/i.test(ocsp.args[0] ?? '')) ep.ocsp = ds(ocsp);
      if (reqs[0]) ep.enforceSite = ds(reqs[0]);
      if (!r.inProcess && vh) ep.underscoreSite = ds(vh);
      const vf = headers.find((h) => h.action !== 'remove' && isVerifySource(h.source));
      if (vf) ep.verifyForwarded = vf;
      out.push(ep);
    }
  }
  return out;
}
