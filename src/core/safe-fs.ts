// File-system writes and reads that a hostile tree cannot redirect.
//
// - Temporary files get random names and are opened O_CREAT|O_EXCL|O_NOFOLLOW: a planted symlink
//   (or a file planted under a guessed name) makes the open fail instead of writing through it.
// - `insideRoot` follows every symlink on a path (realpath of the path, or of its deepest existing
//   ancestor for a file still to be created) and says whether it stays under the root, so `fix`
//   neither reads `deploy/x -> /etc/passwd` into a plan nor writes the app through `deploy -> /elsewhere`.

import { closeSync, constants, fchmodSync, fsyncSync, openSync, realpathSync, renameSync, rmSync, writeSync } from 'node:fs';
import { crypto } from './lazy.js';
import { basename, dirname, join, relative, resolve, isAbsolute } from 'node:path';

/** Where a path really leads: realpath of the path, or of its deepest existing ancestor plus the rest. */
function realTarget(path: string): string {
  const abs = resolve(path);
  const rest: string[] = [];
  let cur = abs;
  for (;;) {
    try {
      const real = realpathSync(cur);
      return rest.length ? join(real, ...rest.reverse()) : real;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      // A symlink loop (ELOOP) or an unreadable directory: no answer, so insideRoot says no.
      // A dangling symlink is ENOENT: its name under the real parent is what a rename replaces.
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw e;
      const parent = dirname(cur);
      if (parent === cur) return abs;
      rest.push(basename(cur));
      cur = parent;
    }
  }
}

/** Is `path`, with every symlink on it followed, `root` itself or under it? */
export function insideRoot(root: string, path: string): boolean {
  let realRoot: string;
  let target: string;
  try {
    realRoot = realpathSync(root);
    target = realTarget(path);
  } catch {
    return false;
  }
  return isUnder(realRoot, target);
}

function isUnder(root: string, p: string): boolean {
  const rel = relative(root, p);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/** A file written to its temporary name, not yet renamed into place. */
export interface Staged {
  tmp: string;
  path: string;
}

/** Writes `text` to a fresh temporary file next to `path` (random name, O_EXCL|O_NOFOLLOW, `mode`). */
export function stageFile(path: string, text: string | Uint8Array, mode = 0o644): Staged {
  const tmp = join(dirname(path), `.${basename(path)}.${crypto().randomBytes(8).toString('hex')}.tmp`);
  const fd = openSync(tmp, constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY | constants.O_NOFOLLOW, mode);
  try {
    writeSync(fd, typeof text === 'string' ? Buffer.from(text) : text);
    fchmodSync(fd, mode);
    fsyncSync(fd);
  } catch (e) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw e;
  }
  closeSync(fd);
  return { tmp, path };
}

/** Removes staged temporaries (after a failure: nothing of them stays in the tree). */
export function discardStaged(staged: Staged[]): void {
  for (const s of staged) rmSync(s.tmp, { force: true });
}

/**
 * Writes `text` to `path` through a fresh temporary file in the same directory (random name,
 * O_EXCL|O_NOFOLLOW, `mode` set on the descriptor), then renames it over `path`.
 */
export function writeFileAtomic(path: string, text: string | Uint8Array, mode = 0o644): void {
  const s = stageFile(path, text, mode);
  try {
    renameSync(s.tmp, path);
  } catch (e) {
    discardStaged([s]);
    throw e;
  }
}
