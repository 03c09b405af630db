// Walks the scanned tree: never follows a symlink out of the root, survives symlink loops,
// unreadable directories and odd files, and classifies what it finds. Nothing is executed.

import { lstatSync, readdirSync, realpathSync, statSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import picomatch from 'picomatch';
import type { InputError } from '../core/types.js';

export type FileKind = 'python' | 'config' | 'other';

export interface DiscoveredFile {
  /** Relative to the root, forward slashes. */
  path: string;
  abs: string;
  size: number;
  kind: FileKind;
}

export interface DiscoverOptions {
  exclude?: string[];
  includeTests?: boolean;
  /** Files larger than this are reported in errors and skipped. */
  maxFileBytes?: number;
}

export const DEFAULT_MAX_FILE_BYTES = 2 * 1024 * 1024;

const SKIP_DIRS = new Set(['.git', '.hg', '.svn', 'node_modules', '__pycache__', '.venv', 'venv', '.tox', '.nox', '.mypy_cache', '.pytest_cache', 'site-packages', '.eggs']);

/** Files whose contents the deployment layer may understand (by name; content decides later). */
export function isConfigCandidate(path: string): boolean {
  const base = path.split('/').pop()!.toLowerCase();
  if (/\.(conf|cfg|ini|ya?ml|toml|service|template|tpl|vhost|site|j2|env)$/.test(base)) return true;
  if (/^(dockerfile|containerfile|procfile|\.env(\..*)?|gunicorn.*|uwsgi.*|nginx.*|haproxy.*|httpd.*|apache.*|envoy.*|traefik.*)/.test(base)) return true;
  if (/(^|\/)(sites-(available|enabled)|conf\.d|nginx|haproxy|apache2|httpd|envoy|traefik|k8s|kubernetes|helm|deploy|deployment|manifests)\//i.test(path)) return true;
  return false;
}

export function isTestPath(path: string): boolean {
  const parts = path.split('/');
  const base = parts[parts.length - 1];
  if (base === 'tests.py' || base === 'conftest.py' || /^test_.*\.py$/.test(base) || /_tests?\.py$/.test(base)) return true;
  return parts.slice(0, -1).some((p) => p === 'tests' || p === 'test');
}

export function discover(root: string, opts: DiscoverOptions = {}): { files: DiscoveredFile[]; errors: InputError[] } {
  const files: DiscoveredFile[] = [];
  const errors: InputError[] = [];
  const maxBytes = opts.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  const excludes = (opts.exclude ?? []).map((g) => picomatch(g, { dot: true }));
  const isExcluded = (rel: string) => excludes.some((m) => m(rel) || m(rel + '/') || rel.split('/').some((_p, i, a) => m(a.slice(0, i + 1).join('/'))));
  const rootReal = realpathSync(root);
  const visitedDirs = new Set<string>();

  const inside = (real: string) => real === rootReal || real.startsWith(rootReal + sep);
  const toRel = (abs: string) => relative(root, abs).split(sep).join('/');

  const walkDir = (dir: string, realDir: string) => {
    if (visitedDirs.has(realDir)) {
      errors.push({ file: toRel(dir) || '.', message: 'symlink loop: directory already visited, not followed again' });
      return;
    }
    visitedDirs.add(realDir);
    let entries: string[];
    try {
      entries = readdirSync(dir);
    } catch (e) {
      errors.push({ file: toRel(dir) || '.', message: `unreadable directory: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` });
      return;
    }
    entries.sort();
    for (const name of entries) {
      const abs = join(dir, name);
      const rel = toRel(abs);
      if (isExcluded(rel)) continue;
      let st;
      try {
        st = lstatSync(abs);
      } catch (e) {
        errors.push({ file: rel, message: `unreadable: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` });
        continue;
      }
      let real = abs;
      if (st.isSymbolicLink()) {
        try {
          real = realpathSync(abs);
        } catch (e) {
          const code = (e as NodeJS.ErrnoException).code;
          errors.push({ file: rel, message: code === 'ELOOP' ? 'symlink loop: not followed' : `broken symlink: ${code ?? 'unresolvable'}` });
          continue;
        }
        if (!inside(real)) {
          errors.push({ file: rel, message: 'symlink leaves the scanned root: not followed' });
          continue;
        }
        try {
          st = statSync(abs);
        } catch (e) {
          errors.push({ file: rel, message: `unreadable: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` });
          continue;
        }
      }
      if (st.isDirectory()) {
        if (SKIP_DIRS.has(name)) continue;
        if (!opts.includeTests && (name === 'tests' || name === 'test')) continue;
        walkDir(abs, realOf(abs, real));
        continue;
      }
      if (!st.isFile()) continue;
      const kind: FileKind = name.endsWith('.py') ? 'python' : isConfigCandidate(rel) ? 'config' : 'other';
      if (kind === 'other') continue;
      if (kind === 'python' && !opts.includeTests && isTestPath(rel)) continue;
      if (st.size > maxBytes) {
        errors.push({ file: rel, message: `file too large (${(st.size / 1048576).toFixed(1)} MiB > ${(maxBytes / 1048576).toFixed(1)} MiB limit): skipped` });
        continue;
      }
      files.push({ path: rel, abs, size: st.size, kind });
    }
  };
  const realOf = (abs: string, fallback: string) => {
    try {
      return realpathSync(abs);
    } catch {
      return fallback;
    }
  };
  walkDir(root, rootReal);
  return { files, errors };
}

export type ReadResult = { ok: true; text: string } | { ok: false; message: string };

const CODING_RE = /^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)/;

/** Reads a file as text: rejects binary content, decodes UTF-8 strictly (or a PEP 263 latin-1 cookie). */
export function readText(abs: string): ReadResult {
  let buf: Buffer;
  try {
    buf = readFileSync(abs);
  } catch (e) {
    return { ok: false, message: `unreadable: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` };
  }
  return decodeText(buf);
}

export function decodeText(buf: Buffer): ReadResult {
  const head = buf.subarray(0, 8192);
  if (head.includes(0)) return { ok: false, message: 'binary file (NUL byte): skipped' };
  try {
    let text = new TextDecoder('utf-8', { fatal: true }).decode(buf);
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    return { ok: true, text };
  } catch {
    // PEP 263: a coding cookie on line 1 or 2.
    const firstLines = buf.subarray(0, 512).toString('latin1').split('\n').slice(0, 2);
    for (const l of firstLines) {
      const m = CODING_RE.exec(l);
      if (m && /^(latin-?1|iso-?8859-?1|cp1252|windows-1252)$/i.test(m[1])) {
        return { ok: true, text: new TextDecoder(m[1].toLowerCase().startsWith('cp') || m[1].toLowerCase().startsWith('windows') ? 'windows-1252' : 'latin1').decode(buf) };
      }
    }
    return { ok: false, message: 'not valid UTF-8 (and no PEP 263 latin-1 coding declaration): skipped' };
  }
}
