// Evaluates a Django settings module without executing it: statements are interpreted in order
// over a small value domain (numbers, strings, booleans, None, lists/tuples, dicts, unknown), with
// star imports (`from .base import *`), django-split-settings `include()`, environment reads
// (`os.environ.get`, `os.getenv`, django-environ, python-decouple: the default is used and the value
// is marked environment-dependent) and in-place list/dict changes (`+=`, `append`, `insert`,
// `extend`, `remove`, `update`, item assignment). Every value keeps the site it was written at.

import type { PyNode } from '../python/parser.js';
import type { PyModule } from '../python/module.js';
import { resolveRelative } from '../python/module.js';
import type { PythonProject } from '../python/project.js';
import { field, named, stringValue, unparen } from '../python/ast.js';
import picomatch from 'picomatch';
import { isUnknown, pyTruthy, type SettingSite, type SValue } from './model.js';
import { cmp, dictValue, listValue, markEnv, pyEquals, siteOf, unknown, withSite, type Binding, type EvalResult, type Flow, type Namespace, type State } from './evaluate/values.js';
import { castValue } from './evaluate/env.js';

export { siteOf, unknown, type Binding, type EvalResult, type Namespace } from './evaluate/values.js';
export { castValue } from './evaluate/env.js';

const BUILTINS = new Set(['int', 'float', 'str', 'bool', 'list', 'tuple', 'set', 'frozenset', 'dict', 'len', 'max', 'min', 'sum', 'abs', 'round', 'sorted']);
const LIST_MUTATORS = new Set(['append', 'insert', 'extend', 'remove', 'update', 'setdefault', 'pop', 'clear', 'sort', 'reverse', 'add', 'discard']);
const NON_MUTATING = new Set(['get', 'keys', 'values', 'items', 'copy', 'index', 'count', 'format', 'startswith', 'endswith', 'split', 'join', 'lower', 'upper', 'strip']);

export class SettingsEvaluator {
  private readonly memo = new Map<string, EvalResult>();
  private readonly active = new Set<string>();

  constructor(
    private readonly python: PythonProject,
    /** Paths of every Python file in the tree (for split-settings globs). */
    private readonly pyPaths: string[],
  ) {}

  /** Evaluates a module on its own (as `import` / `from … import *` would). Memoised. */
  evaluateModule(mod: PyModule): EvalResult {
    const have = this.memo.get(mod.path);
    if (have) return have;
    if (this.active.has(mod.path)) return { ns: new Map(), files: [], opaque: [`import cycle through ${mod.path}`] };
    this.active.add(mod.path);
    const st: State = { mod, ns: new Map(), files: [mod.path], opaque: [], conditional: false, envCond: false };
    try {
      this.block(st, named(mod.root));
    } finally {
      this.active.delete(mod.path);
    }
    const res: EvalResult = { ns: st.ns, files: st.files, opaque: st.opaque };
    this.memo.set(mod.path, res);
    return res;
  }

  // ---------------------------------------------------------------- statements

  private block(st: State, stmts: PyNode[]): Flow {
    for (const s of stmts) {
      if (this.stmt(st, s) === 'importError') {
        if (st.inTry) return 'importError';
        st.opaque.push(`import at ${st.mod.path}:${s.line} names a project module that is not in the scanned tree`);
      }
    }
    return 'ok';
  }

  private blockOf(n: PyNode | null): PyNode[] {
    if (!n) return [];
    return n.type === 'block' ? named(n) : [n];
  }

  private stmt(st: State, n: PyNode): Flow {
    switch (n.type) {
      case 'expression_statement': {
        const e = named(n)[0];
        if (!e) return 'ok';
        if (e.type === 'assignment') this.assignment(st, e);
        else if (e.type === 'augmented_assignment') this.augmented(st, e);
        else if (e.type === 'call') this.callStatement(st, e);
        return 'ok';
      }
      case 'import_statement':
        return this.importStatement(st, n);
      case 'import_from_statement':
        return this.importFrom(st, n);
      case 'if_statement':
        return this.ifStatement(st, n);
      case 'try_statement':
        return this.tryStatement(st, n);
      case 'with_statement':
        return this.block(st, this.blockOf(field(n, 'body')));
      case 'for_statement':
      case 'while_statement':
        this.loop(st, n);
        return 'ok';
      case 'function_definition':
      case 'class_definition':
      case 'decorated_definition': {
        const def = n.type === 'decorated_definition' ? field(n, 'definition') : n;
        const nm = def ? field(def, 'name') : null;
        if (nm) {
          const name = st.mod.text(nm);
          this.bind(st, name, unknown(`${def!.type === 'class_definition' ? 'class' : 'function'} ${name}`, siteOf(st.mod, n)), n, { qual: `${st.mod.name}.${name}`, ...(n.type === 'function_definition' ? { fnDef: n } : {}) });
        }
        return 'ok';
      }
      case 'delete_statement':
        for (const t of named(n)) this.deleteTarget(st, t, n);
        return 'ok';
      default:
        return 'ok';
    }
  }

  private bind(st: State, name: string, v: SValue, stmtNode: PyNode, extra: Partial<Binding> = {}): void {
    const prev = st.ns.get(name);
    const site = siteOf(st.mod, stmtNode);
    let val = v;
    if (st.conditional) val = { ...val, conditional: true };
    if (st.envCond) val = { ...val, envDependent: true };
    st.ns.set(name, {
      v: val,
      stmt: site,
      writes: [...(prev?.writes ?? []), site],
      conditional: st.conditional,
      ...extra,
    });
  }

  private assignment(st: State, a: PyNode): void {
    const targets: PyNode[] = [];
    let cur: PyNode | null = a;
    let right: PyNode | null = null;
    while (cur && cur.type === 'assignment') {
      const l = field(cur, 'left');
      if (l) targets.push(l);
      right = field(cur, 'right');
      cur = right;
    }
    if (!right) return; // bare annotation
    const special = this.special(st, right);
    const v = this.expr(st, right);
    for (const t of targets) this.bindTarget(st, t, v, a, special);
  }

