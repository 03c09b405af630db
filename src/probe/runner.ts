// The generic runner: every request of every check goes through here. It enforces the request
// budget (--max-requests), the concurrency limit (a priority queue: lower priority values first)
// and the per-request timeout, numbers the requests, and keeps the log that --verbose prints.
// A request over budget is not sent: it comes back as an Outcome of kind `not-sent`.

import { sendRequest, type SendOptions } from './http.js';
import type { Outcome, ProbeRequest } from './types.js';

export interface RunnerOptions extends SendOptions {
  maxRequests: number;
  concurrency: number;
  onProgress?: (sent: number, max: number, what: string) => void;
  /** Replaceable for tests of the runner itself; defaults to the real network client. */
  send?: (req: ProbeRequest, opts: SendOptions) => Promise<Outcome>;
}

interface Waiting {
  priority: number;
  order: number;
  start: () => void;
}

export class Runner {
  readonly log: Outcome[] = [];
  private sent = 0;
  private active = 0;
  private order = 0;
  private readonly queue: Waiting[] = [];
  private readonly send: (req: ProbeRequest, opts: SendOptions) => Promise<Outcome>;

  constructor(private readonly opts: RunnerOptions) {
    this.send = opts.send ?? sendRequest;
  }

  get requestsSent(): number {
    return this.sent;
  }

  get budgetLeft(): number {
    return Math.max(0, this.opts.maxRequests - this.sent);
  }

  /** Runs the requests (concurrently, within the limits); outcomes in the same order. */
  run(reqs: ProbeRequest[]): Promise<Outcome[]> {
    return Promise.all(reqs.map((r) => this.one(r)));
  }

  one(req: ProbeRequest): Promise<Outcome> {
    return new Promise<Outcome>((resolve) => {
      const start = () => {
        if (this.sent >= this.opts.maxRequests) {
          this.release();
          resolve({ kind: 'not-sent', request: req, seq: 0, ms: 0, error: `request budget (--max-requests ${this.opts.maxRequests}) exhausted` });
          return;
        }
        const seq = ++this.sent;
        this.opts.onProgress?.(this.sent, this.opts.maxRequests, req.purpose);
        this.send(req, this.opts).then(
          (o) => {
            const out = { ...o, seq };
            this.log.push(out);
            this.release();
            resolve(out);
          },
          (e: unknown) => {
            const out: Outcome = { kind: 'network-error', request: req, seq, ms: 0, error: (e as Error)?.message ?? String(e) };
            this.log.push(out);
            this.release();
            resolve(out);
          },
        );
      };
      if (this.active < this.opts.concurrency) {
        this.active++;
        start();
      } else {
        this.queue.push({ priority: req.priority, order: this.order++, start });
      }
    });
  }

  private release(): void {
    this.active--;
    if (!this.queue.length) return;
    let best = 0;
    for (let i = 1; i < this.queue.length; i++) {
      const a = this.queue[i];
      const b = this.queue[best];
      if (a.priority < b.priority || (a.priority === b.priority && a.order < b.order)) best = i;
    }
    const [next] = this.queue.splice(best, 1);
    this.active++;
    next.start();
  }
}
