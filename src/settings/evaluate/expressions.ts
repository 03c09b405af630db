// Expression evaluation over the value domain: literals, names, subscripts, operators, conditional
// expressions and calls (environment readers, builtins, `timedelta(...).total_seconds()`, settings
// helpers that only return an expression).

import type { PyNode } from '../../python/parser.js';
import type { PyModule } from '../../python/module.js';
import { field, named, stringValue, unparen } from '../../python/ast.js';
import { isUnknown, itemsAtLeast, pyTruthy, type SettingSite, type SValue } from '../model.js';
import { cmp, dictValue, listValue, markEnv, pyEquals, siteOf, unknown, withSite, type State } from './values.js';
import { castValue, EnvReaders } from './env.js';

const BUILTINS = new Set(['int', 'float', 'str', 'bool', 'list', 'tuple', 'set', 'frozenset', 'dict', 'len', 'max', 'min', 'sum', 'abs', 'round', 'sorted']);

export abstract class ExpressionEvaluator extends EnvReaders {
  // ---------------------------------------------------------------- expressions

  /** Qualified name of a name/attribute chain, through import bindings in the namespace. */
  /** The semantic model's qualified name for a name node (null when it binds nothing it can resolve). */
  protected abstract semantic(mod: PyModule, n: PyNode): string | null;

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
      // Not bound (yet) by the execution: what the semantic model says the name is, where it is written.
      return this.semantic(st.mod, u) ?? name;
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
        // An unpacked unknown value makes the list unknown; what is written around it stays in it.
        let open: SValue | null = null;
        for (const c of named(n)) {
          if (c.type === 'list_splat' || c.type === 'parenthesized_list_splat') {
            const inner = named(c)[0];
            const v = inner ? this.expr(st, inner) : unknown('splat', site);
            if (v.items && !isUnknown(v.value)) items.push(...v.items);
            else {
              open ??= v;
              if (v.atLeast) items.push(...v.atLeast);
            }
          } else items.push(this.expr(st, c));
        }
        if (open) return unknown('unpacked unknown value', site, { envDependent: open.envDependent || items.some((i) => i.envDependent), atLeast: items });
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
        case '+':
          v = x + y;
          break;
        case '-':
          v = x - y;
          break;
        case '*':
          v = x * y;
          break;
        case '/':
          v = y === 0 ? null : x / y;
          break;
        case '//':
          v = y === 0 ? null : Math.floor(x / y);
          break;
        case '%':
          v = y === 0 ? null : ((x % y) + y) % y;
          break;
        case '**':
          v = x ** y;
          break;
        case '<<':
          v = x * 2 ** y;
          break;
        case '>>':
          v = Math.floor(x / 2 ** y);
          break;
        case '|':
          v = x | y;
          break;
        case '&':
          v = x & y;
          break;
        case '^':
          v = x ^ y;
          break;
      }
      if (v !== null && Number.isFinite(v)) return { value: v, site, ...extra };
      return unknown('arithmetic', site, extra);
    }
    if (op === '+' && typeof a === 'string' && typeof b === 'string') return { value: a + b, site, ...extra };
    if (op === '+' && l.items && r.items && !isUnknown(a) && !isUnknown(b)) return listValue([...l.items, ...r.items], site, extra);
    // Concatenation keeps what each side certainly holds, even when one side is unknown.
    if (op === '+' && (l.items || l.atLeast) && (r.items || r.atLeast)) {
      const la = itemsAtLeast(l) ?? [];
      const ra = itemsAtLeast(r) ?? [];
      return unknown(`operator ${op}`, site, { ...extra, atLeast: [...la, ...ra] });
    }
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
      return listValue(
        l.items.filter((x) => !r.items!.some((y) => pyEquals(x.value, y.value) === true)),
        site,
        extra,
      );
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
        const ns = nums;
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