  /** Objects the evaluator tracks beyond values: django-environ Env instances, decouple configs. */
  private special(st: State, right: PyNode): Partial<Binding> {
    const r = unparen(right);
    if (!r || r.type !== 'call') return {};
    const q = this.qualify(st, field(r, 'function'));
    if (q === 'environ.Env' || q === 'environ.environ.Env' || q === 'environ.FileAwareEnv') {
      const scheme = new Map<string, { cast: string | null; def?: SValue }>();
      const args = field(r, 'arguments');
      for (const kw of args ? named(args) : []) {
        if (kw.type !== 'keyword_argument') continue;
        const k = field(kw, 'name');
        const val = unparen(field(kw, 'value'));
        if (!k || !val) continue;
        if (val.type === 'tuple') {
          const parts = named(val);
          scheme.set(st.mod.text(k), { cast: parts[0] ? st.mod.text(parts[0]) : null, def: parts[1] ? this.expr(st, parts[1]) : undefined });
        } else {
          scheme.set(st.mod.text(k), { cast: st.mod.text(val) });
        }
      }
      return { envScheme: scheme };
    }
    if (q === 'decouple.AutoConfig' || q === 'decouple.Config' || q === 'decouple.RepositoryEnv') return { decouple: true };
    return {};
  }

  private bindTarget(st: State, t: PyNode, v: SValue, stmtNode: PyNode, extra: Partial<Binding> = {}): void {
    const tt = unparen(t);
    if (!tt) return;
    if (tt.type === 'identifier') {
      this.bind(st, st.mod.text(tt), v, stmtNode, extra);
    } else if (tt.type === 'pattern_list' || tt.type === 'tuple_pattern' || tt.type === 'list_pattern' || tt.type === 'tuple' || tt.type === 'list') {
      const parts = named(tt);
      const items = v.items && v.items.length === parts.length ? v.items : null;
      parts.forEach((p, i) => this.bindTarget(st, p, items ? items[i] : unknown('unpacking', v.site), stmtNode));
    } else if (tt.type === 'subscript') {
      const path = this.lvalue(st, tt);
      if (!path) return;
      this.mutate(st, path, stmtNode, (old) => this.setAt(old, path.keys, v, siteOf(st.mod, tt)));
    }
  }

  /** `A['x'][0]` → base `A`, keys ['x', 0]; null when a key is not a literal. */
  private lvalue(st: State, n: PyNode): { base: string; keys: (string | number)[]; unknownKey: boolean } | null {
    const keys: (string | number)[] = [];
    let cur: PyNode | null = unparen(n);
    let unknownKey = false;
    while (cur && cur.type === 'subscript') {
      const sub = field(cur, 'subscript');
      const kv = sub ? this.expr(st, sub).value : null;
      if (typeof kv === 'string' || typeof kv === 'number') keys.unshift(kv);
      else unknownKey = true;
      cur = unparen(field(cur, 'value'));
    }
    if (!cur || cur.type !== 'identifier') return null;
    return { base: st.mod.text(cur), keys, unknownKey };
  }

  private mutate(st: State, path: { base: string; keys: (string | number)[]; unknownKey: boolean }, stmtNode: PyNode, fn: (old: SValue) => SValue): void {
    const b = st.ns.get(path.base);
    if (!b || b.qual) return;
    const site = siteOf(st.mod, stmtNode);
    let nv: SValue;
    if (path.unknownKey) nv = unknown(`item assigned with a computed key at ${st.mod.path}:${stmtNode.line}`, b.v.site);
    else nv = fn(b.v);
    if (st.conditional) nv = { ...nv, conditional: true };
    if (st.envCond) nv = { ...nv, envDependent: true };
    st.ns.set(path.base, { ...b, v: nv, stmt: site, writes: [...b.writes, site], conditional: b.conditional || st.conditional });
  }

  /** Returns `old` with the value at `keys` replaced by `fn(current)`. */
  private updateAt(old: SValue, keys: (string | number)[], fn: (cur: SValue | undefined) => SValue): SValue {
    if (keys.length === 0) return fn(old);
    const [k, ...rest] = keys;
    if (old.entries && typeof k === 'string') {
      const idx = old.entries.findIndex((e) => e.key === k);
      const cur = idx >= 0 ? old.entries[idx].value : undefined;
      const nv = rest.length ? (cur ? this.updateAt(cur, rest, fn) : unknown(`missing key ${k}`, old.site)) : fn(cur);
      const entries = [...old.entries];
      if (idx >= 0) entries[idx] = { ...entries[idx], value: nv };
      else entries.push({ key: k, keySite: nv.site, value: nv });
      return dictValue(entries, old.site, { conditional: old.conditional });
    }
    if (old.entries && typeof k === 'number') return this.updateAt(old, [String(k), ...rest], fn);
    if (old.items && typeof k === 'number') {
      const i = k < 0 ? old.items.length + k : k;
      if (i < 0 || i >= old.items.length) return unknown('index out of range', old.site);
      const items = [...old.items];
      items[i] = rest.length ? this.updateAt(items[i], rest, fn) : fn(items[i]);
      return listValue(items, old.site, { conditional: old.conditional });
    }
    return unknown('item assignment on a value the resolver does not know', old.site, { envDependent: old.envDependent });
  }

  private setAt(old: SValue, keys: (string | number)[], v: SValue, _site: SettingSite): SValue {
    return this.updateAt(old, keys, () => v);
  }

  private augmented(st: State, a: PyNode): void {
    const left = field(a, 'left');
    const right = field(a, 'right');
    const opNode = field(a, 'operator');
    if (!left || !right || !opNode) return;
    const op = st.mod.text(opNode).replace(/=$/, '');
    const rv = this.expr(st, right);
    const path = unparen(left)?.type === 'identifier' ? { base: st.mod.text(unparen(left)!), keys: [], unknownKey: false } : unparen(left)?.type === 'subscript' ? this.lvalue(st, unparen(left)!) : null;
    if (!path) return;
    if (!st.ns.has(path.base)) {
      this.bind(st, path.base, unknown(`${path.base} augmented before assignment`, siteOf(st.mod, a)), a);
      return;
    }
    this.mutate(st, path, a, (old) => this.updateAt(old, path.keys, (cur) => (cur ? this.binop(op, cur, rv, siteOf(st.mod, a)) : unknown('augmented missing item', siteOf(st.mod, a)))));
  }

