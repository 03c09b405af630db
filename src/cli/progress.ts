// Progress on stderr, only when stderr is a TTY (stdout carries the report only).

import { visibleLine } from '../core/sanitize.js';
import { isTerminal } from '../core/stdio.js';

export interface Progress {
  update: (done: number, total: number, what: string) => void;
  done: () => void;
}

const NONE: Progress = { update: () => {}, done: () => {} };

export function createProgress(label: string, stream?: NodeJS.WriteStream): Progress {
  // Not process.stderr unless it is a terminal: on a pipe it is a net.Socket (core/stdio.ts).
  if (!stream && !isTerminal(2)) return NONE;
  stream ??= process.stderr;
  if (!stream.isTTY) return NONE;
  let last = 0;
  let shown = false;
  return {
    update(done, total, what) {
      const now = Date.now();
      if (now - last < 80 && done !== total) return;
      last = now;
      shown = true;
      const width = 24;
      const filled = total ? Math.round((done / total) * width) : 0;
      const bar = '#'.repeat(filled) + '-'.repeat(width - filled);
      const cols = stream.columns ?? 80;
      const line = `${label} [${bar}] ${done}/${total} ${visibleLine(what)}`.slice(0, cols - 1);
      stream.write(`\r\x1b[2K${line}`);
    },
    done() {
      if (shown) stream.write('\r\x1b[2K');
    },
  };
}
