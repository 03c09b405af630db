// Classifying conditions and blocks by their shape: presence and truthiness tests, blocks that
// deny or return, existence tests, constants and tuples, permission hooks.

import type { PyNode } from '../parser.js';
import type { PyFunction, PyModule } from '../module.js';
import { dotted, field, firstNamed, named, stringValue, unparen } from '../ast.js';
import { rawKinds, union, type AVal, type RootKind } from './values.js';
import { conditionalStatus, lastName } from './library.js';
import { RESPONSES } from '../library/django.js';

/** `has_permission` / `has_object_permission` of a (DRF-style) permission class. */
export function isPermissionHook(fn: PyFunction): boolean {
  return !!fn.cls && (fn.name === 'has_permission' || fn.name === 'has_object_permission');
}

/** `(user, auth)` or the unparenthesised `user, auth` (an `expression_list`). */
export function isTupleExpr(e: PyNode): boolean {
  const u = unparen(e);
  return u?.type === 'tuple' || u?.type === 'expression_list';
}

export function isConstant(n: PyNode): boolean {
  const u = unparen(n);
  return !!u && (u.type === 'string' || u.type === 'integer' || u.type === 'float' || u.type === 'none' || u.type === 'true' || u.type === 'false' || u.type === 'concatenated_string');
}

/** A tested expression without parentheses, and an assignment expression (`(x := v)`) as the value it tests. */
export function testOperand(n: PyNode | null): PyNode | null {
  let u = unparen(n);
  while (u && u.type === 'named_expression') u = unparen(field(u, 'value'));
  return u;
}

/** Is this condition a presence test (truthiness, `is None`, `== ''`, `len(x)`, a verify flag compared with a constant)? */
export function isPresenceTest(c: PyNode, mod: PyModule, peek: (n: PyNode) => AVal, isProjectCall: (call: PyNode) => boolean = () => false): boolean {
  let n = testOperand(c)!;
  while (n.type === 'not_operator') n = testOperand(field(n, 'argument'))!;
  if (!n) return false;
  if (n.type === 'boolean_operator') {
    const l = field(n, 'left');
    const r = field(n, 'right');
    return (!!l && isPresenceTest(l, mod, peek, isProjectCall)) || (!!r && isPresenceTest(r, mod, peek, isProjectCall));
  }
  if (n.type === 'comparison_operator') {
    // `'HTTP_X_…' in request.META`: whether the request carries a certificate value at all.
    const ops = n.children
      .filter((x) => !x.named)
      .map((x) => mod.text(x))
      .join(' ');
    const operands = named(n);
    if (/^(in|not in)$/.test(ops) && operands.length === 2) {
      const container = peek(operands[1]);
      if ((container.kinds.has('meta') || container.kinds.has('headers')) && peek(n).kinds.has('raw')) return true;
    }
  }
  const v = n.type === 'comparison_operator' ? union(...named(n).map(peek)) : peek(n);
  const raw = v.kinds.has('raw');
  if (!raw) return false;
  if (n.type === 'identifier' || n.type === 'subscript' || n.type === 'call' || n.type === 'attribute') {
    if (n.type === 'call') {
      const f = dotted(field(n, 'function'), mod.src) ?? '';
      // A project helper whose result is still the raw value (`return bool(dn)`) is a presence test;
      // an unknown library call might validate, so it is not.
      if (!/^(bool|len)$/.test(f) && !/\.get$/.test(f) && !isProjectCall(n)) return false;
    }
    return true;
  }
  if (n.type === 'comparison_operator') {
    const ops = n.children
      .filter((x) => !x.named)
      .map((x) => mod.text(x))
      .join(' ');
    const operands = named(n);
    if (/^(is|is not)$/.test(ops)) return true;
    if (/^(==|!=)$/.test(ops)) {
      const other = operands.find((o) => isConstant(o));
      if (!other) return false;
      const s = stringValue(other, mod.src);
      if (s === '' || unparen(other)?.type === 'none' || unparen(other)?.type === 'integer') return true;
      // A verify flag compared with SUCCESS/NONE/FAILED is a presence test, not an identity decision.
      const rk = rawKinds(v);
      if (rk.has('verify') && rk.size === 1) return true;
    }
  }
  return false;
}

