// Statement evaluation: assignments (plain, unpacking, item), augmented assignments, in-place
// list/dict changes through method calls, `del`, loops, and the dispatch over statement kinds.
// Conditionals and `try` are in control-flow.ts, imports and split-settings `include()` in module.ts.

import type { PyNode } from '../../python/parser.js';
import { field, named, unparen } from '../../python/ast.js';
import { isUnknown, itemsAtLeast, type SettingSite, type SValue } from '../model.js';
import { dictValue, listValue, pyEquals, siteOf, unknown, type Binding, type Flow, type State } from './values.js';
import { ExpressionEvaluator } from './expressions.js';

const LIST_MUTATORS = new Set(['append', 'insert', 'extend', 'remove', 'update', 'setdefault', 'pop', 'clear', 'sort', 'reverse', 'add', 'discard']);
const NON_MUTATING = new Set(['get', 'keys', 'values', 'items', 'copy', 'index', 'count', 'format', 'startswith', 'endswith', 'split', 'join', 'lower', 'upper', 'strip']);

export abstract class StatementEvaluator extends ExpressionEvaluator {
  protected abstract ifStatement(st: State, n: PyNode): Flow;
  protected abstract tryStatement(st: State, n: PyNode): Flow;
  protected abstract importStatement(st: State, n: PyNode): Flow;
  protected abstract importFrom(st: State, n: PyNode): Flow;
  protected abstract splitInclude(st: State, c: PyNode): void;

  // ---------------------------------------------------------------- statements

  protected block(st: State, stmts: PyNode[]): Flow {
    for (const s of stmts) {
      if (this.stmt(st, s) === 'importError') {
        if (st.inTry) return 'importError';
        st.opaque.push(`import at ${st.mod.path}:${s.line} names a project module that is not in the scanned tree`);
      }
    }
    return 'ok';
  }

  protected blockOf(n: PyNode | null): PyNode[] {
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

  protected bind(st: State, name: string, v: SValue, stmtNode: PyNode, extra: Partial<Binding> = {}): void {
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
            if (i >= 0)
              return listValue(
                cur.items.filter((_x, j) => j !== i),
                cur.site,
                extra,
              );
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
          return unknown(`list reordered by ${method}()`, cur.site, { envDependent: env, atLeast: cur.items });
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
            return dictValue(
              cur.entries.filter((e) => e.key !== k),
              cur.site,
              extra,
            );
          }
          break;
        case 'clear':
          return dictValue([], cur.site, extra);
      }
    }
    if (!cur.items && !cur.entries && !isUnknown(cur.value) && !LIST_MUTATORS.has(method)) return cur;
    return unknown(`changed by .${method}() at ${site.file}:${site.line}`, cur.site, { envDependent: env, atLeast: this.lowerBoundAfter(cur, method, args) });
  }

  /** What a list certainly holds after `method(args)` when its value is not fully known (`SValue.atLeast`). */
  private lowerBoundAfter(cur: SValue, method: string, args: SValue[]): SValue[] | undefined {
    const had = itemsAtLeast(cur);
    if (!had) return undefined;
    switch (method) {
      case 'append':
      case 'add':
        return args.length === 1 ? [...had, args[0]] : had;
      case 'insert':
        return args.length === 2 ? [...had, args[1]] : had;
      case 'extend': {
        const more = args.length === 1 ? itemsAtLeast(args[0]) : null;
        return more ? [...had, ...more] : had;
      }
      case 'sort':
      case 'reverse':
        return had;
      case 'remove':
      case 'discard':
        // Only a removal of a known value keeps the others.
        return args.length === 1 && !isUnknown(args[0].value) ? had.filter((x) => pyEquals(x.value, args[0].value) === false) : undefined;
      default:
        return undefined;
    }
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
          if (cur.entries && typeof last === 'string')
            return dictValue(
              cur.entries.filter((e) => e.key !== last),
              cur.site,
            );
          if (cur.items && typeof last === 'number') {
            const i = last < 0 ? cur.items.length + last : last;
            return listValue(
              cur.items.filter((_x, j) => j !== i),
              cur.site,
            );
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
}
