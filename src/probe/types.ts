// Types shared by the probe: requests (jobs), their outcomes, and what the checks report.

/** A TLS client identity: a certificate and its key, or none. */
export interface ClientIdentity {
  /** Short label for evidence, e.g. `alice (--cert)`, `expired certificate for alice`. */
  label: string;
  certPem: string;
  keyPem: string;
}

/** One job: one HTTP request on its own connection (no keep-alive, no agent). */
export interface ProbeRequest {
  method: 'GET' | 'POST';
  url: URL;
  /** Header names are sent exactly as spelled here (dash or underscore). */
  headers: Record<string, string>;
  body?: string;
  /** `null`: no client certificate. */
  identity: ClientIdentity | null;
  /** Lower runs first when the concurrency limit queues requests. */
  priority: number;
  /** What the request is for (verbose log), e.g. `baseline legit /api/me/`. */
  purpose: string;
}

export type OutcomeKind =
  /** An HTTP response arrived. */
  | 'response'
  /** The TLS handshake failed or the server closed it with an alert: the server refused. */
  | 'tls-refused'
  /** Connection refused, reset, DNS failure, bad server certificate…: nothing can be judged. */
  | 'network-error'
  | 'timeout'
  /** Never sent: the request budget (--max-requests) was exhausted. */
  | 'not-sent';

export interface Outcome {
  kind: OutcomeKind;
  request: ProbeRequest;
  /** 1-based order in which the request was sent (0 when not sent). */
  seq: number;
  status?: number;
  statusText?: string;
  /** Lower-cased header names. */
  headers?: Record<string, string | string[]>;
  /** Up to 64 KiB of the body, as text. */
  body?: string;
  ms: number;
  /** Error code or message for non-responses (TLS alert text, ECONNREFUSED, …). */
  error?: string;
}

export type NoteStatus = 'inconclusive' | 'not-run' | 'passed';

export interface CaseNote {
  case: string;
  status: NoteStatus;
  reason: string;
}

/** A finding as a check produces it; `src/probe/report.ts` turns it into a `Finding` through the rule meta. */
export interface ProbeFinding {
  ruleId: string;
  messageId: string;
  data: Record<string, string | number>;
  url: string;
  case: string;
  evidence: string;
}

/** What a check hands back after assembling its typed result. */
export interface Assessment {
  findings: ProbeFinding[];
  notes: CaseNote[];
}

export interface ProbeOptions {
  /** The target URL (https). Its path is the default protected path. */
  url: string;
  certPem: string;
  keyPem: string;
  caPem?: string;
  caKeyPem?: string;
  crlData?: Buffer;
  serverCaPem?: string;
  backend?: string;
  protectedPaths?: string[];
  loginPath?: string;
  passwordLogin?: string;
  maxRequests?: number;
  timeoutMs?: number;
  concurrency?: number;
  /** Size of the failed-login burst (at most 30). */
  burst?: number;
  /** Progress callback (stderr progress bar on a TTY). */
  onProgress?: (sent: number, max: number, what: string) => void;
}

/** A certificate login as the probe performed it (src/probe/login.ts). */
export interface LoginResult {
  path: string;
  /** Every exchange of the login, in order. */
  steps: Outcome[];
  /** The session: cookies as they stand after the login. */
  cookies: Map<string, string>;
  /** The last answer. */
  final: Outcome;
  /** Why the login stopped where it did (a redirect not followed, a form that posts elsewhere…), or null. */
  stopped: string | null;
}
