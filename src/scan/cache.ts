// A content-addressed cache of per-file parse results (Ruff-style): what tree-sitter and the walk
// made of one Python file, as the walk's records (walker.ts: four 32-bit words per node), so a
// re-run rebuilds the plain tree without parsing. An entry's name is the SHA-256 of the tool
// version, the cache format, the grammar, the rule set and the file's text: an edited file, a new
// release or another rule set simply misses. Nothing in the scanned tree is ever written.
//
// - Concurrent runs: an entry is written to a temporary file and renamed into place (atomic on one
//   file system); two runs writing the same entry write the same bytes.
// - Corrupt or truncated entries (wrong magic, size, or a record that does not fit the text) are
//   ignored and overwritten.
// - Bounded: after a run that wrote entries, the oldest (by modification time, refreshed on each
//   hit) are removed while the cache is over its size limit.

import { createHash } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, utimesSync, writeSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join, relative, resolve } from 'node:path';
import type { Language, Parser } from 'web-tree-sitter';
import { VERSION } from '../version.js';
import { fromRecords, parseWith, recordsOf, type ParsedPython } from '../python/parser.js';

/** Bump when the entry layout or the records' meaning changes. */
export const CACHE_FORMAT = 1;
/** Default size limit of the cache directory. */
export const DEFAULT_CACHE_MAX_BYTES = 256 * 1024 * 1024;

const MAGIC = 0x4341544d; // "MTAC" little-endian
const HEADER_WORDS = 4; // magic, format, node count, text length

/** `$XDG_CACHE_HOME/mtls-audit`, else `~/.cache/mtls-audit`. */
export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const xdg = env.XDG_CACHE_HOME;
  return join(xdg && isAbsolute(xdg) ? xdg : join(homedir(), '.cache'), 'mtls-audit');
}

/** What else a scan's entries are keyed by: the rule set (ids in any order). */
export function cacheSalt(ruleIds: string[]): string {
  return `rules ${[...ruleIds].sort().join(',')}`;
}

