// The Python side of the project model: modules indexed by dotted name and path, loaded lazily
// (a module that contains no trigger word is parsed only when an analysed module imports it),
// and name resolution across modules (absolute and relative imports, star imports, methods).

import type { InputError } from '../core/types.js';
import { readText, type DiscoveredFile } from '../core/read.js';
import { buildModule, moduleNameFromPath, type PyClass, type PyFunction, type PyModule } from './module.js';
import { parseWith, type ParsedPython, type PyNode } from './parser.js';
import type { Parser } from 'web-tree-sitter';
import { addTime, now } from '../core/timing.js';
import { SemanticModel, type Resolved, type ScopeRef } from './semantic/model.js';

export type { Resolved } from './semantic/model.js';

/** Default parse budget per scan: 24 MiB of Python source. */
export const DEFAULT_PARSE_BUDGET = 24 * 1024 * 1024;

export class PythonProject {
  readonly modules = new Map<string, PyModule>(); // by path
  /** Last component of the dotted module name → files; built on the first lookup by name. */
  private byNameIndex: Map<string, DiscoveredFile[]> | null = null;
  /** Dotted module names of the files lookups have met (worked out once, not on every lookup). */
  private readonly dottedByPath = new Map<string, string>();
  private readonly filesByPath = new Map<string, DiscoveredFile>();
  private readonly failed = new Set<string>();
  bytesParsed = 0;
  /**
   * How much Python source one scan parses at most (characters). A parsed file's trees and model
   * cost ~100× its size in memory, so a tree full of large certificate-mentioning files is bounded
   * here; what is left unparsed goes to `errors` (never silently).
   */
  parseBudget = DEFAULT_PARSE_BUDGET;
  /** How a module's text becomes a tree: tree-sitter here; the scan may go through its parse cache. */
  parseSource: (src: string) => ParsedPython = (src) => parseWith(this.parser, src);

  constructor(
    private readonly parser: Parser,
    files: DiscoveredFile[],
    private readonly errors: InputError[],
  ) {
    for (const f of files) if (f.kind === 'python') this.filesByPath.set(f.path, f);
  }

  /** The files whose dotted module name is `name` or ends with `.name`, in discovery order. */
  private filesNamed(name: string): DiscoveredFile[] {
    if (!this.byNameIndex) {
      // One entry per file, by the last component of its module name (the file's stem, or its
      // directory's name for an __init__.py), taken straight from the path: the full dotted name
      // is worked out only for the few files a lookup finds there.
      const index = new Map<string, DiscoveredFile[]>();
      for (const f of this.filesByPath.values()) {
        const p = f.path;
        const slash = p.lastIndexOf('/');
        let last = p.slice(slash + 1, p.endsWith('.py') ? -3 : undefined);
        if (last === '__init__') last = slash < 0 ? '' : p.slice(p.lastIndexOf('/', slash - 1) + 1, slash);
        last = last.slice(last.lastIndexOf('.') + 1); // `a.b.py` is module name `a.b`
        const list = index.get(last);
        if (list) list.push(f);
        else index.set(last, [f]);
      }
      this.byNameIndex = index;
    }
    const list = this.byNameIndex.get(name.slice(name.lastIndexOf('.') + 1));
    if (!list) return [];
    const out: DiscoveredFile[] = [];
    for (const f of list) {
      let dotted = this.dottedByPath.get(f.path);
      if (dotted === undefined) this.dottedByPath.set(f.path, (dotted = moduleNameFromPath(f.path).name));
      if (dotted === name || (dotted.length > name.length && dotted.endsWith(name) && dotted[dotted.length - name.length - 1] === '.')) out.push(f);
    }
    return out;
  }

  /** Loads (parses once) the module at `path`; returns null if unreadable/unparsable. */
  load(path: string, text?: string): PyModule | null {
    const have = this.modules.get(path);
    if (have) return have;
    if (this.failed.has(path)) return null;
    const f = this.filesByPath.get(path);
    if (!f) return null;
    let src = text;
    if (src === undefined) {
      const r = readText(f.abs);
      if (!r.ok) {
        this.errors.push({ file: path, message: r.message });
        this.failed.add(path);
        return null;
      }
      src = r.text;
    }
    if (this.bytesParsed + src.length > this.parseBudget) {
      this.errors.push({ file: path, message: `not parsed: the scan's parse budget (${(this.parseBudget / 1048576).toFixed(0)} MiB of Python source) is spent; its findings are unknown` });
      this.failed.add(path);
      return null;
    }
    try {
      const t0 = now();
      const parsed = this.parseSource(src);
      const t1 = now();
      addTime('parse', t1 - t0);
      for (const e of parsed.syntaxErrors.slice(0, 3)) {
        this.errors.push({ file: path, message: `${e.message} at line ${e.line}, column ${e.col}; the rest of the file is still analysed` });
      }
      const mod = buildModule(path, src, parsed.root);
      addTime('module', now() - t1);
      this.modules.set(path, mod);
      this.bytesParsed += src.length;
      return mod;
    } catch (e) {
      this.errors.push({ file: path, message: `could not parse: ${(e as Error).message}` });
      this.failed.add(path);
      return null;
    }
  }

