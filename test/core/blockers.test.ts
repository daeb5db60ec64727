/**
 * Sockets that block a port without listening (issue 9, item 4; CONTRACT "Sockets that block a
 * port without listening"): real python3 sockets without SO_REUSEADDR — bound only, an outgoing
 * connection bound to the port, an accepted connection left by a closed listener, a client-side
 * TIME_WAIT — and a connected UDP socket. In each case a real Node `listen` fails, so
 * `isPortInUse` is true and `getProcessesOnPort` must say what blocks the port, never `[]`; the
 * stop functions leave connection owners alone and do not wait out `maxWait` for them.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import {
  ensurePortFree,
  freePort,
  getProcessesOnPort,
  isPortInUse,
  killProcessOnPort,
} from '../../src/index.ts';
import { withContext } from '../helpers/context.ts';
import {
  canListen,
  getTestPort,
  hasPython,
  LINUX_ONLY,
  pidAlive,
  startHolder,
  trackHolders,
  waitForLine,
} from '../helpers/holders.ts';

const hold = trackHolders();
const LIVE = hasPython ? LINUX_ONLY : { skip: 'needs python3' };
const children: ChildProcess[] = [];
const servers: Server[] = [];
after(async () => {
  for (const child of children) child.kill('SIGKILL');
  for (const server of servers) server.close();
});

/** Runs a python3 script that prints `ready` once its socket is set up. */
async function python(source: string): Promise<ChildProcess> {
  const child = spawn('python3', ['-c', source], { stdio: ['pipe', 'pipe', 'pipe'] });
  children.push(child);
  await waitForLine(child, /^ready/);
  return child;
}

/** A listener in this process that keeps every accepted connection open. */
async function peer(): Promise<number> {
  const server = createServer((socket) => socket.on('error', () => {}));
  servers.push(server);
  const port = await getTestPort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return port;
}

const SLEEP = 'import time\ntime.sleep(600)';

describe('a socket bound to the port without listening', LIVE, () => {
  test('no table shows it: one pid-null entry says so; freePort gives up at once', async () => {
    const port = await getTestPort();
    await python(
      `import socket\ns = socket.socket()\ns.bind(('127.0.0.1', ${port}))\nprint('ready', flush=True)\n${SLEEP}`,
    );
    assert.equal(await canListen(port), false, 'a real Node listen fails');
    assert.equal(await isPortInUse(port), true);
    const owners = await getProcessesOnPort(port);
    assert.equal(owners.length, 1, JSON.stringify(owners));
    assert.equal(owners[0]?.pid, null);
    assert.equal(owners[0]?.state, 'UNKNOWN');
    assert.match(owners[0]?.reason ?? '', /bound without listening/);
    const started = performance.now();
    const report = await freePort(port, { maxWait: 10_000 });
    assert.equal(report.free, false);
    assert.equal(report.outcome, 'hidden-owner');
    assert.ok(performance.now() - started < 3000, 'did not wait out maxWait');
  });
});

