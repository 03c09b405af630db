// Pinned versions of Python packages, read from the dependency files of the scanned tree:
// requirements*.txt (and requirements/*.txt), pyproject.toml (PEP 621 / Poetry), poetry.lock,
// Pipfile.lock and uv.lock. Only exact pins count (`==`, a lock entry); a range (`>=21`) says
// nothing about what is installed. The root and two directory levels below it are looked at.

import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { insideRoot } from '../core/safe-fs.js';
import { readText } from '../core/read.js';

export interface Pin {
  version: string;
  /** Relative path of the file that pins it. */
  file: string;
  line: number;
}

const DEP_FILE = /^(requirements[\w.-]*\.(txt|in)|pyproject\.toml|poetry\.lock|Pipfile\.lock|uv\.lock)$/i;
const SKIP_DIR = /^(\.|node_modules$|venv$|\.venv$|env$|site-packages$|dist$|build$|__pycache__$)/;
const MAX_FILES = 40;
const MAX_BYTES = 4 * 1024 * 1024;

const cache = new Map<string, Map<string, Pin[]>>();

/** Dependency files under `root` (depth ≤ 2, plus `requirements/` directories at any of those levels). */
function depFiles(root: string): string[] {
  const out: string[] = [];
  const visit = (dir: string, rel: string, depth: number) => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      if (out.length >= MAX_FILES) return;
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isFile() && (DEP_FILE.test(e.name) || (/(^|\/)requirements$/.test(rel) && /\.(txt|in)$/.test(e.name)))) out.push(r);
      else if (e.isDirectory() && !SKIP_DIR.test(e.name) && (depth < 2 || e.name === 'requirements')) visit(join(dir, e.name), r, depth + 1);
    }
  };
  visit(root, '', 0);
  return out;
}

const norm = (name: string) => name.toLowerCase().replace(/[-_.]+/g, '-');

/** Every exact pin of every package in the tree's dependency files (cached per root). */
export function pins(root: string): Map<string, Pin[]> {
  const have = cache.get(root);
  if (have) return have;
  const out = new Map<string, Pin[]>();
  const add = (name: string, version: string, file: string, line: number) => {
    const k = norm(name);
    const list = out.get(k) ?? [];
    list.push({ version, file, line });
    out.set(k, list);
  };
  for (const rel of depFiles(root)) {
    const abs = join(root, rel);
    if (!insideRoot(root, abs)) continue;
    const r = readText(abs, MAX_BYTES);
    if (!r.ok) continue;
    const lines = r.text.split(/\r?\n/);
    const base = rel.split('/').pop()!.toLowerCase();
    if (base.endsWith('.txt') || base.endsWith('.in')) {
      lines.forEach((l, i) => {
        const m = /^\s*([A-Za-z0-9][\w.-]*)\s*(?:\[[^\]]*\])?\s*===?\s*([0-9][\w.+!-]*)/.exec(l.replace(/\s#.*$/, ''));
        if (m) add(m[1], m[2], rel, i + 1);
      });
    } else if (base === 'pyproject.toml') {
      lines.forEach((l, i) => {
        // PEP 621: "gunicorn==22.0.0" in a dependencies array; Poetry: gunicorn = "22.0.0" or "==22.0.0".
        for (const m of l.matchAll(/["']([A-Za-z0-9][\w.-]*)\s*(?:\[[^\]]*\])?\s*===?\s*([0-9][\w.+!-]*)\s*(?:;[^"']*)?["']/g)) add(m[1], m[2], rel, i + 1);
        const p = /^\s*([A-Za-z0-9][\w.-]*)\s*=\s*(?:\{\s*version\s*=\s*)?["'](?:==)?([0-9][\w.+!-]*)["']/.exec(l);
        if (p && !/^(python|version|name)$/i.test(p[1])) add(p[1], p[2], rel, i + 1);
      });
    } else if (base === 'poetry.lock' || base === 'uv.lock') {
      // [[package]] blocks: name = "gunicorn" then version = "22.0.0".
      let name: string | null = null;
      lines.forEach((l, i) => {
        if (/^\s*\[\[package\]\]/.test(l)) name = null;
        const n = /^\s*name\s*=\s*"([^"]+)"/.exec(l);
        if (n) name = n[1];
        const v = /^\s*version\s*=\s*"([^"]+)"/.exec(l);
        if (v && name) {
          add(name, v[1], rel, i + 1);
          name = null;
        }
      });
    } else if (base === 'pipfile.lock') {
      // "gunicorn": { ..., "version": "==22.0.0" }
      let name: string | null = null;
      lines.forEach((l, i) => {
        const n = /^\s*"([A-Za-z0-9][\w.-]*)"\s*:\s*\{/.exec(l);
        if (n) name = n[1];
        const v = /^\s*"version"\s*:\s*"==([^"]+)"/.exec(l);
        if (v && name) {
          add(name, v[1], rel, i + 1);
          name = null;
        }
      });
    }
  }
  cache.set(root, out);
  return out;
}

/** `22.0.0` → [22, 0, 0]; pre-release and local parts are cut off. */
export function versionTuple(v: string): number[] {
  return v
    .split(/[^\d.]/)[0]
    .split('.')
    .filter(Boolean)
    .map((x) => parseInt(x, 10));
}

export function atLeast(v: string, min: number[]): boolean {
  const t = versionTuple(v);
  for (let i = 0; i < min.length; i++) {
    const a = t[i] ?? 0;
    if (a !== min[i]) return a > min[i];
  }
  return true;
}

/** The pins of one package, or an empty list. */
export function pinsOf(root: string, pkg: string): Pin[] {
  return pins(root).get(norm(pkg)) ?? [];
}
