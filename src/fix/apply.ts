// Writing the plan: nothing overwritten without --force, a dirty git tree refused without --force,
// every file written atomically (temporary file in the same directory, then rename), secrets 600.

import { spawnSync } from 'node:child_process';
import { chmodSync, closeSync, fsyncSync, mkdirSync, openSync, readFileSync, realpathSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { UsageError } from '../core/errors.js';
import type { FixPlan } from './plan.js';

/** Paths under `root` with uncommitted changes (tracked or untracked); null when not in a git tree. */
export function gitDirty(root: string): string[] | null {
  const inside = spawnSync('git', ['-C', root, 'rev-parse', '--is-inside-work-tree'], { encoding: 'utf8' });
  if (inside.error || inside.status !== 0 || inside.stdout.trim() !== 'true') return null;
  const st = spawnSync('git', ['-C', root, 'status', '--porcelain', '--untracked-files=normal', '--', '.'], { encoding: 'utf8' });
  if (st.error || st.status !== 0) return null;
  return st.stdout.split('\n').filter(Boolean).map((l) => l.slice(3));
}

/**
 * Writes `text` to `path` atomically. An existing file keeps its permissions (an executable
 * manage.py stays executable) unless `mode` is the secret mode 600; a symlink is written through
 * (`settings.py -> settings_prod.py` edits settings_prod.py and keeps the link).
 */
function writeAtomic(path: string, text: string, mode: number): void {
  let target = path;
  let finalMode = mode;
  try {
    target = realpathSync(path);
    if (mode !== 0o600) finalMode = statSync(target).mode & 0o7777;
  } catch {
    // A new file.
  }
  path = target;
  mkdirSync(dirname(path), { recursive: true });
  const tmp = join(dirname(path), `.${basename(path)}.mtls-audit-${process.pid}.tmp`);
  try {
    const fd = openSync(tmp, 'w', mode);
    try {
      writeSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    chmodSync(tmp, finalMode);
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
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
  const written: ApplyResult['written'] = [];
  for (const f of plan.files) {
    try {
      writeAtomic(join(plan.root, f.path), f.after, f.mode);
    } catch (e) {
      throw new UsageError(`cannot write ${f.path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    written.push({ path: f.path, created: f.before === null });
  }
  return { written };
}
