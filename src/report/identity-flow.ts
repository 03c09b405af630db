// The identity-flow picture of a probe: client → target (TLS) → app, with the links the accepted
// attacks break, from the report's findings and case notes. Which link or check a rule is about is
// its `meta.diagram`. The scan's picture is built in model/identity-flow.ts; the types are in
// core/identity-flow.ts.

import type { Finding, Report } from '../core/types.js';
import { diagramOf } from '../rules/index.js';
import { CHECK_ORDER, findingKey, uniq, worst, type CheckName, type FlowCheck, type FlowFact, type FlowHandler, type FlowLink, type IdentityFlow } from '../core/identity-flow.js';

// ---------------------------------------------------------------------------------------------
// Probe: one picture of the target, from what the live cases proved

type ProbeLeg = 'tls' | 'headers' | 'bypass' | 'app' | 'client';

/** Which leg of the path a probe case attacks, from its case id (`expired-cert /api/`, `spoofed-header:backend:…`). */
export function probeLeg(caseName: string, ruleId?: string): ProbeLeg {
  const id = caseName.split(' ')[0];
  if (id === 'server-certificate') return 'client';
  if (id === 'no-cert-backend' || /^spoofed-headers?:backend\b/.test(id)) return 'bypass';
  if (/^spoofed-headers?:/.test(id)) return 'headers';
  if (/^(no-cert|revoked-cert|server-auth-eku|impostor-ca|unrelated-ca|expired-cert|not-yet-valid-cert)$/.test(id)) return 'tls';
  const link = ruleId ? diagramOf(ruleId)?.link : undefined;
  if (link) return link;
  return 'app';
}

/** Short names of the probe cases. */
const CASE_NAME: Record<string, string> = {
  'no-cert': 'no certificate',
  'no-cert-backend': 'no certificate, straight to the app server',
  'impostor-ca': 'impostor CA (same name)',
  'unrelated-ca': 'unrelated CA',
  'expired-cert': 'expired certificate',
  'not-yet-valid-cert': 'not-yet-valid certificate',
  'revoked-cert': 'revoked certificate',
  'server-auth-eku': 'serverAuth-only EKU',
  'unknown-identity': 'unknown subject',
  'dn-injection-o': 'DN injection (O=CN=…)',
  'dn-injection-comma': 'DN injection (escaped comma)',
  'session-replay-no-cert': 'session replayed without a certificate',
  'session-replay-other-cert': 'session replayed with another certificate',
  'session-id-not-rotated': 'session id kept through login',
  'password-burst': 'password-guessing burst',
  'server-certificate': 'server certificate',
};

/** `spoofed-header:proxy:x-ssl-client-cert` → `forged x-ssl-client-cert`; `expired-cert /api/` → `expired certificate`. */
export function caseTitle(caseName: string): string {
  const id = caseName.split(' ')[0];
  let m: RegExpExecArray | null;
  if ((m = /^spoofed-header:(?:proxy|backend):(.+)$/.exec(id))) return `forged ${m[1]}`;
  if (/^spoofed-headers:/.test(id)) return 'forged identity headers';
  return CASE_NAME[id] ?? id;
}

interface CaseRow {
  title: string;
  leg: ProbeLeg;
  accepted: string[];
  refused: string[];
  other: Map<string, string[]>;
  findings: Finding[];
}

function pathOf(url: string | undefined): string {
  if (!url) return '';
  try {
    return new URL(url).pathname;
  } catch {
    return url;
  }
}

/** Probe cases grouped by what they attack (one row per case, whatever the paths). */
function caseRows(report: Report): CaseRow[] {
  const rows = new Map<string, CaseRow>();
  const row = (caseName: string, ruleId?: string): CaseRow => {
    const leg = probeLeg(caseName, ruleId);
    const title = caseTitle(caseName);
    const k = `${leg}|${title}`;
    let r = rows.get(k);
    if (!r) rows.set(k, (r = { title, leg, accepted: [], refused: [], other: new Map(), findings: [] }));
    return r;
  };
  for (const f of report.findings) {
    const r = row(f.location.case ?? f.ruleId, f.ruleId);
    const p = pathOf(f.location.url);
    if (p && !r.accepted.includes(p)) r.accepted.push(p);
    r.findings.push(f);
  }
  for (const n of report.notes ?? []) {
    const r = row(n.case);
    const p = n.case.includes(' ') ? n.case.slice(n.case.indexOf(' ') + 1) : '';
    if (n.status === 'passed') r.refused.push(p);
    else r.other.set(n.status, [...(r.other.get(n.status) ?? []), p]);
  }
  return [...rows.values()];
}

