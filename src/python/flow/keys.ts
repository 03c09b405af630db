// Key resolution: the constant strings an expression can be, and the request key (`HTTP_X_…`) a
// key expression names — literals, locals, module constants, settings and env defaults, class
// attributes and properties, helpers that return a key.

import type { ProjectModel } from '../../model/project.js';
import type { PyNode } from '../parser.js';
import type { PyClass, PyFunction, PyModule } from '../module.js';
import { dotted, field, firstNamed, named, stringValue, unparen, walkScope } from '../ast.js';
import type { PythonProject } from '../project.js';
import type { ScopeRef } from '../semantic/model.js';
import { scopeOfFunction } from '../semantic/scopes.js';
import { classMember, localValue, memberValues, returnExprs } from '../members.js';
import { isCertKey, MAX_STRS, percentFormat, product } from './values.js';
import type { FnState } from './state.js';

export class KeyResolver {
  constructor(
    private readonly project: PythonProject,
    private readonly model: ProjectModel,
  ) {}

  /**
   * The constant strings an expression can be: literals, locals and parameters holding them, module
   * constants, settings and class attributes (as keys resolve), and what `+`, `%`, f-strings and
   * `str.format` build from those. Null when any part is unknown.
   */
  strsOf(k: PyNode, st: FnState, depth = 0): string[] | null {
    const s = stringValue(k, st.mod.src);
    if (s !== null) return [s];
    const n = unparen(k);
    if (!n || depth > 8) return null;
    switch (n.type) {
      case 'identifier': {
        const name = st.mod.text(n);
        // A local (or parameter) shadows a module constant of the same name.
        if (st.env.has(name)) return st.env.get(name)!.strs ?? null;
        const cl = closureString(st.fn, name);
        if (cl !== null) return [cl];
        const c = this.constantOf(st.mod, name, n);
        return c ? [c.key] : null;
      }
      case 'attribute': {
        const k2 = this.keyOf(n, st);
        return k2 ? [k2.key] : null;
      }
      case 'string': {
        // An f-string: its literal parts and the constant values of its interpolations.
        let outs: string[] | null = [''];
        for (const c of n.children) {
          if (!outs) return null;
          if (c.type === 'string_content') outs = outs.map((o) => o + st.mod.text(c));
          else if (c.type === 'escape_sequence') return null;
          else if (c.type === 'interpolation') {
            if (field(c, 'format_specifier')) return null;
            const conv = field(c, 'type_conversion');
            if (conv && st.mod.text(conv) !== '!s') return null;
            const e = field(c, 'expression') ?? firstNamed(c);
            const vs = e ? this.strsOf(e, st, depth + 1) : null;
            if (!vs) return null;
            outs = product(outs, vs);
          }
        }
        return outs;
      }
      case 'binary_operator': {
        const op = field(n, 'operator');
        const l = field(n, 'left');
        const r = field(n, 'right');
        if (!op || !l || !r) return null;
        const opText = st.mod.text(op);
        const lv = this.strsOf(l, st, depth + 1);
        if (!lv) return null;
        if (opText === '+') {
          const rv = this.strsOf(r, st, depth + 1);
          return rv ? product(lv, rv) : null;
        }
        if (opText === '%') {
          const ru = unparen(r);
          const parts = ru && ru.type === 'tuple' ? named(ru) : [r];
          const args: string[][] = [];
          for (const p of parts) {
            const v = this.strsOf(p, st, depth + 1);
            if (!v) return null;
            args.push(v);
          }
          const outs: string[] = [];
          for (const f of lv) {
            const o = percentFormat(f, args);
            if (!o) return null;
            outs.push(...o);
          }
          return outs.length <= MAX_STRS ? outs : null;
        }
        return null;
      }
      case 'call': {
        // '…{}…{0}…'.format(a, b)
        const f = field(n, 'function');
        if (f?.type !== 'attribute' || st.mod.text(field(f, 'attribute')!) !== 'format') return null;
        const recv = field(f, 'object');
        const fmts = recv ? this.strsOf(recv, st, depth + 1) : null;
        const argsN = field(n, 'arguments');
        if (!fmts || !argsN) return null;
        const args: string[][] = [];
        for (const a of named(argsN)) {
          if (a.type === 'comment') continue;
          if (a.type === 'keyword_argument' || a.type === 'list_splat' || a.type === 'dictionary_splat') return null;
          const v = this.strsOf(a, st, depth + 1);
          if (!v) return null;
          args.push(v);
        }
        const outs: string[] = [];
        for (const fmt of fmts) {
          let cur: string[] | null = [''];
          let auto = 0;
          let last = 0;
          const re = /\{\{|\}\}|\{(\d*)\}|[{}]/g;
          for (let m = re.exec(fmt); m && cur; m = re.exec(fmt)) {
            const lit = fmt.slice(last, m.index);
            last = m.index + m[0].length;
            cur = cur.map((o) => o + lit);
            if (m[0] === '{{' || m[0] === '}}') {
              cur = cur.map((o) => o + m[0][0]);
              continue;
            }
            if (m[1] === undefined) return null; // a named field or a format spec
            const arg = args[m[1] === '' ? auto++ : Number(m[1])];
            if (!arg) return null;
            cur = product(cur, arg);
          }
          if (!cur) return null;
          outs.push(...cur.map((o) => o + fmt.slice(last)));
        }
        return outs.length <= MAX_STRS ? outs : null;
      }
      case 'conditional_expression': {
        const parts = named(n);
        if (parts.length !== 3) return null;
        const a = this.strsOf(parts[0], st, depth + 1);
        const b = this.strsOf(parts[2], st, depth + 1);
        return a && b && a.length + b.length <= MAX_STRS ? [...new Set([...a, ...b])] : null;
      }
      default:
        return null;
    }
  }

