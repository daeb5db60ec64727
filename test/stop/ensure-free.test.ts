import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { connect } from 'node:net';
import { describe, test } from 'node:test';
import { ensurePortFree, freePort, getProcessesOnPort, isPortInUse } from '../../src/index.ts';
import { withContext } from '../helpers/context.ts';
// The stop tests run real processes on every OS; see the guards (test/helpers/live.ts) for what
// each OS cannot do.
import {
  canListen,
  canSwitchUser,
  getTestPort,
  type HolderOptions,
  hasPython,
  listen,
  pidAlive,
  runAsNobody,
  startHolder,
  startPythonHolder,
  trackHolders,
  waitForLine,
} from '../helpers/holders.ts';
import {
  EVERY_OS,
  POSIX_SIGNALS,
  PROC,
  SHARED_SOCKETS,
  TIME_WAIT_LISTED,
} from '../helpers/live.ts';
import { failingSignals, linuxWith } from '../helpers/strategies.ts';

const hold = trackHolders();
const holder = (options: HolderOptions) => hold(startHolder(options));

describe('ensurePortFree / freePort: stopping and waiting', POSIX_SIGNALS, () => {
  test('a port nothing holds is free at once, nothing stopped', async () => {
    const port = await getTestPort();
    const t0 = performance.now();
    assert.equal(await ensurePortFree(port), true);
    const report = await freePort(port);
    assert.ok(performance.now() - t0 < 500);
    assert.equal(report.free, true);
    assert.equal(report.outcome, 'free');
    assert.equal(report.kill, null);
    assert.deepEqual(report.remaining, []);
  });

  test('a holder that exits ~200 ms after SIGTERM: true, and a server can listen', async () => {
    const port = await getTestPort();
    const h = await holder({ port, onSigterm: 'exit', exitDelay: 200 });
    const report = await freePort(port, { gracePeriod: 3000 });
    assert.equal(report.free, true);
    assert.equal(report.outcome, 'free');
    assert.deepEqual(report.kill?.killed, [h.pid]);
    assert.equal(report.kill?.processes[0]?.signal, 'SIGTERM');
    assert.ok(report.elapsedMs >= 150 && report.elapsedMs < 2000, `elapsed ${report.elapsedMs}`);
    assert.equal(await canListen(port), true);
  });

  test('a holder that ignores SIGTERM: SIGKILL after the grace period, true', async () => {
    const port = await getTestPort();
    const h = await holder({ port, onSigterm: 'ignore' });
    const t0 = performance.now();
    assert.equal(await ensurePortFree(port, { gracePeriod: 300 }), true);
    assert.ok(performance.now() - t0 < 2500);
    assert.equal((await h.exited).signal, 'SIGKILL');
    assert.equal(await canListen(port), true);
  });

  test('a parent with forked children sharing the socket: all stopped, port free', async () => {
    const port = await getTestPort();
    const h = await holder({ port, children: 2, onSigterm: 'exit', exitDelay: 30 });
    const report = await freePort(port, { gracePeriod: 3000 });
    assert.equal(report.free, true);
    assert.deepEqual([...(report.kill?.killed ?? [])].sort(), [...h.pids].sort());
    for (const pid of h.pids) assert.equal(pidAlive(pid), false);
    assert.equal(await canListen(port), true);
  });

  test('a python3 holder (binds without SO_REUSEADDR) is stopped', {
    skip: !hasPython && 'needs python3',
  }, async () => {
    const port = await getTestPort();
    const h = await hold(startPythonHolder({ port }));
    assert.equal(await ensurePortFree(port), true);
    assert.equal((await h.exited).signal, 'SIGTERM');
  });

  test('TIME_WAIT rows on the port are reported, never waited for', TIME_WAIT_LISTED, async () => {
    const port = await getTestPort();
    const server = await listen(port);
    // The server closes its side first: the TIME_WAIT row sits on the server's port.
    server.on('connection', (socket) => socket.end());
    const client = connect(port, '127.0.0.1');
    await new Promise((resolve) => client.on('close', resolve).on('error', resolve));
    await new Promise((resolve) => server.close(resolve));
    const report = await freePort(port);
    assert.equal(report.free, true);
    assert.equal(report.kill, null);
    assert.ok(report.timeWait >= 1, `timeWait ${report.timeWait}`);
    assert.ok(report.elapsedMs < 200, `elapsed ${report.elapsedMs}`);
  });

  test('10 concurrent calls on one held port: all true, no unhandled rejection', async () => {
    const port = await getTestPort();
    const h = await holder({ port, onSigterm: 'exit', exitDelay: 150 });
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const reports = await Promise.all(
        Array.from({ length: 10 }, () => freePort(port, { gracePeriod: 3000 })),
      );
      assert.deepEqual(
        reports.map((report) => report.free),
        Array(10).fill(true),
      );
      for (const report of reports) {
        assert.deepEqual(report.kill?.failed ?? [], [], JSON.stringify(report.kill?.failed));
        // Each call either signalled it and saw it go, or found it already gone.
        const seen = [...(report.kill?.killed ?? []), ...(report.kill?.gone ?? [])];
        assert.ok(seen.length === 0 || seen.every((pid) => pid === h.pid));
      }
      assert.deepEqual(
        await Promise.all(Array.from({ length: 10 }, () => ensurePortFree(port))),
        Array(10).fill(true),
      );
      await new Promise((resolve) => setTimeout(resolve, 50));
      assert.deepEqual(unhandled, []);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  for (const maxWait of [1000, 3000]) {
    test(`maxWait ${maxWait} below the default grace period: SIGKILL goes out in time, true`, async () => {
      // Regression (issue 9.3): SIGKILL was never sent when maxWait < gracePeriod (5000 ms).
      const port = await getTestPort();
      const h = await holder({ port, onSigterm: 'ignore' });
      const started = performance.now();
      const report = await freePort(port, { maxWait });
      const elapsed = performance.now() - started;
      assert.equal(report.free, true, JSON.stringify(report));
      assert.equal(report.outcome, 'free');
      assert.deepEqual(report.kill?.processes[0]?.signals, ['SIGTERM', 'SIGKILL']);
      assert.ok(elapsed < maxWait + 500, `took ${Math.round(elapsed)} ms for maxWait ${maxWait}`);
      assert.equal(h.alive(), false);
    });
  }

  test('the whole call stays within maxWait even when nothing can be forced in time', async () => {
    const port = await getTestPort();
    const h = await holder({ port, onSigterm: 'ignore' });
    const report = await freePort(port, { gracePeriod: 5000, maxWait: 200 });
    assert.equal(report.free, h.alive() === false);
    assert.ok(report.elapsedMs < 1200, `elapsed ${report.elapsedMs}`);
  });

  test('a holder that hands its socket to a new process on every SIGTERM: "respawned"', async () => {
    const port = await getTestPort();
    // Each generation, on SIGTERM, spawns its successor, hands it the listening socket, exits.
    const source = `
      const { spawn } = require('child_process');
      const serve = (server) => process.on('SIGTERM', () => {
        const next = spawn(process.execPath, ['-e', process.env.PW_SRC], { stdio: ['ignore', 'ignore', 'ignore', 'ipc'], env: process.env });
        next.on('message', () => process.exit(0));
        next.send('server', server);
      });
      if (process.send) process.on('message', (m, server) => { serve(server); process.send('ok'); process.channel.unref(); });
      else { const server = require('net').createServer().listen(${port}, '127.0.0.1', () => { serve(server); console.log('up'); }); }`;
    const first = spawn(process.execPath, ['-e', source], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, PW_SRC: source },
    });
    try {
      await waitForLine(first, /^up/);
      const report = await freePort(port, { gracePeriod: 3000, maxWait: 10_000 });
      assert.equal(report.free, false);
      assert.equal(report.outcome, 'respawned');
      assert.equal(report.kill?.killed.length, 3, JSON.stringify(report.kill));
      assert.equal(report.remaining.length, 1);
      assert.ok(report.elapsedMs < 5000);
    } finally {
      first.kill('SIGKILL');
      for (const owner of await getProcessesOnPort(port)) {
        if (owner.pid) process.kill(owner.pid, 'SIGKILL');
      }
    }
  });
});

