// Standard output and error without Node's stream objects where they are not needed.
//
// `process.stdout` on a pipe is a net.Socket: creating it loads `net` and the stream machinery
// (~2-3 ms of a ~170 ms scan), and when the reader goes away early (`mtls-audit scan . | head`)
// the socket emits EPIPE as an unhandled 'error' event: a stack trace. A report is written
// once, whole, so a plain write(2) on fd 1 does: Node leaves the standard streams of a process
// blocking (libuv makes them so in a child it spawns; shells do). A non-blocking one
// (EAGAIN) gets the rest through process.stdout, which waits for it.

import { fstatSync, writeSync } from 'node:fs';

/** Where an in-process caller of the CLI (the tests) takes what it writes instead of fd 1 and 2. */
export interface StdioCapture {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

let capture: StdioCapture | undefined;

/**
 * Sends writeStdout/writeStderr to `c` instead of fd 1 and 2 (undefined: back to them). Captured
 * output is not a terminal, as a pipe is not: no colours, no progress.
 */
export function captureStdio(c: StdioCapture | undefined): void {
  capture = c;
}

/** Whether fd 1 or 2 is a terminal, without creating process.stdout/stderr unless it may be one. */
export function isTerminal(fd: 1 | 2): boolean {
  if (capture) return false;
  try {
    // A terminal is a character device; a pipe, file or socket is not.
    if (!fstatSync(fd).isCharacterDevice()) return false;
  } catch {
    return false;
  }
  return (fd === 1 ? process.stdout : process.stderr).isTTY === true;
}

/** Writes `text` to standard output; a reader that has gone away ends the output quietly. */
export function writeStdout(text: string): void {
  if (capture) {
    capture.stdout(text);
    return;
  }
  const buf = Buffer.from(text, 'utf8');
  let off = 0;
  while (off < buf.length) {
    try {
      off += writeSync(1, buf, off, buf.length - off);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EPIPE') return;
      if (code === 'EAGAIN') {
        process.stdout.on('error', (err: NodeJS.ErrnoException) => {
          // EPIPE: the reader has gone, as above. Anything else: one line, exit 2, no stack trace.
          if (err.code === 'EPIPE') return;
          process.exitCode = 2;
          writeStderr(`mtls-audit: cannot write to standard output: ${err.code ?? err.message}\n`);
        });
        process.stdout.write(buf.subarray(off));
        return;
      }
      throw e;
    }
  }
}

/** Writes `text` to fd 2 without creating process.stderr; nothing happens if stderr is gone. */
export function writeStderr(text: string): void {
  if (capture) {
    capture.stderr(text);
    return;
  }
  try {
    writeSync(2, text);
  } catch {
    // no stderr to report to
  }
}
