// Helpers shared by the deployment readers.

import picomatch from 'picomatch';
import { posix } from 'node:path';
import type { ConfigSite, UpstreamHeader } from './model.js';
import { wsgiKey } from './model.js';

export interface SourceFile {
  path: string;
  text: string;
}

export function site(file: string, line: number, column: number | undefined, text: string): ConfigSite {
  const s: ConfigSite = { file, line, text: text.trim().slice(0, 200) };
  if (column !== undefined) s.column = column;
  return s;
}

export function lineOf(text: string, line: number): string {
  return (text.split('\n')[line - 1] ?? '').trim();
}

/** Does a header value carry client-certificate data (PEM, DN, fingerprint, serial, verify result)? */
export function isCertSource(source: string): boolean {
  return /\$\{?ssl_client_|ssl_c_[a-z_]+|DOWNSTREAM_PEER_|XFCC|passTLSClientCert|mod_ssl SSL_CLIENT|%\{[^}]*\}?SSL_CLIENT_|%\{SSL_CLIENT_|SSL_CLIENT_[A-Z_]+|client_cert|clientcert|x-forwarded-client-cert|xfcc/i.test(source);
}

export function isVerifySource(source: string): boolean {
  return /ssl_client_verify|ssl_c_verify|SSL_CLIENT_VERIFY/i.test(source);
}

export function header(name: string, source: string, overwrites: boolean, s: ConfigSite, extra: Partial<UpstreamHeader> = {}): UpstreamHeader {
  return { name, wsgiKey: wsgiKey(name), source, overwrites, site: s, action: overwrites ? 'set' : 'append', ...extra };
}

/**
 * Resolves an include pattern to files of the tree. Relative patterns: against the including file's
 * directory, the main config's directory and the scanned root. Absolute ones (`/etc/nginx/conf.d/*.conf`):
 * the longest path suffix (two segments at least) that names files in the tree.
 */
export function resolveInclude(pattern: string, fromFile: string, mainFile: string, treePaths: string[]): string[] {
  if (!pattern || /\$\{?\w/.test(pattern.replace(/^\$\{?prefix\}?/, ''))) return [];
  const clean = (p: string) => posix.normalize(p).replace(/^\.\//, '');
  const match = (glob: string) => {
    if (glob.startsWith('../') || glob === '..') return [];
    // nginx expands includes with glob(3): no extglobs (which would also risk exponential regexes).
    const m = picomatch(glob, { dot: true, noextglob: true, maxLength: 4096 });
    return treePaths.filter((p) => m(p));
  };
  if (!pattern.startsWith('/')) {
    for (const base of [posix.dirname(fromFile), posix.dirname(mainFile), '.']) {
      const got = match(clean(posix.join(base, pattern)));
      if (got.length) return got;
    }
    // nginx resolves relative includes against its conf prefix, which may be an ancestor directory.
    let dir = posix.dirname(mainFile);
    while (dir !== '.' && dir !== '/') {
      dir = posix.dirname(dir);
      const got = match(clean(posix.join(dir, pattern)));
      if (got.length) return got;
    }
    return [];
  }
  const segs = pattern.split('/').filter(Boolean);
  for (let i = 0; i <= segs.length - 2; i++) {
    const suffix = segs.slice(i).join('/');
    const got = match(`**/${suffix}`).concat(match(suffix));
    if (got.length) return [...new Set(got)];
  }
  return [];
}

/** Splits `host:port`, `[::1]:port`, `unix:/path`, `http://host:port/path`. */
export function parseTarget(t: string): { host?: string; port?: number; unix?: string } {
  let s = t.trim().replace(/^['"]|['"]$/g, '');
  s = s.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '');
  if (/^unix:/i.test(s))
    return {
      unix: s
        .replace(/^unix:/i, '')
        .replace(/:$/, '')
        .split(':')[0],
    };
  if (s.startsWith('/')) return { unix: s };
  s = s.split('/')[0];
  let m = /^\[([^\]]+)\](?::(\d+))?$/.exec(s);
  if (m) return { host: m[1], port: m[2] ? Number(m[2]) : undefined };
  m = /^([^:]*):(\d+)$/.exec(s);
  if (m) return { host: m[1] || undefined, port: Number(m[2]) };
  if (/^\d+$/.test(s)) return { port: Number(s) };
  return { host: s || undefined };
}

export function isLoopbackHost(h: string | undefined): boolean {
  if (!h) return false;
  return /^(127\.\d+\.\d+\.\d+|localhost|::1|ip6-localhost)$/i.test(h);
}

export function isAnyHost(h: string | undefined): boolean {
  return h === undefined || h === '' || h === '*' || h === '0.0.0.0' || h === '::' || h === '[::]' || h === '0';
}

/**
 * A logical line made of `lines[i]` and the lines its trailing backslashes continue (Dockerfile,
 * Apache, systemd). Each physical line is looked at once, so a file of many continued lines is
 * read in linear time (testing the growing joined string was quadratic).
 */
export function continuedLine(lines: string[], i: number, first = lines[i]): { text: string; end: number } {
  const parts: string[] = [];
  let j = i;
  let cur = first;
  while (j + 1 < lines.length && endsWithBackslash(cur)) {
    parts.push(cur.slice(0, cur.lastIndexOf('\\')) + ' ');
    cur = lines[++j];
  }
  parts.push(cur);
  return { text: parts.join(''), end: j };
}

function endsWithBackslash(line: string): boolean {
  let k = line.length - 1;
  while (k >= 0 && (line[k] === ' ' || line[k] === '\t' || line[k] === '\r')) k--;
  return k >= 0 && line[k] === '\\';
}
