// Scopes of one module, as Python binds names (Ruff's SemanticModel is the reference): the module
// scope, one scope per class body and per function body. A scope holds its imports (with their
// aliases), the functions and classes defined directly in it, and the names it binds otherwise
// (parameters, assignments, loop/with/except targets, `:=`), which are run-time values the model
// does not follow: they shadow outer bindings of the same name. Built once per module, on the
// first question about a name inside a function or class.

import type { PyNode } from '../parser.js';
import { field, named } from '../ast.js';
import { importBindings, type ImportBinding, type PyClass, type PyFunction, type PyModule } from '../module.js';

export type ScopeKind = 'module' | 'class' | 'function';

export interface Scope {
  scopeKind: ScopeKind;
  /** The module root, or the `function_definition` / `class_definition` node. */
  node: PyNode;
  parent: Scope | null;
  mod: PyModule;
  fn: PyFunction | null;
  cls: PyClass | null;
  /** Imports bound in this scope (for the module scope: `mod.imports`). */
  imports: Map<string, ImportBinding>;
  /** Functions and classes defined directly in this scope. */
  functions: Map<string, PyFunction>;
  classes: Map<string, PyClass>;
  /** Other names bound here (parameters, assignment and loop targets…): values, not definitions. */
  locals: Set<string>;
  /** Names declared `global` / `nonlocal` here: they are looked up outside. */
  outer: Set<string>;
}

export interface ModuleScopes {
  module: Scope;
  /** `function_definition` / `class_definition` node → its body's scope. */
  byDef: Map<PyNode, Scope>;
}

const cache = new WeakMap<PyModule, ModuleScopes>();

/** The definition node of a function or class (`decorated_definition` unwrapped). */
export function defNode(n: PyNode): PyNode {
  return n.type === 'decorated_definition' ? (field(n, 'definition') ?? n) : n;
}

/** The module scope alone (no walk of the tree): what `mod.imports` and friends already hold. */
function moduleScope(mod: PyModule): Scope {
  return {
    scopeKind: 'module',
    node: mod.root,
    parent: null,
    mod,
    fn: null,
    cls: null,
    imports: mod.imports,
    functions: mod.functions,
    classes: mod.classes,
    locals: new Set(),
    outer: new Set(),
  };
}

export function scopesOf(mod: PyModule): ModuleScopes {
  const have = cache.get(mod);
  if (have) return have;
  const module = moduleScope(mod);
  const byDef = new Map<PyNode, Scope>();
  const fnByDef = new Map<PyNode, PyFunction>();
  const clsByDef = new Map<PyNode, PyClass>();
  for (const f of mod.allFunctions) fnByDef.set(defNode(f.node), f);
  for (const c of mod.allClasses) clsByDef.set(defNode(c.node), c);

  const visit = (def: PyNode, parent: Scope) => {
    const fn = fnByDef.get(def) ?? null;
    const cls = clsByDef.get(def) ?? null;
    const scope: Scope = {
      scopeKind: def.type === 'class_definition' ? 'class' : 'function',
      node: def,
      parent,
      mod,
      fn,
      cls,
      imports: new Map(),
      functions: new Map(),
      classes: new Map(),
      locals: new Set(),
      outer: new Set(),
    };
    byDef.set(def, scope);
    if (fn) for (const p of fn.params) scope.locals.add(p);
    const body = field(def, 'body');
    if (body) collect(body, scope);
  };

  /** Bindings of the statements under `n` into `scope`; nested definitions get their own scope. */
  const collect = (n: PyNode, scope: Scope) => {
    const stack: PyNode[] = [n];
    while (stack.length) {
      const c = stack.pop()!;
      if (c.type === 'function_definition' || c.type === 'class_definition') {
        const name = field(c, 'name');
        if (name) {
          const nm = mod.text(name);
          const f = fnByDef.get(c);
          const k = clsByDef.get(c);
          if (f) scope.functions.set(nm, f);
          else if (k) scope.classes.set(nm, k);
          else scope.locals.add(nm);
        }
        visit(c, scope);
        continue;
      }
      if (c.type === 'lambda') continue;
      if (c.type === 'import_statement' || c.type === 'import_from_statement') {
        for (const [k, v] of importBindings(mod, c).names) scope.imports.set(k, v);
        continue;
      }
      if (c.type === 'global_statement' || c.type === 'nonlocal_statement') {
        for (const id of named(c)) if (id.type === 'identifier') scope.outer.add(mod.text(id));
        continue;
      }
      const target =
        c.type === 'assignment' || c.type === 'augmented_assignment' ? field(c, 'left') : c.type === 'for_statement' ? field(c, 'left') : c.type === 'named_expression' ? field(c, 'name') : c.type === 'as_pattern' ? field(c, 'alias') : null;
      if (target) bindTargets(target, scope);
      for (let i = c.children.length - 1; i >= 0; i--) stack.push(c.children[i]);
    }
  };

  const bindTargets = (t: PyNode, scope: Scope) => {
    if (t.type === 'identifier') scope.locals.add(mod.text(t));
    else if (t.type === 'as_pattern_target') for (const x of named(t)) bindTargets(x, scope);
    else if (t.type === 'pattern_list' || t.type === 'tuple_pattern' || t.type === 'list_pattern' || t.type === 'tuple' || t.type === 'list' || t.type === 'list_splat_pattern' || t.type === 'parenthesized_expression') {
      for (const x of named(t)) bindTargets(x, scope);
    }
  };

  // The module's own top-level definitions are already in `mod.functions` / `mod.classes`; walk
  // the tree for the scopes of every function and class body.
  const stack: PyNode[] = [mod.root];
  while (stack.length) {
    const c = stack.pop()!;
    if (c.type === 'function_definition' || c.type === 'class_definition') {
      visit(c, module);
      continue;
    }
    for (let i = c.children.length - 1; i >= 0; i--) stack.push(c.children[i]);
  }
  for (const s of byDef.values()) for (const o of s.outer) s.locals.delete(o);
  const out = { module, byDef };
  cache.set(mod, out);
  return out;
}

