// The `mtls-audit` command line (commander). Exit codes: 0 clean, 1 findings at/above --fail-on,
// 2 usage error / unreadable input / unreachable target: one line on stderr, never a stack trace.

// Start-up time is part of every CI run: heavy modules (the engine and its parsers, reporters, the
// rule catalogue, the probe/pki/fix commands) are imported only by the command that needs them.

import { Command, CommanderError, Option } from 'commander';
import { exitCodeFor, FORMATS, writeOutput } from './output.js';

export { exitCodeFor, FORMATS, writeOutput };
import { visibleLine } from '../core/sanitize.js';
import { UsageError } from '../core/errors.js';
import { SEVERITIES, type Severity } from '../core/types.js';
import { VERSION } from '../version.js';
import type { Format } from '../report/index.js';
import { createProgress } from './progress.js';
import { isTerminal, writeStderr, writeStdout } from '../core/stdio.js';
import { mark, now, phaseMarks, timeTotals } from '../core/timing.js';
import { wasmState } from '../core/tiering.js';
import { collect, positiveInt } from './args.js';

/** The scan command's options, as commander parses them. */
interface ScanCliOptions {
  config?: string;
  rule: string[];
  exclude: string[];
  includeTests: boolean;
  baseline?: string;
  format: Format;
  output?: string;
  failOn: Severity;
  color: boolean;
  strict: boolean;
  cache: boolean;
  cacheDir?: string;
  jobs?: number;
}

function buildProgram(): Command {
  const program = new Command();
  program
    .name('mtls-audit')
    .description('Find, prove and fix broken authentication in Django deployments that use mutual TLS')
    .version(VERSION)
    .showHelpAfterError(false)
    .exitOverride()
    .configureOutput({ writeOut: writeStdout, writeErr: writeStderr });

  program
    .command('scan')
    .description('static analysis of a Django project and its deployment configs')
    .argument('[path]', 'project directory', '.')
    .addOption(new Option('-f, --format <format>', 'report format').choices([...FORMATS]).default('text'))
    .option('-o, --output <file>', 'write the report to FILE instead of stdout')
    .addOption(new Option('--fail-on <severity>', 'exit 1 when a finding is at or above this severity').choices([...SEVERITIES]).default('low'))
    .option('-c, --config <file>', 'config file (default: .mtls-audit.yml/.json at the scanned root)')
    .option('--baseline <file>', 'an earlier JSON report: findings it holds are suppressed')
    .option('-r, --rule <id>', 'run only this rule (repeatable)', collect, [])
    .option('-e, --exclude <glob>', 'skip paths matching GLOB, relative to PATH (repeatable)', collect, [])
    .option('--include-tests', 'also scan tests.py, test_*.py and tests/ (skipped by default)', false)
    .option('--no-color', 'no colours in the text report')
    .option('--strict', 'exit 2 when any input could not be analysed (the report still lists them under errors)', false)
    .option('--no-cache', 'do not read or write the per-file parse cache')
    .option('--cache-dir <dir>', 'parse cache directory (default: $XDG_CACHE_HOME/mtls-audit or ~/.cache/mtls-audit)')
    .option('-j, --jobs <n>', 'threads that may parse at once (default: the cores, from 4 cores on, else 1); workers start only for a large parse', positiveInt('--jobs'))
    .action(async (path: string, o: ScanCliOptions, cmd: Command) => {
      const [{ loadConfig }, { runScan }] = await Promise.all([import('../config/load.js'), import('../scan/engine.js')]);
      const config = loadConfig(path, o.config);
      const progress = createProgress('scan');
      const report = await runScan({
        path,
        rules: o.rule,
        exclude: [...(config.exclude ?? []), ...o.exclude],
        includeTests: o.includeTests || config.includeTests,
        baseline: o.baseline,
        disabled: config.disabled,
        severity: config.severity,
        ruleOptions: config.ruleOptions,
        onProgress: progress.update,
        cache: o.cache === false ? undefined : (o.cacheDir ?? (await import('../scan/cache.js')).defaultCacheDir()),
        jobs: o.jobs,
      });
      progress.done();
      const failOn: Severity = cmd.getOptionValueSource('failOn') === 'cli' ? o.failOn : (config.failOn ?? o.failOn);
      const { renderReport } = await import('../report/index.js');
      mark('scan');
      writeOutput(renderReport(report, o.format, { color: o.color !== false && !o.output && isTerminal(1), root: path }), o.output);
      mark('report');
      process.exitCode = exitCodeFor(report, failOn);
      // An input that could not be analysed may hide a finding: with --strict that is a failure of
      // its own, never a better verdict.
      if (o.strict && report.errors.length) {
        writeStderr(`mtls-audit: ${report.errors.length} input(s) could not be analysed (--strict); first: ${visibleLine(`${report.errors[0].file}: ${report.errors[0].message}`)}\n`);
        process.exitCode = 2;
      }
    });

  program
    .command('rules')
    .description('the rule catalogue (RULES.md, as shipped)')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'json', 'markdown']).default('text'))
    .action(async (o: { format: 'text' | 'json' | 'markdown' }) => {
      const [{ allRules }, { renderRulesCatalogue }] = await Promise.all([import('../rules/index.js'), import('../report/catalogue.js')]);
      writeStdout(renderRulesCatalogue(allRules, o.format));
    });

  return program;
}

