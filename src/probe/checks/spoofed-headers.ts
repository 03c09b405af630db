// accepts-spoofed-cert-header and accepts-spoofed-identity-header: the legitimate certificate is
// public data, so the probe forges every common certificate/identity header from it, on every
// protected path and the login path, through the proxy (with no certificate, or with certificate B
// when the proxy refuses certificate-less handshakes) and straight at --backend.
//
// Budget: the headers go in batches (one value per WSGI key: a dash and an underscore spelling of
// the same name never share a request; one PEM encoding per batch), 12 requests per path and
// route. A batch served as the legitimate owner is narrowed down (binary split, a header name
// already found on any path or route tried first, then "is the rest still accepted?" to find further culprits) so the
// finding names the exact headers; when the cap or the budget stops narrowing, the finding names
// the batch. Soundness caveat: a header that breaks the app (a 5xx) can hide another header of its
// batch; such batches are reported as inconclusive, not passed.

import { defineCheck, noteCase, PRIORITY, req, type CheckContext, type PathBaseline } from '../check.js';
import { describe, judge, separation, type Refs } from '../judge.js';
import { exchange } from '../evidence.js';
import { headersOf, spoofBatches, type Batch, type HeaderItem } from '../headers.js';
import type { Assessment, CaseNote, ClientIdentity, Outcome, ProbeFinding } from '../types.js';

/** Narrowing requests per path and route. */
const NARROW_CAP = 40;

/** The most common names (nginx's documented conventions): tried alone first, one request when right. */
const PRIORS = ['x-ssl-client-cert', 'x-ssl-client-s-dn'];

interface Route {
  id: 'proxy' | 'backend';
  /** For messages: `through the proxy`, `directly to the backend http://…`. */
  text: string;
  identity: ClientIdentity | null;
  refused: Outcome;
  onBackend: boolean;
}

interface Found {
  items: HeaderItem[];
  batch: Batch;
  outcome: Outcome;
  precise: boolean;
}

interface FlowResult {
  path: string;
  url: string;
  route: Route;
  found: Found[];
  note?: CaseNote;
}

export interface SpoofResult {
  flows: FlowResult[];
  notes: CaseNote[];
}

function excerpt(o: Outcome): string {
  const body = (o.body ?? '').replace(/\s+/g, ' ').trim();
  return body ? ` ${body.length > 80 ? `${body.slice(0, 80)}…` : body}` : '';
}

const key = (items: HeaderItem[]) =>
  items
    .map((i) => i.name)
    .sort()
    .join('\n');

function routesFor(b: PathBaseline, ctx: CheckContext, notes: CaseNote[]): Route[] {
  const routes: Route[] = [];
  const B = ctx.ids.attacks.unknown;
  if (b.none.kind === 'response') {
    routes.push({ id: 'proxy', text: 'through the proxy', identity: null, refused: b.none, onBackend: false });
  } else if (B && b.other && b.other.kind === 'response') {
    routes.push({ id: 'proxy', text: 'through the proxy with certificate B (an unknown subject from the trusted CA)', identity: B, refused: b.other, onBackend: false });
  } else {
    notes.push({
      case: noteCase('spoofed-headers:proxy', b.path),
      status: 'not-run',
      reason: `the proxy answers no request without a certificate (${describe(b.none)})${B ? ` and certificate B got ${b.other ? describe(b.other) : 'no answer'}` : '; --ca-key would let the probe present a minted certificate'}`,
    });
  }
  if (ctx.backend && b.backendNone) {
    routes.push({ id: 'backend', text: `directly to the backend ${ctx.backend.origin}`, identity: null, refused: b.backendNone, onBackend: true });
  }
  return routes;
}