  private callStatement(st: State, c: PyNode): void {
    const fn = unparen(field(c, 'function'));
    const args = field(c, 'arguments');
    if (!fn) return;
    const q = this.qualify(st, fn);
    if (q === 'exec' || q === 'execfile' || q === 'globals.update' || q === 'vars.update' || q === 'locals.update') {
      st.opaque.push(`${st.mod.text(fn)}() at ${st.mod.path}:${c.line} can set any setting`);
      return;
    }
    if (fn.type === 'attribute' && unparen(field(fn, 'object'))?.type === 'call') {
      const inner = unparen(field(fn, 'object'))!;
      const iq = this.qualify(st, field(inner, 'function'));
      if (iq === 'globals' || iq === 'vars' || iq === 'locals') {
        st.opaque.push(`${st.mod.text(c).slice(0, 40)} at ${st.mod.path}:${c.line} can set any setting`);
        return;
      }
    }
    if (q === 'split_settings.tools.include' || q === 'split_settings.include') {
      this.splitInclude(st, c);
      return;
    }
    if (q === 'setattr') return;
    if (fn.type !== 'attribute' || !args) return;
    const method = st.mod.text(field(fn, 'attribute')!);
    const obj = unparen(field(fn, 'object'));
    if (!obj) return;
    const path = obj.type === 'identifier' ? { base: st.mod.text(obj), keys: [] as (string | number)[], unknownKey: false } : obj.type === 'subscript' ? this.lvalue(st, obj) : null;
    if (!path) return;
    const b = st.ns.get(path.base);
    if (!b || b.qual || b.envScheme || b.decouple) return;
    if (NON_MUTATING.has(method)) return;
    const pos = named(args).filter((x) => x.type !== 'keyword_argument' && x.type !== 'comment');
    const site = siteOf(st.mod, c);
    const vals = pos.map((p) => this.expr(st, p));
    this.mutate(st, path, c, (old) =>
      this.updateAt(old, path.keys, (cur) => {
        if (!cur) return unknown(`${method} on a missing item`, site);
        return this.applyMethod(cur, method, vals, site);
      }),
    );
  }

  private applyMethod(cur: SValue, method: string, args: SValue[], site: SettingSite): SValue {
    const env = cur.envDependent || args.some((a) => a.envDependent);
    const extra = { conditional: cur.conditional, envDependent: env };
    if (cur.items && !isUnknown(cur.value)) {
      switch (method) {
        case 'append':
        case 'add':
          if (args.length === 1) return listValue([...cur.items, args[0]], cur.site, extra);
          break;
        case 'insert':
          if (args.length === 2 && typeof args[0].value === 'number') {
            const items = [...cur.items];
            let i = args[0].value;
            if (i < 0) i = Math.max(0, items.length + i);
            items.splice(Math.min(i, items.length), 0, args[1]);
            return listValue(items, cur.site, extra);
          }
          break;
        case 'extend':
          if (args.length === 1 && args[0].items) return listValue([...cur.items, ...args[0].items], cur.site, extra);
          break;
        case 'remove':
        case 'discard':
          if (args.length === 1) {
            const i = cur.items.findIndex((x) => pyEquals(x.value, args[0].value) === true);
            if (i >= 0) return listValue(cur.items.filter((_x, j) => j !== i), cur.site, extra);
            if (cur.items.every((x) => pyEquals(x.value, args[0].value) === false)) return cur;
          }
          break;
        case 'clear':
          return listValue([], cur.site, extra);
        case 'pop':
          if (args.length === 0 && cur.items.length) return listValue(cur.items.slice(0, -1), cur.site, extra);
          break;
        case 'sort':
        case 'reverse':
          return unknown(`list reordered by ${method}()`, cur.site, { envDependent: env });
      }
    }
    if (cur.entries && !isUnknown(cur.value)) {
      switch (method) {
        case 'update':
          if (args.length === 1 && args[0].entries) {
            const entries = [...cur.entries];
            for (const e of args[0].entries) {
              const i = entries.findIndex((x) => x.key === e.key);
              if (i >= 0) entries[i] = e;
              else entries.push(e);
            }
            return dictValue(entries, cur.site, extra);
          }
          break;
        case 'setdefault':
          if (args.length >= 1 && typeof args[0].value === 'string') {
            const k = args[0].value;
            if (cur.entries.some((e) => e.key === k)) return cur;
            const v = args[1] ?? { value: null, site };
            return dictValue([...cur.entries, { key: k, keySite: args[0].site, value: v }], cur.site, extra);
          }
          break;
        case 'pop':
          if (args.length >= 1 && typeof args[0].value === 'string') {
            const k = args[0].value;
            return dictValue(cur.entries.filter((e) => e.key !== k), cur.site, extra);
          }
          break;
        case 'clear':
          return dictValue([], cur.site, extra);
      }
    }
    if (!cur.items && !cur.entries && !isUnknown(cur.value) && !LIST_MUTATORS.has(method)) return cur;
    return unknown(`changed by .${method}() at ${site.file}:${site.line}`, cur.site, { envDependent: env });
  }

  private deleteTarget(st: State, t: PyNode, stmtNode: PyNode): void {
    const tt = unparen(t);
    if (!tt) return;
    if (tt.type === 'expression_list') {
      for (const x of named(tt)) this.deleteTarget(st, x, stmtNode);
      return;
    }
    if (tt.type === 'identifier') {
      st.ns.delete(st.mod.text(tt));
      return;
    }
    if (tt.type === 'subscript') {
      const path = this.lvalue(st, tt);
      if (!path || path.keys.length === 0) return;
      const last = path.keys[path.keys.length - 1];
      const parent = { ...path, keys: path.keys.slice(0, -1) };
      this.mutate(st, parent, stmtNode, (old) =>
        this.updateAt(old, parent.keys, (cur) => {
          if (!cur) return unknown('del on missing item', siteOf(st.mod, stmtNode));
          if (cur.entries && typeof last === 'string') return dictValue(cur.entries.filter((e) => e.key !== last), cur.site);
          if (cur.items && typeof last === 'number') {
            const i = last < 0 ? cur.items.length + last : last;
            return listValue(cur.items.filter((_x, j) => j !== i), cur.site);
          }
          return unknown('del on a value the resolver does not know', cur.site);
        }),
      );
    }
  }

  private loop(st: State, n: PyNode): void {
    // Loops are not unrolled: every setting the body writes or changes becomes unknown.
    const touched = new Set<string>();
    const visit = (x: PyNode) => {
      if (x.type === 'function_definition' || x.type === 'class_definition') return;
      if (x.type === 'assignment' || x.type === 'augmented_assignment') {
        const l = unparen(field(x, 'left'));
        let base = l;
        while (base && (base.type === 'subscript' || base.type === 'attribute')) base = unparen(field(base, base.type === 'subscript' ? 'value' : 'object'));
        if (base?.type === 'identifier') touched.add(st.mod.text(base));
      }
      if (x.type === 'call') {
        const f = unparen(field(x, 'function'));
        if (f?.type === 'attribute') {
          let base = unparen(field(f, 'object'));
          while (base && base.type === 'subscript') base = unparen(field(base, 'value'));
          if (base?.type === 'identifier') touched.add(st.mod.text(base));
        }
      }
      for (const c of x.children) visit(c);
    };
    visit(n);
    for (const name of touched) {
      const b = st.ns.get(name);
      if (b?.qual) continue;
      this.bind(st, name, unknown(`changed in a loop at ${st.mod.path}:${n.line}`, b?.v.site ?? siteOf(st.mod, n)), n);
    }
  }

