// Commands beyond scan/rules: probe, pki (and later fix). Each is registered by its own function.
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { Option, type Command } from 'commander';
import { UsageError } from '../core/errors.js';
import { SEVERITIES, type Severity } from '../core/types.js';
import type { Format } from '../report/index.js';
import { DEFAULTS } from '../probe/defaults.js';
import { createProgress } from './progress.js';
import { registerFixCommand } from '../fix/command.js';
import { exitCodeFor, FORMATS, writeOutput } from './output.js';
import { collect, positiveInt } from './args.js';
import { isTerminal, writeStdout } from '../core/stdio.js';

function readInput(path: string | undefined, flag: string): string | undefined {
  if (path === undefined) return undefined;
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read ${flag} ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

function readBinary(path: string | undefined, flag: string): Buffer | undefined {
  if (path === undefined) return undefined;
  try {
    return readFileSync(path);
  } catch (e) {
    throw new UsageError(`cannot read ${flag} ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

/** The probe command's options, as commander parses them. */
interface ProbeCliOptions {
  cert: string;
  key: string;
  ca?: string;
  caKey?: string;
  crl?: string;
  serverCa?: string;
  backend?: string;
  protectedPath: string[];
  loginPath?: string;
  passwordLogin?: string;
  format: Format;
  output?: string;
  maxRequests: number;
  timeout: number;
  concurrency: number;
  failOn: Severity;
  verbose: boolean;
  color: boolean;
}

export function registerProbeCommand(program: Command): void {
  program
    .command('probe')
    .description('attack a live mTLS target you are authorised to test: real client certificates, forged headers, sessions (bounded)')
    .argument('<url>', 'https URL of the target (its path is the default protected path)')
    .requiredOption('--cert <pem>', 'a legitimate client certificate (the "accepted" baseline)')
    .requiredOption('--key <pem>', 'its private key')
    .option('--ca <pem>', 'the CA that issues client certificates')
    .option('--ca-key <pem>', "the CA's key: lets the probe mint attack certificates (unknown subject, expired, wrong EKU, revoked, DN injection)")
    .option('--crl <file>', "the CA's CRL (PEM or DER), for the revoked-certificate case")
    .option('--server-ca <pem>', "verify the server's certificate against this CA (default: not verified, as curl -k)")
    .option('--backend <url>', 'the app server behind the proxy, for direct header spoofing')
    .option('--protected-path <path>', 'a path that needs a certificate (repeatable; default: the URL path)', collect, [])
    .option('--login-path <path>', 'the path that turns a certificate into a session')
    .option('--password-login <path>', 'a password login form or endpoint, for the throttling case')
    .addOption(new Option('-f, --format <format>', 'report format').choices([...FORMATS]).default('text'))
    .option('-o, --output <file>', 'write the report to FILE instead of stdout')
    .option('--max-requests <n>', 'send at most N requests', positiveInt('--max-requests'), DEFAULTS.maxRequests)
    .option('--timeout <ms>', 'per-request timeout in milliseconds', positiveInt('--timeout'), DEFAULTS.timeoutMs)
    .option('--concurrency <n>', 'requests in flight at once', positiveInt('--concurrency'), DEFAULTS.concurrency)
    .addOption(new Option('--fail-on <severity>', 'exit 1 when a finding is at or above this severity').choices([...SEVERITIES]).default('low'))
    .option('-v, --verbose', 'list every request sent (and passed cases)', false)
    .option('--no-color', 'no colours in the text report')
    .action(async (url: string, o: ProbeCliOptions) => {
      // The probe and its X.509 stack load only when the command runs.
      const [{ runProbe }, { renderRequestLog }, { renderReport }] = await Promise.all([import('../probe/probe.js'), import('../probe/evidence.js'), import('../report/index.js')]);
      const progress = createProgress('probe');
      const { report, log } = await runProbe({
        url,
        certPem: readInput(o.cert, '--cert')!,
        keyPem: readInput(o.key, '--key')!,
        caPem: readInput(o.ca, '--ca'),
        caKeyPem: readInput(o.caKey, '--ca-key'),
        crlData: readBinary(o.crl, '--crl'),
        serverCaPem: readInput(o.serverCa, '--server-ca'),
        backend: o.backend,
        protectedPaths: o.protectedPath,
        loginPath: o.loginPath,
        passwordLogin: o.passwordLogin,
        maxRequests: o.maxRequests,
        timeoutMs: o.timeout,
        concurrency: o.concurrency,
        onProgress: (sent, max, what) => progress.update(sent, max, what),
      });
      progress.done();
      const format = o.format;
      let text = renderReport(report, format, { color: o.color !== false && !o.output && isTerminal(1), verbose: o.verbose });
      if (o.verbose) {
        const requests = renderRequestLog(log);
        if (format === 'text') text = `${text.replace(/\n*$/, '\n')}\n${requests}`;
        else process.stderr.write(requests);
      }
      writeOutput(text, o.output);
      process.exitCode = exitCodeFor(report, o.failOn);
    });
}

export function registerPkiCommand(program: Command): void {
  program
    .command('pki')
    .description('mint a throw-away lab PKI: CA, server and client certificates, attack certificates, CRL')
    .argument('<dir>', 'directory to write (created if missing)')
    .option('--host <name>', 'a name for the server certificate (repeatable; default localhost and 127.0.0.1)', collect, [])
    .option('--force', 'overwrite existing files', false)
    .action(async (dir: string, o: { host: string[]; force: boolean }) => {
      const { createLabPki } = await import('../pki/lab.js');
      const pki = await createLabPki(dir, { hosts: o.host, force: o.force });
      const rel = (p: string) => relative(process.cwd(), p) || p;
      const f = pki.files;
      const lines = [
        `Lab PKI written to ${dir} (throw-away: the CA key sits next to the certificates; never use it in production).`,
        '',
        ...Object.entries(f).map(([k, p]) => `  ${k.padEnd(34)} ${rel(p)}`),
        '',
        `Revoked on ca.crl: revoked.crt (serial ${pki.revoked.cert.serialNumber.toUpperCase()}).`,
        'Probe a target with:',
        `  mtls-audit probe https://127.0.0.1:8443/ --cert ${rel(f['alice:crt'])} --key ${rel(f['alice:key'])} --ca ${rel(f['ca:crt'])} --ca-key ${rel(f['ca:key'])} --crl ${rel(f['ca:crl'])} --server-ca ${rel(f['ca:crt'])}`,
      ];
      writeStdout(lines.join('\n') + '\n');
    });
}

export function registerExtraCommands(program: Command): void {
  registerProbeCommand(program);
  registerPkiCommand(program);
  registerFixCommand(program);
}
