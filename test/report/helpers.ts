// Shared by the reporter tests: the real SARIF validator from npm (@microsoft/sarif-multitool, run
// with the SARIF and GitHub rule kinds), the JSON report schema (ajv, draft 2020-12), and
// synthetic reports that use every optional field.

import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import type { Finding, Report } from '../../src/core/types.js';
import { REPO_ROOT } from '../helpers/rule-tester.js';

const require = createRequire(import.meta.url);

export interface SarifIssue {
  ruleId: string;
  level: string;
  text: string;
}

export interface SarifValidation {
  errors: SarifIssue[];
  warnings: SarifIssue[];
  notes: SarifIssue[];
  /** What the validator printed about this log (all of its output if it named no file). */
  console: string;
}

/** Runs `sarif-multitool validate` on `sarif` and returns what it reported, by level. */
export function validateSarif(sarif: string): SarifValidation {
  return validateSarifLogs([sarif])[0];
}

/**
 * The validator's policy: its built-in settings, except SARIF2006 (UrisShouldBeReachable), which
 * sends an HTTP GET to every helpUri and informationUri. Its results are notes, which the
 * validator does not even write at its default --level (Error;Warning), and so could never fail a
 * test; the requests cost seconds a run (one DNS timeout after another on a machine offline).
 */
const POLICY = `<?xml version="1.0" encoding="utf-8" ?>
<Properties>
  <Properties Key="SARIF2006.UrisShouldBeReachable.Options">
    <Property Key="RuleEnabled" Value="Disabled" />
  </Properties>
</Properties>
`;

/**
 * `sarif-multitool validate` over several logs in one run (it starts a .NET runtime, ~1 s a run,
 * several under load): what it reported about each, in the order given. Each log is its own
 * input file, and every issue it reports names the file it was found in.
 */
