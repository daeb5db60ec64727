/**
 * What PORT_MANAGEMENT.md says TIME_WAIT does, checked live: after a server closed its
 * connections first (server-side TIME_WAIT on its port), Node and Python's `http.server`
 * (`HTTPServer.allow_reuse_address = 1`) can listen again, `socketserver.TCPServer` (no
 * SO_REUSEADDR) cannot.
 */

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { checkPortTimeWait } from '../../src/index.ts';
import { canListen, getTestPort, hasPython } from '../helpers/holders.ts';
import { leaveServerTimeWait } from '../helpers/time-wait.ts';

/** Binds `port` on 127.0.0.1 with a Python server class; the exit status and last stderr line. */
function pythonBind(port: number, statement: string) {
  const result = spawnSync('python3', ['-c', `${statement}(('127.0.0.1', ${port}), None)`], {
    encoding: 'utf8',
    timeout: 20_000,
  });
  return { status: result.status, error: result.stderr.trim().split('\n').pop() ?? '' };
}

test('server-side TIME_WAIT: Node and http.server bind again, socketserver.TCPServer does not', {
  skip:
    (!hasPython && 'needs python3') ||
    (process.platform === 'win32' &&
      'Windows decides bind conflicts with TIME_WAIT differently (no SO_REUSEADDR semantics)'),
}, async () => {
  const port = await getTestPort();
  await leaveServerTimeWait(port);
  if (process.platform === 'linux') assert.equal(await checkPortTimeWait(port), true);

  const plain = pythonBind(port, 'import socketserver; socketserver.TCPServer');
  assert.notEqual(plain.status, 0, 'socketserver.TCPServer cannot bind over TIME_WAIT');
  assert.match(plain.error, /Address already in use/);
  const http = pythonBind(port, 'import http.server; http.server.HTTPServer');
  assert.equal(http.status, 0, `http.server binds (allow_reuse_address): ${http.error}`);
  const threading = pythonBind(port, 'import http.server; http.server.ThreadingHTTPServer');
  assert.equal(threading.status, 0, `python3 -m http.server's class binds: ${threading.error}`);
  assert.equal(await canListen(port, '127.0.0.1'), true, 'Node listens (SO_REUSEADDR)');
});
