// The Python semantic model: what a name, attribute or call means where it is written. Names are
// looked up through the scopes Python uses (function bodies, then enclosing functions — class
// bodies are not enclosing scopes for their methods — then the module), and followed through
// imports with their aliases, project re-exports and star imports to a project definition or an
// external qualified name. The class hierarchy (ancestry, method and attribute lookup) is answered
// here too. PythonProject's resolve/qualify/ancestry/findMethod/classAttr delegate to this.

import type { PyNode } from '../parser.js';
import type { PyClass, PyFunction, PyModule } from '../module.js';
import { dotted, field, unparen } from '../ast.js';
import { boundByExpressionScope, moduleScopeOf, scopeAt, scopeOfClass, scopeOfFunction, type Scope } from './scopes.js';
import { classMember, declaredFields, isDataClass, type ClassMember, type DeclaredField } from './members.js';

export type { ClassMember, DeclaredField } from './members.js';

export type Resolved = { kind: 'function'; fn: PyFunction } | { kind: 'class'; cls: PyClass } | { kind: 'module'; mod: PyModule } | { kind: 'external'; qualified: string } | { kind: 'assign'; mod: PyModule; name: string; value: PyNode };

/**
 * Where a name is looked up: a scope, a function (its body), a class (its body), or a node (the
 * scope that holds it). Omitted: the module scope.
 */
export type ScopeRef = Scope | PyFunction | PyClass | PyNode | null | undefined;

/** What the model needs from the project: modules by dotted name (loaded on demand). */
export interface ModuleSource {
  moduleByName(name: string): PyModule | null;
}

const MAX_DEPTH = 8;

export class SemanticModel {
  constructor(private readonly modules: ModuleSource) {}

  /** The scope a reference stands for, in `mod`. */
  scope(mod: PyModule, at: ScopeRef): Scope {
    if (!at) return moduleScopeOf(mod);
    if ('scopeKind' in at) return at;
    if ('params' in at) return scopeOfFunction(at);
    if ('bases' in at) return scopeOfClass(at);
    return scopeAt(mod, at);
  }

  /** Resolves a (possibly dotted) name used in `mod` (in scope `at`) to a project definition or an external qualified name. */
  resolve(mod: PyModule, name: string, at?: ScopeRef, depth = 0): Resolved | null {
    if (depth > MAX_DEPTH) return null;
    const [head, ...rest] = name.split('.');
    // A comprehension variable or lambda parameter (scopes of their own, inside the statement).
    if (at && 'children' in at && boundByExpressionScope(mod, at, head)) return null;
    let base = this.lookup(mod, head, this.scope(mod, at), depth);
    if (!base) return null;
    for (const part of rest) {
      base = this.member(base, part, depth + 1);
      if (!base) return null;
    }
    return base;
  }

  /** One name through the scope chain: the innermost binding; class bodies only for code directly in them. */
  private lookup(mod: PyModule, head: string, start: Scope, depth: number): Resolved | null {
    for (let s: Scope | null = start; s; s = s.parent) {
      if (s !== start && s.scopeKind === 'class') continue;
      if (s.scopeKind === 'module') return this.lookupModule(mod, head, depth);
      if (s.outer.has(head)) continue;
      const imp = s.imports.get(head);
      if (imp) return this.importTarget(imp.module, imp.name, depth);
      const f = s.functions.get(head);
      if (f) return { kind: 'function', fn: f };
      const c = s.classes.get(head);
      if (c) return { kind: 'class', cls: c };
      // A parameter or local value: the model does not follow run-time values.
      if (s.locals.has(head)) return null;
    }
    return this.lookupModule(mod, head, depth);
  }

  /** A module-scope name: definitions, imports, the last plain assignment, then star imports. */
  private lookupModule(mod: PyModule, head: string, depth: number): Resolved | null {
    const localFn = mod.functions.get(head);
    if (localFn) return { kind: 'function', fn: localFn };
    const localCls = mod.classes.get(head);
    if (localCls) return { kind: 'class', cls: localCls };
    const imp = mod.imports.get(head);
    if (imp) return this.importTarget(imp.module, imp.name, depth);
    for (let i = mod.assigns.length - 1; i >= 0; i--) {
      const a = mod.assigns[i];
      if (a.name === head && a.op === '=') return { kind: 'assign', mod, name: head, value: a.value };
    }
    // `from x import *`: a name bound in project module x (an import there included); an external
    // module's names are not known, so a star import from one binds nothing the model can name.
    for (let i = mod.starImports.length - 1; i >= 0; i--) {
      const r = this.resolveIn(mod.starImports[i].module, head, depth + 1);
      if (r && (r.kind !== 'external' || this.modules.moduleByName(mod.starImports[i].module))) return r;
    }
    return null;
  }

  private importTarget(module: string, name: string | null, depth: number): Resolved | null {
    if (name === null) {
      const m = this.modules.moduleByName(module);
      return m ? { kind: 'module', mod: m } : { kind: 'external', qualified: module };
    }
    return this.resolveIn(module, name, depth + 1);
  }

  /** `from module import name`: a definition inside a project module, a submodule, or external. */
  resolveIn(moduleName: string, name: string, depth = 0): Resolved | null {
    const m = this.modules.moduleByName(moduleName);
    if (m) {
      const r = this.resolve(m, name, null, depth + 1);
      if (r) return r;
    }
    const sub = this.modules.moduleByName(`${moduleName}.${name}`);
    if (sub) return { kind: 'module', mod: sub };
    if (m) return null;
    return { kind: 'external', qualified: moduleName ? `${moduleName}.${name}` : name };
  }

