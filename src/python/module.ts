// One Python module of the scanned project: its imports, functions, classes and top-level
// assignments, extracted from the syntax tree without executing anything.

import type { PyNode } from './parser.js';
import { dotted, field, fields, named, walk } from './ast.js';

export interface ImportBinding {
  /** Absolute dotted module (relative imports resolved against the importing module). */
  module: string;
  /** Imported name inside the module; null for `import a.b` / `import a.b as c`. */
  name: string | null;
  line: number;
}

export interface PyFunction {
  name: string;
  qualname: string;
  node: PyNode;
  body: PyNode;
  module: PyModule;
  cls: PyClass | null;
  params: string[];
  decorators: string[];
  /** Enclosing function for nested defs. */
  outer: PyFunction | null;
}

export interface PyClass {
  name: string;
  qualname: string;
  node: PyNode;
  module: PyModule;
  /** Base class expressions as written (`RemoteUserMiddleware`, `auth.backends.RemoteUserBackend`). */
  bases: string[];
  methods: Map<string, PyFunction>;
  /** Class-level assignments: name -> value node (last wins). */
  attrs: Map<string, { value: PyNode; node: PyNode }>;
  decorators: string[];
}

export interface Assignment {
  name: string;
  target: PyNode;
  value: PyNode;
  /** The whole statement. */
  node: PyNode;
  op: '=' | '+=' | 'other';
}

export interface InlineSuppression {
  line: number;
  /** Empty = all rules. */
  rules: string[];
  reason: string;
}

export interface PyModule {
  /** Path relative to the scan root, forward slashes. */
  path: string;
  /** Dotted module name derived from the path (`app.views`, `app` for app/__init__.py). */
  name: string;
  isPackage: boolean;
  src: string;
  root: PyNode;
  /** Module-scope imports (function- and class-level ones are bound in their scope: semantic/scopes.ts). */
  imports: Map<string, ImportBinding>;
  /** `from x import *` modules, in order. */
  starImports: { module: string; line: number }[];
  functions: Map<string, PyFunction>;
  classes: Map<string, PyClass>;
  allFunctions: PyFunction[];
  allClasses: PyClass[];
  /** Top-level assignments in source order. */
  assigns: Assignment[];
  suppressions: InlineSuppression[];
  text(n: PyNode): string;
  lineText(line: number): string;
}

export function moduleNameFromPath(path: string): { name: string; isPackage: boolean } {
  const noExt = path.replace(/\.py$/, '');
  const parts = noExt.split('/');
  const isPackage = parts[parts.length - 1] === '__init__';
  if (isPackage) parts.pop();
  return { name: parts.join('.'), isPackage };
}

export function resolveRelative(mod: { name: string; isPackage: boolean }, level: number, rel: string): string {
  const pkgParts = mod.name ? mod.name.split('.') : [];
  if (!mod.isPackage) pkgParts.pop();
  for (let i = 1; i < level; i++) pkgParts.pop();
  if (rel) pkgParts.push(...rel.split('.'));
  return pkgParts.join('.');
}

/**
 * The names an `import` / `from … import` statement binds, in order (`import a.b` binds `a`, and is
 * also recorded under `a.b`), and the module of a `from x import *` (else null).
 */
export function importBindings(mod: { name: string; isPackage: boolean; src: string }, n: PyNode): { names: [string, ImportBinding][]; star: string | null } {
  const src = mod.src;
  const text = (x: PyNode) => src.slice(x.start, x.end);
  const names: [string, ImportBinding][] = [];
  if (n.type === 'import_statement') {
    for (const c of fields(n, 'name')) {
      if (c.type === 'aliased_import') {
        const full = dotted(field(c, 'name'), src) ?? '';
        const alias = field(c, 'alias');
        if (alias) names.push([text(alias), { module: full, name: null, line: n.line }]);
      } else {
        const full = dotted(c, src) ?? '';
        // `import a.b` binds `a`; record the full path under its first component and itself.
        names.push([full.split('.')[0], { module: full.split('.')[0], name: null, line: n.line }]);
        if (full.includes('.')) names.push([full, { module: full, name: null, line: n.line }]);
      }
    }
    return { names, star: null };
  }
  if (n.type !== 'import_from_statement') return { names, star: null };
  const modNode = field(n, 'module_name');
  let target = '';
  if (modNode?.type === 'relative_import') {
    const prefix = modNode.children.find((c) => c.type === 'import_prefix');
    const level = prefix ? text(prefix).length : 1;
    const rest = modNode.children.find((c) => c.type === 'dotted_name');
    target = resolveRelative(mod, level, rest ? text(rest) : '');
  } else if (modNode) {
    target = text(modNode);
  }
  if (n.children.some((c) => c.type === 'wildcard_import')) return { names, star: target };
  for (const c of fields(n, 'name')) {
    if (c.type === 'aliased_import') {
      const nm = dotted(field(c, 'name'), src) ?? '';
      const alias = field(c, 'alias');
      if (alias) names.push([text(alias), { module: target, name: nm, line: n.line }]);
    } else {
      const nm = text(c);
      names.push([nm, { module: target, name: nm, line: n.line }]);
    }
  }
  return { names, star: null };
}

const SUPPRESS_RE = /#\s*mtls-audit:\s*ignore(?:\[([a-z0-9,\s-]*)\])?\s*(.*)$/;