describe('ensurePortFree / freePort: false early when nothing can change', EVERY_OS, () => {
  test('the calling process holds the port: false quickly, still alive, server kept', async () => {
    const port = await getTestPort();
    const server = await listen(port);
    try {
      const t0 = performance.now();
      assert.equal(await ensurePortFree(port), false);
      assert.ok(performance.now() - t0 < 1000, 'not waiting out maxWait');
      const report = await freePort(port);
      assert.equal(report.outcome, 'self');
      assert.deepEqual(
        report.kill?.skipped.map((s) => [s.pid, s.reason]),
        [[process.pid, 'self']],
      );
      assert.deepEqual(
        report.remaining.map((o) => o.pid),
        [process.pid],
      );
      assert.equal(server.listening, true);
    } finally {
      server.close();
    }
  });

  test('the calling process shares the port with a child: the child is left alone too', async (t) => {
    if (SHARED_SOCKETS.skip) return t.skip(SHARED_SOCKETS.skip);
    const port = await getTestPort();
    const server = await listen(port);
    // A child that inherits this process's listening socket.
    const child = spawn(
      process.execPath,
      [
        '-e',
        'process.on("disconnect", () => process.exit(0)); process.on("message", (m, s) => { process.send("ok"); }); setInterval(() => {}, 1e6);',
      ],
      {
        stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
      },
    );
    try {
      await new Promise((resolve) => {
        child.once('message', resolve);
        child.send('server', server);
      });
      const report = await freePort(port);
      assert.equal(report.free, false);
      assert.equal(report.outcome, 'self');
      assert.deepEqual(report.kill?.killed, []);
      assert.ok(report.kill?.skipped.some((s) => s.pid === child.pid && s.reason === 'blocked'));
      assert.equal(pidAlive(child.pid as number), true);
    } finally {
      child.kill('SIGKILL');
      server.close();
    }
  });

  test('an owner the filter excludes: false at once, "unstoppable-owner", holder untouched', async () => {
    const port = await getTestPort();
    const h = await holder({ port, onSigterm: 'exit' });
    const report = await freePort(port, { filter: () => false });
    assert.equal(report.free, false);
    assert.equal(report.outcome, 'unstoppable-owner');
    assert.ok(report.elapsedMs < 1000);
    assert.equal(h.alive(), true);
  });

  test('EPERM on the signal: false at once, "unstoppable-owner"', PROC, async () => {
    const port = await getTestPort();
    const h = await holder({ port, onSigterm: 'exit' });
    const strategy = failingSignals('EPERM');
    const report = await withContext({ platform: linuxWith(strategy).platform }).freePort(port);
    assert.equal(report.free, false);
    assert.equal(report.outcome, 'unstoppable-owner');
    assert.equal(report.kill?.failed[0]?.code, 'EPERM');
    assert.ok(report.elapsedMs < 1500, `elapsed ${report.elapsedMs}`);
    assert.equal(h.alive(), true);
  });

  test('dryRun: false, "dry-run", nothing stopped', async () => {
    const port = await getTestPort();
    const h = await holder({ port, onSigterm: 'exit' });
    const report = await freePort(port, { dryRun: true });
    assert.equal(report.outcome, 'dry-run');
    assert.deepEqual(
      report.kill?.skipped.map((s) => s.reason),
      ['dry-run'],
    );
    assert.equal(h.alive(), true);
  });
});

