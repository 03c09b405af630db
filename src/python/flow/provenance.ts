// When a provenance check in a flow counts: the flow denies on it.

import type { CertFlow, FlowEvent } from './values.js';

/** A provenance check counts when the flow denies on it (a denying condition or a raise) — not just computed. */
export function provenanceDenies(flow: CertFlow, e: FlowEvent): boolean {
  return (
    flow.events.some((c) => c.t === 'cond' && c.denies && c.node.start <= e.node.start && c.node.end >= e.node.end && c.module === e.module) ||
    flow.events.some((c) => c.t === 'cond' && c.denies && /compare_digest|REMOTE_ADDR|trusted|allowed|valid|ok|verified|signature|hmac|proxy/i.test(c.text)) ||
    flow.events.some((c) => c.t === 'cond' && c.denies && c.val.kinds.has('verified'))
  );
}