async function flow(ctx: CheckContext, b: PathBaseline, route: Route, known: Set<string>): Promise<FlowResult> {
  const url = ctx.url(b.path, route.onBackend);
  const result: FlowResult = { path: b.path, url: url.href, route, found: [] };
  const caseName = noteCase(`spoofed-headers:${route.id}`, b.path);
  const refs: Refs = ctx.refs(b, route.refused);
  const sep = separation(refs);
  if (!sep.by) {
    result.note = { case: caseName, status: 'inconclusive', reason: sep.reason };
    return result;
  }
  const expect = { name: ctx.ids.legit.name };
  const batches = spoofBatches(ctx.ids.legit);
  const mk = (items: HeaderItem[], purpose: string, priority: number) => req(url, route.identity, purpose, priority, { headers: headersOf(items) });
  const outs = await ctx.send(batches.map((bt) => mk(bt.items, `spoof ${bt.id} ${route.id} ${b.path}`, PRIORITY.spoof)));

  const accepted: { batch: Batch; outcome: Outcome }[] = [];
  const inconclusive: string[] = [];
  let notSent = 0;
  batches.forEach((bt, i) => {
    const o = outs[i];
    if (o.kind === 'not-sent') {
      notSent++;
      return;
    }
    const v = judge(o, refs, expect);
    if (v.verdict === 'accepted') accepted.push({ batch: bt, outcome: o });
    else if (v.verdict === 'inconclusive') inconclusive.push(`${bt.spelling} ${bt.label}: ${v.reason}`);
  });

  // Narrowing, batch after batch, sharing what was found.
  let spent = 0;
  const tested = new Map<string, { ok: boolean; outcome: Outcome }>();
  const test = async (items: HeaderItem[]): Promise<boolean | null> => {
    const k = key(items);
    const hit = tested.get(k);
    if (hit) return hit.ok;
    if (spent >= NARROW_CAP) return null;
    spent++;
    const [o] = await ctx.send([mk(items, `narrow ${items.length} header(s) ${route.id} ${b.path}`, PRIORITY.narrow)]);
    if (o.kind === 'not-sent') return null;
    const ok = judge(o, refs, expect).verdict === 'accepted';
    tested.set(k, { ok, outcome: o });
    return ok;
  };
  const ddmin = async (items: HeaderItem[], fixed: HeaderItem[]): Promise<HeaderItem[] | null> => {
    if (items.length <= 1) return items;
    const mid = Math.ceil(items.length / 2);
    const h1 = items.slice(0, mid);
    const h2 = items.slice(mid);
    const t1 = await test([...fixed, ...h1]);
    if (t1 === null) return null;
    if (t1) return ddmin(h1, fixed);
    const t2 = await test([...fixed, ...h2]);
    if (t2 === null) return null;
    if (t2) return ddmin(h2, fixed);
    const m1 = await ddmin(h1, [...fixed, ...h2]);
    if (!m1) return null;
    const m2 = await ddmin(h2, [...fixed, ...m1]);
    if (!m2) return null;
    return [...m1, ...m2];
  };
  const minimize = async (items: HeaderItem[]): Promise<HeaderItem[] | null> => {
    const prior = items.find((i) => PRIORS.includes(i.canonical) && !known.has(i.canonical));
    for (const h of [...items.filter((i) => known.has(i.canonical)), ...(prior ? [prior] : [])]) {
      const t = await test([h]);
      if (t === null) return null;
      if (t) return [h];
    }
    return ddmin(items, []);
  };

  for (const { batch, outcome } of accepted) {
    tested.set(key(batch.items), { ok: true, outcome });
    let remaining = batch.items;
    let first = true;
    while (remaining.length) {
      if (!first) {
        const t = await test(remaining);
        if (t === null) {
          result.found.push({ items: remaining, batch, outcome: tested.get(key(batch.items))!.outcome, precise: false });
          break;
        }
        if (!t) break;
      }
      first = false;
      const m = await minimize(remaining);
      let confirmed = m ? tested.get(key(m)) : undefined;
      if (m && !confirmed) {
        const t = await test(m);
        confirmed = t ? tested.get(key(m)) : undefined;
      }
      if (!m || !confirmed?.ok) {
        result.found.push({ items: remaining, batch, outcome: tested.get(key(remaining))?.outcome ?? outcome, precise: false });
        break;
      }
      result.found.push({ items: m, batch, outcome: confirmed.outcome, precise: true });
      for (const h of m) known.add(h.canonical);
      const drop = new Set(m);
      remaining = remaining.filter((h) => !drop.has(h));
    }
  }

  if (!result.found.length) {
    if (inconclusive.length) result.note = { case: caseName, status: 'inconclusive', reason: `no batch was served as ${expect.name}, but ${inconclusive.length} could not be judged: ${inconclusive.join('; ')}` };
    else if (notSent) result.note = { case: caseName, status: 'not-run', reason: `${notSent} of ${batches.length} header batches not sent: request budget exhausted` };
    else
      result.note = {
        case: caseName,
        status: 'passed',
        reason: `refused: none of ${batches.length} requests (${batches.reduce((n, bt) => n + bt.items.length, 0)} forged headers, both spellings, every encoding) was served as ${expect.name}`,
      };
  }
  return result;
}

