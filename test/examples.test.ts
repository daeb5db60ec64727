import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import http from 'node:http';
import { after, describe, test } from 'node:test';
import { isPortInUse, waitForPort } from '../src/index.ts';
// The examples handle and pass on POSIX signals (SIGTERM, SIGINT): every OS but Windows.
import {
  collect,
  getTestPort,
  hasPython,
  pidAlive,
  spawnTs,
  startHolder,
  trackHolders,
  waitForLine,
} from './helpers/holders.ts';

import { POSIX_SIGNALS } from './helpers/live.ts';

const children: ChildProcess[] = [];
after(() => {
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});
const hold = trackHolders();

/** Spawns an example with tsx (SIGKILLed after the file if still running); `result` is its end. */
function runExample(file: string, args: readonly string[]) {
  const child = spawnTs(file, args);
  children.push(child);
  return { child, result: collect(child) };
}

function get(port: number, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path, agent: false }, (response) => {
        let body = '';
        response.on('data', (chunk) => {
          body += chunk;
        });
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
      })
      .on('error', reject);
  });
}

describe('examples/http-server.ts', POSIX_SIGNALS, () => {
  test('frees the port from an old holder, serves, and /shutdown exits 0 and releases the port', async () => {
    const port = await getTestPort();
    const old = await hold(startHolder({ port, onSigterm: 'exit', exitDelay: 100 }));
    const { child, result } = runExample('examples/http-server.ts', [String(port)]);
    await waitForLine(child, /^listening on http:\/\/127\.0\.0\.1:\d+/);
    assert.equal((await old.exited).code, 0, 'the old holder was stopped politely');
    const hello = await get(port, '/');
    assert.equal(hello.status, 200);
    assert.equal(hello.body, `hello from pid ${child.pid}\n`);
    const bye = await get(port, '/shutdown');
    assert.equal(bye.body, 'shutting down\n');
    const { code } = await result;
    assert.equal(code, 0);
    assert.equal(await isPortInUse(port), false);
  });

  test('SIGTERM lets a slow request finish, then exits 0', async () => {
    const port = await getTestPort();
    const { child, result } = runExample('examples/http-server.ts', [String(port)]);
    await waitForLine(child, /^listening on/);
    const slow = get(port, '/slow');
    await new Promise((resolve) => setTimeout(resolve, 200));
    child.kill('SIGTERM');
    assert.equal((await slow).body, 'slow answer\n');
    assert.equal((await result).code, 0);
    assert.equal(await waitForPort(port, { until: 'free', maxWait: 2000 }), true);
  });

  test('a second SIGINT exits at once with 130', async () => {
    const port = await getTestPort();
    const { child, result } = runExample('examples/http-server.ts', [String(port)]);
    await waitForLine(child, /^listening on/);
    get(port, '/slow').catch(() => {});
    await new Promise((resolve) => setTimeout(resolve, 200));
    const t0 = performance.now();
    child.kill('SIGINT');
    await new Promise((resolve) => setTimeout(resolve, 50));
    child.kill('SIGINT');
    assert.equal((await result).code, 130);
    assert.ok(performance.now() - t0 < 900, 'did not wait for the slow request');
  });
});

describe('examples/start-server.ts', POSIX_SIGNALS, () => {
  test('frees the port, says what it stopped, starts the server, forwards SIGTERM', async () => {
    const port = await getTestPort();
    const old = await hold(startHolder({ port, onSigterm: 'exit', exitDelay: 100 }));
    // python3's http.server when there is one; a node server otherwise (the same flow).
    const command = hasPython
      ? []
      : [
          process.execPath,
          '-e',
          "require('http').createServer((q, r) => r.end('ok')).listen(Number(process.argv[1]), '127.0.0.1')",
          '{port}',
        ];
    const { child, result } = runExample('examples/start-server.ts', [String(port), ...command]);
    const stoppedLine = await waitForLine(child, /^stopped pid \d+/);
    assert.match(
      stoppedLine,
      new RegExp(`^stopped pid ${old.pid} \\(node\\) with SIGTERM in \\d+ ms`),
    );
    const upLine = await waitForLine(child, /^server is up on port/);
    const serverPid = Number(/pid (\d+)/.exec(upLine)?.[1]);
    assert.equal((await get(port, '/')).status, 200);
    child.kill('SIGTERM');
    const { stdout } = await result;
    assert.match(stdout, /server exited/);
    assert.equal(pidAlive(serverPid), false, 'the server got the forwarded SIGTERM');
    assert.equal(await waitForPort(port, { until: 'free', maxWait: 2000 }), true);
  });

  test('refuses to start when the port cannot be freed (held by this test process)', async () => {
    const port = await getTestPort();
    const server = http.createServer();
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    try {
      // This test process is an ancestor of the script: it is never stopped.
      const { result } = runExample('examples/start-server.ts', [String(port)]);
      const { code, stderr, stdout } = await result;
      assert.equal(code, 1);
      assert.match(stderr, /still taken \(self\)/);
      assert.match(stdout, /left alone: .*ancestor/);
      assert.equal(server.listening, true);
    } finally {
      server.close();
    }
  });
});
