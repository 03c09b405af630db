// The fast raw-cursor walk and the public TreeCursor walk build the same tree (Django's own
// source as the corpus when installed, plus hand-written edge cases), and positions are in
// UTF-16 units with 1-based lines and columns.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { getPythonParser, parseWith, parseWithPublicApi, type PyNode } from '../../src/python/parser.js';

function flat(n: PyNode, out: string[] = []): string[] {
  out.push(`${n.type}|${n.field}|${n.named}|${n.start}-${n.end}|${n.line}:${n.col}-${n.endLine}:${n.endCol}|${n.error}|${n.children.length}`);
  for (const c of n.children) flat(c, out);
  return out;
}

const CASES = [
  'x = "é😀"\ny = 1\n',
  'def f(:\n    pass\nclass C(:\n',
  'if True:\n\tx = [1,\n  2]\n',
  '',
  '# only a comment',
  'async def v(request):\n    return await g(request.META["HTTP_X"])\n',
];

test('raw and public cursor walks agree on edge cases', async () => {
  const p = await getPythonParser();
  for (const src of CASES) assert.deepEqual(flat(parseWith(p, src).root), flat(parseWithPublicApi(p, src).root), JSON.stringify(src));
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