describe('connections whose local end is the port', LIVE, () => {
  test('an outgoing connection bound to the port: its owner is listed and left alone', async () => {
    const port = await getTestPort();
    const target = await peer();
    const client = await python(
      `import socket\ns = socket.socket()\ns.bind(('127.0.0.1', ${port}))\ns.connect(('127.0.0.1', ${target}))\nprint('ready', flush=True)\n${SLEEP}`,
    );
    assert.equal(await canListen(port), false);
    assert.equal(await isPortInUse(port), true);
    const owners = await getProcessesOnPort(port);
    assert.deepEqual(
      owners.map((owner) => [owner.pid, owner.state]),
      [[client.pid, 'ESTABLISHED']],
    );
    const kill = await killProcessOnPort(port);
    assert.deepEqual(kill.killed, []);
    assert.deepEqual(
      kill.skipped.map((entry) => [entry.pid, entry.reason]),
      [[client.pid, 'connection']],
    );
    assert.equal(pidAlive(client.pid as number), true, 'the client was not signalled');
    const started = performance.now();
    const report = await freePort(port, { maxWait: 10_000 });
    assert.equal(report.outcome, 'connection');
    assert.equal(report.free, false);
    assert.ok(performance.now() - started < 3000, 'did not wait out maxWait for a connection');
    assert.equal(await ensurePortFree(port, { maxWait: 10_000 }), false);
  });

  test('an accepted connection left by a closed listener is reported with its owner', async () => {
    const port = await getTestPort();
    const child = spawn(
      'python3',
      [
        '-c',
        [
          'import socket, time',
          's = socket.socket()',
          `s.bind(('127.0.0.1', ${port}))`,
          's.listen(1)',
          "print('listening', flush=True)",
          'c, _ = s.accept()',
          's.close()',
          "print('ready', flush=True)",
          'time.sleep(600)',
        ].join('\n'),
      ],
      { stdio: ['pipe', 'pipe', 'pipe'] },
    );
    children.push(child);
    await waitForLine(child, /^listening/);
    const client = connect(port, '127.0.0.1');
    client.on('error', () => {});
    await waitForLine(child, /^ready/);
    try {
      assert.equal(await canListen(port), false);
      const owners = await getProcessesOnPort(port);
      assert.deepEqual(
        owners.map((owner) => [owner.pid, owner.state]),
        [[child.pid, 'ESTABLISHED']],
        'the server side of the accepted connection, not our client (its local port is random)',
      );
      const report = await freePort(port, { maxWait: 10_000 });
      assert.equal(report.outcome, 'connection');
      assert.equal(pidAlive(child.pid as number), true);
    } finally {
      client.destroy();
    }
  });

  test('a client-side TIME_WAIT without SO_REUSEADDR: a pid-null TIME_WAIT entry', async () => {
    const port = await getTestPort();
    const target = await peer();
    // The client closes first: its end (local port `port`) goes to TIME_WAIT for 60 s.
    await python(
      [
        'import socket, time',
        's = socket.socket()',
        `s.bind(('127.0.0.1', ${port}))`,
        `s.connect(('127.0.0.1', ${target}))`,
        's.close()',
        'time.sleep(0.2)',
        "print('ready', flush=True)",
        'time.sleep(600)',
      ].join('\n'),
    );
    assert.equal(await canListen(port), false, 'client-side TIME_WAIT blocks even Node');
    const owners = await getProcessesOnPort(port);
    assert.deepEqual(
      owners.map((owner) => [owner.pid, owner.state]),
      [[null, 'TIME_WAIT']],
    );
    assert.match(owners[0]?.reason ?? '', /TIME_WAIT/);
    const kill = await killProcessOnPort(port);
    assert.deepEqual(
      kill.skipped.map((entry) => entry.reason),
      ['time-wait'],
    );
    // It ends by itself: freePort waits for it within maxWait (here shorter than 60 s).
    const report = await freePort(port, { maxWait: 600 });
    assert.equal(report.outcome, 'timeout');
    assert.deepEqual(
      report.remaining.map((owner) => owner.state),
      ['TIME_WAIT'],
    );
  });
});

describe('a connected UDP socket is a connection, not a holder', LINUX_ONLY, () => {
  test('killProcessOnPort leaves it alone; an unconnected UDP socket is stopped', async () => {
    const port = await getTestPort();
    const source = `const s = require('dgram').createSocket('udp4'); s.bind(${port}, '127.0.0.1', () => { s.connect(53, '127.0.0.1', () => console.log('ready')); }); setInterval(() => {}, 1e6);`;
    const child = spawn(process.execPath, ['-e', source], { stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    await waitForLine(child, /^ready/);
    const owners = await getProcessesOnPort(port, { protocol: 'udp' });
    assert.deepEqual(
      owners.map((owner) => [owner.pid, owner.state]),
      [[child.pid, 'ESTABLISHED']],
    );
    const report = await killProcessOnPort(port, { protocol: 'udp' });
    assert.deepEqual(report.killed, []);
    assert.deepEqual(
      report.skipped.map((entry) => [entry.pid, entry.reason]),
      [[child.pid, 'connection']],
    );
    assert.equal(pidAlive(child.pid as number), true);
    const boundPort = await getTestPort();
    const bound = await hold(startHolder({ port: boundPort, protocol: 'udp' }));
    const stopped = await killProcessOnPort(boundPort, { protocol: 'udp' });
    assert.deepEqual(stopped.killed, [bound.pid], 'an unconnected UDP socket holds the port');
  });
});

describe('a table that shows nothing while a bind fails', LINUX_ONLY, () => {
  test('an empty /proc/net (as on WSL1): one pid-null entry, never []', async (t) => {
    const port = await getTestPort();
    await hold(startHolder({ port }));
    const procRoot = mkdtempSync(join(tmpdir(), 'pw-empty-proc-'));
    t.after(() => rmSync(procRoot, { recursive: true, force: true }));
    mkdirSync(join(procRoot, 'net'));
    const header =
      '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n';
    for (const file of ['tcp', 'tcp6', 'udp', 'udp6'])
      writeFileSync(join(procRoot, 'net', file), header);
    const owners = await withContext({ procRoot }).getProcessesOnPort(port, { adapter: 'procfs' });
    assert.deepEqual(
      owners.map((owner) => [owner.pid, owner.state, owner.adapter]),
      [[null, 'UNKNOWN', 'procfs']],
    );
    assert.match(owners[0]?.reason ?? '', /shows no socket/);
  });
});
