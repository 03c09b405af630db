// Progress on stderr, only when stderr is a TTY (stdout carries the report only).

import { fstatSync } from 'node:fs';

export interface Progress {
  update: (done: number, total: number, what: string) => void;
  done: () => void;
}

const NONE: Progress = { update: () => {}, done: () => {} };

/**
 * Whether fd 2 can be a terminal, without creating `process.stderr`: for a pipe Node builds a
 * net.Socket, and loading `net` costs ~1.7 ms of a short scan that never writes to it. A terminal
 * is a character device; anything else (pipe, file, socket) is not.
 */
function stderrMayBeTTY(): boolean {
  try {
    return fstatSync(2).isCharacterDevice();
  } catch {
    return false;
  }
}

export function createProgress(label: string, stream?: NodeJS.WriteStream): Progress {
  if (!stream && !stderrMayBeTTY()) return NONE;
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
      const line = `${label} [${bar}] ${done}/${total} ${what}`.slice(0, cols - 1);
      stream.write(`\r\x1b[2K${line}`);
    },
    done() {
      if (shown) stream.write('\r\x1b[2K');
    },
  };
}
