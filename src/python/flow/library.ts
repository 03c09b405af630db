// The pure helpers that read library calls: response status, builtins, Django's
// RemoteUserBackend parameters. What library calls are and do (Django's
// responses, exceptions and ORM included) is data in src/python/library/.

import type { PyNode } from '../parser.js';
import type { PyFunction, PyModule } from '../module.js';
import { field, named, unparen } from '../ast.js';
import { collectionOf, derive, elementOf, keepStr, union, type AVal } from './values.js';

/** The parameter of a RemoteUserBackend method that receives the asserted user name. */
export function remoteUserParam(fn: PyFunction, p: string, i: number): boolean {
  if (fn.name === 'authenticate') return p === 'remote_user';
  if (fn.name === 'clean_username') return i === 1;
  if (fn.name === 'configure_user') return p === 'user';
  return false;
}

/** The branches of a conditional status (`200 if x else 404`): does one succeed, does one fail? Null when not conditional. */
export function statusBranches(n: PyNode | null, mod: PyModule): { ok: boolean; deny: boolean } | null {
  const u = unparen(n);
  if (!u || u.type !== 'conditional_expression') return null;
  const parts = named(u);
  if (parts.length !== 3) return null;
  let ok = false;
  let deny = false;
  for (const b of [parts[0], parts[2]]) {
    const inner = statusBranches(b, mod);
    if (inner) {
      ok ||= inner.ok;
      deny ||= inner.deny;
    } else if (/\b[45]\d\d\b|HTTP_[45]\d\d/.test(mod.text(b))) deny = true;
    else ok = true;
  }
  return { ok, deny };
}

/** The conditional status of a response call (`status=` keyword, or HttpResponse's second argument). */
export function conditionalStatus(call: PyNode, last: string, mod: PyModule): { ok: boolean; deny: boolean } | null {
  const args = field(call, 'arguments');
  if (!args) return null;
  const all = named(args);
  const kw = all.find((x) => x.type === 'keyword_argument' && mod.text(field(x, 'name')!) === 'status');
  if (kw) return statusBranches(field(kw, 'value'), mod);
  if (last === 'HttpResponse') {
    const pos = all.filter((x) => x.type !== 'keyword_argument' && x.type !== 'comment');
    return statusBranches(pos[1] ?? null, mod);
  }
  return null;
}

/** `hex(serial)`, `format(fp, "x")`, `dict(pairs)`, `sorted(names)`, `next(it)`: the result is what the input is. */
export function builtinResult(fname: string, a: { pos: AVal[]; all: AVal }): AVal | null {
  if (/^(dict|list|tuple|set|frozenset|sorted|reversed|iter|enumerate|zip|filter)$/.test(fname)) return collectionOf(a.all);
  if (fname === 'next' && a.pos[0]) return union(elementOf(a.pos[0]), a.pos[1]);
  if (/^(hex|oct|bin|format|repr|int|float|abs|round|ascii)$/.test(fname) && a.pos[0]) return derive(a.pos[0], ...keepStr(a.pos[0]));
  return null;
}

export function lastName(d: string): string {
  const i = d.lastIndexOf('.');
  return i < 0 ? d : d.slice(i + 1);
}