  /** `strsOf` for a value being computed (not a key being resolved): modules not parsed yet stay unparsed. */
  constStrs(n: PyNode, st: FnState): string[] | null {
    return this.project.withoutLoading(() => this.strsOf(n, st));
  }

  /** One key from the constant strings a key expression can be: a certificate key read from a header first, then any certificate key. */
  private pickKey(strs: string[]): string {
    return strs.find((k) => /^HTTP_/i.test(k) && isCertKey(k)) ?? strs.find((k) => isCertKey(k)) ?? strs[0];
  }

  /** Resolves a key expression: a literal, a module constant, a setting/env default, a class attribute. */
  keyOf(k: PyNode, st: FnState): { key: string; site?: { file: string; line: number } } | null {
    const s = stringValue(k, st.mod.src);
    if (s !== null) return { key: s };
    const n = unparen(k);
    if (!n) return null;
    const text = st.mod.text(n);
    if (n.type === 'identifier') {
      // A local holding the key (`header = 'HTTP_X_…'; META.get(header)`), or a parameter given one.
      if (st.env.has(text)) {
        const strs = st.env.get(text)!.strs;
        return strs?.length ? { key: this.pickKey(strs) } : null;
      }
      const cl = closureString(st.fn, text);
      if (cl !== null) return { key: cl };
      return this.constantOf(st.mod, text, n);
    }
    if (
      n.type === 'binary_operator' ||
      n.type === 'string' ||
      n.type === 'conditional_expression' ||
      (n.type === 'call' && field(n, 'function')?.type === 'attribute' && st.mod.text(field(field(n, 'function'), 'attribute')!) === 'format')
    ) {
      const strs = this.strsOf(n, st);
      return strs?.length ? { key: this.pickKey(strs) } : null;
    }
    if (n.type === 'attribute') {
      const obj = field(n, 'object');
      const attr = field(n, 'attribute');
      if (!obj || !attr) return null;
      const an = st.mod.text(attr);
      if (st.mod.text(obj) === 'self' && st.fn.cls) {
        const a = this.project.classAttr(st.fn.cls, an);
        if (a) {
          const sv = stringValue(a.value, a.cls.module.src);
          if (sv !== null) return { key: sv, site: { file: a.cls.module.path, line: a.node.line } };
          return this.valueKey(a.value, a.cls.module);
        }
        return this.memberKey(st.fn.cls, an);
      }
      if (st.mod.text(obj) === 'settings') return this.settingKey(an);
      const r = this.project.resolve(st.mod, text, n);
      if (r?.kind === 'assign') return this.valueKey(r.value, r.mod);
      return null;
    }
    if (n.type === 'call') return this.valueKey(n, st.mod);
    return null;
  }

  constantOf(mod: PyModule, name: string, at?: ScopeRef): { key: string; site?: { file: string; line: number } } | null {
    const r = this.project.resolve(mod, name, at);
    if (r?.kind === 'assign') return this.valueKey(r.value, r.mod);
    return null;
  }