describe('ensurePortFree: waitOnly and abort', () => {
  test('waitOnly stops nothing: false with "timeout" after maxWait', EVERY_OS, async () => {
    const port = await getTestPort();
    const h = await holder({ port, onSigterm: 'exit' });
    const t0 = performance.now();
    const report = await freePort(port, { waitOnly: true, maxWait: 300 });
    const elapsed = performance.now() - t0;
    assert.equal(report.free, false);
    assert.equal(report.outcome, 'timeout');
    assert.equal(report.kill, null);
    assert.ok(elapsed >= 290 && elapsed < 1500, `elapsed ${elapsed}`);
    assert.equal(h.alive(), true);
  });

  test('waitOnly: true as soon as the holder goes away on its own', EVERY_OS, async () => {
    const port = await getTestPort();
    const server = await listen(port);
    setTimeout(() => server.close(), 150);
    const t0 = performance.now();
    assert.equal(await ensurePortFree(port, { waitOnly: true, maxWait: 5000 }), true);
    const elapsed = performance.now() - t0;
    assert.ok(elapsed >= 140 && elapsed < 1000, `elapsed ${elapsed}`);
  });

  test('an abort while waiting rejects with ERR_ABORTED', EVERY_OS, async () => {
    const port = await getTestPort();
    await holder({ port, onSigterm: 'exit' });
    await assert.rejects(
      ensurePortFree(port, { waitOnly: true, signal: AbortSignal.timeout(200) }),
      { code: 'ERR_ABORTED' },
    );
  });

  const badOptions: [string, unknown][] = [
    ['maxWait', -1],
    ['maxWait', 'soon'],
    ['waitOnly', 'yes'],
    ['gracePeriod', Number.NaN],
    ['killSignal', 'KILL'],
    ['filter', true],
  ];
  for (const [name, value] of badOptions) {
    test(`rejects ${name}: ${JSON.stringify(value)} with ERR_INVALID_OPTION`, async () => {
      await assert.rejects(ensurePortFree(3000, { [name]: value } as never), {
        code: 'ERR_INVALID_OPTION',
      });
      await assert.rejects(freePort(3000, { [name]: value } as never), {
        code: 'ERR_INVALID_OPTION',
      });
    });
  }
  for (const port of [0, 70000, '3000 ', 'abc', -5, 1.5]) {
    test(`rejects port ${JSON.stringify(port)} with ERR_INVALID_PORT`, async () => {
      await assert.rejects(ensurePortFree(port as number), { code: 'ERR_INVALID_PORT' });
      await assert.rejects(freePort(port as number), { code: 'ERR_INVALID_PORT' });
    });
  }
});

