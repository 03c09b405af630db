// Linear pre-checks for nesting in YAML/JSON text. The YAML library (and JSON via it) recurses per
// nesting level, so hostile input is measured before it is parsed: one pass, no recursion.

/** Deepest flow-collection nesting (`[`/`{`) a config may have; real configs stay under 20. */
export const MAX_FLOW_DEPTH = 256;

/**
 * Where flow collections (`[ { [ …`) first nest deeper than `limit`, found in one linear pass that
 * skips quoted scalars and comments; null when they never do. The YAML library recurses per
 * level, so a file of 100,000 brackets would otherwise end in a stack overflow after seconds of work.
 */
export function flowTooDeep(text: string, limit = MAX_FLOW_DEPTH): { line: number; col: number } | null {
  let depth = 0;
  let line = 1;
  let lineStart = 0;
  let prev = 10; // the previous character: a `#` starts a comment only after whitespace or at a line start
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) {
      line++;
      lineStart = i + 1;
    } else if (c === 35 /* # */ && (prev === 10 || prev === 32 || prev === 9)) {
      const nl = text.indexOf('\n', i);
      if (nl < 0) break;
      i = nl - 1;
    } else if (c === 34 /* " */ || (c === 39 /* ' */ && (prev === 10 || prev === 32 || prev === 9 || prev === 91 || prev === 123 || prev === 44 || prev === 58))) {
      // A quoted scalar: skipped to its closing quote (backslash escapes only inside "…"), its line breaks counted.
      let j = i + 1;
      while (j < text.length && text.charCodeAt(j) !== c) j += c === 34 && text.charCodeAt(j) === 92 ? 2 : 1;
      for (let k = i; k < j && k < text.length; k++) {
        if (text.charCodeAt(k) === 10) {
          line++;
          lineStart = k + 1;
        }
      }
      i = j;
    } else if (c === 91 || c === 123) {
      if (++depth > limit) return { line, col: i - lineStart + 1 };
    } else if ((c === 93 || c === 125) && depth > 0) depth--;
    prev = c;
  }
  return null;
}

/**
 * Where block collections (by indentation) first nest deeper than `limit`: a stack of the open
 * indentation widths, one linear pass over the lines; null when they never do.
 */
export function blockTooDeep(text: string, limit = MAX_FLOW_DEPTH): { line: number; col: number } | null {
  const open: number[] = [];
  let line = 0;
  for (let i = 0; i <= text.length;) {
    const nl = text.indexOf('\n', i);
    const end = nl < 0 ? text.length : nl;
    line++;
    let j = i;
    while (j < end && (text.charCodeAt(j) === 32 || (text.charCodeAt(j) === 45 /* - */ && text.charCodeAt(j + 1) === 32))) j++;
    if (j < end && text.charCodeAt(j) !== 35 && text.charCodeAt(j) !== 13) {
      const indent = j - i;
      while (open.length && open[open.length - 1] >= indent) open.pop();
      open.push(indent);
      if (open.length > limit) return { line, col: indent + 1 };
    }
    if (nl < 0) break;
    i = nl + 1;
  }
  return null;
}

/** Where YAML/JSON text first nests deeper than the limit, as flow or block collections; null when it never does. */
export function nestingTooDeep(text: string): { line: number; col: number } | null {
  return flowTooDeep(text) ?? blockTooDeep(text);
}
