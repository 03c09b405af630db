// Position-aware YAML documents (npm `yaml`, multi-document), converted to a small plain tree so
// the Envoy/Traefik/Kubernetes/Compose readers can walk values and still cite file:line:column.

import type { LineCounter, Node as YamlNode } from 'yaml';
import { yaml } from '../core/lazy.js';
import { MAX_FLOW_DEPTH, nestingTooDeep } from '../core/nesting.js';

export type YNode =
  | { kind: 'map'; entries: Map<string, { keyLine: number; keyCol: number; value: YNode }>; line: number; col: number }
  | { kind: 'seq'; items: YNode[]; line: number; col: number }
  | { kind: 'scalar'; value: unknown; line: number; col: number };

export interface YamlParse {
  docs: YNode[];
  errors: { message: string; line?: number; col?: number }[];
  /** Documents of a multi-document stream that did not parse (the others are in `docs`). */
  skippedDocs: number;
}

export function parseYaml(text: string): YamlParse {
  const out: YamlParse = { docs: [], errors: [], skippedDocs: 0 };
  const deep = nestingTooDeep(text);
  if (deep) {
    out.errors.push({ message: `collections nested more than ${MAX_FLOW_DEPTH} levels deep`, ...deep });
    return out;
  }
  const lc = new (yaml().LineCounter)();
  let docs;
  try {
    docs = yaml().parseAllDocuments(text, { lineCounter: lc, uniqueKeys: false, prettyErrors: false });
  } catch (e) {
    out.errors.push({ message: (e as Error).message });
    return out;
  }
  const list = Array.isArray(docs) ? docs : [docs];
  for (const d of list) {
    for (const e of d.errors) {
      const p = e.linePos?.[0] ?? (e.pos ? lc.linePos(e.pos[0]) : undefined);
      out.errors.push({ message: e.message.split('\n')[0], line: p?.line, col: p?.col });
    }
    if (d.errors.length) {
      out.skippedDocs++;
      continue;
    }
    if (d.contents) out.docs.push(convert(d.contents, lc, 0));
  }
  return out;
}

function convert(n: YamlNode | null | undefined, lc: LineCounter, depth: number): YNode {
  const at = (off: number | undefined) => {
    const p = lc.linePos(off ?? 0);
    return { line: p.line, col: p.col };
  };
  if (!n || depth > 200) return { kind: 'scalar', value: null, line: 1, col: 1 };
  const pos = at(n.range?.[0]);
  if (yaml().isAlias(n)) return { kind: 'scalar', value: null, ...pos };
  if (yaml().isMap(n)) {
    const entries = new Map<string, { keyLine: number; keyCol: number; value: YNode }>();
    for (const pair of n.items) {
      const k = pair.key as YamlNode | null;
      const key = k && yaml().isScalar(k) ? String(k.value) : k ? String(k) : '';
      const kp = at(k?.range?.[0]);
      const v = pair.value as YamlNode | null;
      const value = v ? convert(v, lc, depth + 1) : { kind: 'scalar' as const, value: null, line: kp.line, col: kp.col };
      entries.set(key, { keyLine: kp.line, keyCol: kp.col, value });
    }
    return { kind: 'map', entries, ...pos };
  }
  if (yaml().isSeq(n)) return { kind: 'seq', items: n.items.map((it) => convert(it as YamlNode, lc, depth + 1)), ...pos };
  if (yaml().isScalar(n)) return { kind: 'scalar', value: n.value, ...pos };
  return { kind: 'scalar', value: null, ...pos };
}

export function yget(n: YNode | undefined | null, ...path: string[]): YNode | undefined {
  let cur: YNode | undefined | null = n;
  for (const k of path) {
    if (!cur || cur.kind !== 'map') return undefined;
    cur = cur.entries.get(k)?.value;
  }
  return cur ?? undefined;
}

/** The key position of `key` in map `n` (falls back to the map's position). */
export function ykeyPos(n: YNode | undefined, key: string): { line: number; col: number } {
  if (n && n.kind === 'map') {
    const e = n.entries.get(key);
    if (e) return { line: e.keyLine, col: e.keyCol };
  }
  return { line: n?.line ?? 1, col: n?.col ?? 1 };
}

export function ystr(n: YNode | undefined): string | undefined {
  if (!n || n.kind !== 'scalar' || n.value === null || n.value === undefined) return undefined;
  return String(n.value);
}

export function ybool(n: YNode | undefined): boolean | undefined {
  if (!n || n.kind !== 'scalar') return undefined;
  if (typeof n.value === 'boolean') return n.value;
  if (typeof n.value === 'string') {
    if (/^(true|yes|on)$/i.test(n.value)) return true;
    if (/^(false|no|off)$/i.test(n.value)) return false;
  }
  return undefined;
}

export function yitems(n: YNode | undefined): YNode[] {
  return n && n.kind === 'seq' ? n.items : [];
}

export function yentries(n: YNode | undefined): [string, { keyLine: number; keyCol: number; value: YNode }][] {
  return n && n.kind === 'map' ? [...n.entries] : [];
}

/** Depth-first walk over every map in the tree, with the key path. */
export function ywalkMaps(n: YNode, visit: (m: YNode & { kind: 'map' }, path: string[]) => void, path: string[] = [], depth = 0): void {
  if (depth > 200) return;
  if (n.kind === 'map') {
    visit(n, path);
    for (const [k, e] of n.entries) ywalkMaps(e.value, visit, [...path, k], depth + 1);
  } else if (n.kind === 'seq') {
    n.items.forEach((it, i) => ywalkMaps(it, visit, [...path, String(i)], depth + 1));
  }
}
