// Environment-variable readers: `os.environ.get` / `os.getenv`, django-environ `Env` instances and
// python-decouple `config`. The default is used, cast as the reader would cast it, and the value is
// marked environment-dependent.

import { isUnknown, pyTruthy, type SValue } from '../model.js';

const ENV_TRUE = new Set(['true', 'on', 'ok', 'y', 'yes', '1']);

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
        const items = x.split(',').map((s) => s.trim()).filter(Boolean).map((s) => ({ value: s, site: v.site }) as SValue);
        return { ...v, value: items.map((i) => i.value), items };
      }
      return v;
  }
  return v;
}
