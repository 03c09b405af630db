// Module evaluation, the entry point: a settings module evaluated on its own (memoised, import
// cycles cut), `import` / `from … import` including star-import chains, and django-split-settings
// `include()` / `optional()`.

import type { PyNode } from '../../python/parser.js';
import type { PyModule } from '../../python/module.js';
import { resolveRelative } from '../../python/module.js';
import type { PythonProject } from '../../python/project.js';
import { field, named, stringValue, unparen } from '../../python/ast.js';
import picomatch from 'picomatch';
import { siteOf, unknown, type EvalResult, type Flow, type State } from './values.js';
import { ControlFlowEvaluator } from './control-flow.js';

/** How many settings modules deep imports are followed (split settings in real projects: under 10). */
export const MAX_IMPORT_DEPTH = 64;

export class SettingsEvaluator extends ControlFlowEvaluator {
  private readonly memo = new Map<string, EvalResult>();
  private readonly active = new Set<string>();
  /** Inputs a budget stopped the evaluation of, for the report's `errors`. */
  readonly budgetHits: { file: string; message: string }[] = [];

  constructor(
    private readonly python: PythonProject,
    /** Paths of every Python file in the tree (for split-settings globs). */
    private readonly pyPaths: string[],
  ) {
    super();
  }

  protected semantic(mod: PyModule, n: PyNode): string | null {
    // Only modules already parsed: evaluating settings does not parse more of the tree.
    return this.python.withoutLoading(() => this.python.qualifyNode(mod, n));
  }

  /** Evaluates a module on its own (as `import` / `from … import *` would). Memoised. */
  evaluateModule(mod: PyModule): EvalResult {
    const have = this.memo.get(mod.path);
    if (have) return have;
    if (this.active.has(mod.path)) return { ns: new Map(), files: [], opaque: [`import cycle through ${mod.path}`] };
    // Each level is a few stack frames: a deep chain in a hostile tree would exhaust the stack and
    // end the scan. Deeper than any real settings layout; what lies beyond is opaque, and said so.
    if (this.active.size >= MAX_IMPORT_DEPTH) {
      if (!this.budgetHits.some((h) => h.file === mod.path))
        this.budgetHits.push({ file: mod.path, message: `settings import chain more than ${MAX_IMPORT_DEPTH} modules deep: not followed from here (the settings are treated as not fully known)` });
      return { ns: new Map(), files: [], opaque: [`settings modules import each other more than ${MAX_IMPORT_DEPTH} deep (at ${mod.path}): the rest of the chain is not followed`] };
    }
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

  protected importStatement(st: State, n: PyNode): Flow {
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

  protected importFrom(st: State, n: PyNode): Flow {
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
      const allNames = all && Array.isArray(all.v.value) && all.v.value.every((x) => typeof x === 'string') ? new Set(all.v.value) : null;
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
  protected splitInclude(st: State, c: PyNode): void {
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
