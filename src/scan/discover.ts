// Walks the scanned tree and reads its files. Guarantees:
// - never follows a symlink out of the root (reported), and never walks a symlinked directory at
//   all: one inside the root is scanned under its real path, so following it would only duplicate
//   it, and one that points at an enclosing directory is a loop (reported once, per link);
// - unreadable directories, odd files (FIFOs, sockets, devices are never opened: a FIFO would
//   block), files over the size limit, binary (NUL byte) and non-UTF-8 files end up in `errors`;
// - skips VCS/dependency/virtualenv directories (by name, or by their pyvenv.cfg), test files unless asked, and `--exclude` globs.
// Nothing found here is executed or written.
//
// Speed: one readdir (with file types) per directory; no per-file lstat/stat where the dirent
// already says what the entry is. Only symlinks are resolved (realpath + stat), and the real path
// of a directory is derived from its parent's instead of asked from the kernel. Regular files of
// interest are lstat-ed once for their size.

import { lstatSync, readdirSync, realpathSync, statSync, type Dirent } from 'node:fs';
import { sep } from 'node:path';
import picomatch from 'picomatch';
import type { InputError } from '../core/types.js';
import { UsageError } from '../core/errors.js';
import { DEFAULT_MAX_FILE_BYTES, errCode, UNKNOWN_SIZE, type DiscoveredFile, type FileKind } from '../core/read.js';

export { DEFAULT_MAX_FILE_BYTES, UNKNOWN_SIZE, classifyBytes, decodeText, readBytes, readBytesShared, readFiltered, readText, type DiscoveredFile, type FileKind, type ReadResult } from '../core/read.js';

export interface DiscoverOptions {
  exclude?: string[];
  includeTests?: boolean;
  /** Files larger than this are reported in errors and skipped. */
  maxFileBytes?: number;
}

export const SKIP_DIRS = new Set([
  '.git',
  '.hg',
  '.svn',
  '.bzr',
  'node_modules',
  '__pycache__',
  '.venv',
  'venv',
  '.virtualenv',
  '.tox',
  '.nox',
  '.mypy_cache',
  '.pytest_cache',
  '.ruff_cache',
  'site-packages',
  '.eggs',
  '.direnv',
  // gettext catalogs (.po/.mo) only; Django's own locale/<lang>/ dirs hold formats.py, so only the leaf is pruned.
  'LC_MESSAGES',
]);

const CONFIG_EXT_RE = /\.(conf|cfg|ini|ya?ml|toml|service|template|tpl|vhost|site|j2|env)$/;
const CONFIG_NAME_RE = /^(dockerfile|containerfile|procfile|\.env(\..*)?|gunicorn.*|uwsgi.*|nginx.*|haproxy.*|httpd.*|apache.*|envoy.*|traefik.*)/;
const CONFIG_DIR_RE = /(^|\/)(sites-(available|enabled)|conf\.d|nginx|haproxy|apache2|httpd|envoy|traefik|k8s|kubernetes|helm|deploy|deployment|manifests)\//i;

/** Files whose contents the deployment layer may understand (by name; content decides later). */
export function isConfigCandidate(path: string): boolean {
  const slash = path.lastIndexOf('/');
  const base = (slash < 0 ? path : path.slice(slash + 1)).toLowerCase();
  return CONFIG_EXT_RE.test(base) || CONFIG_NAME_RE.test(base) || CONFIG_DIR_RE.test(path);
}

const TEST_FILE_RE = /^(tests\.py|conftest\.py|test_.*\.py|.*_tests?\.py)$/;

/** A test file (`tests.py`, `test_*.py`, `*_test.py`, `conftest.py`) or anything under a `tests/` directory. */
export function isTestPath(path: string): boolean {
  const parts = path.split('/');
  if (TEST_FILE_RE.test(parts[parts.length - 1])) return true;
  for (let i = 0; i < parts.length - 1; i++) if (parts[i] === 'tests') return true;
  return false;
}

function fileKind(name: string, rel: string): FileKind {
  if (name.endsWith('.py')) return 'python';
  return isConfigCandidate(rel) ? 'config' : 'other';
}

/**
 * `--exclude` globs (picomatch), relative to the root. A glob without a slash matches a file or
 * directory name at any depth (`migrations`, `*_old.py`), as Semgrep and .gitignore users expect;
 * a glob with a slash matches the path from the root (`legacy/**`, `app/vendored/*.py`). A matching
 * directory is pruned with everything under it.
 */
