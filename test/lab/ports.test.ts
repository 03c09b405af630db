// Waiting for a test server's port proves the listener is the process started, not another test
// file's server that was given the same port (test/helpers/ports.ts).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { freePort, listenerOwnedBy, PortTakenError, waitForListener } from '../helpers/ports.js';

const running = { gone: () => undefined, describe: () => 'its log' };

test('a port held by another process is a PortTakenError; held by the process started, it is ready', async () => {
  const port = await freePort();
  const server = createServer();
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  // Something that never listens, standing for a server that lost the race for the port.
  const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)'], { stdio: 'ignore' });
  try {
    assert.equal(listenerOwnedBy(port, process.pid), true);
    assert.equal(listenerOwnedBy(port, other.pid!), false);
    await waitForListener(port, { pid: process.pid, ...running });
    await assert.rejects(waitForListener(port, { pid: other.pid, ...running }), (e: Error) => e instanceof PortTakenError && /held by another process/.test(e.message) && /its log/.test(e.message));
  } finally {
    other.kill('SIGKILL');
    await new Promise((r) => server.close(r));
  }
});

test('a listener in a child of the process started counts as its own (a gunicorn or nginx master and its workers)', async () => {
  const port = await freePort();
  const parent = spawn(process.execPath, ['-e', `require('child_process').spawn(process.execPath, ['-e', "require('net').createServer().listen(${port}, '127.0.0.1')"], { stdio: 'inherit' }); setTimeout(() => {}, 30000)`], {
    stdio: 'ignore',
    detached: true,
  });
  try {
    await waitForListener(port, { pid: parent.pid, ...running });
    assert.equal(listenerOwnedBy(port, parent.pid!), true);
  } finally {
    // The parent and its listening child, as one process group.
    process.kill(-parent.pid!, 'SIGKILL');
  }
});

test('a process that exits, or never listens, is an error that names it, not a PortTakenError', async () => {
  const port = await freePort();
  await assert.rejects(waitForListener(port, { pid: 1, gone: () => 'nginx exited (1)', describe: () => 'emerg: bad config' }), (e: Error) => !(e instanceof PortTakenError) && /^nginx exited \(1\):\nemerg: bad config/.test(e.message));
  await assert.rejects(waitForListener(port, { pid: 1, ...running }, 100), (e: Error) => !(e instanceof PortTakenError) && /nothing listened on 127\.0\.0\.1:\d+ within 100 ms/.test(e.message));
});

test('freePort never hands out the same port twice in one process', async () => {
  const ports = await Promise.all(Array.from({ length: 50 }, () => freePort()));
  assert.equal(new Set(ports).size, 50);
});