function rowFact(r: CaseRow): FlowFact {
  if (r.findings.length) return { label: r.title, value: `accepted${r.accepted.length ? ` on ${r.accepted.join(', ')}` : ''}`, state: 'bad' };
  if (r.refused.length) return { label: r.title, value: r.leg === 'client' ? 'verified' : 'refused', state: 'ok' };
  const [status] = [...r.other.keys()];
  return { label: r.title, value: status === 'not-run' ? 'not run' : (status ?? 'not judged'), state: 'warn' };
}

/** The identity flow of a probe report: client → target (TLS) → app, with the links the accepted attacks break. */
export function probeIdentityFlows(report: Report): IdentityFlow[] {
  if (report.kind !== 'probe') return [];
  const rows = caseRows(report);
  const of = (l: ProbeLeg) => rows.filter((r) => r.leg === l);
  const keys = (list: CaseRow[]) => uniq(list.flatMap((r) => r.findings.map(findingKey)));
  const link = (l: ProbeLeg, ok: string, none: string, broken: (hit: CaseRow[]) => string): FlowLink => {
    const rs = of(l);
    const hit = rs.filter((r) => r.findings.length);
    const judged = rs.some((r) => r.refused.length);
    return { state: hit.length ? 'broken' : judged ? 'ok' : 'unknown', summary: hit.length ? broken(hit) : judged ? ok : none, details: rs.map(rowFact), findings: keys(hit) };
  };
  const tls = link('tls', 'bad certificates refused', 'no certificate case judged', (hit) => `accepted: ${hit.map((r) => r.title).join(', ')}`);
  const headers = link('headers', 'forged identity headers refused at the proxy', 'no header case judged', () => 'forged identity headers reach the app through the proxy');
  const bypass = link('bypass', 'the app server refused requests sent around the proxy', 'the app server was not probed directly (no --backend)', () => 'the app server serves requests sent around the proxy');
  const appRows = of('app');
  const appHit = appRows.filter((r) => r.findings.length);
  const checks = new Map<CheckName, FlowCheck>();
  for (const f of appHit.flatMap((r) => r.findings)) {
    const name = diagramOf(f.ruleId)?.check ?? 'authentication';
    const have = checks.get(name);
    if (have) have.findings = uniq([...have.findings, findingKey(f)]);
    else checks.set(name, { name, state: 'missing', detail: f.ruleId, findings: [findingKey(f)] });
  }
  const handlers: FlowHandler[] = appHit.length
    ? [{ kind: 'app', qualname: 'application', site: { file: '', line: 0 }, routes: uniq(appHit.flatMap((r) => r.accepted)), reads: [], checks: CHECK_ORDER.filter((n) => checks.has(n)).map((n) => checks.get(n)!), findings: keys(appHit) }]
    : [];
  const clientFacts: FlowFact[] = of('client').map(rowFact);
  if (report.stats.requestsSent !== undefined) clientFacts.unshift({ label: '', value: `${report.stats.requestsSent} requests sent` });
  return [
    {
      id: 'flow-1',
      title: `probe ${report.target}`,
      client: { title: 'Client', subtitle: 'mtls-audit probe', state: 'neutral', facts: clientFacts, findings: [] },
      proxy: { title: 'TLS endpoint', subtitle: report.target, state: worst([tls.state, headers.state]), facts: tls.details, findings: uniq([...tls.findings, ...headers.findings]) },
      appServer: { title: 'App server', subtitle: bypass.state === 'unknown' ? 'behind the endpoint' : 'probed directly (--backend)', state: bypass.state, facts: bypass.details, findings: bypass.findings },
      django: {
        title: 'Django',
        subtitle: 'what the application accepted',
        state: appHit.length ? 'broken' : appRows.some((r) => r.refused.length) ? 'ok' : 'unknown',
        facts: appRows.map(rowFact),
        findings: keys(appHit),
        handlers,
        also: [],
      },
      links: { tls, headers, wsgi: { state: 'neutral', summary: 'WSGI', details: [], findings: [] }, bypass },
    },
  ];
}