export default defineCheck<SpoofResult>({
  id: 'spoofed-headers',
  rules: ['accepts-spoofed-cert-header', 'accepts-spoofed-identity-header'],
  async run(ctx) {
    const notes: CaseNote[] = [];
    const tasks: Promise<FlowResult>[] = [];
    // Header names found on one path or route are tried first on the others (one request when right).
    const known = new Set<string>();
    for (const b of ctx.learned.paths) for (const route of routesFor(b, ctx, notes)) tasks.push(flow(ctx, b, route, known));
    return { flows: await Promise.all(tasks), notes };
  },
  assess(result, ctx): Assessment {
    const findings: ProbeFinding[] = [];
    const notes: CaseNote[] = [...result.notes];
    for (const f of result.flows) {
      if (f.note) notes.push(f.note);
      // One finding per path, route and set of header names (spellings and encodings merged).
      const groups = new Map<string, Found[]>();
      for (const found of f.found) {
        const names = [...new Set(found.items.map((i) => i.canonical))].sort();
        const k = `${found.precise ? '' : 'batch:'}${names.join('+')}`;
        groups.set(k, [...(groups.get(k) ?? []), found]);
      }
      for (const [k, list] of groups) {
        const items = list.flatMap((x) => x.items);
        const first = list[0];
        const isCert = items.some((i) => i.kind === 'cert');
        const sent = [...new Set(items.map((i) => i.name))];
        const encodings = [...new Set(items.map((i) => i.encoding).filter((e): e is string => !!e))];
        const precise = list.every((x) => x.precise);
        const data: Record<string, string> = {
          headers: precise ? sent.join(', ') : `one of ${sent.join(', ')}`,
          encodings: encodings.join(', ') || 'as the proxy would send it',
          route: f.route.text,
          name: ctx.ids.legit.name,
          path: f.path,
          status: describe(first.outcome),
        };
        findings.push({
          ruleId: isCert ? 'accepts-spoofed-cert-header' : 'accepts-spoofed-identity-header',
          messageId: isCert ? (precise ? 'spoofedCert' : 'spoofedCertUnnarrowed') : 'spoofedIdentity',
          data,
          url: f.url,
          case: `spoofed-header:${f.route.id}:${k}`,
          evidence: `${exchange(first.outcome)}\n# refused reference ${f.route.text}: ${describe(f.route.refused)}${excerpt(f.route.refused)}${
            list.length > 1
              ? `\n# also accepted: ${list
                  .slice(1)
                  .map((x) => x.items.map((i) => `${i.name}${i.encoding ? ` (${i.encoding})` : ''}`).join(' + '))
                  .join('; ')}`
              : ''
          }`,
        });
      }
    }
    return { findings, notes };
  },
});
