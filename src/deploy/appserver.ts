// App servers: how Django is started and where it listens. Reads command lines (Dockerfile
// CMD/ENTRYPOINT, Compose `command:`, Procfile, systemd `ExecStart=`, k8s container command/args,
// entrypoint shell scripts) for gunicorn (`--bind/-b`, `-c conf.py`, default 127.0.0.1:8000 or
// 0.0.0.0:$PORT), uWSGI (`--http`, `--http-socket`, `--socket`, `--uwsgi-socket`, `--ini`),
// `manage.py runserver [addr:]port`, daphne and uvicorn; gunicorn config files (`bind = …`, read
// with the project's tree-sitter Python parser) and uWSGI ini files.

import type { Parser } from 'web-tree-sitter';
import { parseWith, type PyNode } from '../python/parser.js';
import { field, named, stringValue, unparen, walk } from '../python/ast.js';
import type { AppServer, ConfigSite } from './model.js';
import { continuedLine, site } from './common.js';

export interface BindSpec {
  spec: string;
  site: ConfigSite;
  /** true when it is the server's default, not written anywhere. */
  isDefault?: boolean;
  protocol?: AppServer['protocol'];
}

export interface AppCommand {
  kind: AppServer['kind'];
  binds: BindSpec[];
  /** `gunicorn -c FILE` / `uwsgi --ini FILE` as written. */
  configRef?: string;
  site: ConfigSite;
  context: 'host' | 'container' | 'unknown';
  /** The default bind depends on $PORT (gunicorn: 0.0.0.0:$PORT when PORT is set). */
  usesPortEnv?: boolean;
  service?: string;
  /** Directory the command runs from (for default `./gunicorn.conf.py`). */
  dir: string;
}

/** Shell-like word splitting with quotes and backslashes. */
export function shellWords(s: string): string[] {
  const out: string[] = [];
  let cur = '';
  let has = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '\\' && i + 1 < s.length) {
      if (s[i + 1] === '\n') {
        i++;
        continue;
      }
      cur += s[++i];
      has = true;
      continue;
    }
    if (c === "'") {
      const j = s.indexOf("'", i + 1);
      cur += s.slice(i + 1, j < 0 ? s.length : j);
      i = j < 0 ? s.length : j;
      has = true;
      continue;
    }
    if (c === '"') {
      let j = i + 1;
      while (j < s.length && s[j] !== '"') {
        if (s[j] === '\\' && j + 1 < s.length) {
          cur += s[j + 1];
          j += 2;
          continue;
        }
        cur += s[j++];
      }
      i = j;
      has = true;
      continue;
    }
    if (/\s/.test(c)) {
      if (has) out.push(cur);
      cur = '';
      has = false;
      continue;
    }
    if (c === ';' || c === '|' || c === '&') {
      if (has) out.push(cur);
      cur = '';
      has = false;
      let op = c;
      if ((c === '&' || c === '|') && s[i + 1] === c) op += s[++i];
      out.push(op);
      continue;
    }
    cur += c;
    has = true;
  }
  if (has) out.push(cur);
  return out;
}

const SEPS = new Set([';', '|', '||', '&&', '&']);

