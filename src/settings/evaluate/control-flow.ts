// Control flow: `if`/`elif`/`else` (a branch chosen when the condition is known, both evaluated and
// merged when it is not) and `try` (a failing project import jumps to the handler).

import type { PyNode } from '../../python/parser.js';
import { field, named } from '../../python/ast.js';
import { isUnknown, itemsAtLeast, pyTruthy, type SettingSite, type SValue } from '../model.js';
import { pyEquals, type Binding, type Flow, type Namespace, type State } from './values.js';
import { StatementEvaluator } from './statements.js';

export abstract class ControlFlowEvaluator extends StatementEvaluator {
  // ---------------------------------------------------------------- control flow

  protected ifStatement(st: State, n: PyNode): Flow {
    const clauses: { cond: PyNode | null; body: PyNode[] }[] = [{ cond: field(n, 'condition'), body: this.blockOf(field(n, 'consequence')) }];
    for (const c of n.children) {
      if (c.type === 'elif_clause') clauses.push({ cond: field(c, 'condition'), body: this.blockOf(field(c, 'consequence')) });
      else if (c.type === 'else_clause') clauses.push({ cond: null, body: this.blockOf(field(c, 'body')) });
    }
    return this.clauses(st, clauses, 0);
  }

  private clauses(st: State, cl: { cond: PyNode | null; body: PyNode[] }[], i: number): Flow {
    if (i >= cl.length) return 'ok';
    const c = cl[i];
    if (!c.cond) return this.block(st, c.body);
    const cv = this.expr(st, c.cond);
    const truth = pyTruthy(cv.value);
    if (truth !== undefined) {
      // Decided on environment defaults: whatever the chosen branch writes depends on the environment.
      const sub: State = cv.envDependent && !st.envCond ? { ...st, envCond: true } : st;
      return truth ? this.block(sub, c.body) : this.clauses(sub, cl, i + 1);
    }
    // Unknown condition: evaluate both ways and merge (values that differ become conditional).
    const a: State = { ...st, ns: new Map(st.ns), conditional: true };
    const b: State = { ...st, ns: new Map(st.ns), conditional: true };
    this.block(a, c.body);
    this.clauses(b, cl, i + 1);
    this.merge(st, a.ns, b.ns);
    return 'ok';
  }

  private merge(st: State, x: Namespace, y: Namespace): void {
    const keys = new Set([...x.keys(), ...y.keys()]);
    for (const k of keys) {
      const bx = x.get(k);
      const by = y.get(k);
      if (bx === by) {
        if (bx) st.ns.set(k, bx);
        continue;
      }
      if (bx && by && pyEquals(bx.v.value, by.v.value) === true && !isUnknown(bx.v.value)) {
        const later = this.later(bx, by);
        st.ns.set(k, { ...later, writes: this.unionWrites(bx, by), conditional: bx.conditional && by.conditional });
        continue;
      }
      const pick = bx && by ? this.later(bx, by) : (bx ?? by)!;
      const atLeast = bx && by && isUnknown(pick.v.value) ? common(itemsAtLeast(bx.v), itemsAtLeast(by.v)) : undefined;
      st.ns.set(k, { ...pick, v: { ...pick.v, conditional: true, atLeast }, conditional: true, writes: bx && by ? this.unionWrites(bx, by) : pick.writes });
    }
    for (const k of [...st.ns.keys()]) if (!keys.has(k)) st.ns.delete(k);
  }

  private later(a: Binding, b: Binding): Binding {
    if (a.stmt.file === b.stmt.file) return a.stmt.line > b.stmt.line ? a : b;
    return b;
  }

  private unionWrites(a: Binding, b: Binding): SettingSite[] {
    const out = [...a.writes];
    for (const w of b.writes) if (!out.some((o) => o.file === w.file && o.line === w.line && o.column === w.column)) out.push(w);
    return out;
  }

  protected tryStatement(st: State, n: PyNode): Flow {
    const body = this.blockOf(field(n, 'body'));
    const flow = this.block({ ...st, inTry: true }, body);
    if (flow === 'importError') {
      const handler = n.children.find((c) => c.type === 'except_clause' || c.type === 'except_group_clause');
      if (handler) {
        const blk = handler.children.find((c) => c.type === 'block');
        this.block(st, blk ? named(blk) : []);
      }
    } else {
      const els = n.children.find((c) => c.type === 'else_clause');
      if (els) this.block(st, this.blockOf(field(els, 'body')));
    }
    const fin = n.children.find((c) => c.type === 'finally_clause');
    if (fin) {
      const blk = fin.children.find((c) => c.type === 'block');
      this.block(st, blk ? named(blk) : []);
    }
    return 'ok';
  }
}

/** Items both lower bounds hold (a list after one branch or the other certainly holds these). */
function common(a: SValue[] | null, b: SValue[] | null): SValue[] | undefined {
  if (!a || !b) return undefined;
  return a.filter((x) => !isUnknown(x.value) && b.some((y) => pyEquals(x.value, y.value) === true));
}