  /** `'HTTP_X'`, `os.environ.get('A', 'HTTP_X')`, `getattr(settings, 'A', 'HTTP_X')`, `env('A', default='HTTP_X')`. */
  valueKey(v: PyNode, mod: PyModule): { key: string; site?: { file: string; line: number } } | null {
    const s = stringValue(v, mod.src);
    if (s !== null) return { key: s, site: { file: mod.path, line: v.line } };
    const n = unparen(v);
    if (n?.type === 'call') {
      const fname = dotted(field(n, 'function'), mod.src) ?? '';
      const args = field(n, 'arguments');
      const pos = args ? named(args).filter((a) => a.type !== 'keyword_argument' && a.type !== 'comment') : [];
      const kwDefault = args ? named(args).find((a) => a.type === 'keyword_argument' && mod.text(field(a, 'name')!) === 'default') : undefined;
      if (/^getattr$/.test(fname) && pos.length >= 2) {
        const settingName = stringValue(pos[1], mod.src);
        if (settingName && mod.text(pos[0]) === 'settings') {
          const fromSettings = this.settingKey(settingName);
          if (fromSettings) return fromSettings;
        }
        if (pos[2]) return this.valueKey(pos[2], mod);
        return null;
      }
      if (/(environ\.get|getenv|^env(\.str)?|config)$/.test(fname)) {
        const d = pos[1] ?? (kwDefault ? field(kwDefault, 'value') : null);
        if (d) {
          const ds = stringValue(d, mod.src);
          if (ds !== null) return { key: ds, site: { file: mod.path, line: d.line } };
        }
      }
      const target = fname ? this.project.resolveNode(mod, n) : null;
      if (target?.kind === 'function') return this.returnedKey(target.fn);
    }
    if (n?.type === 'identifier') return this.constantOf(mod, mod.text(n), n);
    if (n?.type === 'attribute') {
      const obj = field(n, 'object');
      const attr = field(n, 'attribute');
      if (obj && attr && mod.text(obj) === 'settings') return this.settingKey(mod.text(attr));
      const r = this.project.resolveNode(mod, n);
      if (r?.kind === 'assign') return this.valueKey(r.value, r.mod);
    }
    return null;
  }

  private keyFns = new Set<PyFunction>();

  /** The key a project function returns (`def _user_header(): return os.getenv("X", "HTTP_X_USER")`). */
  private returnedKey(fn: PyFunction): { key: string; site?: { file: string; line: number } } | null {
    if (this.keyFns.has(fn)) return null;
    this.keyFns.add(fn);
    try {
      for (const e of returnExprs(fn)) {
        // `header = os.getenv("X", "HTTP_REMOTE_USER"); …; return header`: the local's value.
        const u = unparen(e);
        const local = u?.type === 'identifier' && !fn.params.includes(fn.module.text(u)) ? localValue(fn, fn.module.text(u)) : null;
        const k = this.valueKey(local ?? e, fn.module);
        if (k) return k;
      }
      return null;
    } finally {
      this.keyFns.delete(fn);
    }
  }

  /** The key a class member names when it is a `@property` (`def header(self): return settings.X`). */
  memberKey(cls: PyClass, name: string): { key: string; site?: { file: string; line: number } } | null {
    const m = classMember(this.project, cls, name);
    if (!m) return null;
    if (m.kind === 'property') return this.returnedKey(m.fn);
    for (const v of memberValues(m)) {
      const k = this.valueKey(v, m.cls.module);
      if (k) return k;
    }
    return null;
  }

  private settingKey(name: string): { key: string; site?: { file: string; line: number } } | null {
    const s = this.model.settings.get(name);
    if (s && typeof s.value === 'string') return { key: s.value, site: { file: s.site.file, line: s.site.line } };
    // Fallback: any analysed settings-like module assigning it.
    for (const mod of this.model.analysed) {
      for (let i = mod.assigns.length - 1; i >= 0; i--) {
        const a = mod.assigns[i];
        if (a.name === name && a.op === '=') {
          const k = this.valueKey(a.value, mod);
          if (k) return k;
        }
      }
    }
    return null;
  }
}

/**
 * A name an enclosing function binds once to a string literal (`header = 'HTTP_X_…'` in a
 * middleware factory, read by the inner `middleware(request)`); null when it is bound otherwise.
 */
function closureString(fn: PyFunction, name: string): string | null {
  for (let outer = fn.outer; outer; outer = outer.outer) {
    // The innermost enclosing function that binds the name (the semantic model's scope) holds it.
    const scope = scopeOfFunction(outer);
    if (scope.outer.has(name)) continue;
    if (scope.imports.has(name) || scope.functions.has(name) || scope.classes.has(name)) return null;
    if (!scope.locals.has(name)) continue;
    let found: string | null = null;
    let bound = outer.params.includes(name);
    walkScope(outer.body, (n) => {
      if (n.type !== 'assignment' && n.type !== 'augmented_assignment' && n.type !== 'for_statement' && n.type !== 'named_expression') return true;
      const l = unparen(field(n, n.type === 'named_expression' ? 'name' : 'left'));
      const names = l?.type === 'identifier' ? [l] : l ? named(l).filter((x) => x.type === 'identifier') : [];
      if (!names.some((x) => outer.module.text(x) === name)) return true;
      const v = n.type === 'assignment' && l?.type === 'identifier' ? stringValue(field(n, 'right'), outer.module.src) : null;
      if (bound || v === null) found = null;
      else found = v;
      bound = true;
      return true;
    });
    return bound ? found : null;
  }
  return null;
}
