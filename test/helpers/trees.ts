// The plain tree as lines, one per node in pre-order (type, field, named-ness, offsets,
// positions, error state, child count): two parses give the same tree when these are equal.

import type { PyNode } from '../../src/python/parser.js';

export function flat(n: PyNode, out: string[] = []): string[] {
  out.push(`${n.type}|${n.field}|${n.named}|${n.start}-${n.end}|${n.line}:${n.col}-${n.endLine}:${n.endCol}|${n.error}|${n.children.length}`);
  for (const c of n.children) flat(c, out);
  return out;
}
