// Reading the scanned tree's files, for every layer: bounded, never blocking on a FIFO, binary and
// undecodable files refused with a reason. The file record the walk (scan/discover.ts) produces is
// declared here too, so the models below the scan engine never import the scan layer.

import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { isUtf8 } from 'node:buffer';

export type FileKind = 'python' | 'config' | 'other';

export interface DiscoveredFile {
  /** Relative to the root, forward slashes. */
  path: string;
  abs: string;
  /** Bytes; UNKNOWN_SIZE for a regular Python file, whose size is learnt when it is read. */
  size: number;
  kind: FileKind;
}

export const DEFAULT_MAX_FILE_BYTES = 2 * 1024 * 1024;

/** `DiscoveredFile.size` of a regular file the walk did not stat. */
export const UNKNOWN_SIZE = -1;

export const errCode = (e: unknown): string => (e as NodeJS.ErrnoException).code ?? (e as Error).message;

export type ReadResult = { ok: true; text: string } | { ok: false; message: string };

const CODING_RE = /^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)/;
const LATIN1_CODINGS_RE = /^(latin-?1|iso-?8859-?1|l1|cp1252|windows-1252)$/i;

const scratch = Buffer.allocUnsafeSlow(256 * 1024);

/**
 * Reads a regular file into a Buffer without ever blocking on a FIFO (O_NONBLOCK, then fstat) and
 * without reading more than `maxBytes`. `walked`: the walk has already seen a regular file here;
 * it is read into a 256 KiB buffer first and measured (fstat, type and limit checks) only if it
 * fills it, which spares a system call for nearly every source file. Either way no read is
 * unbounded, whatever the path turned into meanwhile.
 */
export function readBytes(abs: string, maxBytes = DEFAULT_MAX_FILE_BYTES, walked = false): { ok: true; buf: Buffer } | { ok: false; message: string } {
  return read(abs, maxBytes, walked, false);
}

/**
 * `readBytes` of a file the walk has seen, without a Buffer of its own when it fits the 256 KiB
 * read buffer: the bytes are then a view of that buffer, valid until the next read (copy them to
 * keep them). The pre-filter reads every Python file of the tree and keeps few, so it allocates
 * nothing per file.
 */
export function readBytesShared(abs: string, maxBytes = DEFAULT_MAX_FILE_BYTES): { ok: true; buf: Buffer } | { ok: false; message: string } {
  return read(abs, maxBytes, true, true);
}

function read(abs: string, maxBytes: number, walked: boolean, shared: boolean): { ok: true; buf: Buffer } | { ok: false; message: string } {
  let fd: number;
  try {
    fd = openSync(abs, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    return { ok: false, message: `unreadable: ${errCode(e)}` };
  }
  try {
    if (walked) {
      const n = readSync(fd, scratch, 0, scratch.length, 0);
      if (n < scratch.length) return { ok: true, buf: shared ? scratch.subarray(0, n) : Buffer.from(scratch.subarray(0, n)) };
    }
    const st = fstatSync(fd);
    if (!st.isFile()) return { ok: false, message: 'not a regular file (FIFO, socket or device): skipped' };
    if (st.size > maxBytes) return { ok: false, message: `file too large (${(st.size / 1048576).toFixed(1)} MiB > ${(maxBytes / 1048576).toFixed(1)} MiB limit): skipped` };
    const buf = Buffer.allocUnsafe(st.size);
    let off = 0;
    while (off < buf.length) {
      const n = readSync(fd, buf, off, buf.length - off, off);
      if (n === 0) break;
      off += n;
    }
    return { ok: true, buf: off === buf.length ? buf : buf.subarray(0, off) };
  } catch (e) {
    return { ok: false, message: `unreadable: ${errCode(e)}` };
  } finally {
    closeSync(fd);
  }
}

/** Reads a file as text: rejects binary content, decodes UTF-8 strictly (or a PEP 263 latin-1 cookie). */
export function readText(abs: string, maxBytes = DEFAULT_MAX_FILE_BYTES): ReadResult {
  const r = readBytes(abs, maxBytes);
  return r.ok ? decodeText(r.buf) : r;
}

/** How a byte buffer decodes: `utf-8`, a single-byte encoding named by a PEP 263 cookie, or an error. */
export function classifyBytes(buf: Buffer): { ok: true; encoding: 'utf-8' | 'latin1' | 'windows-1252' } | { ok: false; message: string } {
  if (buf.indexOf(0) !== -1) return { ok: false, message: 'binary file (NUL byte): skipped' };
  if (isUtf8(buf)) return { ok: true, encoding: 'utf-8' };
  // PEP 263: a coding cookie on line 1 or 2.
  const firstLines = buf.toString('latin1', 0, Math.min(buf.length, 512)).split('\n').slice(0, 2);
  for (const l of firstLines) {
    const m = CODING_RE.exec(l);
    if (m && LATIN1_CODINGS_RE.test(m[1])) return { ok: true, encoding: /^(cp|windows)/i.test(m[1]) ? 'windows-1252' : 'latin1' };
  }
  return { ok: false, message: 'not valid UTF-8 (and no PEP 263 latin-1 coding declaration): skipped' };
}

function decodeAs(buf: Buffer, encoding: 'utf-8' | 'latin1' | 'windows-1252'): string {
  let text = encoding === 'utf-8' ? buf.toString('utf8') : encoding === 'latin1' ? buf.toString('latin1') : new TextDecoder('windows-1252').decode(buf);
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  return text;
}

export function decodeText(buf: Buffer): ReadResult {
  const c = classifyBytes(buf);
  return c.ok ? { ok: true, text: decodeAs(buf, c.encoding) } : c;
}

/**
 * Reads a file, checks it is text, and decodes it only if `wanted` says so. `wanted` sees the raw
 * bytes and, on demand, the bytes as latin-1 (one byte per char, cheap to build): an ASCII pattern
 * matches there exactly where it matches the decoded text, since UTF-8 and the PEP 263 single-byte
 * encodings are ASCII supersets. `text` is null when the file is fine but not wanted. `walked`:
 * read as `readBytesShared` does, so `bytes` may be a view of the shared read buffer, valid only
 * until the next read: `wanted` copies what it keeps.
 */
export function readFiltered(abs: string, wanted: (bytes: Buffer, latin1: () => string) => boolean, maxBytes = DEFAULT_MAX_FILE_BYTES, walked = false): { ok: true; text: string | null } | { ok: false; message: string } {
  const r = walked ? readBytesShared(abs, maxBytes) : readBytes(abs, maxBytes);
  if (!r.ok) return r;
  const c = classifyBytes(r.buf);
  if (!c.ok) return c;
  if (!wanted(r.buf, () => r.buf.toString('latin1'))) return { ok: true, text: null };
  return { ok: true, text: decodeAs(r.buf, c.encoding) };
}
