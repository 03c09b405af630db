// Where output goes (CLI.md): stdout carries the report only; progress goes to stderr, and only
// when stderr is a terminal; --output FILE writes the report there and nothing to stdout.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { spawn, spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Report } from '../../src/core/types.js';
import { CLI, makeTree, removeTree, REPO_ROOT, runCli, sites, VULN_LINE, VULN_VIEW } from './helpers.js';
import { runWithTtyStderr } from '../helpers/pty.js';

const VIEW_FINDING = `cert-presence-only app/views.py:${VULN_LINE}`;

test('--output FILE writes the report there and nothing to stdout; exit code unchanged', (t) => {
  const dir = makeTree({ 'app/views.py': VULN_VIEW });
  const out = mkdtempSync(join(tmpdir(), 'mtls-audit-out-'));
  t.after(() => {
    removeTree(dir);
    removeTree(out);
  });
  const file = join(out, 'report.json');
  const r = runCli(['scan', dir, '--format', 'json', '--output', file]);
  assert.equal(r.code, 1, r.stderr);
  assert.equal(r.stdout, '');
  assert.equal(r.stderr, '');
  const report = JSON.parse(readFileSync(file, 'utf8')) as Report;
  assert.deepEqual(sites(report.findings), [VIEW_FINDING]);
  assert.deepEqual(readdirSync(out), ['report.json'], 'no temporary file left next to the report');

  // Text to a file: no colour codes even when asked for none explicitly.
  const textFile = join(out, 'report.txt');
  const rt = runCli(['scan', dir, '--output', textFile]);
  assert.equal(rt.code, 1);
  assert.equal(rt.stdout, '');
  const text = readFileSync(textFile, 'utf8');
  assert.match(text, /cert-presence-only/);
  assert.doesNotMatch(text, /\x1b\[/);
});

test('--output to something that is not a regular file (a FIFO, /dev/null) writes into it instead of replacing it', async (t) => {
  const dir = makeTree({ 'app/views.py': VULN_VIEW });
  const out = mkdtempSync(join(tmpdir(), 'mtls-audit-out-'));
  t.after(() => {
    removeTree(dir);
    removeTree(out);
  });
  const fifo = join(out, 'report.pipe');
  assert.equal(spawnSync('mkfifo', [fifo]).status, 0);
  // A reader on the pipe, as `mtls-audit scan -o >(jq …)` or a CI log collector would be.
  const reader = spawn('cat', [fifo]);
  const got: Buffer[] = [];
  reader.stdout.on('data', (d: Buffer) => got.push(d));
  const done = new Promise<void>((resolve) => reader.on('close', () => resolve()));
  const r = await new Promise<{ code: number | null }>((resolve) => {
    const c = spawn(process.execPath, [CLI, 'scan', dir, '--format', 'json', '--output', fifo], { cwd: REPO_ROOT, stdio: 'ignore' });
    c.on('close', (code) => resolve({ code }));
  });
  // Had the pipe been replaced by a file, the reader would wait forever: give up after 20 s.
  const timer = setTimeout(() => reader.kill(), 20_000);
  await done;
  clearTimeout(timer);
  assert.equal(r.code, 1);
  assert.ok(statSync(fifo).isFIFO(), 'the pipe is still a pipe');
  assert.deepEqual(sites((JSON.parse(Buffer.concat(got).toString('utf8')) as Report).findings), [VIEW_FINDING]);
  assert.deepEqual(readdirSync(out), ['report.pipe'], 'no temporary file');

  // /dev/null: the report is discarded and the device stays a device.
  const rn = runCli(['scan', dir, '--format', 'json', '--output', '/dev/null']);
  assert.equal(rn.code, 1);
  assert.ok(statSync('/dev/null').isCharacterDevice(), '/dev/null is still a character device');
});

test('stdout carries only the report, and a non-TTY stderr gets no progress bytes', (t) => {
  const dir = makeTree({ 'app/views.py': VULN_VIEW, 'app/other.py': 'x = 1\n', 'app/urls.py': 'urlpatterns = []\n' });
  t.after(() => removeTree(dir));
  for (const format of ['json', 'sarif']) {
    const r = runCli(['scan', dir, '--format', format]);
    assert.equal(r.code, 1, r.stderr);
    assert.equal(r.stderr, '', `${format}: stderr is empty when it is not a terminal`);
    assert.doesNotThrow(() => JSON.parse(r.stdout), `${format}: stdout is exactly one JSON document`);
  }
  const text = runCli(['scan', dir]);
  assert.equal(text.stderr, '');
  assert.doesNotMatch(text.stdout, /\x1b\[/, 'no colour when stdout is not a terminal');
});

test('on a terminal, progress goes to stderr and stdout still carries only the report', async (t) => {
  const files: Record<string, string> = { 'app/views.py': VULN_VIEW };
  for (let i = 0; i < 40; i++) files[`app/mod${i}.py`] = `VALUE_${i} = ${i}\n`;
  const dir = makeTree(files);
  t.after(() => removeTree(dir));
  const env = { ...process.env };
  delete env.MTLS_AUDIT_STATS;
  const res = await runWithTtyStderr([process.execPath, CLI, 'scan', dir, '--format', 'json'], { cwd: REPO_ROOT, env, timeoutSeconds: 60 });
  const { stdout, stderr } = res;
  assert.equal(res.code, 1, stderr);
  const report = JSON.parse(stdout) as Report;
  assert.deepEqual(sites(report.findings), [VIEW_FINDING]);
  assert.match(stderr, /scan \[[#-]+\] \d+\/\d+/, `a progress bar on the terminal: ${JSON.stringify(stderr.slice(0, 200))}`);
  assert.ok(stderr.endsWith('\r\x1b[2K'), 'the bar is cleared at the end');
  assert.ok(!stdout.includes('\r') && !stdout.includes('\x1b'), 'no progress bytes on stdout');
});

test('the report file is written atomically: an existing file is replaced whole', (t) => {
  const dir = makeTree({ 'app/views.py': VULN_VIEW });
  const out = mkdtempSync(join(tmpdir(), 'mtls-audit-out-'));
  t.after(() => {
    removeTree(dir);
    removeTree(out);
  });
  const file = join(out, 'r.json');
  assert.equal(runCli(['scan', dir, '--format', 'json', '-o', file]).code, 1);
  const first = readFileSync(file, 'utf8');
  assert.equal(runCli(['scan', dir, '--format', 'sarif', '-o', file]).code, 1);
  const second = readFileSync(file, 'utf8');
  assert.notEqual(first, second);
  assert.equal((JSON.parse(second) as { version: string }).version, '2.1.0');
  assert.ok(existsSync(file));
});

/** A tree with enough findings for a SARIF log far beyond a pipe's 64 KiB buffer (~250 KB). */
function manyFindings(): string {
  const files: Record<string, string> = {};
  for (let i = 0; i < 150; i++) files[`app${i}/views.py`] = VULN_VIEW;
  return makeTree(files);
}

test('a reader that stops early (`| head`) ends the report quietly: no stack trace, the usual exit code', (t) => {
  const tree = manyFindings();
  t.after(() => removeTree(tree));
  for (const args of [
    ['scan', tree, '-f', 'sarif'],
    ['scan', tree],
    ['rules', '--format', 'markdown'],
  ]) {
    const r = spawnSync('bash', ['-c', 'node "$@" | head -c 16 >/dev/null; echo "rc=${PIPESTATUS[0]}" >&2', 'bash', CLI, ...args], { encoding: 'utf8', cwd: REPO_ROOT });
    const rc = /rc=(\d+)/.exec(r.stderr)?.[1];
    assert.equal(r.stderr.replace(/rc=\d+\n/, ''), '', `${args.join(' ')}: stderr`);
    assert.equal(rc, args[0] === 'scan' ? '1' : '0', `${args.join(' ')}: exit code`);
  }
});

test('a non-blocking stdout pipe that fills up (EAGAIN) still gets the whole report', (t) => {
  const tree = manyFindings();
  const dir = mkdtempSync(join(tmpdir(), 'mtls-audit-eagain-'));
  t.after(() => removeTree(tree));
  t.after(() => removeTree(dir));
  const file = join(dir, 'r.sarif');
  assert.equal(runCli(['scan', tree, '-f', 'sarif', '-o', file]).code, 1);
  // Python hands the CLI the write end of a pipe in non-blocking mode and reads only once the
  // pipe is full, so the CLI's writes meet EAGAIN.
  const py = `
import os, subprocess, sys, time
r, w = os.pipe()
os.set_blocking(w, False)
p = subprocess.Popen([sys.argv[1], sys.argv[2], 'scan', sys.argv[3], '-f', 'sarif'], stdout=w, stderr=subprocess.PIPE)
os.close(w)
time.sleep(1)
data = b''
while True:
    chunk = os.read(r, 65536)
    if not chunk:
        break
    data += chunk
p.wait()
sys.stdout.write('%d %d %s' % (p.returncode, len(data), p.stderr.read().decode()))
`;
  const r = spawnSync('python3', ['-c', py, process.execPath, CLI, tree], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, `1 ${statSync(file).size} `);
});
