// The fast raw-cursor walk and the public TreeCursor walk build the same tree (Django's own
// source as the corpus when installed, plus hand-written edge cases), and positions are in
// UTF-16 units with 1-based lines and columns.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { getPythonParser, parseWith, parseWithPublicApi, parseWithRecordCap, walkKind, type PyNode } from '../../src/python/parser.js';
import { walkerModuleBytes } from '../../src/python/walker.js';
import { walk } from '../../src/python/ast.js';
import { sleb, uleb } from '../../src/core/wasm-asm.js';
import { flat } from '../helpers/trees.js';

const CASES = [
  'x = "é😀"\ny = 1\n',
  'def f(:\n    pass\nclass C(:\n',
  'if True:\n\tx = [1,\n  2]\n',
  '',
  '# only a comment',
  'async def v(request):\n    return await g(request.META["HTTP_X"])\n',
  // Error recovery: zero-width MISSING nodes and ERROR nodes.
  'x = (1\n',
  'print("a"\ndef g():\n  return [1, 2\n',
  'class A:\n    def m(self)\n        pass\n',
];

/** Every child points back at its parent. */
function parentsConsistent(n: PyNode): boolean {
  return n.children.every((c) => c.parent === n && parentsConsistent(c));
}

test('raw and public cursor walks agree on edge cases', async () => {
  const p = await getPythonParser();
  assert.equal(walkKind(), 'wasm', 'the WebAssembly walk is in use');
  for (const src of CASES) {
    const r = parseWith(p, src);
    assert.deepEqual(flat(r.root), flat(parseWithPublicApi(p, src).root), JSON.stringify(src));
    assert.equal(r.root.parent, null);
    assert.ok(parentsConsistent(r.root), JSON.stringify(src));
    assert.deepEqual(r.syntaxErrors, parseWithPublicApi(p, src).syntaxErrors, JSON.stringify(src));
  }
});

test('the WebAssembly walk stops at its record capacity instead of writing past it, and parseWith still gives the tree', async () => {
  const p = await getPythonParser();
  const src = 'def f(a, b):\n    return a + b\n';
  const full = parseWith(p, src);
  assert.equal(parseWithRecordCap(p, src, full.nodeCount - 1), null);
  const exact = parseWithRecordCap(p, src, full.nodeCount);
  assert.ok(exact);
  assert.deepEqual(flat(exact.root), flat(full.root));
});

test('a tree with more nodes than the first guess (one per character and more) still comes out whole', async () => {
  const p = await getPythonParser();
  const src = `x = [${'(a),'.repeat(3000)}]\n`;
  const r = parseWith(p, src);
  assert.ok(r.nodeCount > 0.75 * src.length + 1024, `${r.nodeCount} nodes for ${src.length} characters`);
  assert.deepEqual(flat(r.root), flat(parseWithPublicApi(p, src).root));
});

test('the walk module is valid WebAssembly; LEB128 encodings', () => {
  assert.ok(WebAssembly.validate(walkerModuleBytes()));
  assert.deepEqual(uleb(0), [0]);
  assert.deepEqual(uleb(127), [0x7f]);
  assert.deepEqual(uleb(128), [0x80, 0x01]);
  assert.deepEqual(uleb(624485), [0xe5, 0x8e, 0x26]);
  assert.deepEqual(sleb(-1), [0x7f]);
  assert.deepEqual(sleb(63), [0x3f]);
  assert.deepEqual(sleb(64), [0xc0, 0x00]);
  assert.deepEqual(sleb(-123456), [0xc0, 0xbb, 0x78]);
  assert.deepEqual(sleb(0x7fffffff), [0xff, 0xff, 0xff, 0xff, 0x07]);
});