export function validateSarifLogs(sarifs: string[]): SarifValidation[] {
  const bin = require('@microsoft/sarif-multitool') as string;
  const dir = mkdtempSync(join(tmpdir(), 'mtls-audit-sarif-'));
  try {
    const inputs = sarifs.map((sarif, i) => {
      const input = join(dir, `report-${i}.sarif`);
      writeFileSync(input, sarif);
      return input;
    });
    const output = join(dir, 'validation.sarif');
    const policy = join(dir, 'policy.xml');
    writeFileSync(policy, POLICY);
    const r = spawnSync(bin, ['validate', ...inputs, '--rule-kind', 'Sarif;Gh', '-c', policy, '-o', output, '--log', 'ForceOverwrite'], {
      encoding: 'utf8',
      timeout: 120_000,
      env: { ...process.env, DOTNET_CLI_TELEMETRY_OPTOUT: '1', DOTNET_NOLOGO: '1' },
    });
    const console = `${r.stdout ?? ''}${r.stderr ?? ''}`;
    if (r.error) throw new Error(`sarif-multitool did not run: ${r.error.message}`);
    type Loc = { physicalLocation?: { artifactLocation?: { uri?: string } } };
    let log: {
      runs: {
        tool: { driver: { rules?: { id: string; defaultConfiguration?: { level?: string } }[] } };
        results?: { ruleId: string; ruleIndex?: number; level?: string; locations?: Loc[]; message: { text?: string; id?: string; arguments?: string[] } }[];
      }[];
    };
    try {
      log = JSON.parse(readFileSync(output, 'utf8'));
    } catch (e) {
      throw new Error(`sarif-multitool wrote no log (exit ${r.status}): ${console}`);
    }
    const run = log.runs[0];
    const rules = run.tool.driver.rules ?? [];
    const found: { errors: SarifIssue[]; warnings: SarifIssue[]; notes: SarifIssue[] }[] = inputs.map(() => ({ errors: [], warnings: [], notes: [] }));
    for (const res of run.results ?? []) {
      const rule = res.ruleIndex !== undefined ? rules[res.ruleIndex] : rules.find((x) => x.id === res.ruleId);
      const level = res.level ?? rule?.defaultConfiguration?.level ?? 'warning';
      const issue = { ruleId: res.ruleId, level, text: res.message.text ?? `${res.message.id ?? ''} ${(res.message.arguments ?? []).join(' | ')}` };
      const uri = res.locations?.[0]?.physicalLocation?.artifactLocation?.uri ?? '';
      const i = inputs.findIndex((input) => uri === pathToFileURL(input).href || uri === input);
      // An issue that names none of the inputs cannot be told apart: with one input it is that
      // one's; with several it fails the run rather than be counted against the wrong log.
      if (i < 0 && inputs.length > 1) throw new Error(`sarif-multitool reported ${res.ruleId} at ${uri || 'no file'}, none of the ${inputs.length} logs: ${console}`);
      const into = found[Math.max(i, 0)];
      if (level === 'error') into.errors.push(issue);
      else if (level === 'warning') into.warnings.push(issue);
      else if (level === 'note') into.notes.push(issue);
    }
    const lines = console.split('\n');
    return found.map((f, i) => {
      const own = lines.filter((l) => l.startsWith(inputs[i]));
      return { ...f, console: inputs.length > 1 && own.length ? own.join('\n') : console };
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;

export function reportSchemaValidator(): (data: unknown) => { ok: boolean; errors: string } {
  const schema = JSON.parse(readFileSync(join(REPO_ROOT, 'docs', 'contracts', 'report.schema.json'), 'utf8'));
  const ajv = new Ajv2020({ allErrors: true, strict: true });
  addFormats(ajv);
  const validate = ajv.compile(schema);
  return (data) => {
    const ok = validate(data);
    return { ok, errors: ok ? '' : ajv.errorsText(validate.errors, { separator: '\n' }) };
  };
}

/** A scan finding with every optional field set. */
export function fullFinding(over: Partial<Finding> = {}): Finding {
  return {
    ruleId: 'spoofable-cert-header',
    severity: 'critical',
    cwe: ['CWE-290', 'CWE-287'],
    message: 'The client certificate is read from the request header `HTTP_X_SSL_CLIENT_CERT`, which any client can send.',
    location: { file: 'app/views.py', line: 5, column: 16, endLine: 5, endColumn: 58 },
    related: [{ file: 'deploy/nginx.conf', line: 12, column: 5, message: 'nginx forwards the header without overwriting it' }, { message: 'no proxy configuration proves provenance' }],
    evidence: "cert = request.META.get('HTTP_X_SSL_CLIENT_CERT')",
    remediation: 'Check provenance: compare an HMAC of the header with hmac.compare_digest.',
    fingerprint: '0123456789abcdef0123456789abcdef',
    layer: 'code',
    messageId: 'headerRead',
    ...over,
  };
}

/** A probe-style report: findings located by URL and case, with request/response evidence. */
export function probeReport(): Report {
  return {
    tool: { name: 'mtls-audit', version: '0.1.0' },
    kind: 'probe',
    target: 'https://127.0.0.1:8443/',
    findings: [
      {
        ruleId: 'accepts-spoofed-cert-header',
        severity: 'critical',
        cwe: ['CWE-290'],
        message: 'The target served a request with a borrowed certificate in X-SSL-Client-Cert as the certificate owner.',
        location: { url: 'https://127.0.0.1:8443/api/whoami', case: 'spoofed-cert-header:X_SSL_Client_Cert' },
        evidence: '> GET /api/whoami HTTP/1.1\n> X_SSL_Client_Cert: -----BEGIN CERTIFICATE-----…\n< HTTP/1.1 200 OK\n< {"user": "alice"}',
        remediation: 'Overwrite the header at the proxy on every request and check provenance in Django.',
        layer: 'probe',
      },
      {
        ruleId: 'accepts-no-cert',
        severity: 'critical',
        cwe: ['CWE-306'],
        message: 'A request without a client certificate was served like the legitimate one.',
        location: { url: 'https://127.0.0.1:8443/api/whoami', case: 'no-cert' },
        evidence: '> GET /api/whoami HTTP/1.1\n< HTTP/1.1 200 OK',
        layer: 'probe',
      },
      {
        ruleId: 'login-not-throttled',
        severity: 'high',
        cwe: ['CWE-307'],
        message: '30 failed password logins were answered without 429, lockout or delay.',
        location: { url: 'https://127.0.0.1:8443/admin/login/', case: 'password-burst' },
        evidence: '30 × POST /admin/login/ → 200',
        layer: 'probe',
      },
    ],
    suppressed: [],
    errors: [{ message: 'TLS handshake with the backend failed: ECONNREFUSED' }],
    notes: [
      { case: 'revoked-cert', status: 'not-run', reason: 'no --crl given' },
      { case: 'expired-cert', status: 'inconclusive', reason: 'baselines do not separate' },
      { case: 'untrusted-ca', status: 'passed', reason: 'handshake refused' },
    ],
    stats: { durationMs: 812.4, requestsSent: 41 },
  };
}
