// Python parsing on tree-sitter-python (the WASM grammar shipped in the npm package, run by
// web-tree-sitter). Each file is parsed once and converted into a compact plain-JS syntax tree
// (`PyNode`) so the analysis never crosses into WASM again and the native tree can be freed.
// See docs/architecture.md for why WASM rather than the native binding.

import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Parser, Language } from 'web-tree-sitter';

export interface PyNode {
  type: string;
  /** Field name in the parent (tree-sitter field), if any. */
  field: string | null;
  named: boolean;
  start: number;
  end: number;
  /** 1-based line, 1-based column (UTF-16 units, as tree-sitter reports for JS strings). */
  line: number;
  col: number;
  endLine: number;
  endCol: number;
  children: PyNode[];
  parent: PyNode | null;
  /** Error or missing node produced by error recovery. */
  error: boolean;
}

let parserPromise: Promise<Parser> | null = null;

async function createParser(): Promise<Parser> {
  const require = createRequire(import.meta.url);
  await Parser.init();
  const wasm = join(dirname(require.resolve('tree-sitter-python/package.json')), 'tree-sitter-python.wasm');
  const lang = await Language.load(wasm);
  const p = new Parser();
  p.setLanguage(lang);
  return p;
}

export function getPythonParser(): Promise<Parser> {
  parserPromise ??= createParser();
  return parserPromise;
}

export interface ParsedPython {
  root: PyNode;
  /** Ranges of syntax errors (1-based lines) found by error recovery. */
  syntaxErrors: { line: number; col: number; message: string }[];
  nodeCount: number;
}

/** Parses `source` and converts the tree; the WASM tree is deleted before returning. */
export async function parsePython(source: string): Promise<ParsedPython> {
  const parser = await getPythonParser();
  return parseWith(parser, source);
}

export function parseWith(parser: Parser, source: string): ParsedPython {
  const tree = parser.parse(source);
  if (!tree) throw new Error('tree-sitter returned no tree');
  try {
    const cursor = tree.walk();
    const syntaxErrors: ParsedPython['syntaxErrors'] = [];
    const hasError = tree.rootNode.hasError;
    // Line/column from the start index on the JS side: each cursor property read crosses into
    // WASM, so positions are derived from a line-start table instead of startPosition/endPosition.
    const lineStarts: number[] = [0];
    for (let i = source.indexOf('\n'); i !== -1; i = source.indexOf('\n', i + 1)) lineStarts.push(i + 1);
    let hint = 0;
    const pos = (index: number): [number, number] => {
      // Pre-order visits mostly increase; search from the last hit, falling back to bisection.
      if (hint < lineStarts.length && lineStarts[hint] <= index && (hint + 1 >= lineStarts.length || lineStarts[hint + 1] > index)) return [hint + 1, index - lineStarts[hint] + 1];
      let lo = 0;
      let hi = lineStarts.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (lineStarts[mid] <= index) lo = mid;
        else hi = mid - 1;
      }
      hint = lo;
      return [lo + 1, index - lineStarts[lo] + 1];
    };
    let count = 0;
    const mk = (parent: PyNode | null): PyNode => {
      const type = cursor.nodeType;
      const start = cursor.startIndex;
      const end = cursor.endIndex;
      const [line, col] = pos(start);
      const [endLine, endCol] = pos(end);
      const missing = hasError && cursor.nodeIsMissing;
      const node: PyNode = {
        type,
        field: cursor.currentFieldName,
        named: cursor.nodeIsNamed,
        start,
        end,
        line,
        col,
        endLine,
        endCol,
        children: [],
        parent,
        error: type === 'ERROR' || missing,
      };
      count++;
      if (node.error && syntaxErrors.length < 20) {
        syntaxErrors.push({
          line: node.line,
          col: node.col,
          message: missing ? `syntax error: missing ${type}` : 'syntax error',
        });
      }
      return node;
    };
    const root = mk(null);
    // Iterative pre-order walk; `stack` holds the parents of the cursor's node.
    const stack: PyNode[] = [root];
    let more = cursor.gotoFirstChild();
    while (more) {
      const parent = stack[stack.length - 1];
      const node = mk(parent);
      parent.children.push(node);
      if (cursor.gotoFirstChild()) {
        stack.push(node);
        continue;
      }
      for (;;) {
        if (cursor.gotoNextSibling()) break;
        if (!cursor.gotoParent()) { more = false; break; }
        stack.pop();
        if (stack.length === 0) { more = false; break; }
      }
    }
    cursor.delete();
    return { root, syntaxErrors, nodeCount: count };
  } finally {
    tree.delete();
  }
}
