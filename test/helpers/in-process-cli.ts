// The CLI called in this process: `main(argv)` of src/cli/main.ts with its standard output and
// error captured (core/stdio.ts) and its exit code read from process.exitCode, as a spawned
// `node bin/mtls-audit.js` would report them, in a few milliseconds instead of a process start.
//
// For tests of what the CLI does (options, config files, reports, usage errors). What only a real
// process shows (the launcher and its bundle, V8 flags, fd 1 and 2 being pipes or terminals, a
// reader going away, running as another user, a hang killed by a timeout) stays with runCli
// (test/cli/helpers.ts), which spawns it.

import { main } from '../../src/cli/main.js';
import { captureStdio } from '../../src/core/stdio.js';
import { checkScanJson, REPO_ROOT, type CliResult } from '../cli/helpers.js';
import type { Report } from '../../src/core/types.js';

export interface InProcessOptions {
  /** Working directory for the run (default: the repository root, as runCli). */
  cwd?: string;
  /** The whole environment for the run (default: this process's), restored afterwards. */
  env?: NodeJS.ProcessEnv;
}

/** Variables runCli removes from the child's environment: they change what the CLI prints. */
const CLEARED = ['MTLS_AUDIT_STATS', 'MTLS_AUDIT_DEBUG', 'FORCE_COLOR'];

let queue: Promise<unknown> = Promise.resolve();

function replaceEnv(next: NodeJS.ProcessEnv): void {
  for (const k of Object.keys(process.env)) if (!(k in next)) delete process.env[k];
  for (const [k, v] of Object.entries(next)) if (v !== undefined) process.env[k] = v;
}

async function runOnce(args: string[], opts: InProcessOptions): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const savedEnv = { ...process.env };
  const savedCwd = process.cwd();
  const savedExitCode = process.exitCode;
  const env = { ...(opts.env ?? process.env) };
  for (const k of CLEARED) delete env[k];
  replaceEnv(env);
  process.chdir(opts.cwd ?? REPO_ROOT);
  process.exitCode = undefined;
  captureStdio({ stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  try {
    // main() catches what it expects; anything it lets through fails the test here, as a crash
    // (exit code, stack trace) of the spawned CLI would.
    await main(args);
    const code = process.exitCode;
    return { code: typeof code === 'number' ? code : Number(code ?? 0), signal: null, stdout, stderr };
  } finally {
    captureStdio(undefined);
    process.exitCode = savedExitCode;
    process.chdir(savedCwd);
    replaceEnv(savedEnv);
  }
}

/** `mtls-audit ARGS` in this process. Calls run one at a time: stdio, cwd, env and the exit code are per process. */
export function runCliInProcess(args: string[], opts: InProcessOptions = {}): Promise<CliResult> {
  const run = queue.then(() => runOnce(args, opts));
  queue = run.catch(() => undefined);
  return run;
}

/** `scan DIR --format json ARGS` in this process, with scanJson's checks: the parsed report plus the raw result. */
export async function scanJsonInProcess(dir: string, args: string[] = [], opts: InProcessOptions = {}): Promise<CliResult & { report: Report }> {
  return checkScanJson(await runCliInProcess(['scan', dir, '--format', 'json', ...args], opts));
}
