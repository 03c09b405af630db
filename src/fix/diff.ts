// Unified diffs (as `diff -u` / `git diff` print them) between two texts, line by line, with the
// Myers O(ND) algorithm. New files diff against /dev/null.

type Op = { t: ' ' | '-' | '+'; line: string };

function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** The shortest edit script from `a` to `b` (Myers 1986, greedy forward search with trace). */
function myers(a: string[], b: string[]): Op[] {
  const n = a.length;
  const m = b.length;
  const max = n + m;
  const offset = max + 1;
  let v = new Int32Array(2 * max + 3);
  const trace: Int32Array[] = [];
  let found = false;
  for (let d = 0; d <= max && !found; d++) {
    trace.push(v.slice());
    const next = v.slice();
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[offset + k - 1] < v[offset + k + 1]) ? v[offset + k + 1] : v[offset + k - 1] + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      next[offset + k] = x;
      if (x >= n && y >= m) {
        found = true;
        break;
      }
    }
    v = next;
  }
  trace.push(v);
  // Backtrack.
  const ops: Op[] = [];
  let x = n;
  let y = m;
  for (let d = trace.length - 2; d >= 0; d--) {
    const vd = trace[d];
    const k = x - y;
    const prevK = k === -d || (k !== d && vd[offset + k - 1] < vd[offset + k + 1]) ? k + 1 : k - 1;
    const prevX = d === 0 ? 0 : vd[offset + prevK];
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) {
      ops.push({ t: ' ', line: a[x - 1] });
      x--;
      y--;
    }
    if (d === 0) break;
    if (x === prevX) ops.push({ t: '+', line: b[y - 1] });
    else ops.push({ t: '-', line: a[x - 1] });
    x = prevX;
    y = prevY;
  }
  while (x > 0 && y > 0) {
    ops.push({ t: ' ', line: a[x - 1] });
    x--;
    y--;
  }
  return ops.reverse();
}

export interface DiffOptions {
  context?: number;
  color?: boolean;
}

/** `--- a/path` / `+++ b/path` and hunks; '' when the texts are equal. `before` null: a new file. */
export function unifiedDiff(path: string, before: string | null, after: string, opts: DiffOptions = {}): string {
  if (before === after) return '';
  if (before === null && after === '') return '';
  const ctx = opts.context ?? 3;
  const a = splitLines(before ?? '');
  const b = splitLines(after);
  const ops = myers(a, b);
  const paint = (s: string, code: string) => (opts.color ? `\x1b[${code}m${s}\x1b[0m` : s);
  const out: string[] = [];
  out.push(paint(before === null ? '--- /dev/null' : `--- a/${path}`, '1'));
  out.push(paint(`+++ b/${path}`, '1'));
  // Group changes into hunks with `ctx` lines of context.
  const changeIdx: number[] = [];
  ops.forEach((o, i) => {
    if (o.t !== ' ') changeIdx.push(i);
  });
  let i = 0;
  while (i < changeIdx.length) {
    let start = Math.max(0, changeIdx[i] - ctx);
    let end = Math.min(ops.length, changeIdx[i] + ctx + 1);
    let j = i + 1;
    while (j < changeIdx.length && changeIdx[j] - ctx <= end) {
      end = Math.min(ops.length, changeIdx[j] + ctx + 1);
      j++;
    }
    let aLine = 1;
    let bLine = 1;
    for (let k = 0; k < start; k++) {
      if (ops[k].t !== '+') aLine++;
      if (ops[k].t !== '-') bLine++;
    }
    let aCount = 0;
    let bCount = 0;
    const body: string[] = [];
    for (let k = start; k < end; k++) {
      const o = ops[k];
      if (o.t !== '+') aCount++;
      if (o.t !== '-') bCount++;
      body.push(o.t === ' ' ? ` ${o.line}` : paint(`${o.t}${o.line}`, o.t === '+' ? '32' : '31'));
    }
    const aStart = aCount === 0 ? aLine - 1 : aLine;
    const bStart = bCount === 0 ? bLine - 1 : bLine;
    out.push(paint(`@@ -${aStart}${aCount === 1 ? '' : `,${aCount}`} +${bStart}${bCount === 1 ? '' : `,${bCount}`} @@`, '36'));
    out.push(...body);
    start = end;
    i = j;
  }
  const noEol = (t: string | null) => t !== null && t !== '' && !t.endsWith('\n');
  if (noEol(after)) out.push('\\ No newline at end of file');
  return out.join('\n') + '\n';
}
