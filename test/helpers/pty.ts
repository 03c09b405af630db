// Runs a command with stderr on a real pseudo-terminal (Python's pty module) and stdout on a pipe,
// so tests can check what a user sees on a terminal (progress bars) apart from the report.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const PTY_RUNNER = `
import base64, json, os, pty, select, subprocess, sys
timeout = float(sys.argv[1])
master, slave = pty.openpty()
p = subprocess.Popen(sys.argv[2:], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=slave)
os.close(slave)
out, err = b'', b''
fds = [p.stdout.fileno(), master]
while fds:
    ready, _, _ = select.select(fds, [], [], timeout)
    if not ready:
        p.kill(); break
    for fd in ready:
        try:
            chunk = os.read(fd, 65536)
        except OSError:
            chunk = b''
        if not chunk:
            fds.remove(fd); continue
        if fd == master: err += chunk
        else: out += chunk
code = p.wait()
print(json.dumps({'code': code, 'stdout': base64.b64encode(out).decode(), 'stderr': base64.b64encode(err).decode()}))
`;

export interface PtyResult {
  code: number;
  stdout: string;
  /** What the terminal received (stderr). */
  stderr: string;
}

export async function runWithTtyStderr(argv: string[], opts: { cwd: string; env: NodeJS.ProcessEnv; timeoutSeconds: number }): Promise<PtyResult> {
  const r = await promisify(execFile)('/usr/bin/python3', ['-c', PTY_RUNNER, String(opts.timeoutSeconds), ...argv], {
    cwd: opts.cwd,
    env: opts.env,
    maxBuffer: 64 * 1024 * 1024,
    timeout: (opts.timeoutSeconds + 60) * 1000,
  });
  const res = JSON.parse(r.stdout) as { code: number; stdout: string; stderr: string };
  return { code: res.code, stdout: Buffer.from(res.stdout, 'base64').toString('utf8'), stderr: Buffer.from(res.stderr, 'base64').toString('utf8') };
}
