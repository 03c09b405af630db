// Small helpers over the plain syntax tree produced by parser.ts.

import type { PyNode } from './parser.js';

export function field(n: PyNode | null | undefined, name: string): PyNode | null {
  if (!n) return null;
  for (const c of n.children) if (c.field === name) return c;
  return null;
}

export function fields(n: PyNode, name: string): PyNode[] {
  return n.children.filter((c) => c.field === name);
}

export function named(n: PyNode): PyNode[] {
  return n.children.filter((c) => c.named && c.type !== 'comment');
}

export function firstNamed(n: PyNode | null | undefined): PyNode | null {
  if (!n) return null;
  for (const c of n.children) if (c.named && c.type !== 'comment') return c;
  return null;
}

/** Pre-order walk; return false from `visit` to skip a subtree. */
export function walk(n: PyNode, visit: (n: PyNode) => boolean | void): void {
  const stack: PyNode[] = [n];
  while (stack.length) {
    const cur = stack.pop()!;
    if (visit(cur) === false) continue;
    for (let i = cur.children.length - 1; i >= 0; i--) stack.push(cur.children[i]);
  }
}

/** Walk that does not descend into nested function/class/lambda bodies. */
export function walkScope(n: PyNode, visit: (n: PyNode) => boolean | void): void {
  walk(n, (c) => {
    if (c !== n && (c.type === 'function_definition' || c.type === 'class_definition' || c.type === 'lambda')) return false;
    return visit(c);
  });
}

/** Strips parentheses around an expression. */
export function unparen(n: PyNode | null): PyNode | null {
  while (n && n.type === 'parenthesized_expression') n = firstNamed(n);
  return n;
}

/** The value of a Python string literal (without concatenation of f-string parts). */
export function stringValue(n: PyNode | null, src: string): string | null {
  n = unparen(n);
  if (!n) return null;
  if (n.type === 'concatenated_string') {
    let out = '';
    for (const c of named(n)) {
      const v = stringValue(c, src);
      if (v === null) return null;
      out += v;
    }
    return out;
  }
  if (n.type !== 'string') return null;
  let out = '';
  for (const c of n.children) {
    if (c.type === 'interpolation') return null;
    if (c.type === 'string_content') out += src.slice(c.start, c.end);
    else if (c.type === 'escape_sequence') out += unescape(src.slice(c.start, c.end));
  }
  return out;
}

function unescape(seq: string): string {
  const m: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"', '0': '\0' };
  const k = seq.slice(1);
  if (k in m) return m[k];
  if (k[0] === 'x') return String.fromCharCode(parseInt(k.slice(1), 16));
  if (k[0] === 'u' || k[0] === 'U') return String.fromCodePoint(parseInt(k.slice(1), 16));
  return seq;
}

/** Dotted name of an identifier / attribute chain (`a.b.c`), or null if not a plain chain. */
export function dotted(n: PyNode | null, src: string): string | null {
  n = unparen(n);
  if (!n) return null;
  if (n.type === 'identifier') return src.slice(n.start, n.end);
  if (n.type === 'dotted_name')
    return named(n)
      .map((c) => src.slice(c.start, c.end))
      .join('.');
  if (n.type === 'attribute') {
    const obj = dotted(field(n, 'object'), src);
    const attr = field(n, 'attribute');
    if (obj === null || !attr) return null;
    return `${obj}.${src.slice(attr.start, attr.end)}`;
  }
  return null;
}

/** The argument nodes of a call: positional in order, keyword by name (comments skipped). */
export function callArgNodes(call: PyNode, src: string): { pos: PyNode[]; kw: Map<string, PyNode> } {
  const args = field(call, 'arguments');
  const pos: PyNode[] = [];
  const kw = new Map<string, PyNode>();
  for (const a of args ? named(args) : []) {
    if (a.type === 'keyword_argument') {
      const k = field(a, 'name');
      const v = field(a, 'value');
      if (k && v) kw.set(src.slice(k.start, k.end), v);
    } else if (a.type !== 'comment') pos.push(a);
  }
  return { pos, kw };
}

/**
 * The source of `n` without its comments (comment nodes of the tree, not `#` in strings), for the
 * few checks that still read text: comments are not code, and `"#fragment"` is not a comment.
 * Each comment becomes spaces of the same length, so offsets and lines stay where they were.
 */
export function codeText(n: PyNode, src: string): string {
  const comments: PyNode[] = [];
  walk(n, (c) => {
    if (c.type === 'comment') comments.push(c);
    return true;
  });
  if (!comments.length) return src.slice(n.start, n.end);
  let out = '';
  let at = n.start;
  for (const c of comments.sort((a, b) => a.start - b.start)) {
    if (c.start < at) continue;
    out += src.slice(at, c.start) + ' '.repeat(c.end - c.start);
    at = c.end;
  }
  return out + src.slice(at, n.end);
}
