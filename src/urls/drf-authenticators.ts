// Does a DRF authentication class let an anonymous request through? DRF tries each class in
// `authentication_classes`; one that returns None passes the request on, one that raises ends it.
// A class whose `authenticate()` refuses a request that carries no credential (raises
// AuthenticationFailed / PermissionDenied / NotAuthenticated … before any "no credential here,
// return None" exit) makes every view using it authenticated, whatever its permission classes —
// even when it then returns None with the device on the request instead of a user.

import type { PythonProject } from '../python/project.js';
import type { PyNode } from '../python/parser.js';
import type { PyModule } from '../python/module.js';
import { field, firstNamed, named, unparen, dotted } from '../python/ast.js';

const REFUSAL = /^(AuthenticationFailed|PermissionDenied|NotAuthenticated|SuspiciousOperation|Http404|ValidationError)$/;

/** The project class a dotted name (as `classList` gives it) resolves to, if any. */
function classOf(python: PythonProject, qualified: string) {
  const i = qualified.lastIndexOf('.');
  if (i < 0) return null;
  const r = python.resolveIn(qualified.slice(0, i), qualified.slice(i + 1));
  return r?.kind === 'class' ? r.cls : null;
}

/** Does the first statement path of `authenticate` refuse a request without credentials? */
export function refusesAnonymous(python: PythonProject, qualified: string): boolean {
  const cls = classOf(python, qualified);
  if (!cls) return false;
  const m = python.findMethod(cls, 'authenticate');
  if (!m) return false;
  return firstExitRaises(m.body, m.module);
}

/**
 * Walks the top-level statements: an `if` whose body raises a refusal is a refusal of whatever it
 * tests (the credential's absence or invalidity); an `if` whose body returns (None or nothing)
 * before any refusal lets the request through; a `try` is looked into. The first decisive
 * statement decides.
 */
function firstExitRaises(block: PyNode, mod: PyModule): boolean {
  for (const s of named(block)) {
    if (s.type === 'raise_statement') return isRefusal(s, mod);
    if (s.type === 'return_statement') return false;
    if (s.type === 'if_statement') {
      const body = field(s, 'consequence');
      const first = body ? named(body)[0] : undefined;
      if (first?.type === 'raise_statement' && isRefusal(first, mod)) return true;
      if (first?.type === 'return_statement' && returnsNothing(first)) return false;
      continue;
    }
    if (s.type === 'try_statement') {
      const body = field(s, 'body');
      if (body && firstExitRaises(body, mod)) return true;
      continue;
    }
  }
  return false;
}

function returnsNothing(r: PyNode): boolean {
  const e = unparen(firstNamed(r));
  return !e || e.type === 'none';
}

function isRefusal(r: PyNode, mod: PyModule): boolean {
  const e = unparen(firstNamed(r));
  if (!e) return false;
  const callee = e.type === 'call' ? field(e, 'function') : e;
  const name = callee ? (dotted(callee, mod.src) ?? '') : '';
  return REFUSAL.test(name.split('.').pop() ?? '');
}
