/**
 * The live scenarios with assertions that hold on every OS, run with that OS's own tools (the
 * adapters of its platform profile, its way of stopping a process): holders on each address,
 * UDP, forked children, connected clients, stop and free, TIME_WAIT, python3, and the command
 * line. Linux, macOS and Windows run this file in CI; the Linux-specific suites (test/inspect,
 * test/stop, test/cli) assert more where Linux shows more.
 */

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import {
  checkPortTimeWait,
  ensurePortFree,
  freePort,
  getProcessesOnPort,
  isPortInUse,
  killProcessOnPort,
} from '../../src/index.ts';
import { platformProfile } from '../../src/platform/profiles.ts';
import {
  canListen,
  collect,
  getTestPort,
  hasPython,
  REPO_ROOT,
  startClient,
  startHolder,
  startPythonHolder,
  trackHolders,
} from '../helpers/holders.ts';
import { SHARED_SOCKETS, TIME_WAIT_LISTED } from '../helpers/live.ts';
import { leaveServerTimeWait } from '../helpers/time-wait.ts';

const hold = trackHolders();
const windows = process.platform === 'win32';
const ADAPTERS = platformProfile(process.platform).adapters.map((adapter) => adapter.name);
const NODE_NAME = /^node(\.exe)?$/i;
const MAIN = join(REPO_ROOT, 'dist', 'cli', 'main.js');

/** The pids each adapter of this OS reports for `port` (an unavailable tool is noted, not fatal). */
async function ownersByAdapter(
  port: number,
  note: (message: string) => void,
  protocol: 'tcp' | 'udp' = 'tcp',
): Promise<Map<string, (number | null)[]>> {
  const seen = new Map<string, (number | null)[]>();
  for (const adapter of ADAPTERS) {
    // pid-port asks its tools about TCP only.
    if (adapter === 'pid-port' && protocol === 'udp') continue;
    try {
      const owners = await getProcessesOnPort(port, { adapter, protocol });
      seen.set(
        adapter,
        owners.map((owner) => owner.pid),
      );
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code !== 'ERR_ADAPTER_UNAVAILABLE') throw error;
      note(`adapter ${adapter} unavailable here: ${(error as Error).message}`);
    }
  }
  assert.ok(seen.size > 0, `at least one adapter of ${process.platform} answers`);
  return seen;
}

/** The steps portwarden used to stop a process politely: SIGTERM, or taskkill on Windows. */
const POLITE = windows ? /^taskkill/ : /^SIGTERM$/;

describe(`live on ${process.platform}: who holds a port`, () => {
  for (const host of ['127.0.0.1', '0.0.0.0', '::1', '::']) {
    test(`a node listener on ${host}: in use, and every adapter names its pid`, async (t) => {
      const port = await getTestPort();
      const holder = await hold(startHolder({ port, host }));
      assert.equal(await isPortInUse(port), true, 'in use without host');
      assert.equal(await isPortInUse(port, { host }), true, 'in use on its own address');
      const owners = await getProcessesOnPort(port);
      assert.deepEqual(
        owners.map((owner) => [owner.pid, owner.protocol, owner.state]),
        [[holder.pid, 'tcp', 'LISTEN']],
      );
      assert.match(owners[0]?.name ?? '', NODE_NAME);
      for (const [adapter, pids] of await ownersByAdapter(port, t.diagnostic.bind(t))) {
        assert.deepEqual(pids, [holder.pid], `adapter ${adapter}`);
      }
      await holder.stop();
      assert.equal(await isPortInUse(port), false, 'free once the holder is gone');
      assert.deepEqual(await getProcessesOnPort(port), []);
    });
  }

  test('UDP: a bound socket holds the UDP port, not the TCP one', async (t) => {
    const port = await getTestPort();
    const holder = await hold(startHolder({ port, protocol: 'udp' }));
    assert.equal(await isPortInUse(port, { protocol: 'udp' }), true);
    assert.equal(await isPortInUse(port), false);
    for (const [adapter, pids] of await ownersByAdapter(port, t.diagnostic.bind(t), 'udp')) {
      assert.deepEqual(pids, [holder.pid], `adapter ${adapter}`);
    }
  });

  test(
    'a parent and two forked children sharing the socket: three owners',
    SHARED_SOCKETS,
    async (t) => {
      const port = await getTestPort();
      const holder = await hold(startHolder({ port, children: 2 }));
      const expected = [...holder.pids].sort((a, b) => a - b);
      for (const [adapter, pids] of await ownersByAdapter(port, t.diagnostic.bind(t))) {
        // pid-port answers with one pid per port: it cannot list sharers.
        if (adapter === 'pid-port') continue;
        assert.deepEqual(
          [...pids].sort((a, b) => (a ?? 0) - (b ?? 0)),
          expected,
          `adapter ${adapter}`,
        );
      }
    },
  );

  test('a connected client is not an owner', async () => {
    const port = await getTestPort();
    const server = await hold(startHolder({ port }));
    const client = await hold(startClient({ port }));
    const pids = (await getProcessesOnPort(port)).map((owner) => owner.pid);
    assert.deepEqual(pids, [server.pid]);
    assert.ok(!pids.includes(client.pid));
  });

  test('a python3 listener on ::1', { skip: !hasPython && 'needs python3' }, async () => {
    const port = await getTestPort();
    const holder = await hold(startPythonHolder({ port, host: '::1' }));
    const owners = await getProcessesOnPort(port);
    assert.deepEqual(
      owners.map((owner) => owner.pid),
      [holder.pid],
    );
    assert.match(owners[0]?.name ?? '', /^python/i);
    assert.equal(await ensurePortFree(port, { gracePeriod: 2000 }), true);
    await holder.exited;
  });
});

