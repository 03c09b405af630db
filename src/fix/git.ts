// Git for `fix`, run so that the checked-out repository can never make it execute anything.

import { spawnSync } from 'node:child_process';

/**
 * Git, run so that the repository cannot make it execute anything: a checkout the user did not
 * write may carry a `.git/config` with `core.fsmonitor` (run by `git status`), clean/process
 * filters (run when `git status` re-hashes a file), hooks, a pager or an external diff. The
 * repository's filter drivers are listed first (`git config --list` reads, never runs) and each
 * is overridden on the command line, which takes precedence over every config file.
 */
export function safeGit(root: string, args: string[]): ReturnType<typeof spawnSync> & { stdout: string } {
  const env: NodeJS.ProcessEnv = { ...process.env, GIT_PAGER: 'cat', PAGER: 'cat', GIT_OPTIONAL_LOCKS: '0', GIT_TERMINAL_PROMPT: '0' };
  delete env.GIT_EXTERNAL_DIFF;
  const base = ['-c', 'core.fsmonitor=false', '-c', 'core.hooksPath=/dev/null', '-c', 'core.pager=cat', '-c', 'diff.external=', '-c', 'core.untrackedCache=false'];
  const listed = spawnSync('git', [...base, '-C', root, 'config', '--list', '-z'], { encoding: 'utf8', env, stdio: ['ignore', 'pipe', 'pipe'] });
  const drivers = new Set<string>();
  if (!listed.error && listed.status === 0) {
    for (const entry of listed.stdout.split('\0')) {
      const m = /^filter\.(.+)\.(clean|smudge|process|required)\n/s.exec(entry + '\n');
      if (m) drivers.add(m[1]);
    }
  }
  const overrides = [...drivers].flatMap((d) => ['-c', `filter.${d}.clean=`, '-c', `filter.${d}.smudge=`, '-c', `filter.${d}.process=`, '-c', `filter.${d}.required=false`]);
  return spawnSync('git', [...base, ...overrides, '-C', root, ...args], { encoding: 'utf8', env, stdio: ['ignore', 'pipe', 'pipe'] });
}
