// Progress on stderr for long scans and probes, on a terminal only (CLI.md: stdout carries the
// report only). The probe runs against the real lab with stderr on a real pseudo-terminal (Python's
// pty module) and again on a pipe; the progress module itself is checked with a TTY-like stream.
// (The scan's terminal behaviour is tested in test/cli/output.test.ts.)

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { Writable } from 'node:stream';
import { promisify } from 'node:util';
import { createProgress } from '../../src/cli/progress.js';
import { startLab, type Lab } from '../lab/harness.js';
import { CLI, REPO_ROOT } from '../cli/helpers.js';
import { runWithTtyStderr } from '../helpers/pty.js';
import type { Report } from '../../src/core/types.js';

const run = promisify(execFile);

/** A writable that says it is a terminal of `columns` columns and keeps what it is given. */
function fakeTty(columns: number, isTTY = true): { stream: NodeJS.WriteStream; text: () => string } {
  const chunks: string[] = [];
  const w = new Writable({
    write(chunk, _enc, cb) {
      chunks.push(String(chunk));
      cb();
    },
  }) as unknown as NodeJS.WriteStream & { isTTY: boolean; columns: number };
  w.isTTY = isTTY;
  w.columns = columns;
  return { stream: w, text: () => chunks.join('') };
}

describe('the progress module', () => {
  test('writes nothing when the stream is not a terminal', () => {
    const t = fakeTty(80, false);
    const p = createProgress('scan', t.stream);
    p.update(1, 10, 'a.py');
    p.update(10, 10, 'j.py');
    p.done();
    assert.equal(t.text(), '');
  });

  test('on a terminal: one bar redrawn in place, cut to the width, cleared at the end', () => {
    const t = fakeTty(60);
    const p = createProgress('probe', t.stream);
    p.update(1, 4, 'a request with a rather long purpose that does not fit');
    p.update(2, 4, 'throttled: within 80 ms of the previous frame');
    p.update(4, 4, 'last');
    p.done();
    const frames = t
      .text()
      .split('\r\x1b[2K')
      .filter((x) => x !== '');
    assert.equal(frames.length, 2, `the second update is throttled, the final one is not: ${JSON.stringify(t.text())}`);
    assert.match(frames[0], /^probe \[#{6}-{18}\] 1\/4 a request/);
    assert.ok(
      frames.every((f) => f.length <= 59),
      'never wider than the terminal',
    );
    assert.match(frames[1], /^probe \[#{24}\] 4\/4 last$/);
    assert.ok(t.text().endsWith('\r\x1b[2K'), 'cleared');
  });

  test('done() without any frame writes nothing', () => {
    const t = fakeTty(80);
    createProgress('scan', t.stream).done();
    assert.equal(t.text(), '');
  });
});

describe('probe progress against the lab', () => {
  let lab: Lab;
  before(async () => {
    lab = await startLab(['vulnerable']);
  });
  after(async () => {
    await lab?.stop();
  });

  function env(): NodeJS.ProcessEnv {
    const e: NodeJS.ProcessEnv = { ...process.env };
    delete e.MTLS_AUDIT_STATS;
    delete e.MTLS_AUDIT_DEBUG;
    return e;
  }

  test('on a terminal: a probe bar on stderr, cleared at the end; stdout is the report only', async () => {
    const args = [process.execPath, CLI, 'probe', ...lab.probeArgs('vulnerable'), '--format', 'json'];
    const res = await runWithTtyStderr(args, { cwd: REPO_ROOT, env: env(), timeoutSeconds: 120 });
    const { stdout, stderr } = res;
    assert.equal(res.code, 1, stderr);
    const report = JSON.parse(stdout) as Report;
    assert.ok(report.findings.length > 0);
    const frames = stderr.split('\r\x1b[2K').filter((x) => x !== '');
    assert.ok(frames.length >= 2, `several frames: ${JSON.stringify(stderr.slice(0, 300))}`);
    for (const f of frames) assert.match(f, /^probe \[[#-]{24}\] \d+\/\d+ /, `a bar frame: ${JSON.stringify(f)}`);
    const sent = frames.map((f) => Number(/\] (\d+)\//.exec(f)![1]));
    assert.deepEqual(
      sent,
      [...sent].sort((a, b) => a - b),
      'the count of requests sent only grows',
    );
    assert.ok(sent[sent.length - 1] <= (report.stats.requestsSent ?? Infinity));
    assert.ok(stderr.endsWith('\r\x1b[2K'), 'the bar is cleared at the end');
    assert.ok(!stdout.includes('\r') && !stdout.includes('\x1b'), 'no progress bytes on stdout');
  });

  test('on a pipe: no progress bytes on stderr', async () => {
    let stderr = '';
    let stdout = '';
    try {
      const r = await run(process.execPath, [CLI, 'probe', ...lab.probeArgs('vulnerable'), '--format', 'json'], { cwd: REPO_ROOT, env: env(), maxBuffer: 64 * 1024 * 1024, timeout: 180_000 });
      stdout = r.stdout;
      stderr = r.stderr;
    } catch (e) {
      const x = e as { code?: number; stdout?: string; stderr?: string };
      assert.equal(x.code, 1, x.stderr);
      stdout = x.stdout ?? '';
      stderr = x.stderr ?? '';
    }
    assert.ok(JSON.parse(stdout));
    assert.ok(!stderr.includes('\r') && !stderr.includes('\x1b['), `no bar: ${JSON.stringify(stderr.slice(0, 200))}`);
  });
});
