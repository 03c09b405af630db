// Textual edits located with the tree-sitter syntax tree: offsets come from parsed nodes, never from
// a regex over the whole file, so comments, strings and formatting elsewhere are left untouched.

import type { PyNode } from '../python/parser.js';
import { named } from '../python/ast.js';

export interface TextEdit {
  start: number;
  end: number;
  text: string;
}

/** Applies non-overlapping edits; inserts at the same offset keep their order. New lines follow the file's (CRLF stays CRLF). */
export function applyEdits(src: string, edits: TextEdit[]): string {
  const crlf = src.includes('\r\n');
  if (crlf) edits = edits.map((e) => ({ ...e, text: e.text.replace(/\r?\n/g, '\r\n') }));
  const order = edits.map((e, i) => ({ e, i })).sort((a, b) => b.e.start - a.e.start || b.i - a.i);
  let out = src;
  let limit = Infinity;
  for (const { e } of order) {
    if (e.end > limit) throw new Error('overlapping edits');
    out = out.slice(0, e.start) + e.text + out.slice(e.end);
    limit = e.start;
  }
  return out;
}

/** A Python string literal for `s`, in the quote style `quote`. */
export function pyStr(s: string, quote: "'" | '"' = "'"): string {
  return quote + s.replace(/\\/g, '\\\\').replace(new RegExp(quote, 'g'), `\\${quote}`).replace(/\n/g, '\\n') + quote;
}

/** Offset of the end of the line holding `offset` (before its '\r\n' or '\n', or the text's end). */
export function lineEnd(src: string, offset: number): number {
  const i = src.indexOf('\n', offset);
  if (i === -1) return src.length;
  return i > offset && src[i - 1] === '\r' ? i - 1 : i;
}

export function lineStart(src: string, offset: number): number {
  return src.lastIndexOf('\n', offset - 1) + 1;
}

function indentOf(src: string, offset: number): string {
  const ls = lineStart(src, offset);
  return /^[ \t]*/.exec(src.slice(ls))![0];
}

/** A bracket of a list/tuple literal: its offsets and (1-based) line. */
export interface Bracket {
  start: number;
  end: number;
  line: number;
}

/** The elements of a list/tuple literal and the facts needed to add to it in its own style. */
export interface ListShape {
  node: PyNode;
  elements: PyNode[];
  open: Bracket;
  close: Bracket;
  multiline: boolean;
  trailingComma: boolean;
  quote: "'" | '"';
}

/**
 * The shape of a list/tuple literal. Its brackets and commas are read from the source text (the
 * syntax tree does not keep punctuation, parser.ts); a bracket or comma error recovery inserted
 * is an error node in the tree, and such a literal is not edited.
 */
export function listShape(node: PyNode, src: string): ListShape | null {
  if (node.type !== 'list' && node.type !== 'tuple') return null;
  const brackets = node.type === 'list' ? '[]' : '()';
  if (node.end - node.start < 2 || src[node.start] !== brackets[0] || src[node.end - 1] !== brackets[1]) return null;
  const open: Bracket = { start: node.start, end: node.start + 1, line: node.line };
  const close: Bracket = { start: node.end - 1, end: node.end, line: node.endLine };
  if (node.children.some((c) => c.error || c.type === 'list_splat' || c.type === 'list_comprehension')) return null;
  const elements = named(node);
  if (elements.some((e) => e.type === 'list_splat' || e.type === 'parenthesized_list_splat')) return null;
  const last = elements[elements.length - 1];
  const trailingComma = !!last && commaAfter(last, src) !== null;
  const firstString = elements.find((e) => e.type === 'string');
  const quote = firstString && src[firstString.start] === '"' ? '"' : "'";
  return { node, elements, open, close, multiline: node.line !== node.endLine, trailingComma, quote };
}

/**
 * The end offset of the ',' right after the element `el` (only blanks and comments between them),
 * if any. A line continuation is a node of its own in the tree (an extra, like a comment, but
 * named), and ends the search, as it always has.
 */
function commaAfter(el: PyNode, src: string): number | null {
  for (let i = el.end; i < src.length; i++) {
    const c = src[i];
    if (c === ',') return i + 1;
    if (c === '#') {
      const nl = src.indexOf('\n', i);
      if (nl === -1) return null;
      i = nl;
    } else if (c !== ' ' && c !== '\t' && c !== '\n' && c !== '\r' && c !== '\f') return null;
  }
  return null;
}

/**
 * Edits that insert `items` (already-rendered Python expressions) into a list/tuple literal: after
 * the element `after` (null: at the end; 'start': before the first element).
 */
export function insertIntoList(shape: ListShape, src: string, items: string[], after: PyNode | null | 'start'): TextEdit[] {
  if (!items.length) return [];
  const els = shape.elements;
  const isTuple = shape.node.type === 'tuple';
  if (!els.length) {
    const body = items.join(', ') + (isTuple && items.length === 1 ? ',' : '');
    return [{ start: shape.open.end, end: shape.close.start, text: body }];
  }
  if (after === 'start') {
    const first = els[0];
    if (shape.multiline && first.line !== shape.open.line) {
      const ind = indentOf(src, first.start);
      return [{ start: first.start, end: first.start, text: items.map((x) => `${x},\n${ind}`).join('') }];
    }
    return [{ start: first.start, end: first.start, text: items.map((x) => `${x}, `).join('') }];
  }
  const anchor = after ?? els[els.length - 1];
  const isLast = anchor === els[els.length - 1];
  const comma = commaAfter(anchor, src);
  const next = els[els.indexOf(anchor) + 1];
  if (shape.multiline && anchor.endLine !== shape.close.line && !(next && next.line === anchor.endLine)) {
    const ind = indentOf(src, anchor.start);
    const edits: TextEdit[] = [];
    let eol: number;
    if (comma !== null) eol = lineEnd(src, comma);
    else {
      edits.push({ start: anchor.end, end: anchor.end, text: ',' });
      eol = lineEnd(src, anchor.end);
    }
    const keepTrailing = !isLast || shape.trailingComma;
    const lines = items.map((x, i) => `\n${ind}${x}${i < items.length - 1 || keepTrailing ? ',' : ''}`).join('');
    edits.push({ start: eol, end: eol, text: lines });
    return edits;
  }
  // Single line (or the closing bracket on the anchor's line).
  if (comma !== null) return [{ start: comma, end: comma, text: items.map((x) => ` ${x},`).join('') }];
  return [{ start: anchor.end, end: anchor.end, text: items.map((x) => `, ${x}`).join('') }];
}
