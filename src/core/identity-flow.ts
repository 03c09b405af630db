// The identity-flow picture as data (JSON-serialisable, it travels in the Report): for every proxy
// route that reaches the Django app, the path a client identity takes — client → proxy → app server
// → Django handlers — with the links and checks that findings break. The scan's builder lives in
// model/identity-flow.ts, the probe's in report/identity-flow.ts; which link or check a rule is
// about is written in the rule's own meta (`meta.diagram`).

export type LinkState = 'ok' | 'broken' | 'unknown' | 'neutral';
export type FactState = 'ok' | 'bad' | 'warn';

/** A place in the scanned tree. */
export interface FlowRef {
  file: string;
  line: number;
}

/** One line of facts inside a node: `verify: optional_no_ca`. */
export interface FlowFact {
  label: string;
  value: string;
  state?: FactState;
  site?: FlowRef;
}

/** Keys of the findings (see `findingKey`) that a node, link or check points to. */
export type FindingKeys = string[];

export interface FlowLink {
  state: LinkState;
  /** One line: what travels on the link, or why it is broken. */
  summary: string;
  details: FlowFact[];
  findings: FindingKeys;
}

export interface FlowNode {
  title: string;
  subtitle?: string;
  state: LinkState;
  facts: FlowFact[];
  findings: FindingKeys;
}

export type CheckName = 'provenance' | 'chain' | 'validity' | 'eku' | 'revocation' | 'identity' | 'fail-closed' | 'session' | 'throttling' | 'authentication';

export interface FlowCheck {
  name: CheckName;
  /** done: the code does it; at-proxy: the proxy does it for this route; missing: a finding says it is absent or broken. */
  state: 'done' | 'at-proxy' | 'missing';
  detail: string;
  site?: FlowRef;
  findings: FindingKeys;
}

/** A Django view, middleware or authentication backend that reads the client identity. */
export interface FlowHandler {
  kind: string;
  qualname: string;
  site: FlowRef;
  /** URL paths routed to it (views); empty when unrouted or not a view. */
  routes: string[];
  /** Identity values it reads, and where they come from on this route. */
  reads: FlowFact[];
  checks: FlowCheck[];
  findings: FindingKeys;
}

export interface IdentityFlow {
  id: string;
  /** The proxy route (or probe target) this picture is about. */
  title: string;
  client: FlowNode;
  proxy: FlowNode;
  appServer: FlowNode;
  /** `also`: Django-side findings on this route that no handler holds (settings, unauthenticated views). */
  django: FlowNode & { handlers: FlowHandler[]; also: FindingKeys };
  links: {
    /** client → proxy: the TLS handshake and client-certificate verification. */
    tls: FlowLink;
    /** proxy → app server: the headers carrying the identity. */
    headers: FlowLink;
    /** app server → Django: the WSGI environ. */
    wsgi: FlowLink;
    /** client → app server without the proxy. */
    bypass: FlowLink;
  };
}

/** What `findingKey` reads of a finding (core/types.ts `Finding` has it; that module imports this one). */
export interface FindingLike {
  ruleId: string;
  fingerprint?: string;
  location: { file?: string; url?: string; line?: number; column?: number; case?: string };
}

/** Stable key of a finding inside one report: its fingerprint, else rule + location. */
export function findingKey(f: FindingLike): string {
  if (f.fingerprint) return f.fingerprint;
  const l = f.location;
  return `${f.ruleId}|${l.file ?? l.url ?? ''}|${l.line ?? ''}|${l.column ?? ''}|${l.case ?? ''}`;
}

/** The link of the path a rule is about. */
export type LinkClass = 'tls' | 'headers' | 'bypass';

/** A rule's place in the identity-flow picture (`meta.diagram`). */
export interface DiagramPlace {
  /** The link its findings break. */
  link?: LinkClass;
  /** The Django check its findings say is missing or broken. */
  check?: CheckName;
  /** Its findings say the identity's origin is not proven; their related locations name the route or bind that lets a forgery in. */
  provenance?: boolean;
}

export const CHECK_LABEL: Record<CheckName, string> = {
  provenance: 'header provenance',
  chain: 'CA chain',
  validity: 'expiry',
  eku: 'clientAuth EKU',
  revocation: 'revocation',
  identity: 'identity binding',
  'fail-closed': 'fails closed',
  session: 'session binding',
  throttling: 'login throttling',
  authentication: 'authentication',
};

export const CHECK_ORDER: CheckName[] = ['provenance', 'chain', 'validity', 'eku', 'revocation', 'identity', 'fail-closed', 'session', 'throttling', 'authentication'];

export function uniq<T>(xs: T[]): T[] {
  return [...new Set(xs)];
}

/** The worst of some states: broken, then unknown, then ok, else neutral. */
export function worst(states: LinkState[]): LinkState {
  if (states.includes('broken')) return 'broken';
  if (states.includes('unknown')) return 'unknown';
  if (states.includes('ok')) return 'ok';
  return 'neutral';
}