  private member(base: Resolved, part: string, depth: number): Resolved | null {
    switch (base.kind) {
      case 'module':
        return this.resolve(base.mod, part, null, depth) ?? this.resolveIn(base.mod.name, part, depth);
      case 'class': {
        const m = this.findMethod(base.cls, part);
        return m ? { kind: 'function', fn: m } : null;
      }
      case 'external':
        return { kind: 'external', qualified: `${base.qualified}.${part}` };
      default:
        return null;
    }
  }

  /** The qualified name a name refers to, whether it is a project definition or external. */
  qualify(mod: PyModule, name: string, at?: ScopeRef): string | null {
    const r = this.resolve(mod, name, at);
    return r ? qualifiedName(r) : null;
  }

  /**
   * What an expression node names: an identifier or attribute chain (`a.b.c`), or the callee of a
   * call. Looked up in the scope that holds the node unless `at` says otherwise. Null for anything
   * else (a subscript, a call's result's attribute…) and for names the model cannot resolve.
   */
  resolveNode(mod: PyModule, node: PyNode | null, at?: ScopeRef): Resolved | null {
    let u = unparen(node);
    if (u?.type === 'call') u = unparen(field(u, 'function'));
    if (!u) return null;
    const name = dotted(u, mod.src);
    if (!name) return null;
    return this.resolve(mod, name, at ?? u);
  }

  qualifyNode(mod: PyModule, node: PyNode | null, at?: ScopeRef): string | null {
    const r = this.resolveNode(mod, node, at);
    return r ? qualifiedName(r) : null;
  }

  // ------------------------------------------------------------------ class hierarchy

  /** A base class expression, resolved where the class statement is (not in its body). */
  base(cls: PyClass, b: string): Resolved | null {
    // A top-level class's bases are module-scope names (no need to build the module's scopes).
    return this.resolve(cls.module, b, cls.qualname.includes('.') ? cls.node : null);
  }

  /** Method lookup through project base classes (depth-first, like a simple MRO). */
  findMethod(cls: PyClass, name: string, seen = new Set<PyClass>()): PyFunction | null {
    if (seen.has(cls)) return null;
    seen.add(cls);
    const m = cls.methods.get(name);
    if (m) return m;
    for (const b of cls.bases) {
      const r = this.base(cls, b);
      if (r?.kind === 'class') {
        const found = this.findMethod(r.cls, name, seen);
        if (found) return found;
      }
    }
    return null;
  }

  /** Qualified names of all ancestors of a class (project classes and the external bases they end in). */
  ancestry(cls: PyClass, seen = new Set<PyClass>()): string[] {
    if (seen.has(cls)) return [];
    seen.add(cls);
    const out: string[] = [];
    for (const b of cls.bases) {
      const r = this.base(cls, b);
      if (!r) {
        out.push(b);
        continue;
      }
      if (r.kind === 'class') {
        out.push(`${r.cls.module.name}.${r.cls.qualname}`);
        out.push(...this.ancestry(r.cls, seen));
      } else if (r.kind === 'external') out.push(r.qualified);
      else out.push(b);
    }
    return out;
  }

  /**
   * The bases of a class and of its project ancestors that are not project classes: external
   * qualified names (`django.http.HttpResponse`), or the text of a base the model cannot resolve
   * (`Exception`).
   */
  libraryBases(cls: PyClass, seen = new Set<PyClass>()): string[] {
    if (seen.has(cls)) return [];
    seen.add(cls);
    const out: string[] = [];
    for (const b of cls.bases) {
      const r = this.base(cls, b);
      if (r?.kind === 'class') out.push(...this.libraryBases(r.cls, seen));
      else out.push(r?.kind === 'external' ? r.qualified : b);
    }
    return out;
  }

  // ------------------------------------------------------------------ class members

  /**
   * What `obj.name` is on an instance of `cls`: a method, a `@property` (with what it returns), a
   * class attribute or a declared data-class field (with its default) — the class's own later
   * definition winning, else the same through its project bases.
   */
  classMember(cls: PyClass, name: string): ClassMember | null {
    return classMember(cls, name, (c, b) => this.baseClass(c, b), this.qualifier);
  }

  /** The fields a class declares, in order (annotated names; `attr.ib()`/`field()` in an attrs class). */
  declaredFields(cls: PyClass): DeclaredField[] {
    return declaredFields(cls, this.qualifier);
  }

  /** Does the class only hold declared fields (dataclass, attrs, NamedTuple, TypedDict, pydantic, Struct)? */
  isDataClass(cls: PyClass): boolean {
    return isDataClass(cls);
  }

  private readonly qualifier = (cls: PyClass, call: PyNode) => this.qualifyNode(cls.module, call);

  private baseClass(cls: PyClass, b: string): PyClass | null {
    const r = this.base(cls, b);
    return r?.kind === 'class' ? r.cls : null;
  }

  /** Class-level attribute lookup through project bases. */
  classAttr(cls: PyClass, name: string, seen = new Set<PyClass>()): { value: PyNode; node: PyNode; cls: PyClass } | null {
    if (seen.has(cls)) return null;
    seen.add(cls);
    const a = cls.attrs.get(name);
    if (a) return { ...a, cls };
    for (const b of cls.bases) {
      const r = this.base(cls, b);
      if (r?.kind === 'class') {
        const found = this.classAttr(r.cls, name, seen);
        if (found) return found;
      }
    }
    return null;
  }
}

export function qualifiedName(r: Resolved): string {
  switch (r.kind) {
    case 'external':
      return r.qualified;
    case 'function':
      return `${r.fn.module.name}.${r.fn.qualname}`;
    case 'class':
      return `${r.cls.module.name}.${r.cls.qualname}`;
    case 'module':
      return r.mod.name;
    case 'assign':
      return `${r.mod.name}.${r.name}`;
  }
}