  // ---------------------------------------------------------------- control flow

  private ifStatement(st: State, n: PyNode): Flow {
    const clauses: { cond: PyNode | null; body: PyNode[] }[] = [{ cond: field(n, 'condition'), body: this.blockOf(field(n, 'consequence')) }];
    for (const c of n.children) {
      if (c.type === 'elif_clause') clauses.push({ cond: field(c, 'condition'), body: this.blockOf(field(c, 'consequence')) });
      else if (c.type === 'else_clause') clauses.push({ cond: null, body: this.blockOf(field(c, 'body')) });
    }
    return this.clauses(st, clauses, 0);
  }

  private clauses(st: State, cl: { cond: PyNode | null; body: PyNode[] }[], i: number): Flow {
    if (i >= cl.length) return 'ok';
    const c = cl[i];
    if (!c.cond) return this.block(st, c.body);
    const cv = this.expr(st, c.cond);
    const truth = pyTruthy(cv.value);
    if (truth !== undefined) {
      // Decided on environment defaults: whatever the chosen branch writes depends on the environment.
      const sub: State = cv.envDependent && !st.envCond ? { ...st, envCond: true } : st;
      return truth ? this.block(sub, c.body) : this.clauses(sub, cl, i + 1);
    }
    // Unknown condition: evaluate both ways and merge (values that differ become conditional).
    const a: State = { ...st, ns: new Map(st.ns), conditional: true };
    const b: State = { ...st, ns: new Map(st.ns), conditional: true };
    this.block(a, c.body);
    this.clauses(b, cl, i + 1);
    this.merge(st, a.ns, b.ns);
    return 'ok';
  }

  private merge(st: State, x: Namespace, y: Namespace): void {
    const keys = new Set([...x.keys(), ...y.keys()]);
    for (const k of keys) {
      const bx = x.get(k);
      const by = y.get(k);
      if (bx === by) {
        if (bx) st.ns.set(k, bx);
        continue;
      }
      if (bx && by && pyEquals(bx.v.value, by.v.value) === true && !isUnknown(bx.v.value)) {
        const later = this.later(bx, by);
        st.ns.set(k, { ...later, writes: this.unionWrites(bx, by), conditional: bx.conditional && by.conditional });
        continue;
      }
      const pick = bx && by ? this.later(bx, by) : (bx ?? by)!;
      st.ns.set(k, { ...pick, v: { ...pick.v, conditional: true }, conditional: true, writes: bx && by ? this.unionWrites(bx, by) : pick.writes });
    }
    for (const k of [...st.ns.keys()]) if (!keys.has(k)) st.ns.delete(k);
  }

  private later(a: Binding, b: Binding): Binding {
    if (a.stmt.file === b.stmt.file) return a.stmt.line > b.stmt.line ? a : b;
    return b;
  }

  private unionWrites(a: Binding, b: Binding): SettingSite[] {
    const out = [...a.writes];
    for (const w of b.writes) if (!out.some((o) => o.file === w.file && o.line === w.line && o.column === w.column)) out.push(w);
    return out;
  }

  private tryStatement(st: State, n: PyNode): Flow {
    const body = this.blockOf(field(n, 'body'));
    const flow = this.block({ ...st, inTry: true }, body);
    if (flow === 'importError') {
      const handler = n.children.find((c) => c.type === 'except_clause' || c.type === 'except_group_clause');
      if (handler) {
        const blk = handler.children.find((c) => c.type === 'block');
        this.block(st, blk ? named(blk) : []);
      }
    } else {
      const els = n.children.find((c) => c.type === 'else_clause');
      if (els) this.block(st, this.blockOf(field(els, 'body')));
    }
    const fin = n.children.find((c) => c.type === 'finally_clause');
    if (fin) {
      const blk = fin.children.find((c) => c.type === 'block');
      this.block(st, blk ? named(blk) : []);
    }
    return 'ok';
  }

  // ---------------------------------------------------------------- imports

  /** The project module an import names, 'missing' when it should be in the project but is not, null when external. */
  private importTarget(st: State, name: string, relative: boolean): PyModule | 'missing' | null {
    const m = this.python.moduleByName(name);
    if (m) return m;
    if (relative) return 'missing';
    const head = name.split('.')[0];
    if (this.python.moduleByName(head) && this.isProjectPackage(head)) return 'missing';
    return null;
  }

  private isProjectPackage(head: string): boolean {
    return this.pyPaths.some((p) => p === `${head}.py` || p.startsWith(`${head}/`));
  }

  private importStatement(st: State, n: PyNode): Flow {
    for (const c of named(n)) {
      if (c.type === 'aliased_import') {
        const nm = field(c, 'name');
        const alias = field(c, 'alias');
        if (!nm || !alias) continue;
        const full = st.mod.text(nm);
        if (this.importTarget(st, full, false) === 'missing') return 'importError';
        this.bind(st, st.mod.text(alias), unknown(`module ${full}`, siteOf(st.mod, n)), n, { qual: full });
      } else if (c.type === 'dotted_name') {
        const full = st.mod.text(c);
        if (this.importTarget(st, full, false) === 'missing') return 'importError';
        const head = full.split('.')[0];
        this.bind(st, head, unknown(`module ${head}`, siteOf(st.mod, n)), n, { qual: head });
      }
    }
    return 'ok';
  }

