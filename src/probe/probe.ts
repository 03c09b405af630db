// `mtls-audit probe`: learn the target, run every check plugin through one bounded runner, and
// assemble a Report (findings through the probe rule metas, case notes, stats).

import { sha256 } from '../core/hash.js';
import { UsageError } from '../core/errors.js';
import { formatMessage } from '../core/rule.js';
import type { Finding, InputError, Report } from '../core/types.js';
import { probeRules } from '../rules/probe/index.js';
import { VERSION } from '../version.js';
import type { CheckContext, Learned } from './check.js';
import { CHECKS } from './checks/index.js';
import { learn } from './checks/learn.js';
import { MAX_BURST } from './checks/login-throttle.js';
import { prepareIdentities } from './identities.js';
import { acceptedBaselineProblem, describe } from './judge.js';
import { Runner } from './runner.js';
import { DEFAULTS } from './defaults.js';
import type { CaseNote, Outcome, ProbeFinding, ProbeOptions } from './types.js';

export { DEFAULTS };

export interface ProbeRun {
  report: Report;
  /** Every request sent, in order (for --verbose). */
  log: Outcome[];
}

function parseUrl(value: string, what: string, protocols: string[]): URL {
  let u: URL;
  try {
    u = new URL(value);
  } catch {
    throw new UsageError(`${what} is not a URL: ${value}`);
  }
  if (!protocols.includes(u.protocol)) throw new UsageError(`${what} must be ${protocols.map((p) => p.replace(':', '')).join(' or ')}: ${value}`);
  if (u.username || u.password) throw new UsageError(`${what} must not carry credentials`);
  return u;
}

/**
 * An origin-relative path: `/…`, never `//host/…` or `/\\host/…` (which a URL parser resolves to
 * another host), a scheme, a backslash or a control character. The probe only talks to the target.
 */