/** The module scope of `mod` without building the function and class scopes. */
export function moduleScopeOf(mod: PyModule): Scope {
  return cache.get(mod)?.module ?? moduleScope(mod);
}

/**
 * The scope an expression node is evaluated in: the innermost function or class whose *body*
 * holds it (decorators, default values and base classes are evaluated outside).
 */
export function scopeAt(mod: PyModule, node: PyNode): Scope {
  let c: PyNode = node;
  let p = node.parent;
  while (p) {
    if ((p.type === 'function_definition' || p.type === 'class_definition') && c.field === 'body') {
      const s = scopesOf(mod).byDef.get(p);
      if (s) return s;
    }
    c = p;
    p = p.parent;
  }
  return moduleScopeOf(mod);
}

const COMPREHENSIONS = new Set(['list_comprehension', 'set_comprehension', 'dictionary_comprehension', 'generator_expression']);

/**
 * Is `name` bound, at `node`, by an enclosing comprehension's `for` target or lambda parameter?
 * Those are scopes of their own (Python 3: a comprehension variable does not leak out).
 */
export function boundByExpressionScope(mod: PyModule, node: PyNode, name: string): boolean {
  let c: PyNode = node;
  for (let p = node.parent; p; c = p, p = p.parent) {
    if (p.type === 'function_definition' || p.type === 'class_definition') return false;
    if (COMPREHENSIONS.has(p.type)) {
      for (const clause of named(p)) {
        if (clause.type !== 'for_in_clause') continue;
        const t = field(clause, 'left');
        if (t && targetNames(mod, t).includes(name)) return true;
      }
    } else if (p.type === 'lambda' && c.field === 'body') {
      const ps = field(p, 'parameters');
      for (const x of ps ? named(ps) : []) {
        const id = x.type === 'identifier' ? x : x.children.find((y) => y.type === 'identifier');
        if (id && mod.text(id) === name) return true;
      }
    }
  }
  return false;
}

function targetNames(mod: PyModule, t: PyNode): string[] {
  if (t.type === 'identifier') return [mod.text(t)];
  return named(t).flatMap((x) => targetNames(mod, x));
}

/** The scope of a function's body. */
export function scopeOfFunction(fn: PyFunction): Scope {
  return scopesOf(fn.module).byDef.get(defNode(fn.node)) ?? scopesOf(fn.module).module;
}

/** The scope of a class body. */
export function scopeOfClass(cls: PyClass): Scope {
  return scopesOf(cls.module).byDef.get(defNode(cls.node)) ?? scopesOf(cls.module).module;
}

/** Every import of the module, in every scope (module first). */
export function allImports(mod: PyModule): ImportBinding[] {
  const s = scopesOf(mod);
  return [...s.module.imports.values(), ...[...s.byDef.values()].flatMap((x) => [...x.imports.values()])];
}
