// `mtls-audit fix [PATH=.] [--write] [--force] [--secret-env NAME]`: the remediation. Without
// --write it prints the plan as a unified diff; with --write it applies it. The planner is loaded
// only when the command runs; the `--proxy` choices are the reader registry's proxy kinds.

import { Option, type Command } from 'commander';
import { isTerminal } from '../core/stdio.js';
import type { ProxyKind } from '../deploy/model.js';
import { PROXY_KINDS } from '../deploy/readers/index.js';

/** The fix command's options, as commander parses them. */
interface FixCliOptions {
  write?: boolean;
  force?: boolean;
  secretEnv?: string;
  ca?: string;
  crl?: string;
  tlsCert?: string;
  tlsKey?: string;
  upstream?: string;
  proxy?: ProxyKind;
  color: boolean;
}

export function registerFixCommand(program: Command): void {
  program
    .command('fix')
    .description('remediation: print (default) or write the fix (Django app, settings edits, proxy snippets)')
    .argument('[path]', 'Django project directory', '.')
    .option('-w, --write', 'apply the plan (new files, minimal edits, atomic writes)', false)
    .option('--force', 'overwrite files that differ and accept a dirty git tree', false)
    .option('--secret-env <name>', 'settings read the provenance secret from this environment variable instead of a file')
    .option('--ca <file>', 'client CA certificate (PEM) the proxy and Django pin (default: the one the proxy config names)')
    .option('--crl <file>', 'CRL of the client CA (default: the one the proxy config names)')
    .option('--tls-cert <file>', 'server certificate the proxy presents, for the full site configs (default: a path to fill in)')
    .option('--tls-key <file>', 'its private key')
    .option('--upstream <target>', 'app server address the proxy snippets forward to (default: from the configs, else unix socket)')
    .addOption(new Option('--proxy <kind>', 'proxy to write the full site config for (default: the kind found in the tree, else nginx)').choices(PROXY_KINDS))
    .option('--no-color', 'no colours in the diff')
    .action(async (path: string, o: FixCliOptions) => {
      const { runFix } = await import('./run.js');
      process.exitCode = await runFix({
        path,
        write: o.write === true,
        force: o.force === true,
        secretEnv: o.secretEnv,
        ca: o.ca,
        crl: o.crl,
        upstream: o.upstream,
        tlsCert: o.tlsCert,
        tlsKey: o.tlsKey,
        proxy: o.proxy,
        color: o.color !== false && isTerminal(1),
      });
    });
}
