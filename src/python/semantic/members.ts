// Class members as Python finds them on an instance, for the semantic model: methods, `@property`
// members, class-level attributes, and the declared fields of data classes (dataclass, NamedTuple,
// TypedDict, pydantic, attrs `@attr.s`/`@define` with `attr.ib()`/`field()`). SemanticModel
// (model.ts) exposes these as `classMember`, `declaredFields` and `isDataClass`.

import type { PyNode } from '../parser.js';
import type { PyClass, PyFunction } from '../module.js';
import { dotted, field, firstNamed, named, unparen, walkScope } from '../ast.js';

export type ClassMember =
  | { kind: 'method'; cls: PyClass; fn: PyFunction; node: PyNode }
  | { kind: 'property'; cls: PyClass; fn: PyFunction; node: PyNode; values: PyNode[] }
  | { kind: 'attr'; cls: PyClass; value: PyNode; node: PyNode }
  /** A declared field of a data class; `value` is its default (`x: int = 0`, `attr.ib(default=0)`), null when it has none. */
  | { kind: 'field'; cls: PyClass; name: string; value: PyNode | null; node: PyNode };

export interface DeclaredField {
  name: string;
  /** The assignment statement. */
  node: PyNode;
  default: PyNode | null;
}

/** `@property`, `@cached_property`, `@functools.cached_property`, `@django.utils.functional.cached_property`. */
export function isProperty(fn: PyFunction): boolean {
  return fn.decorators.some((d) => /(^|\.)(property|cached_property)$/.test(d.trim()));
}

/** The expressions a function returns (nested functions and classes excluded). */
export function returnExprs(fn: PyFunction): PyNode[] {
  const out: PyNode[] = [];
  walkScope(fn.body, (n) => {
    if (n.type === 'return_statement') {
      const e = firstNamed(n);
      if (e) out.push(e);
      return false;
    }
    return true;
  });
  return out;
}

/** A class whose instances only hold declared fields: a dataclass, attrs class, NamedTuple, TypedDict, pydantic model, msgspec Struct. */
export function isDataClass(cls: PyClass): boolean {
  return cls.decorators.some((d) => /(^|\.)(dataclass|attrs|attr\.s|define|frozen|mutable)\b/.test(d)) || cls.bases.some((b) => /(^|\.)(NamedTuple|TypedDict|BaseModel|Struct)$/.test(b));
}

/** The qualified name of a callee, as the model gives it (`attr.ib`), else its text. */
export type Qualifier = (cls: PyClass, call: PyNode) => string | null;

/** `attr.ib()`, `attr.attrib()`, `attrs.field()`, `field()` from attrs: a field declaration without annotation. */
const ATTRS_FIELD = /^(attr\.(ib|attrib|field)|attrs\.field)$/;

/** The default of a field declaration: the value, or `default=` of `field(...)` / `attr.ib(...)`. */
function defaultOf(cls: PyClass, value: PyNode | null, qualify: Qualifier): PyNode | null {
  const v = unparen(value);
  if (v?.type !== 'call') return value;
  const q = qualify(cls, v) ?? dotted(field(v, 'function'), cls.module.src) ?? '';
  if (!ATTRS_FIELD.test(q) && !/^(dataclasses\.field|field)$/.test(q) && !q.endsWith('.field')) return value;
  const args = field(v, 'arguments');
  const kw = args ? named(args).find((a) => a.type === 'keyword_argument' && cls.module.text(field(a, 'name')!) === 'default') : undefined;
  return kw ? field(kw, 'value') : null;
}

/**
 * Fields declared in a class body, in order: annotated names (`sha256: str`, `serial: int = 0`),
 * ClassVar excluded; in an attrs class also `x = attr.ib()` / `x = field()` without annotation.
 */
export function declaredFields(cls: PyClass, qualify: Qualifier): DeclaredField[] {
  const def = cls.node.type === 'decorated_definition' ? (field(cls.node, 'definition') ?? cls.node) : cls.node;
  const body = field(def, 'body');
  const out: DeclaredField[] = [];
  if (!body) return out;
  const attrsClass = cls.decorators.some((d) => /^(attr\.(s|attrs|define|frozen|mutable)|attrs(\.(define|frozen|mutable))?|define|frozen|mutable)\b/.test(d.trim()));
  for (const s of named(body)) {
    const asg = s.type === 'expression_statement' ? firstNamed(s) : null;
    if (asg?.type !== 'assignment') continue;
    const left = field(asg, 'left');
    const type = field(asg, 'type');
    const right = field(asg, 'right');
    if (left?.type !== 'identifier') continue;
    if (type) {
      if (/ClassVar/.test(cls.module.text(type))) continue;
    } else {
      const r = unparen(right);
      if (!attrsClass || r?.type !== 'call') continue;
      const q = qualify(cls, r) ?? dotted(field(r, 'function'), cls.module.src) ?? '';
      if (!ATTRS_FIELD.test(q) && q !== 'field') continue;
    }
    out.push({ name: cls.module.text(left), node: asg, default: defaultOf(cls, right, qualify) });
  }
  return out;
}

/**
 * What `obj.name` is on an instance of `cls`, looked up in the class itself — its method,
 * property, class attribute or declared field, the later definition winning — else through its
 * project bases (`base` resolves them).
 */
export function classMember(cls: PyClass, name: string, base: (cls: PyClass, b: string) => PyClass | null, qualify: Qualifier, seen = new Set<PyClass>()): ClassMember | null {
  if (seen.has(cls)) return null;
  seen.add(cls);
  const a = cls.attrs.get(name);
  const m = cls.methods.get(name);
  const f = isDataClass(cls) ? declaredFields(cls, qualify).find((x) => x.name === name) : undefined;
  const at = (x: { node: PyNode } | undefined) => (x ? x.node.start : -1);
  const latest = Math.max(at(a), at(m), at(f));
  if (latest >= 0) {
    if (m && at(m) === latest) {
      const def = m.node.type === 'decorated_definition' ? (field(m.node, 'definition') ?? m.node) : m.node;
      return isProperty(m) ? { kind: 'property', cls, fn: m, node: def, values: returnExprs(m) } : { kind: 'method', cls, fn: m, node: def };
    }
    if (f && at(f) === latest) return { kind: 'field', cls, name, value: f.default, node: f.node };
    if (a) return { kind: 'attr', cls, value: a.value, node: a.node };
  }
  for (const b of cls.bases) {
    const r = base(cls, b);
    if (r) {
      const found = classMember(r, name, base, qualify, seen);
      if (found) return found;
    }
  }
  return null;
}