export function buildModule(path: string, src: string, root: PyNode): PyModule {
  const { name, isPackage } = moduleNameFromPath(path);
  let lineStarts: number[] | null = null;
  const mod: PyModule = {
    path,
    name,
    isPackage,
    src,
    root,
    imports: new Map(),
    starImports: [],
    functions: new Map(),
    classes: new Map(),
    allFunctions: [],
    allClasses: [],
    assigns: [],
    suppressions: [],
    text: (n) => src.slice(n.start, n.end),
    lineText(line: number) {
      if (!lineStarts) {
        lineStarts = [0];
        for (let i = 0; i < src.length; i++) if (src.charCodeAt(i) === 10) lineStarts.push(i + 1);
      }
      const s = lineStarts[line - 1];
      if (s === undefined) return '';
      const e = line < lineStarts.length ? lineStarts[line] - 1 : src.length;
      return src.slice(s, e).replace(/\r$/, '');
    },
  };
  const text = mod.text;

  // Module-scope imports (including those under top-level `if`/`try`); imports inside a function or
  // class body bind in that scope and are the semantic model's (semantic/scopes.ts).
  walk(root, (n) => {
    if (n.type === 'function_definition' || n.type === 'class_definition') return false;
    if (n.type === 'import_statement' || n.type === 'import_from_statement') {
      const b = importBindings(mod, n);
      for (const [k, v] of b.names) mod.imports.set(k, v);
      if (b.star !== null) mod.starImports.push({ module: b.star, line: n.line });
      return false;
    }
    return true;
  });

  // Definitions.
  const visitBlock = (block: PyNode, cls: PyClass | null, outer: PyFunction | null, prefix: string) => {
    for (const stmt of named(block)) {
      let def = stmt;
      const decorators: string[] = [];
      if (stmt.type === 'decorated_definition') {
        for (const d of stmt.children.filter((c) => c.type === 'decorator')) {
          const expr = named(d)[0];
          if (expr) decorators.push(text(expr));
        }
        const inner = field(stmt, 'definition');
        if (!inner) continue;
        def = inner;
      }
      if (def.type === 'function_definition') {
        const nameNode = field(def, 'name');
        const body = field(def, 'body');
        if (!nameNode || !body) continue;
        const fname = text(nameNode);
        const params: string[] = [];
        const ps = field(def, 'parameters');
        if (ps) {
          for (const p of named(ps)) {
            const id = p.type === 'identifier' ? p : (p.children.find((c) => c.type === 'identifier') ?? null);
            if (id) params.push(text(id));
          }
        }
        const fn: PyFunction = {
          name: fname,
          qualname: prefix + fname,
          node: stmt,
          body,
          module: mod,
          cls,
          params,
          decorators,
          outer,
        };
        mod.allFunctions.push(fn);
        if (cls) cls.methods.set(fname, fn);
        else if (!outer) mod.functions.set(fname, fn);
        visitBlock(body, null, fn, `${fn.qualname}.`);
      } else if (def.type === 'class_definition') {
        const nameNode = field(def, 'name');
        const body = field(def, 'body');
        if (!nameNode || !body) continue;
        const cname = text(nameNode);
        const bases: string[] = [];
        const sup = field(def, 'superclasses');
        if (sup) for (const b of named(sup)) if (b.type !== 'keyword_argument') bases.push(text(b));
        const c: PyClass = {
          name: cname,
          qualname: prefix + cname,
          node: stmt,
          module: mod,
          bases,
          methods: new Map(),
          attrs: new Map(),
          decorators,
        };
        mod.allClasses.push(c);
        if (!cls && !outer) mod.classes.set(cname, c);
        for (const s of named(body)) {
          const a = s.type === 'expression_statement' ? named(s)[0] : null;
          if (a && a.type === 'assignment') {
            const left = field(a, 'left');
            const right = field(a, 'right');
            if (left?.type === 'identifier' && right) c.attrs.set(text(left), { value: right, node: a });
          }
        }
        visitBlock(body, c, outer, `${c.qualname}.`);
      } else if (!cls && !outer) {
        collectAssign(stmt);
      } else if (stmt.type === 'if_statement' || stmt.type === 'try_statement' || stmt.type === 'with_statement') {
        // Definitions inside if/try at function level are rare; skip.
      }
    }
  };

  const collectAssign = (stmt: PyNode) => {
    if (stmt.type === 'expression_statement') {
      const a = named(stmt)[0];
      if (!a) return;
      if (a.type === 'assignment') {
        const left = field(a, 'left');
        const right = field(a, 'right');
        if (left && right) {
          if (left.type === 'identifier') mod.assigns.push({ name: text(left), target: left, value: right, node: a, op: '=' });
          else if (left.type === 'attribute') mod.assigns.push({ name: text(left), target: left, value: right, node: a, op: '=' });
        }
      } else if (a.type === 'augmented_assignment') {
        const left = field(a, 'left');
        const right = field(a, 'right');
        const op = field(a, 'operator');
        if (left && right) mod.assigns.push({ name: text(left), target: left, value: right, node: a, op: op && text(op) === '+=' ? '+=' : 'other' });
      }
    } else if (stmt.type === 'if_statement' || stmt.type === 'try_statement' || stmt.type === 'with_statement') {
      // Top-level conditional settings (`if DEBUG: ...`, `try: from .local import *`): collect in order.
      walk(stmt, (n) => {
        if (n.type === 'expression_statement') {
          collectAssign(n);
          return false;
        }
        if (n.type === 'function_definition' || n.type === 'class_definition') return false;
        return true;
      });
    }
  };

  visitBlock(root, null, null, '');

  // Inline suppressions: `# mtls-audit: ignore[rule-a, rule-b] reason`.
  walk(root, (n) => {
    if (n.type === 'comment') {
      const m = SUPPRESS_RE.exec(text(n));
      if (m) {
        const rules = (m[1] ?? '')
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean);
        mod.suppressions.push({ line: n.line, rules, reason: m[2].trim() });
      }
    }
    return true;
  });

  return mod;
}