/** Whether `dir` is `root` or inside it (the cache must never be written into the scanned tree). */
export function isInside(dir: string, root: string): boolean {
  const rel = relative(resolve(root), resolve(dir));
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

export interface CacheStats {
  hits: number;
  misses: number;
  /** Entries that were present but unusable (ignored, then rewritten). */
  corrupt: number;
  written: number;
  /** Entries removed to keep the cache under its limit. */
  evicted: number;
}

export class ParseCache {
  readonly stats: CacheStats = { hits: 0, misses: 0, corrupt: 0, written: 0, evicted: 0 };
  private readonly dir: string;
  private readonly keyPrefix: string;
  private writable = true;

  /**
   * `dir`: the cache directory (created on first write). `salt`: what else the results depend on
   * (the rule set). `maxBytes`: size limit of the entries.
   */
  constructor(
    dir: string,
    salt: string,
    private readonly maxBytes = DEFAULT_CACHE_MAX_BYTES,
  ) {
    this.dir = join(resolve(dir), `v${CACHE_FORMAT}`);
    this.keyPrefix = `mtls-audit ${VERSION}\0format ${CACHE_FORMAT}\0tree-sitter-python\0${salt}\0`;
  }

  private entryPath(src: string): string {
    const h = createHash('sha256').update(this.keyPrefix).update(src).digest('hex');
    return join(this.dir, h.slice(0, 2), h.slice(2));
  }

  /** Parses `src`, or rebuilds its tree from the cache. */
  parse(parser: Parser, src: string): ParsedPython {
    return this.lookup(parser, src) ?? this.parseMiss(parser, src);
  }

  /** The tree of `src` rebuilt from the cache (a hit), or null. */
  lookup(parser: Parser, src: string): ParsedPython | null {
    const lang = parser.language;
    const hit = lang ? this.read(this.entryPath(src), src, lang) : null;
    if (hit) this.stats.hits++;
    return hit;
  }

  /** Parses `src`, not in the cache, and caches it. */
  parseMiss(parser: Parser, src: string): ParsedPython {
    this.stats.misses++;
    const out = recordsOf(parser, src);
    if (out.records && parser.language) this.write(this.entryPath(src), out.records, out.parsed.nodeCount, src.length);
    return out.parsed;
  }

  /** Caches the walk's records of `src`, a miss parsed elsewhere (a parse worker). */
  store(src: string, records: Int32Array): void {
    this.stats.misses++;
    this.write(this.entryPath(src), records, records.length / 4, src.length);
  }

  private read(path: string, src: string, lang: Language): ParsedPython | null {
    let buf: Buffer;
    try {
      buf = readFileSync(path);
    } catch {
      return null; // not there (or unreadable): a miss
    }
    const words = validEntry(buf, src.length, lang.types.length);
    if (!words) {
      this.stats.corrupt++;
      return null;
    }
    try {
      // Refreshes the entry's age for the size limit (least recently used go first).
      const t = new Date();
      utimesSync(path, t, t);
    } catch {
      /* read-only cache: still a hit */
    }
    return fromRecords(words, HEADER_WORDS, words[2], src, lang);
  }

  private write(path: string, records: Int32Array, count: number, textLength: number): void {
    if (!this.writable) return;
    const header = new Int32Array([MAGIC, CACHE_FORMAT, count, textLength]);
    const tmp = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    try {
      mkdirSync(join(path, '..'), { recursive: true });
      const fd = openSync(tmp, 'wx', 0o644);
      try {
        writeSync(fd, Buffer.from(header.buffer, header.byteOffset, header.byteLength));
        writeSync(fd, Buffer.from(records.buffer, records.byteOffset, count * 16));
      } finally {
        closeSync(fd);
      }
      renameSync(tmp, path);
      this.stats.written++;
    } catch {
      // An unwritable cache costs only speed: stop trying for this run.
      this.writable = false;
      try {
        unlinkSync(tmp);
      } catch {
        /* never created */
      }
    }
  }

  /** Removes the least recently used entries while the cache is over its limit (after writes). */
  prune(): void {
    if (!this.stats.written) return;
    const entries: { path: string; size: number; mtime: number }[] = [];
    let total = 0;
    let subdirs: string[];
    try {
      subdirs = readdirSync(this.dir);
    } catch {
      return;
    }
    for (const d of subdirs) {
      let names: string[];
      try {
        names = readdirSync(join(this.dir, d));
      } catch {
        continue;
      }
      for (const n of names) {
        const p = join(this.dir, d, n);
        try {
          const st = statSync(p);
          // A temporary file of a run that died (older than a minute) goes too.
          if (n.endsWith('.tmp') && Date.now() - st.mtimeMs > 60_000) {
            unlinkSync(p);
            continue;
          }
          entries.push({ path: p, size: st.size, mtime: st.mtimeMs });
          total += st.size;
        } catch {
          /* removed meanwhile by another run */
        }
      }
    }
    if (total <= this.maxBytes) return;
    entries.sort((a, b) => a.mtime - b.mtime);
    const goal = this.maxBytes * 0.8;
    for (const e of entries) {
      if (total <= goal) break;
      try {
        unlinkSync(e.path);
        this.stats.evicted++;
      } catch {
        /* another run removed it */
      }
      total -= e.size;
    }
  }
}

/** The entry's words when it is whole and every record fits the text and the grammar; else null. */
function validEntry(buf: Buffer, textLength: number, typeCount: number): Int32Array | null {
  if (buf.length < HEADER_WORDS * 4 || buf.length % 4 !== 0) return null;
  // Aligned copy (a Buffer from readFileSync may share an unaligned pool slab).
  const words = new Int32Array(buf.length / 4);
  new Uint8Array(words.buffer).set(buf);
  const count = words[2];
  if (words[0] !== MAGIC || words[1] !== CACHE_FORMAT || words[3] !== textLength || count < 1 || buf.length !== (HEADER_WORDS + count * 4) * 4) return null;
  for (let i = 0, o = HEADER_WORDS; i < count; i++, o += 4) {
    const typeId = words[o] & 0xffff;
    const start = words[o + 1];
    const end = words[o + 2];
    const parent = (words[o + 3] & 0x7fffffff) - 1;
    if ((typeId >= typeCount && typeId !== 0xffff) || start < 0 || end < start || end > textLength || parent >= i || (i > 0 && parent < 0)) return null;
  }
  return words;
}

/** The parse step of a scan: through the cache when there is one, straight to tree-sitter otherwise. */
export function parserFor(parser: Parser, cache: ParseCache | null): (src: string) => ParsedPython {
  return cache ? (src) => cache.parse(parser, src) : (src) => parseWith(parser, src);
}