/** Finds app-server invocations in a command (words), recursing into `sh -c "…"`. */
export function commandsIn(words: string[], mk: (kind: AppServer['kind'], binds: string[], configRef: string | undefined, usesPortEnv: boolean) => void, depth = 0): void {
  if (depth > 4) return;
  const segs: string[][] = [[]];
  for (const w of words) {
    if (SEPS.has(w)) segs.push([]);
    else segs[segs.length - 1].push(w);
  }
  for (let seg of segs) {
    // Strip wrappers: env assignments, exec, env, nohup, pipenv/poetry run, python -m.
    while (seg.length && (/^[A-Za-z_][A-Za-z0-9_]*=/.test(seg[0]) || /^(exec|env|nohup|time|sudo|su-exec|gosu|tini|dumb-init|--)$/.test(seg[0]))) {
      if ((seg[0] === 'gosu' || seg[0] === 'su-exec') && seg.length > 1) seg = seg.slice(2);
      else seg = seg.slice(1);
    }
    if (seg.length >= 3 && /(^|\/)(ba|da|z)?sh$/.test(seg[0]) && seg.includes('-c')) {
      const i = seg.indexOf('-c');
      if (seg[i + 1]) commandsIn(shellWords(seg[i + 1]), mk, depth + 1);
      continue;
    }
    if (seg.length >= 2 && /^(pipenv|poetry|uv|pdm|hatch)$/.test(seg[0]) && seg[1] === 'run') seg = seg.slice(2);
    let exe = seg[0] ?? '';
    let args = seg.slice(1);
    if (/(^|\/)python[\d.]*$/.test(exe)) {
      if (args[0] === '-m' && args[1]) {
        exe = args[1];
        args = args.slice(2);
      } else if (args[0] && /manage\.py$/.test(args[0])) {
        exe = 'manage.py';
        args = args.slice(1);
      }
    }
    const base = exe.split('/').pop() ?? '';
    if (base === 'gunicorn') {
      const binds: string[] = [];
      let conf: string | undefined;
      for (let i = 0; i < args.length; i++) {
        const a = args[i];
        if (a === '--bind' || a === '-b') binds.push(args[++i] ?? '');
        else if (a.startsWith('--bind=')) binds.push(a.slice(7));
        else if (/^-b./.test(a)) binds.push(a.slice(2));
        else if (a === '-c' || a === '--config') conf = args[++i];
        else if (a.startsWith('--config=')) conf = a.slice(9);
      }
      const portEnv = words.some((w) => /\$\{?PORT\b/.test(w));
      mk('gunicorn', binds, conf, portEnv);
    } else if (base === 'uwsgi') {
      const binds: string[] = [];
      let conf: string | undefined;
      for (let i = 0; i < args.length; i++) {
        const a = args[i];
        const m = /^--(http|http-socket|https|socket|uwsgi-socket|fastcgi-socket)(?:=(.*))?$/.exec(a);
        if (m) binds.push(m[2] ?? args[++i] ?? '');
        else if (a === '-s') binds.push(args[++i] ?? '');
        else if (a === '--ini') conf = args[++i];
        else if (a.startsWith('--ini=')) conf = a.slice(6);
        else if (/\.ini$/.test(a)) conf = a;
      }
      mk('uwsgi', binds, conf, false);
    } else if ((base === 'manage.py' || base === 'django-admin') && args[0] === 'runserver') {
      const addr = args.slice(1).find((a) => !a.startsWith('-'));
      mk('runserver', addr ? [addr] : [], undefined, false);
    } else if (base === 'daphne' || base === 'uvicorn' || base === 'hypercorn' || base === 'granian') {
      let host: string | undefined;
      let port: string | undefined;
      const binds: string[] = [];
      for (let i = 0; i < args.length; i++) {
        const a = args[i];
        if (a === '-b' || a === '--bind' || a === '--host') {
          if (base === 'hypercorn') binds.push(args[++i] ?? '');
          else host = args[++i];
        } else if (a.startsWith('--bind=') && base === 'hypercorn') binds.push(a.slice(7));
        else if (a.startsWith('--host=')) host = a.slice(7);
        else if (a === '-p' || a === '--port') port = args[++i];
        else if (a.startsWith('--port=')) port = a.slice(7);
        else if (a === '-u' || a === '--uds' || a === '--unix-socket') binds.push(`unix:${args[++i] ?? ''}`);
        else if (a.startsWith('--uds=')) binds.push(`unix:${a.slice(6)}`);
      }
      if (host || port) binds.push(`${host ?? '127.0.0.1'}:${port ?? '8000'}`);
      mk(base, binds, undefined, false);
    } else if (base === 'waitress-serve') {
      // waitress: `--listen=HOST:PORT` (repeatable), or `--host`/`--port`; default 0.0.0.0:8080.
      let host: string | undefined;
      let port: string | undefined;
      const binds: string[] = [];
      for (let i = 0; i < args.length; i++) {
        const a = args[i];
        if (a === '--listen') binds.push(args[++i] ?? '');
        else if (a.startsWith('--listen=')) binds.push(a.slice(9));
        else if (a === '--host') host = args[++i];
        else if (a.startsWith('--host=')) host = a.slice(7);
        else if (a === '--port') port = args[++i];
        else if (a.startsWith('--port=')) port = a.slice(7);
        else if (a.startsWith('--unix-socket=')) binds.push(`unix:${a.slice(14)}`);
      }
      if (host || port) binds.push(`${host ?? '0.0.0.0'}:${port ?? '8080'}`);
      mk('waitress', binds, undefined, false);
    }
  }
}

/** Normalises a bind spec into host/port/unix. `:8000` and `8000` (uWSGI) mean all interfaces. */
export function parseBind(kind: AppServer['kind'], spec: string): { host?: string; port?: number; unix?: string } {
  let s = spec.trim();
  if (/^unix:/i.test(s)) return { unix: s.slice(5) };
  if (s.startsWith('/') || s.startsWith('./') || /\.sock$/.test(s)) return { unix: s };
  if (s.startsWith('fd://')) return { unix: s };
  s = s.replace(/^[a-z]+:\/\//i, '');
  // uWSGI `:8000` = all interfaces; runserver `8000` = 127.0.0.1; gunicorn `8000`? not a port: host.
  let m = /^\[([^\]]*)\]:(\S+)$/.exec(s);
  if (m) return { host: m[1], port: portNum(m[2]) };
  m = /^([^:]*):([^:]+)$/.exec(s);
  if (m) {
    let host = m[1];
    if (host === '') host = '0.0.0.0';
    if (kind === 'runserver' && host === '0') host = '0.0.0.0';
    return { host, port: portNum(m[2]) };
  }
  if (/^\d+$/.test(s)) return kind === 'runserver' ? { host: '127.0.0.1', port: Number(s) } : { host: kind === 'uwsgi' ? '0.0.0.0' : '127.0.0.1', port: Number(s) };
  if (/^\$\{?PORT\}?$/.test(s)) return { host: kind === 'runserver' ? '127.0.0.1' : '0.0.0.0' };
  return { host: s };
}

function portNum(p: string): number | undefined {
  return /^\d+$/.test(p) ? Number(p) : undefined;
}

/** Where each server listens when no bind is given (each server's documented default). */
export const DEFAULT_BIND: Record<string, string> = {
  gunicorn: '127.0.0.1:8000',
  runserver: '127.0.0.1:8000',
  daphne: '127.0.0.1:8000',
  uvicorn: '127.0.0.1:8000',
  hypercorn: '127.0.0.1:8000',
  granian: '127.0.0.1:8000',
  waitress: '0.0.0.0:8080',
};

/** `bind = …` from a gunicorn config file (Python, parsed with tree-sitter, never executed). */
export function gunicornConfBinds(parser: Parser, path: string, text: string): BindSpec[] | null {
  let root: PyNode;
  try {
    root = parseWith(parser, text).root;
  } catch {
    return null;
  }
  const lines = text.split('\n');
  const out: BindSpec[] = [];
  let found = false;
  for (const stmt of root.children) {
    if (stmt.type !== 'expression_statement') continue;
    const asg = named(stmt)[0];
    if (!asg || asg.type !== 'assignment') continue;
    const left = field(asg, 'left');
    if (!left || left.type !== 'identifier' || text.slice(left.start, left.end) !== 'bind') continue;
    found = true;
    out.length = 0;
    const value = unparen(field(asg, 'right'));
    const strs: { v: string; n: PyNode }[] = [];
    const push = (n: PyNode | null) => {
      const v = stringValue(n, text);
      if (v !== null && n) strs.push({ v, n });
      else if (n) {
        // os.environ.get("BIND", "0.0.0.0:8000") / os.getenv(..., default): the default.
        walk(n, (c) => {
          if (c.type === 'call') {
            const args = field(c, 'arguments');
            const list = args ? named(args) : [];
            const d = list[1] ?? null;
            const dv = stringValue(d, text);
            if (dv !== null && d) strs.push({ v: dv, n: d });
            return false;
          }
          return undefined;
        });
      }
    };
    if (value && (value.type === 'list' || value.type === 'tuple')) for (const el of named(value)) push(el);
    else push(value);
    for (const s of strs) out.push({ spec: s.v, site: site(path, s.n.line, s.n.col, lines[s.n.line - 1] ?? '') });
  }
  return found ? out : null;
}

/** uWSGI ini: `[uwsgi]` with http / http-socket / socket / uwsgi-socket keys. */
export function uwsgiIniBinds(path: string, text: string): BindSpec[] | null {
  const lines = text.split('\n');
  let inUwsgi = false;
  let seen = false;
  const out: BindSpec[] = [];
  // `%(option)` placeholders name other options of the section, wherever they are set (uWSGI
  // expands them when the option is used): `http = :%(port)` with `port = 8000`.
  const options = new Map<string, string>();
  {
    let sec = '';
    for (const raw of lines) {
      const l = raw.trim();
      const h = /^\[([^\]]+)\]$/.exec(l);
      if (h) sec = h[1].trim();
      const m = sec === 'uwsgi' ? /^([\w-]+)\s*=\s*(.*)$/.exec(l) : null;
      if (m) options.set(m[1], m[2].trim().replace(/^['"]|['"]$/g, ''));
    }
  }
  const expand = (v: string, depth = 0): string => (depth > 8 ? v : v.replace(/%\(([\w-]+)\)/g, (all, k: string) => (options.has(k) ? expand(options.get(k)!, depth + 1) : all)));
  lines.forEach((raw, i) => {
    const l = raw.trim();
    if (!l || l.startsWith('#') || l.startsWith(';')) return;
    const sec = /^\[([^\]]+)\]$/.exec(l);
    if (sec) {
      inUwsgi = sec[1].trim() === 'uwsgi';
      if (inUwsgi) seen = true;
      return;
    }
    if (!inUwsgi) return;
    const m = /^([\w-]+)\s*=\s*(.*)$/.exec(l);
    if (m && /^(http|http-socket|https|socket|uwsgi-socket|fastcgi-socket)$/.test(m[1])) {
      const v = expand(m[2].trim().replace(/^['"]|['"]$/g, ''));
      const spec = m[1] === 'https' ? v.split(',')[0] : v;
      const protocol = /^https?(-socket)?$/.test(m[1]) ? 'http' : m[1] === 'fastcgi-socket' ? 'fastcgi' : 'uwsgi';
      out.push({ spec, site: site(path, i + 1, raw.indexOf(m[1]) + 1, raw), protocol });
    }
  });
  return seen ? out : null;
}

/** Dockerfile CMD / ENTRYPOINT (exec or shell form, with line continuations), EXPOSE. */
export function dockerfileCommands(path: string, text: string): { cmd?: { words: string[]; line: number; text: string }; entrypoint?: { words: string[]; line: number; text: string }; expose: number[] } {
  const lines = text.split('\n');
  const res: ReturnType<typeof dockerfileCommands> = { expose: [] };
  for (let i = 0; i < lines.length; i++) {
    const start = i;
    const joined = continuedLine(lines, i);
    const l = joined.text;
    i = joined.end;
    const m = /^\s*(CMD|ENTRYPOINT|EXPOSE|FROM)\s+(.*)$/i.exec(l);
    if (!m) continue;
    const kw = m[1].toUpperCase();
    const arg = m[2].trim();
    if (kw === 'FROM') {
      // A new stage: only the last stage's CMD counts.
      delete res.cmd;
      delete res.entrypoint;
      res.expose = [];
      continue;
    }
    if (kw === 'EXPOSE') {
      for (const p of arg.split(/\s+/)) if (/^\d+/.test(p)) res.expose.push(parseInt(p, 10));
      continue;
    }
    let words: string[];
    if (arg.startsWith('[')) {
      try {
        words = (JSON.parse(arg) as unknown[]).map(String);
      } catch {
        words = shellWords(arg);
      }
    } else words = ['/bin/sh', '-c', arg];
    const rec = { words, line: start + 1, text: lines[start].trim() };
    if (kw === 'CMD') res.cmd = rec;
    else res.entrypoint = rec;
  }
  void path;
  return res;
}

/** systemd unit: ExecStart= lines (with continuations). */
export function systemdExecStarts(text: string): { words: string[]; line: number; text: string }[] {
  const lines = text.split('\n');
  const out: { words: string[]; line: number; text: string }[] = [];
  let inService = false;
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i];
    const sec = /^\s*\[([^\]]+)\]/.exec(raw);
    if (sec) {
      inService = sec[1] === 'Service';
      continue;
    }
    if (!inService) continue;
    const m = /^\s*ExecStart\s*=\s*[-@:+!]*(.*)$/.exec(raw);
    if (!m) continue;
    const start = i;
    const joined = continuedLine(lines, i, m[1]);
    const v = joined.text;
    i = joined.end;
    out.push({ words: shellWords(v), line: start + 1, text: raw.trim() });
  }
  return out;
}

/** Procfile: `web: gunicorn …`. */
export function procfileCommands(text: string): { words: string[]; line: number; text: string }[] {
  const out: { words: string[]; line: number; text: string }[] = [];
  text.split('\n').forEach((raw, i) => {
    const m = /^\s*([A-Za-z0-9_-]+)\s*:\s*(.+)$/.exec(raw);
    if (m && !raw.trim().startsWith('#')) out.push({ words: shellWords(m[2]), line: i + 1, text: raw.trim() });
  });
  return out;
}

/** Column of `needle` in a line (1-based), or undefined. */
export function colOf(lineText: string, needle: string): number | undefined {
  const i = needle ? lineText.indexOf(needle) : -1;
  return i >= 0 ? i + 1 : undefined;
}