export function compileExcludes(globs: string[]): { dir: (rel: string, name: string) => boolean; file: (rel: string, name: string) => boolean } {
  const byName: picomatch.Matcher[] = [];
  const byPath: picomatch.Matcher[] = [];
  for (let g of globs) {
    g = g.trim().replace(/^\.\//, '');
    if (!g) continue;
    const dirOnly = g.endsWith('/');
    if (dirOnly) g = g.replace(/\/+$/, '');
    // No extglobs (`+(a|aa)` nested): .gitignore-style patterns do not need them, and nested ones
    // compile to regular expressions that backtrack exponentially.
    const m = picomatch(g, { dot: true, noextglob: true, maxLength: 4096 });
    const matcher: picomatch.Matcher = dirOnly ? (((s: string) => s.endsWith('/') && m(s.slice(0, -1))) as picomatch.Matcher) : m;
    (g.includes('/') ? byPath : byName).push(matcher);
  }
  if (!byName.length && !byPath.length) return { dir: () => false, file: () => false };
  return {
    dir: (rel, name) => byName.some((m) => m(name) || m(name + '/')) || byPath.some((m) => m(rel) || m(rel + '/')),
    file: (rel, name) => byName.some((m) => m(name)) || byPath.some((m) => m(rel)),
  };
}

export function discover(root: string, opts: DiscoverOptions = {}): { files: DiscoveredFile[]; errors: InputError[] } {
  const files: DiscoveredFile[] = [];
  const errors: InputError[] = [];
  const maxBytes = opts.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  const includeTests = opts.includeTests === true;
  const excluded = compileExcludes(opts.exclude ?? []);
  let rootReal: string;
  try {
    rootReal = realpathSync(root);
  } catch (e) {
    throw new UsageError(`cannot read PATH ${root}: ${errCode(e)}`);
  }
  const rootAbs = root.length > 1 ? root.replace(/\/+$/, '') : root;
  const child = (dir: string, name: string) => (dir.endsWith(sep) ? dir + name : dir + sep + name);
  const inside = (real: string) => real === rootReal || real.startsWith(rootReal === sep ? sep : rootReal + sep);
  const mib = (n: number) => (n / 1048576).toFixed(1);

  const addFile = (abs: string, rel: string, name: string, size: number) => {
    const kind = fileKind(name, rel);
    if (kind === 'other') return;
    if (kind === 'python' && !includeTests && isTestPath(rel)) return;
    if (size > maxBytes) {
      errors.push({ file: rel, message: `file too large (${mib(size)} MiB > ${mib(maxBytes)} MiB limit): skipped` });
      return;
    }
    files.push({ path: rel, abs, size, kind });
  };

  const interesting = (name: string, rel: string) => fileKind(name, rel) !== 'other';

  /** `dir`: absolute path as given (under `root`); `realDir`: its real path; `relDir`: '' for the root. */
  const walk = (dir: string, realDir: string, relDir: string) => {
    let entries: Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch (e) {
      // The root itself is PATH: not being able to list it is a usage error (exit 2), not a finding-free scan.
      if (!relDir) throw new UsageError(`cannot read PATH ${root}: ${errCode(e)}`);
      errors.push({ file: relDir, message: `unreadable directory: ${errCode(e)}` });
      return;
    }
    // A virtualenv under another name (`env/`, `.py311/`): its pyvenv.cfg gives it away.
    if (relDir && entries.some((e) => e.name === 'pyvenv.cfg')) return;
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const ent of entries) {
      const name = ent.name;
      const abs = child(dir, name);
      const rel = relDir ? relDir + '/' + name : name;
      if (ent.isDirectory()) {
        if (SKIP_DIRS.has(name) || (!includeTests && name === 'tests') || excluded.dir(rel, name)) continue;
        walk(abs, child(realDir, name), rel);
        continue;
      }
      if (ent.isFile()) {
        if (excluded.file(rel, name) || !interesting(name, rel)) continue;
        // Python files are all read next: their size (and the limit) is learnt then, which saves
        // a system call per file.
        if (name.endsWith('.py')) {
          addFile(abs, rel, name, UNKNOWN_SIZE);
          continue;
        }
        let size: number;
        try {
          size = lstatSync(abs).size;
        } catch (e) {
          errors.push({ file: rel, message: `unreadable: ${errCode(e)}` });
          continue;
        }
        addFile(abs, rel, name, size);
        continue;
      }
      if (ent.isSymbolicLink()) {
        if (excluded.file(rel, name) || excluded.dir(rel, name)) continue;
        symlink(abs, rel, name, realDir);
        continue;
      }
      // FIFO, socket, device: never opened (reading a FIFO blocks). Worth a note only if it
      // carries a name we would have read.
      if (interesting(name, rel)) errors.push({ file: rel, message: 'not a regular file (FIFO, socket or device): skipped' });
    }
  };

  const symlink = (abs: string, rel: string, name: string, realParent: string) => {
    let real: string;
    try {
      real = realpathSync(abs);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ELOOP') errors.push({ file: rel, message: 'symlink loop: not followed' });
      else if (interesting(name, rel)) errors.push({ file: rel, message: `broken symlink (${code ?? 'unresolvable'}): skipped` });
      return;
    }
    let st;
    try {
      st = statSync(real);
    } catch (e) {
      if (interesting(name, rel)) errors.push({ file: rel, message: `unreadable: ${errCode(e)}` });
      return;
    }
    if (st.isDirectory()) {
      if (!inside(real)) {
        errors.push({ file: rel, message: 'symlink to a directory outside the scanned root: not followed' });
      } else if (real === realParent || realParent.startsWith(real + sep) || real === rootReal) {
        errors.push({ file: rel, message: 'symlink loop (points to an enclosing directory): not followed' });
      }
      // Otherwise the target is inside the root and is scanned under its real path (or was
      // skipped there on purpose): following the link would only scan it twice.
      return;
    }
    if (!interesting(name, rel)) return;
    if (!inside(real)) {
      errors.push({ file: rel, message: 'symlink leaves the scanned root: not followed' });
      return;
    }
    if (!st.isFile()) {
      errors.push({ file: rel, message: 'not a regular file (FIFO, socket or device): skipped' });
      return;
    }
    // A symlinked file inside the root keeps its own path: it may be the module name Django
    // imports (`settings.py -> settings_prod.py`).
    addFile(abs, rel, name, st.size);
  };

  walk(rootAbs, rootReal, '');
  return { files, errors };
}
