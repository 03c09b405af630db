// Rewrites the project's own reads of certificate values (`request.META.get('HTTP_X_SSL_CLIENT_S_DN')`,
// `request.headers['X-SSL-Client-Cert']`, `request.environ['SSL_CLIENT_CERT']`, …) into
// `verified_cert_value(request, KEY, KIND[, default])` from the generated app: the value then comes
// from the certificate the middleware verified and found enrolled for this request, never from
// what the client sent. Positions come from the code model (src/python/flow.ts).

import type { SourceRead } from '../python/flow.js';
import type { PyModule } from '../python/module.js';
import type { PyNode } from '../python/parser.js';
import { field, named } from '../python/ast.js';
import { lineEnd, lineStart, pyStr, type TextEdit } from './edits.js';
import { APP_NAME } from './templates.js';

export const ACCESSOR = 'verified_cert_value';
export const ACCESSOR_IMPORT = `from ${APP_NAME}.access import ${ACCESSOR}`;

const CONTAINERS = new Set(['META', 'headers', 'environ']);

export interface ReadRewrite {
  read: SourceRead;
  edit: TextEdit;
  replacement: string;
}

/** The request expression and arguments of a read node, when it has one of the handled shapes. */
function readShape(n: PyNode, src: string): { request: string; defaultArg: string | null } | null {
  const text = (x: PyNode) => src.slice(x.start, x.end);
  if (n.type === 'call') {
    const fn = field(n, 'function');
    if (!fn || fn.type !== 'attribute') return null;
    const attr = field(fn, 'attribute');
    const obj = field(fn, 'object');
    if (!attr || !obj || text(attr) !== 'get' || obj.type !== 'attribute') return null;
    const container = field(obj, 'attribute');
    const req = field(obj, 'object');
    if (!container || !req || !CONTAINERS.has(text(container))) return null;
    const args = field(n, 'arguments');
    const pos = args ? named(args) : [];
    if (!pos.length || pos.length > 2 || pos.some((a) => a.type === 'keyword_argument' || a.type === 'list_splat' || a.type === 'dictionary_splat')) return null;
    return { request: text(req), defaultArg: pos[1] ? text(pos[1]) : null };
  }
  if (n.type === 'subscript') {
    const value = field(n, 'value');
    if (!value || value.type !== 'attribute') return null;
    const container = field(value, 'attribute');
    const req = field(value, 'object');
    if (!container || !req || !CONTAINERS.has(text(container))) return null;
    return { request: text(req), defaultArg: null };
  }
  return null;
}

export function rewriteRead(read: SourceRead): ReadRewrite | null {
  const src = read.module.src;
  const shape = readShape(read.node, src);
  if (!shape) return null;
  // A subscript that is assigned to (`request.META['X'] = …`) is not a read.
  const parent = read.node.parent;
  if (parent && parent.type === 'assignment' && field(parent, 'left') === read.node) return null;
  const quote = /['"]/.exec(src.slice(read.node.start, read.node.end))?.[0] === '"' ? '"' : "'";
  const args = [shape.request, pyStr(read.key, quote), pyStr(read.kind, quote)];
  if (shape.defaultArg !== null) args.push(shape.defaultArg);
  const replacement = `${ACCESSOR}(${args.join(', ')})`;
  return { read, edit: { start: read.node.start, end: read.node.end, text: replacement }, replacement };
}

const IMPORT_TYPES = new Set(['import_statement', 'import_from_statement', 'future_import_statement']);

/** The edit that imports the accessor into `mod` (none when already imported). */
export function importEdit(mod: PyModule, beforeOffset: number): TextEdit | null {
  const b = mod.imports.get(ACCESSOR);
  if (b && b.module === `${APP_NAME}.access` && b.name === ACCESSOR) return null;
  const src = mod.src;
  const top = mod.root.children.filter((c) => c.named);
  let anchor: PyNode | null = null;
  for (const c of top) {
    if (c.start >= beforeOffset) break;
    if (IMPORT_TYPES.has(c.type)) anchor = c;
  }
  if (anchor) {
    const eol = lineEnd(src, anchor.end);
    return { start: eol, end: eol, text: `\n${ACCESSOR_IMPORT}` };
  }
  // After a module docstring and comments at the top, else at the very beginning.
  const first = top.find((c) => c.type !== 'comment');
  if (first && first.type === 'expression_statement' && first.children[0]?.type === 'string') {
    const eol = lineEnd(src, first.end);
    return { start: eol, end: eol, text: `\n${ACCESSOR_IMPORT}` };
  }
  const at = first ? lineStart(src, first.start) : src.length;
  return { start: at, end: at, text: `${at === src.length && src && !src.endsWith('\n') ? '\n' : ''}${ACCESSOR_IMPORT}\n` };
}