/** Structure only: `x`, `not x`, `x is None`, `x == ''`, `len(x) == 0`, `bool(x)` (no comparison of contents). */
export function isTruthinessTest(c: PyNode, mod: PyModule): boolean {
  let n = testOperand(c);
  while (n && n.type === 'not_operator') n = testOperand(field(n, 'argument'));
  if (!n) return false;
  if (n.type === 'boolean_operator') {
    const l = field(n, 'left');
    const r = field(n, 'right');
    return !!l && !!r && isTruthinessTest(l, mod) && isTruthinessTest(r, mod);
  }
  if (n.type === 'identifier' || n.type === 'attribute' || n.type === 'subscript') return true;
  if (n.type === 'call') return /^(bool|len)$/.test(dotted(field(n, 'function'), mod.src) ?? '') || /\.get$/.test(dotted(field(n, 'function'), mod.src) ?? '');
  if (n.type === 'comparison_operator') {
    const ops = n.children
      .filter((x) => !x.named)
      .map((x) => mod.text(x))
      .join(' ');
    if (/^(is|is not)$/.test(ops)) return named(n).some((o) => unparen(o)?.type === 'none');
    if (/^(==|!=)$/.test(ops))
      return named(n).some((o) => {
        const u = unparen(o);
        return !!u && (stringValue(u, mod.src) === '' || u.type === 'none' || (u.type === 'integer' && mod.text(u) === '0'));
      });
  }
  return false;
}

/** A denial response by the name of its callee alone (the table's text fallback). */
const denialByName = (_call: PyNode, _f: string, last: string) => RESPONSES.some((e) => e.does.outcome === 'deny' && !!e.nameRe?.test(last));

/**
 * Does the block immediately deny (return a 4xx response / None / False, or raise)? `isDenial`
 * says whether a call builds a denial response (the analyser asks the semantic model; by default
 * the callee's name).
 */
export function blockDenies(b: PyNode, mod: PyModule, rootKind: RootKind, isRoot: boolean, isDenial: (call: PyNode, f: string, last: string) => boolean = denialByName): boolean {
  for (const s of named(b)) {
    if (s.type === 'raise_statement') return true;
    if (s.type === 'return_statement') {
      const e = unparen(firstNamed(s));
      if (!e) return rootKind === 'backend' || rootKind === 'drf-auth' || !isRoot;
      if (e.type === 'none' || e.type === 'false') return true;
      if (e.type === 'call') {
        const f = dotted(field(e, 'function'), mod.src) ?? '';
        const last = lastName(f);
        if (isDenial(e, f, last)) return true;
        const text = mod.text(e);
        const cs = conditionalStatus(e, last, mod);
        if (cs) return !cs.ok;
        if (/status\s*=\s*(4\d\d|5\d\d|status\.HTTP_[45]\d\d)/.test(text)) return true;
        if (last === 'HttpResponse' && /,\s*(4\d\d|5\d\d)\s*\)/.test(text)) return true;
        if (/^(Http404|PermissionDenied)$/.test(last)) return true;
        if (last === 'redirect' && /login/i.test(text)) return true;
      }
      return false;
    }
    if (s.type === 'expression_statement') continue; // logging etc.
    return false;
  }
  return false;
}

/** `x`, `q.exists()`, `x is not None` (a row exists) vs `not x`, `x is None` (none does); with the tested operand. */
export function existenceTest(c: PyNode, mod: PyModule): { exists: boolean; operand: PyNode } | null {
  let n = unparen(c);
  let neg = false;
  while (n && n.type === 'not_operator') {
    neg = !neg;
    n = unparen(field(n, 'argument'));
  }
  if (!n) return null;
  if (n.type === 'comparison_operator') {
    const ops = n.children
      .filter((x) => !x.named)
      .map((x) => mod.text(x))
      .join(' ');
    const operands = named(n);
    if (operands.length !== 2 || !/^(is|is not|==|!=)$/.test(ops)) return null;
    const noneIdx = operands.findIndex((o) => unparen(o)?.type === 'none');
    if (noneIdx < 0) return null;
    const operand = unparen(operands[1 - noneIdx]);
    if (!operand) return null;
    return { exists: (ops === 'is not' || ops === '!=') !== neg, operand };
  }
  // `if binding.revoked:` tests a field of a row, not whether a row exists.
  if (n.type === 'identifier' || n.type === 'call') return { exists: !neg, operand: n };
  return null;
}

export function blockReturns(b: PyNode): boolean {
  return named(b).some((s) => s.type === 'return_statement');
}

export function describeHandler(stmts: PyNode[], mod: PyModule): string {
  const kinds = stmts.map((s) => (s.type === 'pass_statement' ? 'passes' : s.type === 'expression_statement' ? (/log|print|warn/.test(mod.text(s)) ? 'logs' : 'runs a statement') : s.type));
  return [...new Set(kinds)].join(' and ') + ', and execution continues';
}
