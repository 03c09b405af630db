// Loopback ports for the servers tests start (nginx, HAProxy, gunicorn), and a check that what
// answers on a port is the process the test started.
//
// A port is found by binding 127.0.0.1:0 and closing the socket; the server binds it a moment
// later (gunicorn with --preload: after Django has loaded, a second or more on a busy machine).
// Test files run side by side, so in that window another file's server can be given the same
// port. A connect then succeeds, but it reaches the other file's server, and the test judges the
// wrong application (a CI run saw the HAProxy lab probed through another lab's Django: no finding
// at all). So waiting for a port also checks, through /proc on Linux, that every listening socket
// on it belongs to the process started (or its children); a port someone else holds is a
// PortTakenError, which the lab answers by starting again on new ports.

import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { connect, createServer } from 'node:net';

/** The port was taken by another process before the server we started could bind it. */
export class PortTakenError extends Error {}

/** Ports this process has handed out: never handed out twice, whoever closed them since. */
const handedOut = new Set<number>();

/** A free TCP port on 127.0.0.1, never one this process has handed out before. */
export async function freePort(): Promise<number> {
  for (;;) {
    const port = await new Promise<number>((resolve, reject) => {
      const srv = createServer();
      srv.once('error', reject);
      srv.listen(0, '127.0.0.1', () => {
        const addr = srv.address();
        const p = typeof addr === 'object' && addr ? addr.port : 0;
        srv.close(() => resolve(p));
      });
    });
    if (!handedOut.has(port)) {
      handedOut.add(port);
      return port;
    }
  }
}

/** Inodes of the sockets listening on `port` (IPv4 and IPv6); undefined where /proc is not readable. */
export function listeningInodes(port: number): Set<string> | undefined {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  const found = new Set<string>();
  let read = false;
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    read = true;
    for (const line of text.split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode; 0A = LISTEN.
      if (f.length > 9 && f[3] === '0A' && f[1].endsWith(`:${hexPort}`)) found.add(f[9]);
    }
  }
  return read ? found : undefined;
}

/** `pid` and its descendants, as /proc lists them. */
function processTree(pid: number): number[] {
  const out = [pid];
  for (let i = 0; i < out.length; i++) {
    const p = out[i];
    let tasks: string[] = [];
    try {
      tasks = readdirSync(`/proc/${p}/task`);
    } catch {
      continue;
    }
    for (const t of tasks) {
      try {
        for (const c of readFileSync(`/proc/${p}/task/${t}/children`, 'utf8').split(/\s+/).filter(Boolean)) out.push(Number(c));
      } catch {
        /* gone */
      }
    }
  }
  return out;
}

/** Socket inodes open in `pid`'s process tree. */
function socketInodes(pid: number): Set<string> {
  const inodes = new Set<string>();
  for (const p of processTree(pid)) {
    let fds: string[] = [];
    try {
      fds = readdirSync(`/proc/${p}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${p}/fd/${fd}`));
        if (m) inodes.add(m[1]);
      } catch {
        /* closed meanwhile */
      }
    }
  }
  return inodes;
}

/**
 * Whether everything listening on `port` belongs to `pid`'s process tree: true or false, or
 * undefined where /proc cannot tell (not Linux) or nothing listens (any more).
 */
export function listenerOwnedBy(port: number, pid: number): boolean | undefined {
  const listening = listeningInodes(port);
  if (!listening || listening.size === 0) return undefined;
  const ours = socketInodes(pid);
  return [...listening].every((i) => ours.has(i));
}

async function accepts(port: number): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    const s = connect({ port, host: '127.0.0.1' }, () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

export interface Started {
  /** The process expected to listen (undefined: accept any listener). */
  pid: number | undefined;
  /** Why it can no longer listen (it exited), or undefined while it runs. */
  gone: () => string | undefined;
  /** What to say about it when it does not listen (its log). */
  describe: () => string;
}

/**
 * Resolves once `port` accepts connections and the listener is `started`'s process; throws
 * PortTakenError when another process holds the port, an Error when the process exits or the
 * time runs out.
 */
export async function waitForListener(port: number, started: Started, timeoutMs = 15000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const gone = started.gone();
    if (gone !== undefined) throw new Error(`${gone}:\n${started.describe()}`);
    if (await accepts(port)) {
      const owned = started.pid === undefined ? undefined : listenerOwnedBy(port, started.pid);
      if (owned !== false) return;
      throw new PortTakenError(`127.0.0.1:${port} is held by another process, not the one started (pid ${started.pid}):\n${started.describe()}`);
    }
    if (Date.now() > deadline) throw new Error(`nothing listened on 127.0.0.1:${port} within ${timeoutMs} ms:\n${started.describe()}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