  /** Is there a project module of this dotted name (parsed or not)? Parses nothing. */
  hasModule(name: string): boolean {
    return this.filesNamed(name).length > 0;
  }

  /** Finds the project module for an absolute dotted name (longest unique suffix match). */
  moduleByName(name: string): PyModule | null {
    const cands = this.filesNamed(name);
    if (cands.length === 0) return null;
    // Prefer exact path match, then a package __init__, then the shortest path.
    const exact = cands.find((f) => this.dottedByPath.get(f.path) === name);
    const pick = exact ?? [...cands].sort((a, b) => a.path.length - b.path.length)[0];
    if (this.loadingPaused) return this.modules.get(pick.path) ?? null;
    return this.load(pick.path);
  }

  private loadingPaused = false;

  /** Runs `fn` resolving names only within modules already parsed (no lazy parsing). */
  withoutLoading<T>(fn: () => T): T {
    const was = this.loadingPaused;
    this.loadingPaused = true;
    try {
      return fn();
    } finally {
      this.loadingPaused = was;
    }
  }

  /** Loads (on demand) every module whose path matches `path`, in path order. */
  loadAll(path: RegExp): PyModule[] {
    const out: PyModule[] = [];
    for (const p of [...this.filesByPath.keys()].filter((k) => path.test(k)).sort()) {
      const m = this.load(p);
      if (m) out.push(m);
    }
    return out;
  }

  get loaded(): PyModule[] {
    return [...this.modules.values()];
  }

  /** The semantic model over this project's modules: scopes, bindings, qualified names, class hierarchy. */
  readonly semantic: SemanticModel = new SemanticModel(this);

  // Thin wrappers over the semantic model (`at`: where the name is written; default module scope).

  /** Resolves a (possibly dotted) name used in `mod` to a project definition or an external qualified name. */
  resolve(mod: PyModule, name: string, at?: ScopeRef): Resolved | null {
    return this.semantic.resolve(mod, name, at);
  }

  /** `from module import name`: a definition inside a project module, a submodule, or external. */
  resolveIn(moduleName: string, name: string): Resolved | null {
    return this.semantic.resolveIn(moduleName, name);
  }

  /** The qualified name a name refers to, whether it is a project definition or external. */
  qualify(mod: PyModule, name: string, at?: ScopeRef): string | null {
    return this.semantic.qualify(mod, name, at);
  }

  /** The qualified name of an identifier, attribute chain or call's callee, in the scope that holds it. */
  qualifyNode(mod: PyModule, node: PyNode | null, at?: ScopeRef): string | null {
    return this.semantic.qualifyNode(mod, node, at);
  }

  resolveNode(mod: PyModule, node: PyNode | null, at?: ScopeRef): Resolved | null {
    return this.semantic.resolveNode(mod, node, at);
  }

  /** A base class of `cls` as written (`auth.backends.RemoteUserBackend`), resolved where the class is. */
  resolveBase(cls: PyClass, base: string): Resolved | null {
    return this.semantic.base(cls, base);
  }

  findMethod(cls: PyClass, name: string): PyFunction | null {
    return this.semantic.findMethod(cls, name);
  }

  ancestry(cls: PyClass): string[] {
    return this.semantic.ancestry(cls);
  }

  classAttr(cls: PyClass, name: string): { value: PyNode; node: PyNode; cls: PyClass } | null {
    return this.semantic.classAttr(cls, name);
  }
}

/** Ends-with test on a qualified name: `django.contrib.auth.middleware.RemoteUserMiddleware` matches `RemoteUserMiddleware`. */
export function qualifiedIs(q: string | null, ...names: string[]): boolean {
  if (!q) return false;
  return names.some((n) => q === n || q.endsWith(`.${n}`));
}