  private importFrom(st: State, n: PyNode): Flow {
    const modNode = field(n, 'module_name');
    if (!modNode) return 'ok';
    let target: string;
    let relative = false;
    if (modNode.type === 'relative_import') {
      relative = true;
      const prefix = modNode.children.find((c) => c.type === 'import_prefix');
      const level = prefix ? st.mod.text(prefix).length : 1;
      const rest = modNode.children.find((c) => c.type === 'dotted_name');
      target = resolveRelative(st.mod, level, rest ? st.mod.text(rest) : '');
    } else {
      target = st.mod.text(modNode);
    }
    const wildcard = n.children.some((c) => c.type === 'wildcard_import');
    const tm = this.importTarget(st, target, relative);
    if (wildcard) {
      if (tm === 'missing') return 'importError';
      if (tm === null) {
        st.opaque.push(`\`from ${target} import *\` at ${st.mod.path}:${n.line} imports a module outside the scanned tree`);
        return 'ok';
      }
      const res = this.evaluateModule(tm);
      for (const f of res.files) if (!st.files.includes(f)) st.files.push(f);
      for (const o of res.opaque) if (!st.opaque.includes(o)) st.opaque.push(o);
      const all = res.ns.get('__all__');
      const allNames = all && Array.isArray(all.v.value) && all.v.value.every((x) => typeof x === 'string') ? new Set(all.v.value as string[]) : null;
      for (const [k, b] of res.ns) {
        if (allNames ? !allNames.has(k) : k.startsWith('_')) continue;
        const prev = st.ns.get(k);
        st.ns.set(k, {
          ...b,
          v: st.conditional ? { ...b.v, conditional: true } : b.v,
          writes: prev && prev !== b ? [...prev.writes, ...b.writes.filter((w) => !prev.writes.includes(w))] : b.writes,
          conditional: b.conditional || st.conditional,
        });
      }
      return 'ok';
    }
    const names: { name: string; alias: string }[] = [];
    for (const c of n.children) {
      if (c.field !== 'name') continue;
      if (c.type === 'aliased_import') {
        const nm = field(c, 'name');
        const al = field(c, 'alias');
        if (nm && al) names.push({ name: st.mod.text(nm), alias: st.mod.text(al) });
      } else names.push({ name: st.mod.text(c), alias: st.mod.text(c) });
    }
    if (tm && tm !== 'missing') {
      const res = this.evaluateModule(tm);
      for (const f of res.files) if (!st.files.includes(f)) st.files.push(f);
      for (const { name, alias } of names) {
        const b = res.ns.get(name);
        if (b) st.ns.set(alias, { ...b, conditional: b.conditional || st.conditional });
        else {
          const sub = this.python.moduleByName(`${target}.${name}`);
          this.bind(st, alias, unknown(sub ? `module ${target}.${name}` : `${target}.${name}`, siteOf(st.mod, n)), n, { qual: `${target}.${name}` });
        }
      }
      return 'ok';
    }
    if (tm === 'missing') {
      // `from .pkg import mod` where pkg/mod.py exists but pkg/__init__.py does not (namespace package).
      const subs = names.map((x) => this.python.moduleByName(`${target}.${x.name}`));
      if (subs.every((s) => s)) {
        names.forEach((x) => this.bind(st, x.alias, unknown(`module ${target}.${x.name}`, siteOf(st.mod, n)), n, { qual: `${target}.${x.name}` }));
        return 'ok';
      }
      return 'importError';
    }
    for (const { name, alias } of names) this.bind(st, alias, unknown(`${target}.${name}`, siteOf(st.mod, n)), n, { qual: `${target}.${name}` });
    return 'ok';
  }

