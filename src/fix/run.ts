// Entry point of `mtls-audit fix` (see command.ts for the flags).

import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { UsageError } from '../core/errors.js';

export interface FixOptions {
  path: string;
  write: boolean;
  force: boolean;
  secretEnv?: string;
  ca?: string;
  crl?: string;
  upstream?: string;
  proxy?: string;
  color?: boolean;
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
  throw new UsageError('fix: the planner is being built (issue 6)');
}
