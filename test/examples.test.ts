import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
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
/** Servers the examples started, killed after the file if still there (the same process). */
const servers: { pid: number; start: string | undefined }[] = [];
/** A process's start time (field 22 of /proc/<pid>/stat): a reused pid has another one. */
function startTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}
// Also when a test failed half-way: the example gets SIGTERM first (start-server.ts passes it on
// to the server it started, which SIGKILL could not do), then SIGKILL; the servers it named are
// killed too, and the examples' output pipes are closed, so nothing outlives this file or keeps
// the run waiting on a pipe.
after(async () => {
  const running = children.filter((child) => child.exitCode === null && child.signalCode === null);
  const ended = running.map((child) => new Promise((resolve) => child.once('exit', resolve)));
  for (const child of running) child.kill('SIGTERM');
  await Promise.race([
    Promise.all(ended),
    new Promise((resolve) => setTimeout(resolve, 2000).unref()),
  ]);
  for (const child of running) child.kill('SIGKILL');
  for (const { pid, start } of servers) {
    if (start === undefined || startTime(pid) !== start) continue;
    try {
      process.kill(pid, 'SIGKILL');
    } catch {}
  }
  for (const child of children) {
    child.stdout?.destroy();
    child.stderr?.destroy();
  }
});
const hold = trackHolders();

/** Spawns an example with tsx (stopped after the file if still running); `result` is its end. */
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
    // Not anchored: the server shares the example's stdout, and an unbuffered python3
    // (PYTHONUNBUFFERED=1) writes its own line and its newline apart, so ours may land between.
    const upLine = await waitForLine(child, /server is up on port/);
    const serverPid = Number(/pid (\d+)/.exec(upLine)?.[1]);
    servers.push({ pid: serverPid, start: startTime(serverPid) });
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
