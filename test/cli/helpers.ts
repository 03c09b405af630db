// Helpers for end-to-end CLI tests: real trees in temporary directories, the real CLI
// (`node bin/mtls-audit.js`) spawned from the repository root, its exit code, stdout and stderr.

import assert from 'node:assert/strict';
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { REPO_ROOT } from '../helpers/rule-tester.js';
import type { Report } from '../../src/core/types.js';

export { REPO_ROOT };
export const CLI = join(REPO_ROOT, 'bin', 'mtls-audit.js');

/**
 * The seed's vulnerable view, verbatim: `cert-presence-only` (critical) flags the `if not cert:`
 * on line 6, column 12. Tests use it as the proof that a file (or tree) was analysed.
 */
export const VULN_VIEW = `from django.http import JsonResponse
from django.views import View
class MTLSConsumerView(View):
    def get(self, request):
        cert = request.META.get('SSL_CLIENT_CERT')
        if not cert:
            return JsonResponse({'error': 'No client certificate'}, status=401)
        # Vulnerable: no validation of cert fields
        return JsonResponse({'authenticated': True})
`;
export const VULN_LINE = 6;

/** A RemoteUserMiddleware whose session outlives the header: `persistent-remote-user` (medium) on line 5, nothing else. */
export const MEDIUM_ONLY = `from django.contrib.auth.middleware import RemoteUserMiddleware


class CertUserMiddleware(RemoteUserMiddleware):
    force_logout_if_no_header = False
`;
export const MEDIUM_LINE = 5;

/** Writes `files` (text or bytes) under a fresh temporary directory and returns its path. */
export function makeTree(files: Record<string, string | Buffer>, prefix = 'mtls-audit-cli-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  for (const [rel, content] of Object.entries(files)) {
    const abs = join(dir, rel);
    mkdirSync(dirname(abs), { recursive: true });
    writeFileSync(abs, content);
  }
  return dir;
}

export function removeTree(dir: string): void {
  // Give back any permission a test took away, so the removal itself cannot fail.
  spawnSync('chmod', ['-R', 'u+rwX', dir]);
  rmSync(dir, { recursive: true, force: true });
}

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  uid?: number;
  gid?: number;
  /** Kills the CLI after this long (a hang is a failure, not a wait). Default 120 s. */
  timeoutMs?: number;
}

/** Runs `node bin/mtls-audit.js ARGS` to completion. */
export function runCli(args: string[], opts: CliOptions = {}): CliResult {
  const env = { ...(opts.env ?? process.env) };
  delete env.MTLS_AUDIT_STATS;
  delete env.MTLS_AUDIT_DEBUG;
  delete env.FORCE_COLOR;
  const o: SpawnSyncOptions = { cwd: opts.cwd ?? REPO_ROOT, env, encoding: 'utf8', timeout: opts.timeoutMs ?? 120_000, maxBuffer: 64 * 1024 * 1024 };
  if (opts.uid !== undefined) o.uid = opts.uid;
  if (opts.gid !== undefined) o.gid = opts.gid;
  const r = spawnSync(process.execPath, [CLI, ...args], o);
  if (r.error) throw r.error;
  return { code: r.status, signal: r.signal, stdout: String(r.stdout), stderr: String(r.stderr) };
}

/** `scan DIR --format json ARGS`: the parsed report plus the raw result. Fails on a crash or a non-JSON stdout. */
export function scanJson(dir: string, args: string[] = [], opts: CliOptions = {}): CliResult & { report: Report } {
  return checkScanJson(runCli(['scan', dir, '--format', 'json', ...args], opts));
}

/** What scanJson checks of a `scan --format json` run (spawned or in-process): no crash, exit 0 or 1, one JSON report on stdout. */
export function checkScanJson(r: CliResult): CliResult & { report: Report } {
  assert.equal(r.signal, null, `CLI killed by ${r.signal} (hang?); stderr: ${r.stderr}`);
  assertNoStack(r.stderr);
  assert.ok(r.code === 0 || r.code === 1, `exit code ${r.code}; stderr: ${r.stderr}`);
  let report: Report;
  try {
    report = JSON.parse(r.stdout) as Report;
  } catch {
    assert.fail(`stdout is not one JSON report:\n${r.stdout.slice(0, 500)}`);
  }
  return { ...r, report };
}

export function assertNoStack(stderr: string): void {
  assert.doesNotMatch(stderr, /^\s+at .+(:\d+:\d+\)?|\(node:)/m, `stack trace on stderr:\n${stderr}`);
}

/** A usage error: exit 2, exactly one line on stderr (containing every `mentions`), nothing on stdout, no stack. */
export function assertUsageError(r: CliResult, ...mentions: string[]): void {
  assert.equal(r.code, 2, `exit code; stderr: ${r.stderr}`);
  assertNoStack(r.stderr);
  const lines = r.stderr.split('\n').filter((l) => l.trim() !== '');
  assert.equal(lines.length, 1, `exactly one line on stderr, got:\n${r.stderr}`);
  for (const m of mentions) assert.ok(lines[0].includes(m), `stderr line names ${m}: ${lines[0]}`);
  assert.equal(r.stdout, '', 'nothing on stdout');
}

/** `ruleId file:line` of each finding, sorted. */
export function sites(findings: Report['findings'] | undefined): string[] {
  return (findings ?? []).map((f) => `${f.ruleId} ${f.location.file}:${f.location.line}`).sort();
}

/**
 * Options that run the CLI without the power to read files whose permissions forbid it. As root
 * (CAP_DAC_OVERRIDE) `chmod 000` blocks nothing, so the CLI runs as `nobody` (65534) instead;
 * otherwise as the current user. The tree must then be reachable by that user.
 */
export function unprivileged(dir: string): CliOptions {
  if (process.getuid?.() !== 0) return {};
  chmodSync(dir, 0o755);
  return { uid: 65534, gid: 65534, env: { ...process.env, HOME: '/nonexistent' } };
}
