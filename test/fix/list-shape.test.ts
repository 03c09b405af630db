// fix/edits.ts finds a list literal's brackets and commas in the source text (the syntax tree
// keeps no punctuation): insertions land after the comma past comments, in the literal's own
// style.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getPythonParser, parseWith, type PyNode } from '../../src/python/parser.js';
import { walk } from '../../src/python/ast.js';
import { applyEdits, insertIntoList, listShape } from '../../src/fix/edits.js';

async function literal(src: string): Promise<PyNode> {
  const { root } = parseWith(await getPythonParser(), src);
  let found: PyNode | null = null;
  walk(root, (n) => void (!found && (n.type === 'list' || n.type === 'tuple') && (found = n)));
  assert.ok(found, src);
  return found;
}

async function insert(src: string, items: string[], after: 'start' | number | null = null): Promise<string> {
  const node = await literal(src);
  const shape = listShape(node, src);
  assert.ok(shape, src);
  const anchor = typeof after === 'number' ? shape.elements[after] : after;
  return applyEdits(src, insertIntoList(shape, src, items, anchor));
}

test('single line: after the comma that follows the element, past a comment-free gap; a tuple keeps its brackets', async () => {
  assert.equal(await insert("A = ['a', 'b']\n", ["'c'"]), "A = ['a', 'b', 'c']\n");
  assert.equal(await insert("A = ['a' , 'b']\n", ["'c'"], 0), "A = ['a' , 'c', 'b']\n");
  assert.equal(await insert("A = ('a',)\n", ["'c'"]), "A = ('a', 'c',)\n");
  assert.equal(await insert('A = []\n', ["'c'"]), "A = ['c']\n");
  assert.equal(await insert('A = ()\n', ["'c'"]), "A = ('c',)\n");
});

test('multi-line: a comment between an element and its comma, a trailing comma', async () => {
  const src = "A = [\n    'a'  # first\n    ,\n    'b',\n]\n";
  const shape = listShape(await literal(src), src);
  assert.ok(shape);
  assert.equal(shape.trailingComma, true);
  assert.deepEqual([shape.open.line, shape.close.line, src[shape.open.start], src[shape.close.start]], [1, 5, '[', ']']);
  assert.equal(await insert(src, ["'c'"], 0), "A = [\n    'a'  # first\n    ,\n    'c',\n    'b',\n]\n");
  assert.equal(await insert("A = [\n    'a',\n    'b'\n]\n", ["'c'"]), "A = [\n    'a',\n    'b',\n    'c'\n]\n");
});

test('a literal error recovery had to repair is not edited', async () => {
  const src = "A = ['a', 'b'\nB = 1\n";
  const { root } = parseWith(await getPythonParser(), src);
  const lists: PyNode[] = [];
  walk(root, (n) => void (n.type === 'list' && lists.push(n)));
  for (const l of lists) assert.equal(listShape(l, src), null);
});
