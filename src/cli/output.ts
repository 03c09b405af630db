// What every command does with its report: the formats, writing it (stdout, or --output replaced
// atomically), and the exit code the findings call for.

import { writeFileSync, statSync } from 'node:fs';
import { writeFileAtomic } from '../core/safe-fs.js';
import { UsageError } from '../core/errors.js';
import { severityRank, type Report, type Severity } from '../core/types.js';
import { writeStdout } from '../core/stdio.js';

export const FORMATS = ['text', 'json', 'sarif', 'html'] as const;

export function writeOutput(text: string, output: string | undefined): void {
  if (!output) {
    writeStdout(text.endsWith('\n') ? text : text + '\n');
    return;
  }
  // A regular file (or a new one) is replaced atomically: readers never see half a report. Anything
  // else (`/dev/null`, `/dev/stdout`, a FIFO) is written to in place: renaming over it would
  // replace the device or pipe with a file.
  let special = false;
  try {
    special = !statSync(output).isFile();
  } catch {
    special = false;
  }
  try {
    if (special) {
      writeFileSync(output, text);
      return;
    }
    writeFileAtomic(output, text, 0o644);
  } catch (e) {
    throw new UsageError(`cannot write --output ${output}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

export function exitCodeFor(report: Report, failOn: Severity): number {
  return report.findings.some((f) => severityRank(f.severity) >= severityRank(failOn)) ? 1 : 0;
}
