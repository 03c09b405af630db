// Source lines for code frames in the human-facing reports, read from the scanned tree (never
// outside it: absolute paths, URLs and `..` are refused), cached per file.

import { isAbsolute, resolve } from 'node:path';
import { statSync } from 'node:fs';
import { readText } from '../core/read.js';

/** Files larger than this get no code frame (the evidence line is shown instead). */
const MAX_FRAME_FILE_BYTES = 8 * 1024 * 1024;

export class SourceLines {
  private cache = new Map<string, string[] | null>();
  constructor(private root: string | undefined) {}

  /** The lines of a file of the scanned tree, or null (no root, outside it, missing, too big, binary). */
  lines(file: string | undefined): string[] | null {
    if (!file) return null;
    if (this.cache.has(file)) return this.cache.get(file)!;
    let lines: string[] | null = null;
    if (this.root !== undefined && !isAbsolute(file) && !/^[a-z][a-z0-9+.-]*:\/\//i.test(file) && !file.split(/[\\/]/).includes('..')) {
      try {
        const abs = resolve(this.root, file);
        const st = statSync(abs);
        if (st.isFile() && st.size <= MAX_FRAME_FILE_BYTES) {
          const r = readText(abs, MAX_FRAME_FILE_BYTES);
          if (r.ok) lines = r.text.split(/\r\n|\r|\n/);
        }
      } catch {
        lines = null;
      }
    }
    this.cache.set(file, lines);
    return lines;
  }
}