test('raw and public cursor walks agree on a real corpus', async () => {
  const dir = '/usr/lib/python3/dist-packages/django/contrib/auth';
  const p = await getPythonParser();
  const files: string[] = [];
  const visit = (d: string) => {
    for (const n of readdirSync(d)) {
      const a = join(d, n);
      if (statSync(a).isDirectory()) visit(a);
      else if (n.endsWith('.py')) files.push(a);
    }
  };
  if (existsSync(dir)) visit(dir);
  files.push(...['src/python/flow.ts'].map((f) => join(process.cwd(), f)).filter(existsSync));
  assert.ok(files.length > 0);
  for (const f of files) {
    const src = readFileSync(f, 'utf8');
    assert.deepEqual(flat(parseWith(p, src).root), flat(parseWithPublicApi(p, src).root), f);
  }
});

test('positions: UTF-16 offsets, 1-based lines and columns', async () => {
  const p = await getPythonParser();
  const src = 'x = "é😀"\ny = 1\n';
  const r = parseWith(p, src);
  const y = r.root.children[1].children[0].children[0];
  assert.equal(src.slice(y.start, y.end), 'y');
  assert.deepEqual([y.line, y.col], [2, 1]);
  const str = r.root.children[0].children[0].children[2];
  assert.equal(src.slice(str.start, str.end), '"é😀"');
  assert.deepEqual([str.line, str.col, str.endLine, str.endCol], [1, 5, 1, 10]);
});

test('a node stores five fields; type, field, named-ness, error state, parent and positions are derived', async () => {
  const p = await getPythonParser();
  const src = 'def f(a):\n    return a.b\nx = (1\n';
  for (const r of [parseWith(p, src), parseWithPublicApi(p, src)]) {
    const all: PyNode[] = [];
    const visit = (n: PyNode) => {
      all.push(n);
      n.children.forEach(visit);
    };
    visit(r.root);
    for (const n of all) assert.ok(Object.getOwnPropertyNames(n).length <= 5, `${n.type}: ${Object.getOwnPropertyNames(n).join(', ')}`);
    const ret = all.find((n) => n.type === 'return_statement')!;
    assert.equal(ret.parent?.type, 'block');
    assert.equal(ret.parent?.field, 'body');
    assert.deepEqual([ret.line, ret.col, ret.endLine, ret.endCol], [2, 5, 2, 15]);
    assert.equal(all.find((n) => n.type === 'attribute')?.named, true);
    assert.ok(
      all.some((n) => n.error),
      'the unclosed parenthesis is an error',
    );
    assert.equal(r.root.parent, null);
  }
});

test('punctuation is not in the tree, except tokens error recovery inserted and those inside error nodes', async () => {
  const p = await getPythonParser();
  const punctuation = (n: PyNode, out: string[] = []): string[] => {
    if (!n.named && /^[()[\]{},.;]$/.test(n.type)) out.push(`${n.type}${n.error ? ' missing' : ''} in ${n.parent!.type}`);
    for (const c of n.children) punctuation(c, out);
    return out;
  };
  const src = "f(a, b.c)[0]; d = {'k': (1, 2)}\nL = [x, y,]\nT = ('a',)\n";
  for (const r of [parseWith(p, src), parseWithPublicApi(p, src)]) {
    assert.deepEqual(punctuation(r.root), []);
    // Lists and tuples keep their extent: fix/edits.ts finds their brackets in the source there.
    const lists: string[] = [];
    walk(r.root, (n) => void ((n.type === 'list' || n.type === 'tuple') && lists.push(src.slice(n.start, n.end))));
    assert.deepEqual(lists, ['(1, 2)', '[x, y,]', "('a',)"]);
  }
  const broken: [string, string[]][] = [
    ['x = f(1\n', ['( in ERROR']],
    ['print("a"\ndef g():\n  return [1, 2\n', ['( in ERROR', '[ in ERROR', ', in ERROR']],
    ['x = (1\n', ['( in ERROR']],
    ['y = [1, 2\nz = 3\n', ['[ in ERROR', ', in ERROR']],
  ];
  for (const [text, tokens] of broken) {
    const a = parseWith(p, text);
    assert.ok(a.syntaxErrors.length > 0);
    assert.deepEqual(punctuation(a.root), tokens, text);
    assert.deepEqual(punctuation(parseWithPublicApi(p, text).root), tokens, text);
  }
});