describe(`live on ${process.platform}: stop and free`, () => {
  test('killProcessOnPort stops the holder politely first; the port is free', async () => {
    const port = await getTestPort();
    const holder = await hold(startHolder({ port }));
    const client = await hold(startClient({ port }));
    const report = await killProcessOnPort(port, { gracePeriod: 3000 });
    assert.deepEqual(report.killed, [holder.pid]);
    assert.deepEqual(report.failed, []);
    assert.match(report.processes[0]?.signals[0] ?? '', POLITE);
    await holder.exited;
    assert.equal(client.alive(), true, 'the connected client is left alone');
    assert.equal(await isPortInUse(port), false);
  });

  test('ensurePortFree: forked children are stopped too', SHARED_SOCKETS, async () => {
    const port = await getTestPort();
    const holder = await hold(startHolder({ port, children: 2 }));
    const report = await freePort(port, { gracePeriod: 3000 });
    assert.equal(report.free, true, JSON.stringify(report));
    assert.deepEqual(
      [...(report.kill?.killed ?? [])].sort((a, b) => a - b),
      [...holder.pids].sort((a, b) => a - b),
    );
    assert.equal(await canListen(port, '127.0.0.1'), true);
  });

  test('a holder that ignores the polite request is forced after the grace period', async () => {
    const port = await getTestPort();
    // POSIX: it ignores SIGTERM; Windows: a console program taskkill cannot ask politely.
    const holder = await hold(startHolder({ port, onSigterm: 'ignore' }));
    const began = performance.now();
    assert.equal(await ensurePortFree(port, { gracePeriod: 300, maxWait: 10_000 }), true);
    assert.ok(performance.now() - began < 8000);
    await holder.exited;
    assert.equal(await canListen(port, '127.0.0.1'), true);
  });

  test('the calling process is never stopped: false early', async () => {
    const port = await getTestPort();
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    try {
      const began = performance.now();
      const report = await freePort(port);
      assert.equal(report.free, false);
      assert.equal(report.outcome, 'self');
      assert.ok(performance.now() - began < 5000, 'not waiting out maxWait');
      assert.equal(server.listening, true);
    } finally {
      server.close();
    }
  });

  test('server-side TIME_WAIT: counted, and no obstacle to Node', TIME_WAIT_LISTED, async () => {
    const port = await getTestPort();
    await leaveServerTimeWait(port);
    assert.equal(await checkPortTimeWait(port), true);
    assert.equal(await isPortInUse(port), false);
    assert.deepEqual(await getProcessesOnPort(port), []);
  });
});

describe(`live on ${process.platform}: the command line`, () => {
  const cli = (args: readonly string[]) =>
    collect(
      spawn(process.execPath, [MAIN, ...args], {
        cwd: REPO_ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, NO_COLOR: '1', DEBUG: '', PORTWARDEN_ADAPTER: '' },
      }),
    );

  test('who names the holder; check says in use; free frees it; check says free', async () => {
    const port = await getTestPort();
    const holder = await hold(startHolder({ port }));
    const who = await cli(['who', String(port), '--json']);
    assert.equal(who.code, 0, who.stderr);
    const [entry] = (JSON.parse(who.stdout) as { ports: { owners: { pid: number }[] }[] }).ports;
    assert.deepEqual(
      entry?.owners.map((owner) => owner.pid),
      [holder.pid],
    );
    assert.match((await cli(['who', String(port)])).stdout, new RegExp(`\\b${holder.pid}\\b`));
    assert.equal((await cli(['check', String(port)])).code, 1);
    const free = await cli(['free', String(port), '--grace', '2s']);
    assert.equal(free.code, 0, free.stderr);
    assert.match(free.stdout, new RegExp(`^${port}/tcp: free \\(stopped ${holder.pid} `));
    await holder.exited;
    assert.equal((await cli(['check', String(port)])).code, 0);
  });

  test('wait --until in-use sees a server that comes up later', async () => {
    const port = await getTestPort();
    const waiting = cli(['wait', String(port), '--timeout', '20s']);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await hold(startHolder({ port }));
    const result = await waiting;
    assert.equal(result.code, 0, result.stderr);
  });
});
