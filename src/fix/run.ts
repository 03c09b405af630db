// Entry point of `mtls-audit fix` (see command.ts for the flags): prints the plan as a unified diff,
// or applies it with --write.

import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { UsageError } from '../core/errors.js';
import type { ProxyKind } from '../deploy/model.js';
import { unifiedDiff } from './diff.js';
import { buildPlan, type FixPlan } from './plan.js';
import { applyPlan } from './apply.js';
import { isTerminal, writeStdout } from '../core/stdio.js';
import { visible } from '../core/sanitize.js';

export interface FixOptions {
  path: string;
  write: boolean;
  force: boolean;
  secretEnv?: string;
  ca?: string;
  crl?: string;
  upstream?: string;
  tlsCert?: string;
  tlsKey?: string;
  proxy?: string;
  color?: boolean;
}

const MASK = '<provenance secret: 64 hex characters, written by --write>';

/** The plan as text: a commented summary, then one git-style diff per file (secrets masked). */
export function renderPlan(plan: FixPlan, color = false): string {
  const out: string[] = [];
  out.push('# mtls-audit fix: plan (apply with --write)');
  for (const s of plan.summary) out.push(`#   ${s}`);
  if (plan.conflicts.length) out.push(`# would overwrite (needs --force): ${plan.conflicts.join(', ')}`);
  if (plan.notes.length) {
    out.push('# to do by hand:');
    for (const n of plan.notes) out.push(`#   - ${n}`);
  }
  if (!plan.files.length) out.push('# nothing to change: the fix is already applied');
  out.push('');
  const mask = (t: string | null) => (t === null ? null : t.split(plan.secret).join(MASK));
  for (const f of plan.files) {
    out.push(`diff --git a/${f.path} b/${f.path}`);
    if (f.before === null) out.push('new file mode 100644');
    const d = unifiedDiff(f.path, mask(f.before), mask(f.after)!, { color });
    out.push(d.replace(/\n$/, ''));
  }
  return out.join('\n') + '\n';
}

export async function runFix(opts: FixOptions): Promise<number> {
  const root = resolve(opts.path);
  let st;
  try {
    st = statSync(root);
  } catch {
    throw new UsageError(`cannot read PATH ${opts.path}: no such file or directory`);
  }
  if (!st.isDirectory()) throw new UsageError(`PATH ${opts.path} is not a directory`);
  if (opts.secretEnv !== undefined && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(opts.secretEnv)) throw new UsageError(`--secret-env ${opts.secretEnv}: not an environment variable name`);
  for (const [flag, v] of [
    ['--ca', opts.ca],
    ['--crl', opts.crl],
    ['--tls-cert', opts.tlsCert],
    ['--tls-key', opts.tlsKey],
  ] as const) {
    if (v === undefined) continue;
    try {
      if (!statSync(v).isFile()) throw new Error();
    } catch {
      throw new UsageError(`${flag} ${v}: no such file`);
    }
  }
  const plan = await buildPlan({ path: opts.path, secretEnv: opts.secretEnv, ca: opts.ca, crl: opts.crl, upstream: opts.upstream, tlsCert: opts.tlsCert, tlsKey: opts.tlsKey, proxy: opts.proxy as ProxyKind | undefined });
  if (!opts.write) {
    // On a terminal the plan is for reading: hidden characters from the tree are shown as escapes.
    // Piped, it is a patch (`| git apply`) and goes out byte for byte.
    const text = renderPlan(plan, opts.color === true);
    writeStdout(isTerminal(1) ? visible(text) : text);
    return 0;
  }
  const r = applyPlan(plan, { force: opts.force });
  if (!r.written.length) {
    writeStdout('mtls-audit fix: nothing to change (already applied)\n');
    return 0;
  }
  const lines = [`mtls-audit fix: wrote ${r.written.length} file(s) in ${plan.root}`];
  for (const w of r.written) lines.push(`  ${w.created ? 'new     ' : 'modified'} ${w.path}`);
  if (plan.notes.length) {
    lines.push('to do by hand:');
    for (const n of plan.notes) lines.push(`  - ${n}`);
  }
  writeStdout(visible(lines.join('\n')) + '\n');
  return 0;
}