function normPath(p: string, what: string): string {
  const path = p.trim();
  if (!path.startsWith('/') || /[\s\\\x00-\x1f\x7f]/.test(path) || /^\/\//.test(path)) throw new UsageError(`${what} must be a path on the target, starting with a single / (e.g. /api/me/): ${JSON.stringify(p)}`);
  return path;
}

/** Longest --timeout accepted (Node timers take at most 2^31-1 ms; an hour is plenty for one request). */
export const MAX_TIMEOUT_MS = 3_600_000;

const META = new Map(probeRules.map((r) => [r.meta.id, r.meta]));

export function toFinding(p: ProbeFinding): Finding {
  const meta = META.get(p.ruleId);
  if (!meta) throw new Error(`probe: unknown rule ${p.ruleId}`);
  const template = meta.messages[p.messageId];
  if (template === undefined) throw new Error(`probe rule ${p.ruleId}: unknown messageId ${p.messageId}`);
  const path = (() => {
    try {
      return new URL(p.url).pathname;
    } catch {
      return p.url;
    }
  })();
  return {
    ruleId: meta.id,
    severity: meta.severity,
    cwe: [...meta.cwe],
    message: formatMessage(template, p.data),
    location: { url: p.url, case: p.case },
    evidence: p.evidence,
    remediation: meta.fix,
    fingerprint: sha256(`${meta.id}\u0000${path}\u0000${p.case}`, 'hex').slice(0, 32),
    layer: 'probe',
    messageId: p.messageId,
  };
}

function unreachable(learned: Learned): Outcome | null {
  const all = learned.paths.flatMap((b) => [b.legit, b.none]);
  // Nothing answered, or no TLS handshake completed at all, the legitimate certificate's included
  // (a server that does not speak TLS, or one that refuses every certificate): nothing can be
  // tested, so it is not a pass with "every case refused".
  const noAnswer = (o: Outcome) => o.kind === 'network-error' || o.kind === 'timeout' || o.kind === 'tls-refused';
  if (all.length && all.every(noAnswer)) return learned.paths.map((b) => b.legit).find((o) => o.kind === 'tls-refused') ?? all[0];
  const trust = all.find((o) => o.kind === 'network-error' && /server certificate not trusted/.test(o.error ?? ''));
  return trust ?? null;
}

export async function runProbe(opts: ProbeOptions): Promise<ProbeRun> {
  const started = performance.now();
  const target = parseUrl(opts.url, 'URL', ['https:']);
  const backend = opts.backend ? parseUrl(opts.backend, '--backend', ['http:', 'https:']) : undefined;
  const protectedPaths = [...new Set((opts.protectedPaths?.length ? opts.protectedPaths : [target.pathname + target.search]).map((p) => normPath(p, '--protected-path')))];
  const loginPath = opts.loginPath ? normPath(opts.loginPath, '--login-path') : undefined;
  const passwordLogin = opts.passwordLogin ? normPath(opts.passwordLogin, '--password-login') : undefined;
  const maxRequests = opts.maxRequests ?? DEFAULTS.maxRequests;
  const timeoutMs = opts.timeoutMs ?? DEFAULTS.timeoutMs;
  const concurrency = opts.concurrency ?? DEFAULTS.concurrency;
  if (!Number.isInteger(maxRequests) || maxRequests < 1) throw new UsageError('--max-requests must be a positive integer');
  if (!Number.isFinite(timeoutMs) || timeoutMs < 1 || timeoutMs > MAX_TIMEOUT_MS) throw new UsageError(`--timeout must be a number of milliseconds from 1 to ${MAX_TIMEOUT_MS}`);
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new UsageError('--concurrency must be a positive integer');

  const ids = await prepareIdentities(opts);
  const runner = new Runner({ maxRequests, concurrency, timeoutMs, ...(opts.serverCaPem ? { serverCaPem: opts.serverCaPem } : {}), ...(opts.onProgress ? { onProgress: opts.onProgress } : {}) });
  const url = (path: string, onBackend = false) => {
    const origin = onBackend && backend ? backend : target;
    const u = new URL(path, origin.origin);
    // Every request stays on the target (or the --backend given): checked here, where all URLs are made.
    if (u.origin !== origin.origin) throw new UsageError(`${JSON.stringify(path)} leads off the target (${u.origin})`);
    return u;
  };
  const base = {
    target,
    ...(backend ? { backend } : {}),
    protectedPaths,
    ...(loginPath ? { loginPath } : {}),
    ...(passwordLogin ? { passwordLogin } : {}),
    loginPaths: [loginPath, passwordLogin].filter((p): p is string => !!p),
    ids,
    burst: Math.min(MAX_BURST, opts.burst ?? MAX_BURST),
    send: (reqs: Parameters<Runner['run']>[0]) => runner.run(reqs),
    url,
  };
  const learned = await learn(base);
  const dead = unreachable(learned);
  if (dead) throw new UsageError(`cannot reach ${dead.request.url.href}: ${describe(dead)}`);
  const ctx: CheckContext = { ...base, learned, refs: (b, refused) => ({ accepted: b.legit, refused, legitName: ids.legit.name, loginPaths: base.loginPaths }) };

  const errors: InputError[] = [];
  const notes: CaseNote[] = [
    opts.serverCaPem
      ? { case: 'server-certificate', status: 'passed', reason: 'the server certificate was verified against --server-ca' }
      : { case: 'server-certificate', status: 'not-run', reason: 'no --server-ca: the server certificate was not verified (as curl -k)' },
    ...ids.notes,
  ];
  const legitProblems = learned.paths.map((b) => acceptedBaselineProblem(b.legit, base.loginPaths));
  if (legitProblems.length && legitProblems.every(Boolean)) {
    errors.push({ message: `${legitProblems[0]} on ${learned.paths[0].path}${learned.paths.length > 1 ? ' (and on every other path)' : ''}: no case could be judged; check --cert/--key and the paths` });
  }
  for (const b of learned.paths) {
    if (b.sessionProblem) errors.push({ message: `${b.path}: the legitimate certificate alone was answered ${describe(b.legit)}; ${b.sessionProblem}: the cases on ${b.path} cannot be judged` });
  }
  for (const b of learned.paths) {
    if (b.backendNone && (b.backendNone.kind === 'network-error' || b.backendNone.kind === 'timeout')) errors.push({ message: `--backend ${b.backendNone.request.url.href}: ${describe(b.backendNone)}` });
  }
  const findings: Finding[] = [];
  const assessed = await Promise.all(
    CHECKS.map(async (c) => {
      try {
        return c.assess(await c.run(ctx), ctx);
      } catch (e) {
        errors.push({ message: `probe check ${c.id} failed: ${(e as Error).message.split('\n')[0]}` });
        return { findings: [], notes: [] };
      }
    }),
  );
  for (const a of assessed) {
    findings.push(...a.findings.map(toFinding));
    notes.push(...a.notes);
  }
  findings.sort((x, y) => (x.location.url ?? '').localeCompare(y.location.url ?? '') || x.ruleId.localeCompare(y.ruleId) || (x.location.case ?? '').localeCompare(y.location.case ?? ''));
  const seen = new Set<string>();
  const dedupedErrors = errors.filter((e) => !seen.has(e.message) && seen.add(e.message));
  const report: Report = {
    tool: { name: 'mtls-audit', version: VERSION },
    kind: 'probe',
    target: opts.url,
    findings,
    errors: dedupedErrors,
    stats: { durationMs: Math.round(performance.now() - started), requestsSent: runner.requestsSent },
    notes,
  };
  return { report, log: runner.log };
}
