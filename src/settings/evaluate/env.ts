// Environment-variable readers: `os.environ.get` / `os.getenv`, django-environ `Env` instances and
// python-decouple `config`. The default is used, cast as the reader would cast it, and the value is
// marked environment-dependent.

import type { PyNode } from '../../python/parser.js';
import { isUnknown, pyTruthy, type SettingSite, type SValue } from '../model.js';
import { unknown, type Binding, type State } from './values.js';

const ENV_TRUE = new Set(['true', 'on', 'ok', 'y', 'yes', '1']);

/** The readers; `expr` is the expression evaluator's (src/settings/evaluate/expressions.ts). */
export abstract class EnvReaders {
  abstract expr(st: State, n0: PyNode): SValue;

  protected osEnv(st: State, pos: PyNode[], kw: Map<string, PyNode>, site: SettingSite): SValue {
    const nameV = pos[0] ? this.expr(st, pos[0]).value : kw.get('key') ? this.expr(st, kw.get('key')!).value : null;
    const env = typeof nameV === 'string' ? nameV : undefined;
    const defNode = pos[1] ?? kw.get('default') ?? null;
    const def = defNode ? this.expr(st, defNode) : { value: null, site };
    return { ...def, site, envDependent: true, env };
  }

  protected envCall(st: State, b: Binding, method: string | null, pos: PyNode[], kw: Map<string, PyNode>, site: SettingSite): SValue {
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

  protected decoupleCall(st: State, pos: PyNode[], kw: Map<string, PyNode>, site: SettingSite): SValue {
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
}

/** django-environ / decouple casts applied to a default. */
export function castValue(v: SValue, cast: string | null): SValue {
  if (!cast) return v;
  const x = v.value;
  switch (cast) {
    case 'int':
      if (typeof x === 'number') return { ...v, value: Math.trunc(x) };
      if (typeof x === 'boolean') return { ...v, value: Number(x) };
      if (typeof x === 'string' && /^\s*[-+]?\d+\s*$/.test(x)) return { ...v, value: parseInt(x, 10) };
      return isUnknown(x) ? v : { ...v, value: { unknown: `int(${JSON.stringify(x)})` } };
    case 'float':
      if (typeof x === 'number') return v;
      if (typeof x === 'string' && /^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/.test(x)) return { ...v, value: parseFloat(x) };
      return isUnknown(x) ? v : { ...v, value: { unknown: 'float()' } };
    case 'bool':
      if (typeof x === 'boolean') return v;
      if (typeof x === 'string') return { ...v, value: ENV_TRUE.has(x.trim().toLowerCase()) };
      if (isUnknown(x)) return v;
      return { ...v, value: pyTruthy(x) ?? { unknown: 'bool()' } };
    case 'str':
      if (typeof x === 'string') return v;
      if (typeof x === 'number') return { ...v, value: String(x) };
      return isUnknown(x) ? v : { ...v, value: { unknown: 'str()' } };
    case 'list':
    case 'tuple':
      if (v.items) return v;
      if (typeof x === 'string') {
        const items = x
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean)
          .map((s) => ({ value: s, site: v.site }));
        return { ...v, value: items.map((i) => i.value), items };
      }
      return v;
  }
  return v;
}
