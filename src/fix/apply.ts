// Writing the plan: nothing overwritten without --force, a dirty git tree refused without --force,
// every file written atomically (temporary file in the same directory, then rename), secrets 600.

import { mkdirSync, readFileSync, realpathSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { discardStaged, insideRoot, stageFile, type Staged } from '../core/safe-fs.js';
import { UsageError } from '../core/errors.js';
import type { FixPlan } from './plan.js';
import { safeGit } from './git.js';

export { safeGit };

/** Paths under `root` with uncommitted changes (tracked or untracked); null when not in a git tree. */
export function gitDirty(root: string): string[] | null {
  const inside = safeGit(root, ['rev-parse', '--is-inside-work-tree']);
  if (inside.error || inside.status !== 0 || inside.stdout.trim() !== 'true') return null;
  const st = safeGit(root, ['--no-optional-locks', 'status', '--porcelain', '--untracked-files=normal', '--', '.']);
  if (st.error || st.status !== 0) return null;
  return st.stdout
    .split('\n')
    .filter(Boolean)
    .map((l) => l.slice(3));
}

/**
 * Writes `text` to `path` atomically (core/safe-fs.ts: random O_EXCL|O_NOFOLLOW temporary file,
 * then rename). An existing file keeps its permissions (an executable manage.py stays executable)
 * unless `mode` is the secret mode 600; a symlink inside the project is written through
 * (`settings.py -> settings_prod.py` edits settings_prod.py and keeps the link); one that leads
 * out of the project is refused.
 */
function stageWrite(root: string, path: string, text: string, mode: number, createdDirs: string[]): Staged {
  if (!insideRoot(root, path)) throw new UsageError(`${relative(root, path)} leads outside the project (a symlink on its path): not written`);
  let target = path;
  let finalMode = mode;
  try {
    target = realpathSync(path);
    if (mode !== 0o600) finalMode = statSync(target).mode & 0o7777;
  } catch {
    // A new file.
  }
  const made = mkdirSync(dirname(target), { recursive: true });
  if (made) createdDirs.push(made);
  if (!insideRoot(root, target)) throw new UsageError(`${relative(root, path)} leads outside the project: not written`);
  return stageFile(target, text, finalMode);
}

export interface ApplyResult {
  written: { path: string; created: boolean }[];
}

export function applyPlan(plan: FixPlan, opts: { force: boolean }): ApplyResult {
  if (!plan.files.length) return { written: [] };
  if (plan.conflicts.length && !opts.force) {
    const more = plan.conflicts.length > 1 ? ` (and ${plan.conflicts.length - 1} more)` : '';
    throw new UsageError(`${plan.conflicts[0]}${more} exists with other content: not overwritten (use --force)`);
  }
  if (!opts.force) {
    const dirty = gitDirty(plan.root);
    if (dirty && dirty.length) throw new UsageError(`the git tree has uncommitted changes (${dirty[0]}${dirty.length > 1 ? `, +${dirty.length - 1}` : ''}): commit or stash them first, or use --force`);
  }
  // Files edited in place must still be what was planned from.
  for (const f of plan.files) {
    if (f.before === null || f.created) continue;
    let now: string;
    try {
      now = readFileSync(join(plan.root, f.path), 'utf8');
    } catch {
      throw new UsageError(`${f.path} disappeared while planning: run fix again`);
    }
    if (now !== f.before) throw new UsageError(`${f.path} changed while planning: run fix again`);
  }
  for (const f of plan.files) {
    if (!insideRoot(plan.root, join(plan.root, f.path))) throw new UsageError(`${f.path} leads outside the project (a symlink on its path): nothing written`);
  }
  // Every file is written to a temporary name first; only when all of them are written are they
  // renamed into place, so a failure (a full disk, a permission) leaves the tree as it was.
  const staged: Staged[] = [];
  const createdDirs: string[] = [];
  for (const f of plan.files) {
    try {
      staged.push(stageWrite(plan.root, join(plan.root, f.path), f.after, f.mode, createdDirs));
    } catch (e) {
      discardStaged(staged);
      for (const d of createdDirs.reverse()) rmSync(d, { recursive: true, force: true });
      if (e instanceof UsageError) throw e;
      throw new UsageError(`cannot write ${f.path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}; nothing was written`);
    }
  }
  for (const s of staged) renameSync(s.tmp, s.path);
  return { written: plan.files.map((f) => ({ path: f.path, created: f.before === null })) };
}