describe('a holder owned by root, inspected from a caller running as nobody', {
  skip: (process.platform !== 'linux' || !canSwitchUser) && 'needs Linux, root and setpriv',
}, () => {
  const script = `
    const { getProcessesOnPort, killProcessOnPort, ensurePortFree, freePort } = await import(process.env.PW_ENTRY);
    const port = Number(process.env.PW_PORT);
    const owners = await getProcessesOnPort(port);
    const kill = await killProcessOnPort(port, { gracePeriod: 300 });
    const t0 = performance.now();
    const ok = await ensurePortFree(port);
    const ensureMs = performance.now() - t0;
    const report = await freePort(port);
    console.log(JSON.stringify({ uid: process.getuid(), owners, kill, ok, ensureMs, report }));`;

  test('plain nobody: the owner is hidden, skipped; ensurePortFree false well under maxWait', async () => {
    const port = await getTestPort();
    const h = await holder({ port, onSigterm: 'exit' });
    const result = await runAsNobody(script, { PW_PORT: String(port) });
    assert.equal(result.code, 0, result.stderr);
    const out = JSON.parse(result.stdout);
    assert.equal(out.uid, 65534);
    assert.equal(out.owners.length, 1);
    assert.equal(out.owners[0].pid, null);
    assert.equal(out.owners[0].user, 'root');
    assert.deepEqual(out.kill.killed, []);
    assert.deepEqual(
      out.kill.skipped.map((s: { reason: string }) => s.reason),
      ['hidden'],
    );
    assert.equal(out.ok, false);
    assert.ok(out.ensureMs < 2000, `ensurePortFree took ${out.ensureMs} ms (maxWait 15000)`);
    assert.equal(out.report.outcome, 'hidden-owner');
    assert.equal(h.alive(), true);
  });

  test('nobody that can see other processes but not signal them: EPERM, false early', async () => {
    const port = await getTestPort();
    const h = await holder({ port, onSigterm: 'exit' });
    const result = await runAsNobody(script, { PW_PORT: String(port) }, [
      'sys_ptrace',
      'dac_read_search',
    ]);
    assert.equal(result.code, 0, result.stderr);
    const out = JSON.parse(result.stdout);
    assert.equal(out.owners[0].pid, h.pid);
    assert.deepEqual(out.kill.killed, []);
    assert.deepEqual(
      out.kill.failed.map((f: { pid: number; code: string }) => [f.pid, f.code]),
      [[h.pid, 'EPERM']],
    );
    assert.equal(out.ok, false);
    assert.ok(out.ensureMs < 2000, `ensurePortFree took ${out.ensureMs} ms (maxWait 15000)`);
    assert.equal(out.report.outcome, 'unstoppable-owner');
    assert.equal(h.alive(), true);
    assert.equal(await isPortInUse(port), true);
  });
});