const CORE_COMMANDS = new Set(['scan', 'rules']);

/**
 * `MTLS_AUDIT_STATS=1`: one JSON line on stderr at exit with peak RSS, wall time since the process
 * started, and CPU time (user + system, all threads) for `npm run bench`.
 */
function reportStatsAtExit(): void {
  if (!process.env.MTLS_AUDIT_STATS || process.env.MTLS_AUDIT_STATS === '0') return;
  process.on('exit', () => {
    const ru = process.resourceUsage();
    const maxRssMB = Math.round((ru.maxRSS / 1024) * 10) / 10;
    const durationMs = Math.round(now() * 10) / 10;
    const cpuMs = Math.round((ru.userCPUTime + ru.systemCPUTime) / 100) / 10;
    // `launcher`: the single-file build (bin/mtls-audit.js runs it when current) or the module graph.
    const launcher = import.meta.url.endsWith('.cjs') ? 'bundle' : 'modules';
    const codeCache = (globalThis as Record<symbol, unknown>)[Symbol.for('mtls-audit.codeCache')] ?? 'none';
    // Straight to fd 2: creating process.stderr (a net.Socket on a pipe) would add to the run it measures.
    writeStderr(`${JSON.stringify({ maxRssMB, durationMs, cpuMs, launcher, codeCache, wasm: wasmState(), phases: phaseMarks(), totals: timeTotals() })}\n`);
  });
}

/** V8's default flags again, for bin/mtls-audit.js before it writes the bundle's code cache. */
export { DEFAULT_V8_FLAGS } from '../core/tiering.js';

export async function main(argv: string[]): Promise<void> {
  mark('main');
  reportStatsAtExit();
  const first = argv.find((a) => !a.startsWith('-'));
  const program = buildProgram();
  try {
    // probe/pki/fix (and their TLS/X.509 dependencies) are loaded only when asked for, or for the
    // full help text.
    if (first === undefined || !CORE_COMMANDS.has(first)) {
      const { registerExtraCommands } = await import('./extra.js');
      registerExtraCommands(program);
    }
    await program.parseAsync(argv, { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') {
        process.exitCode = 0;
        return;
      }
      // commander already printed "error: …" on one line.
      process.exitCode = 2;
      return;
    }
    const msg = e instanceof Error ? e.message : String(e);
    writeStderr(`mtls-audit: ${visibleLine(msg.split('\n')[0])}\n`);
    if (!(e instanceof UsageError) && process.env.MTLS_AUDIT_DEBUG) writeStderr(`${(e as Error).stack}\n`);
    process.exitCode = 2;
  }
}
