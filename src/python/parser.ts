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
    let count = 0;
    const mk = (parent: PyNode | null): PyNode => {
      const sp = cursor.startPosition;
      const ep = cursor.endPosition;
      const type = cursor.nodeType;
      const node: PyNode = {
        type,
        field: cursor.currentFieldName,
        named: cursor.nodeIsNamed,
        start: cursor.startIndex,
        end: cursor.endIndex,
        line: sp.row + 1,
        col: sp.column + 1,
        endLine: ep.row + 1,
        endCol: ep.column + 1,
        children: [],
        parent,
        error: type === 'ERROR' || cursor.nodeIsMissing,
      };
      count++;
      if (node.error && syntaxErrors.length < 20) {
        syntaxErrors.push({
          line: node.line,
          col: node.col,
          message: cursor.nodeIsMissing ? `syntax error: missing ${type}` : 'syntax error',
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