  /** django-split-settings: `include('components/base.py', optional('local.py'))` runs the files in this namespace. */
  private splitInclude(st: State, c: PyNode): void {
    const args = field(c, 'arguments');
    if (!args) return;
    const dir = st.mod.path.includes('/') ? st.mod.path.slice(0, st.mod.path.lastIndexOf('/')) : '';
    for (const a of named(args)) {
      if (a.type === 'keyword_argument') continue;
      let optional = false;
      let pat: string | null = null;
      const ua = unparen(a);
      if (ua?.type === 'call') {
        const q = this.qualify(st, field(ua, 'function'));
        if (q === 'split_settings.tools.optional' || q === 'split_settings.optional') {
          optional = true;
          const inner = field(ua, 'arguments');
          pat = inner ? stringValue(named(inner)[0] ?? null, st.mod.src) : null;
        }
      } else pat = stringValue(ua, st.mod.src);
      if (pat === null) {
        st.opaque.push(`split-settings include with a computed path at ${st.mod.path}:${c.line}`);
        continue;
      }
      const joined = normalise(dir ? `${dir}/${pat}` : pat);
      const matches = /[*?[]/.test(joined) ? this.pyPaths.filter((p) => picomatch.isMatch(p, joined, { dot: false })).sort() : this.pyPaths.includes(joined) ? [joined] : [];
      if (!matches.length && !optional) st.opaque.push(`split-settings include of ${pat} at ${st.mod.path}:${c.line} names no file in the scanned tree`);
      for (const p of matches) {
        if (this.active.has(p)) continue;
        const m = this.python.load(p);
        if (!m) continue;
        if (!st.files.includes(p)) st.files.push(p);
        this.active.add(p);
        try {
          this.block({ ...st, mod: m }, named(m.root));
        } finally {
          this.active.delete(p);
        }
      }
    }
  }

  // ---------------------------------------------------------------- expressions

  /** Qualified name of a name/attribute chain, through import bindings in the namespace. */
  qualify(st: State, n: PyNode | null): string | null {
    const u = unparen(n);
    if (!u) return null;
    if (u.type === 'call') {
      const inner = this.qualify(st, field(u, 'function'));
      return inner; // `globals().update` → handled by caller via object
    }
    if (u.type === 'identifier') {
      const name = st.mod.text(u);
      const b = st.ns.get(name);
      if (b) return b.qual ?? null;
      const imp = st.mod.imports.get(name);
      if (imp) return imp.name ? `${imp.module}.${imp.name}` : imp.module;
      return name;
    }
    if (u.type === 'attribute') {
      const obj = field(u, 'object');
      const attr = field(u, 'attribute');
      if (!obj || !attr) return null;
      const uo = unparen(obj);
      if (uo?.type === 'call') {
        const q = this.qualify(st, field(uo, 'function'));
        return q && (q === 'globals' || q === 'vars' || q === 'locals') ? `${q}.${st.mod.text(attr)}` : null;
      }
      const base = this.qualify(st, obj);
      return base ? `${base}.${st.mod.text(attr)}` : null;
    }
    return null;
  }

  expr(st: State, n0: PyNode): SValue {
    const n = unparen(n0) ?? n0;
    const site = siteOf(st.mod, n);
    const src = st.mod.src;
    switch (n.type) {
      case 'integer': {
        const t = st.mod.text(n).replace(/_/g, '').toLowerCase();
        let v: number;
        if (/^0x/.test(t)) v = parseInt(t.slice(2), 16);
        else if (/^0o/.test(t)) v = parseInt(t.slice(2), 8);
        else if (/^0b/.test(t)) v = parseInt(t.slice(2), 2);
        else v = Number(t.replace(/l$/, ''));
        return Number.isFinite(v) ? { value: v, site } : unknown('integer', site);
      }
      case 'float': {
        const v = Number(st.mod.text(n).replace(/_/g, ''));
        return Number.isFinite(v) ? { value: v, site } : unknown('float', site);
      }
      case 'string':
      case 'concatenated_string': {
        const s = stringValue(n, src);
        if (s === null) return unknown('formatted string', site);
        if (n.type === 'string' && /^[rRuU]*[bB]/.test(st.mod.text(n))) return { value: s, site };
        return { value: s, site };
      }
      case 'true':
        return { value: true, site };
      case 'false':
        return { value: false, site };
      case 'none':
        return { value: null, site };
      case 'list':
      case 'tuple':
      case 'set':
      case 'expression_list': {
        const items: SValue[] = [];
        for (const c of named(n)) {
          if (c.type === 'list_splat' || c.type === 'parenthesized_list_splat') {
            const inner = named(c)[0];
            const v = inner ? this.expr(st, inner) : unknown('splat', site);
            if (v.items) items.push(...v.items);
            else return unknown('unpacked unknown value', site, { envDependent: v.envDependent });
          } else items.push(this.expr(st, c));
        }
        return listValue(items, site);
      }
      case 'dictionary': {
        const entries: NonNullable<SValue['entries']> = [];
        for (const c of named(n)) {
          if (c.type === 'pair') {
            const k = field(c, 'key');
            const v = field(c, 'value');
            if (!k || !v) continue;
            const kv = this.expr(st, k);
            const key = typeof kv.value === 'string' || typeof kv.value === 'number' || typeof kv.value === 'boolean' ? String(kv.value) : null;
            if (key === null) return unknown('dict with a computed key', site);
            const val = this.expr(st, v);
            const i = entries.findIndex((e) => e.key === key);
            if (i >= 0) entries.splice(i, 1);
            entries.push({ key, keySite: siteOf(st.mod, k), value: val });
          } else if (c.type === 'dictionary_splat') {
            const inner = named(c)[0];
            const v = inner ? this.expr(st, inner) : null;
            if (!v?.entries) return unknown('unpacked unknown dict', site);
            for (const e of v.entries) {
              const i = entries.findIndex((x) => x.key === e.key);
              if (i >= 0) entries.splice(i, 1);
              entries.push(e);
            }
          }
        }
        return dictValue(entries, site);
      }
      case 'identifier': {
        const name = st.mod.text(n);
        const b = st.ns.get(name);
        if (b) return withSite(b.v, site);
        return unknown(`name ${name}`, site);
      }
      case 'attribute': {
        const q = this.qualify(st, n);
        if (q === 'os.environ') return unknown('os.environ', site, { envDependent: true });
        return unknown(`attribute ${st.mod.text(n).slice(0, 60)}`, site);
      }
      case 'subscript': {
        const base = field(n, 'value');
        const sub = field(n, 'subscript');
        if (!base || !sub) return unknown('subscript', site);
        const q = this.qualify(st, base);
        const key = this.expr(st, sub);
        if (q === 'os.environ') return unknown(`environment variable ${typeof key.value === 'string' ? key.value : '?'}`, site, { envDependent: true, env: typeof key.value === 'string' ? key.value : undefined });
        const bv = this.expr(st, base);
        if (bv.entries && (typeof key.value === 'string' || typeof key.value === 'number')) {
          const e = bv.entries.find((x) => x.key === String(key.value));
          return e ? e.value : unknown(`missing key ${String(key.value)}`, site);
        }
        if (bv.items && typeof key.value === 'number') {
          const i = key.value < 0 ? bv.items.length + key.value : key.value;
          return bv.items[i] ?? unknown('index out of range', site);
        }
        return unknown('subscript', site, { envDependent: bv.envDependent });
      }
      case 'binary_operator': {
        const l = field(n, 'left');
        const r = field(n, 'right');
        const op = field(n, 'operator');
        if (!l || !r || !op) return unknown('operator', site);
        return this.binop(st.mod.text(op), this.expr(st, l), this.expr(st, r), site);
      }
      case 'unary_operator': {
        const a = field(n, 'argument');
        const op = field(n, 'operator');
        if (!a || !op) return unknown('operator', site);
        const v = this.expr(st, a);
        const o = st.mod.text(op);
        if (typeof v.value === 'number' || typeof v.value === 'boolean') {
          const x = Number(v.value);
          if (o === '-') return { value: -x, site, envDependent: v.envDependent, env: v.env };
          if (o === '+') return { value: x, site, envDependent: v.envDependent, env: v.env };
          if (o === '~') return { value: ~x, site, envDependent: v.envDependent, env: v.env };
        }
        return unknown('operator', site, { envDependent: v.envDependent });
      }
      case 'not_operator': {
        const a = field(n, 'argument');
        const v = a ? this.expr(st, a) : null;
        const t = v ? pyTruthy(v.value) : undefined;
        return t === undefined ? unknown('not', site, { envDependent: v?.envDependent }) : { value: !t, site, envDependent: v!.envDependent, env: v!.env };
      }
      case 'boolean_operator': {
        const l = field(n, 'left');
        const r = field(n, 'right');
        const op = field(n, 'operator');
        if (!l || !r || !op) return unknown('boolean operator', site);
        const lv = this.expr(st, l);
        const t = pyTruthy(lv.value);
        const isAnd = st.mod.text(op) === 'and';
        if (t === undefined) return unknown('boolean operator', site, { envDependent: lv.envDependent });
        const pick = isAnd ? (t ? this.expr(st, r) : lv) : t ? lv : this.expr(st, r);
        return lv.envDependent ? markEnv(pick, lv.env) : pick;
      }
      case 'comparison_operator':
        return this.compare(st, n, site);
      case 'conditional_expression': {
        const parts = named(n);
        if (parts.length !== 3) return unknown('conditional', site);
        const cv = this.expr(st, parts[1]);
        const t = pyTruthy(cv.value);
        if (t === undefined) {
          const a = this.expr(st, parts[0]);
          const b = this.expr(st, parts[2]);
          if (pyEquals(a.value, b.value) === true) return a;
          return unknown('conditional expression', site, { envDependent: cv.envDependent });
        }
        const v = this.expr(st, t ? parts[0] : parts[2]);
        return cv.envDependent ? markEnv(v, cv.env) : v;
      }
      case 'call':
        return this.call(st, n, site);
      default:
        return unknown(n.type, site);
    }
  }

  private compare(st: State, n: PyNode, site: SettingSite): SValue {
    const operands = named(n).filter((c) => c.field !== 'operators');
    const ops = n.children.filter((c) => c.field === 'operators').map((c) => st.mod.text(c).replace(/\s+/g, ' '));
    if (operands.length !== ops.length + 1) return unknown('comparison', site);
    const vals = operands.map((o) => this.expr(st, o));
    const env = vals.some((v) => v.envDependent);
    for (let i = 0; i < ops.length; i++) {
      const r = cmp(ops[i], vals[i].value, vals[i + 1].value);
      if (r === undefined) return unknown('comparison', site, { envDependent: env });
      if (!r) return { value: false, site, envDependent: env };
    }
    return { value: true, site, envDependent: env };
  }

  binop(op: string, l: SValue, r: SValue, site: SettingSite): SValue {
    const env = l.envDependent || r.envDependent;
    const envName = l.env ?? r.env;
    const extra = env ? { envDependent: true, env: envName } : {};
    const a = l.value;
    const b = r.value;
    if ((typeof a === 'number' || typeof a === 'boolean') && (typeof b === 'number' || typeof b === 'boolean')) {
      const x = Number(a);
      const y = Number(b);
      let v: number | null = null;
      switch (op) {
        case '+': v = x + y; break;
        case '-': v = x - y; break;
        case '*': v = x * y; break;
        case '/': v = y === 0 ? null : x / y; break;
        case '//': v = y === 0 ? null : Math.floor(x / y); break;
        case '%': v = y === 0 ? null : ((x % y) + y) % y; break;
        case '**': v = x ** y; break;
        case '<<': v = x * 2 ** y; break;
        case '>>': v = Math.floor(x / 2 ** y); break;
        case '|': v = x | y; break;
        case '&': v = x & y; break;
        case '^': v = x ^ y; break;
      }
      if (v !== null && Number.isFinite(v)) return { value: v, site, ...extra };
      return unknown('arithmetic', site, extra);
    }
    if (op === '+' && typeof a === 'string' && typeof b === 'string') return { value: a + b, site, ...extra };
    if (op === '+' && l.items && r.items && !isUnknown(a) && !isUnknown(b)) return listValue([...l.items, ...r.items], site, extra);
    if (op === '*' && typeof a === 'string' && typeof b === 'number') return { value: a.repeat(Math.max(0, b)), site, ...extra };
    if (op === '*' && l.items && typeof b === 'number' && b >= 0 && b < 100) {
      const items: SValue[] = [];
      for (let i = 0; i < b; i++) items.push(...l.items);
      return listValue(items, site, extra);
    }
    if (op === '|' && l.entries && r.entries) {
      const entries = [...l.entries];
      for (const e of r.entries) {
        const i = entries.findIndex((x) => x.key === e.key);
        if (i >= 0) entries[i] = e;
        else entries.push(e);
      }
      return dictValue(entries, site, extra);
    }
    if (op === '-' && l.items && r.items && !isUnknown(a) && !isUnknown(b)) {
      return listValue(l.items.filter((x) => !r.items!.some((y) => pyEquals(x.value, y.value) === true)), site, extra);
    }
    return unknown(`operator ${op}`, site, extra);
  }

  private call(st: State, n: PyNode, site: SettingSite): SValue {
    const fn = unparen(field(n, 'function'));
    const argList = field(n, 'arguments');
    if (!fn) return unknown('call', site);
    const pos: PyNode[] = [];
    const kw = new Map<string, PyNode>();
    let splat = false;
    for (const a of argList ? named(argList) : []) {
      if (a.type === 'keyword_argument') {
        const k = field(a, 'name');
        const v = field(a, 'value');
        if (k && v) kw.set(st.mod.text(k), v);
      } else if (a.type === 'list_splat' || a.type === 'dictionary_splat') splat = true;
      else if (a.type !== 'comment') pos.push(a);
    }
    const text = st.mod.text(fn);

    if (fn.type === 'attribute') {
      const obj = unparen(field(fn, 'object'))!;
      const attr = st.mod.text(field(fn, 'attribute')!);
      if (obj.type === 'identifier') {
        const b = st.ns.get(st.mod.text(obj));
        if (b?.envScheme) return this.envCall(st, b, attr, pos, kw, site);
      }
      if (attr === 'total_seconds' && obj.type === 'call') {
        const secs = this.timedeltaSeconds(st, obj);
        if (secs !== null) return { value: secs, site };
      }
      const q = this.qualify(st, fn);
      if (q === 'os.environ.get' || q === 'os.getenv' || q === 'os.environ.setdefault') return this.osEnv(st, pos, kw, site);
      if (attr === 'get' && !q) {
        const ov = this.expr(st, obj);
        const key = pos[0] ? this.expr(st, pos[0]) : null;
        if (ov.entries && key && typeof key.value === 'string') {
          const e = ov.entries.find((x) => x.key === key.value);
          if (e) return e.value;
          return pos[1] ? this.expr(st, pos[1]) : { value: null, site };
        }
      }
      if (attr === 'copy' && !q) return withSite(this.expr(st, obj), site);
      return unknown(`call ${text.slice(0, 60)}`, site);
    }

    if (fn.type === 'identifier') {
      const name = st.mod.text(fn);
      const b = st.ns.get(name);
      if (b?.envScheme) return this.envCall(st, b, null, pos, kw, site);
      if (b?.decouple) return this.decoupleCall(st, pos, kw, site);
      const q = this.qualify(st, fn);
      if (q === 'decouple.config') return this.decoupleCall(st, pos, kw, site);
      if (q === 'os.getenv' || q === 'os.environ.get') return this.osEnv(st, pos, kw, site);
      if (q === 'datetime.timedelta') return unknown('timedelta', site);
      if (!b && BUILTINS.has(name) && !splat) return this.builtin(st, name, pos, kw, site);
      if (b?.fnDef && !pos.length && !kw.size && !splat) {
        const r = this.returnOnlyFunction(st, b.fnDef);
        if (r) return r;
      }
    }
    return unknown(`call ${text.slice(0, 60)}`, site);
  }

  private calling = new Set<PyNode>();

  /**
   * A call to a settings-module helper that takes no parameters and only returns an expression
   * (`def _user_header(): return os.getenv("X", "HTTP_X_USER")`): the value of that expression in
   * the module's namespace at the call.
   */
  private returnOnlyFunction(st: State, def: PyNode): SValue | null {
    // Only where it is defined: its globals are that module's (a star import copies the binding).
    let top: PyNode = def;
    while (top.parent) top = top.parent;
    if (top !== st.mod.root) return null;
    const ps = field(def, 'parameters');
    if (ps && named(ps).length) return null;
    const body = field(def, 'body');
    const stmts = body ? named(body).filter((x) => !(x.type === 'expression_statement' && named(x).length === 1 && named(x)[0].type === 'string') && x.type !== 'pass_statement') : [];
    if (stmts.length !== 1 || stmts[0].type !== 'return_statement') return null;
    const e = named(stmts[0])[0];
    if (!e || this.calling.has(def)) return null;
    this.calling.add(def);
    try {
      return this.expr(st, e);
    } finally {
      this.calling.delete(def);
    }
  }

  private timedeltaSeconds(st: State, call: PyNode): number | null {
    if (this.qualify(st, field(call, 'function')) !== 'datetime.timedelta') return null;
    const args = field(call, 'arguments');
    const units: Record<string, number> = { weeks: 604800, days: 86400, hours: 3600, minutes: 60, seconds: 1, milliseconds: 0.001, microseconds: 0.000001 };
    const order = ['days', 'seconds', 'microseconds', 'milliseconds', 'minutes', 'hours', 'weeks'];
    let total = 0;
    let i = 0;
    for (const a of args ? named(args) : []) {
      let unit: string | undefined;
      let vn: PyNode | null;
      if (a.type === 'keyword_argument') {
        unit = st.mod.text(field(a, 'name')!);
        vn = field(a, 'value');
      } else {
        unit = order[i++];
        vn = a;
      }
      if (!unit || !(unit in units) || !vn) return null;
      const v = this.expr(st, vn).value;
      if (typeof v !== 'number') return null;
      total += v * units[unit];
    }
    return total;
  }

  private osEnv(st: State, pos: PyNode[], kw: Map<string, PyNode>, site: SettingSite): SValue {
    const nameV = pos[0] ? this.expr(st, pos[0]).value : kw.get('key') ? this.expr(st, kw.get('key')!).value : null;
    const env = typeof nameV === 'string' ? nameV : undefined;
    const defNode = pos[1] ?? kw.get('default') ?? null;
    const def = defNode ? this.expr(st, defNode) : { value: null, site };
    return { ...def, site, envDependent: true, env };
  }

  private envCall(st: State, b: Binding, method: string | null, pos: PyNode[], kw: Map<string, PyNode>, site: SettingSite): SValue {
    const nameV = pos[0] ? this.expr(st, pos[0]).value : null;
    const env = typeof nameV === 'string' ? nameV : undefined;
    let cast: string | null = method && method !== 'get_value' ? method : null;
    let defNode: PyNode | null = kw.get('default') ?? null;
    if (method === null || method === 'get_value') {
      const castNode = kw.get('cast') ?? pos[1];
      if (castNode) cast = st.mod.text(castNode);
      if (!defNode) defNode = pos[2] ?? null;
    } else if (method === 'list' || method === 'tuple' || method === 'dict') {
      if (!defNode) defNode = pos[2] ?? null;
    } else if (!defNode) defNode = pos[1] ?? null;
    let def: SValue | undefined = defNode ? this.expr(st, defNode) : undefined;
    if (!def && env && b.envScheme?.has(env)) {
      const sc = b.envScheme.get(env)!;
      def = sc.def;
      cast ??= sc.cast;
    }
    if (!def) return unknown(`environment variable ${env ?? '?'} (no default)`, site, { envDependent: true, env });
    return { ...castValue(def, cast), site, envDependent: true, env };
  }

  private decoupleCall(st: State, pos: PyNode[], kw: Map<string, PyNode>, site: SettingSite): SValue {
    const nameV = pos[0] ? this.expr(st, pos[0]).value : null;
    const env = typeof nameV === 'string' ? nameV : undefined;
    const defNode = kw.get('default') ?? pos[1] ?? null;
    if (!defNode) return unknown(`environment variable ${env ?? '?'} (no default)`, site, { envDependent: true, env });
    const castNode = kw.get('cast') ?? pos[2] ?? null;
    let cast: string | null = castNode ? st.mod.text(castNode) : null;
    if (cast && /^Csv\(/.test(cast)) cast = 'list';
    const def = this.expr(st, defNode);
    return { ...castValue(def, cast === 'bool' ? 'bool' : cast), site, envDependent: true, env };
  }

  private builtin(st: State, name: string, pos: PyNode[], kw: Map<string, PyNode>, site: SettingSite): SValue {
    const args = pos.map((p) => this.expr(st, p));
    const env = args.some((a) => a.envDependent);
    const envName = args.find((a) => a.env)?.env;
    const extra = env ? { envDependent: true, env: envName } : {};
    const a = args[0];
    switch (name) {
      case 'int':
      case 'float':
      case 'bool':
      case 'str': {
        if (!a) return { value: name === 'str' ? '' : name === 'bool' ? false : 0, site };
        const c = castValue(a, name);
        return isUnknown(c.value) ? unknown(`${name}()`, site, extra) : { ...c, site, ...extra };
      }
      case 'list':
      case 'tuple':
      case 'set':
      case 'frozenset':
      case 'sorted':
        if (!a) return listValue([], site);
        if (a.items) return listValue(a.items, site, extra);
        return unknown(`${name}()`, site, extra);
      case 'dict': {
        const entries: NonNullable<SValue['entries']> = a?.entries ? [...a.entries] : [];
        if (a && !a.entries) return unknown('dict()', site, extra);
        for (const [k, v] of kw) entries.push({ key: k, keySite: siteOf(st.mod, v), value: this.expr(st, v) });
        return dictValue(entries, site, extra);
      }
      case 'len':
        if (a && (a.items || typeof a.value === 'string')) return { value: a.items ? a.items.length : (a.value as string).length, site, ...extra };
        return unknown('len()', site, extra);
      case 'max':
      case 'min':
      case 'sum': {
        const nums = args.length === 1 && a.items ? a.items.map((x) => x.value) : args.map((x) => x.value);
        if (!nums.length || !nums.every((x) => typeof x === 'number')) return unknown(`${name}()`, site, extra);
        const ns = nums as number[];
        return { value: name === 'max' ? Math.max(...ns) : name === 'min' ? Math.min(...ns) : ns.reduce((s, x) => s + x, 0), site, ...extra };
      }
      case 'abs':
        return typeof a?.value === 'number' ? { value: Math.abs(a.value), site, ...extra } : unknown('abs()', site, extra);
      case 'round':
        return typeof a?.value === 'number' && args.length === 1 ? { value: Math.round(a.value), site, ...extra } : unknown('round()', site, extra);
    }
    return unknown(`${name}()`, site, extra);
  }
}

function normalise(p: string): string {
  const out: string[] = [];
  for (const part of p.split('/')) {
    if (part === '.' || part === '') continue;
    if (part === '..') out.pop();
    else out.push(part);
  }
  return out.join('/');
}
