import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { describe, test } from 'node:test';
import { killSettings } from '../../src/api/stop.ts';
import { createContext } from '../../src/core/context.ts';
import { killOwners } from '../../src/core/stop/kill.ts';
import { planStop } from '../../src/core/stop/plan.ts';
import { getProcessesOnPort, isPortInUse, killProcessOnPort } from '../../src/index.ts';
import { parseProcState } from '../../src/parsers/proc-stat.ts';
import { createPosixSignaller } from '../../src/process/posix-signaller.ts';
import { createPosixStrategy } from '../../src/process/posix-stop.ts';
import type { StopProgress } from '../../src/reports.ts';
import type { PortOwner } from '../../src/types.ts';
// The stop tests run real processes on every OS; see the guards (test/helpers/live.ts) for what
// each OS cannot do.
import {
  collect,
  getTestPort,
  HOLDER_STDIO,
  type HolderOptions,
  hasPython,
  listen,
  NODE_LIFELINE,
  PYTHON_LIFELINE,
  pidAlive,
  REPO_ROOT,
  SRC_INDEX,
  startClient,
  startHolder,
  trackHolders,
  waitForLine,
} from '../helpers/holders.ts';
import { EVERY_OS, needs, POSIX_SIGNALS, PROC, UNIX_NAMES } from '../helpers/live.ts';
import { recordIo } from '../helpers/no-io.ts';
import { failingSignals, linuxWith } from '../helpers/strategies.ts';

const hold = trackHolders();
const holder = (options: HolderOptions) => hold(startHolder(options));

function owner(pid: number | null, name = 'x'): PortOwner {
  return {
    pid,
    name,
    protocol: 'tcp',
    state: 'LISTEN',
    family: 'IPv4',
    address: '127.0.0.1',
    port: 1,
    commandLine: null,
    argv: null,
    user: null,
    uid: null,
    startTime: '1',
    adapter: 'test',
    manager: null,
    ppid: null,
    inode: null,
    reason: null,
  };
}

describe('killProcessOnPort: escalation', POSIX_SIGNALS, () => {
  test('a holder that exits ~200 ms after SIGTERM is stopped by SIGTERM alone', async () => {
    const port = await getTestPort();
    const h = await holder({ port, onSigterm: 'exit', exitDelay: 200 });
    const events: StopProgress[] = [];
    const report = await killProcessOnPort(port, {
      gracePeriod: 3000,
      onProgress: (event) => events.push(event),
    });
    assert.deepEqual(report.killed, [h.pid]);
    assert.deepEqual(report.failed, []);
    const [stopped] = report.processes;
    assert.ok(stopped);
    assert.deepEqual(stopped.signals, ['SIGTERM']);
    assert.equal(stopped.signal, 'SIGTERM');
    assert.equal(stopped.pidReused, false);
    assert.equal(stopped.identityVerified, true);
    assert.ok(stopped.elapsedMs >= 150 && stopped.elapsedMs < 2000, `elapsed ${stopped.elapsedMs}`);
    assert.deepEqual(await h.exited, { code: 0, signal: null });
    assert.equal(await isPortInUse(port), false);
    assert.deepEqual(
      events.filter((event) => event.type !== 'waiting').map((event) => event.type),
      ['signal', 'exited'],
    );
  });

  test('a holder that ignores SIGTERM gets SIGKILL after the grace period', async () => {
    const port = await getTestPort();
    const h = await holder({ port, onSigterm: 'ignore' });
    const t0 = performance.now();
    const report = await killProcessOnPort(port, { gracePeriod: 300 });
    const elapsed = performance.now() - t0;
    assert.deepEqual(report.killed, [h.pid]);
    const [stopped] = report.processes;
    assert.deepEqual(stopped?.signals, ['SIGTERM', 'SIGKILL']);
    assert.equal(stopped?.signal, 'SIGKILL');
    assert.ok(elapsed >= 290 && elapsed < 2000, `elapsed ${elapsed}`);
    assert.equal((await h.exited).signal, 'SIGKILL');
    assert.equal(await isPortInUse(port), false);
  });

  test('force sends SIGKILL at once', async () => {
    const port = await getTestPort();
    const h = await holder({ port, onSigterm: 'ignore' });
    const report = await killProcessOnPort(port, { force: true, gracePeriod: 10_000 });
    assert.deepEqual(report.processes[0]?.signals, ['SIGKILL']);
    assert.ok((report.processes[0]?.elapsedMs ?? 1e9) < 1000);
    assert.equal((await h.exited).signal, 'SIGKILL');
  });

  test('killSignal chooses the polite signal', async () => {
    const port = await getTestPort();
    const h = await holder({ port, onSigterm: 'ignore' });
    const report = await killProcessOnPort(port, { killSignal: 'SIGINT', gracePeriod: 3000 });
    assert.deepEqual(report.processes[0]?.signals, ['SIGINT']);
    assert.equal((await h.exited).signal, 'SIGINT');
  });

  test('a parent and its forked children sharing the socket are all stopped', async () => {
    const port = await getTestPort();
    const h = await holder({ port, children: 2, onSigterm: 'exit', exitDelay: 50 });
    assert.equal(h.pids.length, 3);
    const report = await killProcessOnPort(port, { gracePeriod: 3000 });
    assert.deepEqual([...report.killed].sort(), [...h.pids].sort());
    assert.deepEqual(new Set(report.owners.map((o) => o.pid)), new Set(h.pids));
    for (const pid of h.pids) assert.equal(pidAlive(pid), false, `pid ${pid} still alive`);
    if (await isPortInUse(port)) {
      const owners = await getProcessesOnPort(port);
      assert.fail(`port still in use: ${JSON.stringify(owners)} ${JSON.stringify(report)}`);
    }
  });

  test('a process holding IPv4 and IPv6 sockets is signalled once', async () => {
    const port = await getTestPort();
    const h = await holder({ port, host: ['127.0.0.1', '::1'], onSigterm: 'exit' });
    const report = await killProcessOnPort(port, { gracePeriod: 3000 });
    assert.equal(report.owners.filter((o) => o.pid === h.pid).length, 2);
    assert.deepEqual(report.killed, [h.pid]);
    assert.equal(report.processes.length, 1);
    assert.deepEqual(report.processes[0]?.signals, ['SIGTERM']);
  });

  test('a zombie counts as gone (its parent never reaps it)', {
    skip: (!hasPython && 'needs python3') || PROC.skip,
  }, async () => {
    const port = await getTestPort();
    // The python parent forks a child that holds the port and never waits for it.
    const source = [
      'import os, socket, time',
      ...PYTHON_LIFELINE,
      'pid = os.fork()',
      'if pid == 0:',
      ...PYTHON_LIFELINE.map((line) => `    ${line}`),
      '    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)',
      `    s.bind(('127.0.0.1', ${port}))`,
      '    s.listen(8)',
      "    print('ready', os.getpid(), flush=True)",
      '    time.sleep(600)',
      'else:',
      '    time.sleep(600)',
    ].join('\n');
    const parent = spawn('python3', ['-c', source], { stdio: HOLDER_STDIO });
    try {
      const line = await waitForLine(parent, /^ready \d+/);
      const childPid = Number(line.split(' ')[1]);
      const report = await killProcessOnPort(port, { gracePeriod: 3000 });
      assert.deepEqual(report.killed, [childPid]);
      assert.deepEqual(
        report.processes[0]?.signals,
        ['SIGTERM'],
        'no escalation: the zombie is gone',
      );
      assert.ok((report.processes[0]?.elapsedMs ?? 1e9) < 1500);
      assert.equal(pidAlive(childPid), false);
    } finally {
      parent.kill('SIGKILL');
    }
  });
});

describe('killProcessOnPort: what is never stopped', EVERY_OS, () => {
  test('a connected client survives', async () => {
    const port = await getTestPort();
    const h = await holder({ port, onSigterm: 'exit' });
    const client = await hold(startClient({ port }));
    const report = await killProcessOnPort(port, { gracePeriod: 3000 });
    assert.deepEqual(report.killed, [h.pid]);
    assert.ok(!report.owners.some((o) => o.pid === client.pid));
    assert.ok(!report.skipped.some((s) => s.pid === client.pid));
    assert.equal(client.alive(), true);
  });

  test('the port is matched exactly (a holder of 4512x is not a holder of 4512)', async () => {
    let holderPort = 0;
    let shortPort = 0;
    for (let attempt = 0; attempt < 20; attempt++) {
      holderPort = await getTestPort();
      shortPort = Number(String(holderPort).slice(0, 4));
      if (shortPort > 0 && !(await isPortInUse(shortPort))) break;
    }
    const h = await holder({ port: holderPort, onSigterm: 'exit' });
    // dryRun: should something unrelated take the short port meanwhile, it is not touched.
    const report = await killProcessOnPort(shortPort, { dryRun: true });
    assert.ok(!report.owners.some((o) => o.pid === h.pid));
    assert.ok(!report.skipped.some((s) => s.pid === h.pid));
    assert.deepEqual(report.killed, []);
    assert.equal(h.alive(), true);
  });

  test('the calling process is skipped and keeps its server', async () => {
    const port = await getTestPort();
    const server = await listen(port);
    try {
      const report = await killProcessOnPort(port, { gracePeriod: 300 });
      assert.deepEqual(report.killed, []);
      assert.deepEqual(report.failed, []);
      assert.equal(report.skipped.length, 1);
      assert.equal(report.skipped[0]?.pid, process.pid);
      assert.equal(report.skipped[0]?.reason, 'self');
      assert.equal(server.listening, true);
    } finally {
      server.close();
    }
  });

  test('an ancestor of the calling process is skipped', async () => {
    const port = await getTestPort();
    const server = await listen(port);
    try {
      // A child process asks to kill the holder of the port: its parent, this test process.
      const source = `const {killProcessOnPort} = await import(${JSON.stringify(SRC_INDEX)}); console.log(JSON.stringify(await killProcessOnPort(${port}, {gracePeriod: 200})));`;
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', '--input-type=module', '-e', source],
        {
          cwd: REPO_ROOT,
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      const result = await collect(child);
      assert.equal(result.code, 0, result.stderr);
      const report = JSON.parse(result.stdout);
      assert.deepEqual(report.killed, []);
      assert.deepEqual(
        report.skipped.map((s: { pid: number; reason: string }) => [s.pid, s.reason]),
        [[process.pid, 'ancestor']],
      );
      assert.equal(server.listening, true);
    } finally {
      server.close();
    }
  });

  test('pid 0 and 1 are system processes, hidden owners are skipped (plan)', async () => {
    const settings = killSettings(1, {});
    const plan = await planStop(
      [owner(0), owner(1, 'init'), owner(null, null as unknown as string)],
      settings,
      createContext({ platform: 'linux' }),
    );
    assert.deepEqual(plan.targets, []);
    assert.deepEqual(
      plan.skipped.map((s) => [s.pid, s.reason]),
      [
        [0, 'system'],
        [1, 'system'],
        [null, 'hidden'],
      ],
    );
    assert.match(plan.skipped[2]?.message ?? '', /cannot be seen/);
  });

  test('filter leaves an owner alone', UNIX_NAMES, async () => {
    const port = await getTestPort();
    const h = await holder({ port, onSigterm: 'exit' });
    const seen: PortOwner[] = [];
    const report = await killProcessOnPort(port, {
      filter: (o) => {
        seen.push(o);
        return o.name === 'python3';
      },
    });
    assert.equal(seen[0]?.name, 'node');
    assert.deepEqual(report.killed, []);
    assert.deepEqual(
      report.skipped.map((s) => [s.pid, s.reason]),
      [[h.pid, 'filtered']],
    );
    assert.equal(h.alive(), true);
  });

  test('dryRun signals nothing and says what it would do', POSIX_SIGNALS, async () => {
    const port = await getTestPort();
    const h = await holder({ port, onSigterm: 'exit' });
    const report = await killProcessOnPort(port, { dryRun: true });
    assert.equal(report.dryRun, true);
    assert.deepEqual(report.killed, []);
    assert.deepEqual(
      report.skipped.map((s) => [s.pid, s.reason]),
      [[h.pid, 'dry-run']],
    );
    assert.match(report.skipped[0]?.message ?? '', /would be sent SIGTERM/);
    assert.equal(h.alive(), true);
  });
});

describe(
  'killProcessOnPort: the pid-reuse guard and failures (injected signaller)',
  needs(PROC),
  () => {
    test('an identity that changes between signals: the reused pid never gets SIGKILL', async () => {
      const port = await getTestPort();
      const h = await holder({ port, onSigterm: 'ignore' });
      const sent: string[] = [];
      const strategy = createPosixStrategy({
        source: { procfs: true },
        signaller: (tools, source) => {
          const real = createPosixSignaller(tools, source);
          let reads = 0;
          return {
            isAlive: real.isAlive,
            // First read (before SIGTERM): the real start time. Later reads: another process.
            identity: async (pid) => (++reads === 1 ? real.identity(pid) : 'another-process'),
            signal: (pid, signal) => {
              sent.push(signal);
              real.signal(pid, signal);
            },
          };
        },
      });
      const report = await killOwners(
        killSettings(port, { gracePeriod: 200 }),
        linuxWith(strategy),
      );
      assert.deepEqual(sent, ['SIGTERM'], 'SIGKILL was never sent');
      assert.equal(report.processes[0]?.pidReused, true);
      assert.deepEqual(report.processes[0]?.signals, ['SIGTERM']);
      assert.deepEqual(report.failed, []);
      // The holder ignores SIGTERM and was never hit by SIGKILL: it is still there.
      assert.equal(h.alive(), true);
    });

    test('an identity that changed before the first signal: nothing is signalled, reported gone', async () => {
      const port = await getTestPort();
      const h = await holder({ port, onSigterm: 'exit' });
      const sent: string[] = [];
      const strategy = createPosixStrategy({
        source: { procfs: true },
        signaller: (tools, source) => ({
          ...createPosixSignaller(tools, source),
          identity: async () => 'another-process',
          signal: (_pid, signal) => {
            sent.push(signal);
          },
        }),
      });
      const report = await killOwners(killSettings(port, {}), linuxWith(strategy));
      assert.deepEqual(sent, []);
      assert.deepEqual(report.gone, [h.pid]);
      assert.deepEqual(report.killed, []);
      assert.equal(h.alive(), true);
    });

    test('an identity that can no longer be read: not signalled, ERR_IDENTITY_UNVERIFIED', async () => {
      const port = await getTestPort();
      const h = await holder({ port, onSigterm: 'exit' });
      const strategy = createPosixStrategy({
        source: { procfs: true },
        signaller: (tools, source) => ({
          ...createPosixSignaller(tools, source),
          identity: async () => null,
        }),
      });
      const report = await killOwners(killSettings(port, {}), linuxWith(strategy));
      assert.equal(report.failed[0]?.code, 'ERR_IDENTITY_UNVERIFIED');
      assert.equal(h.alive(), true);
    });

    test('EPERM on the signal is reported as a failure with that code', async () => {
      const port = await getTestPort();
      const h = await holder({ port, onSigterm: 'exit' });
      const strategy = failingSignals('EPERM');
      const events: StopProgress[] = [];
      const report = await killOwners(
        killSettings(port, { onProgress: (event) => events.push(event) }),
        linuxWith(strategy),
      );
      assert.deepEqual(report.killed, []);
      assert.equal(report.failed[0]?.pid, h.pid);
      assert.equal(report.failed[0]?.code, 'EPERM');
      assert.ok(events.some((event) => event.type === 'failed' && event.code === 'EPERM'));
    });

    test('still alive after SIGKILL and the short wait: ETIMEDOUT, never "killed"', async () => {
      const port = await getTestPort();
      const h = await holder({ port, onSigterm: 'exit' });
      const strategy = createPosixStrategy({
        source: { procfs: true },
        killWait: 100,
        signaller: (tools, source) => ({
          ...createPosixSignaller(tools, source),
          isAlive: () => true,
          signal: () => {},
        }),
      });
      const report = await killOwners(
        killSettings(port, { gracePeriod: 100 }),
        linuxWith(strategy),
      );
      assert.deepEqual(report.killed, []);
      assert.equal(report.failed[0]?.code, 'ETIMEDOUT');
      assert.deepEqual(report.processes[0]?.signals, ['SIGTERM', 'SIGKILL']);
      assert.equal(report.processes[0]?.signal, null);
      assert.equal(h.alive(), true);
    });

    test('a signal that finds the process already gone (ESRCH) is a race, not a failure', async () => {
      const port = await getTestPort();
      const h = await holder({ port, onSigterm: 'exit' });
      const strategy = failingSignals('ESRCH');
      const report = await killOwners(killSettings(port, {}), linuxWith(strategy));
      assert.deepEqual(report.failed, []);
      assert.deepEqual(report.gone, [h.pid]);
    });

    test('parseProcState reads the state after the last parenthesis', () => {
      assert.equal(parseProcState('42 (a) b) c) Z 1 42'), 'Z');
      assert.equal(parseProcState('42 (node) S 1 42'), 'S');
      assert.equal(parseProcState('garbage'), undefined);
    });
  },
);

describe('killProcessOnPort: input, abort, progress', () => {
  const badPorts: unknown[] = [
    0,
    -1,
    65536,
    80.5,
    Number.NaN,
    '80; rm -rf /',
    ' 80',
    '0x50',
    '',
    {},
    null,
  ];
  for (const port of badPorts) {
    test(`rejects port ${JSON.stringify(port)} with ERR_INVALID_PORT`, async () => {
      await assert.rejects(killProcessOnPort(port as number), { code: 'ERR_INVALID_PORT' });
    });
  }

  const badOptions: [string, unknown][] = [
    ['gracePeriod', -1],
    ['gracePeriod', '5000'],
    ['gracePeriod', Number.POSITIVE_INFINITY],
    ['killSignal', 'SIGFOO'],
    ['killSignal', 15],
    ['filter', 'node'],
    ['force', 'yes'],
    ['dryRun', 1],
    ['tree', 'no'],
    ['onProgress', {}],
    ['protocol', 'sctp'],
    ['adapter', 'no-such-adapter'],
    ['signal', 'abort'],
  ];
  for (const [name, value] of badOptions) {
    test(`rejects ${name}: ${JSON.stringify(value)} with ERR_INVALID_OPTION before reading anything`, async () => {
      const { calls, settled } = await recordIo(() =>
        killProcessOnPort(3000, { [name]: value } as never),
      );
      assert.equal(settled.status, 'rejected');
      assert.equal((settled as PromiseRejectedResult).reason.code, 'ERR_INVALID_OPTION');
      assert.deepEqual(calls, []);
    });
  }

  test('bad input never throws synchronously', () => {
    const result = killProcessOnPort('nope');
    assert.ok(result instanceof Promise);
    return assert.rejects(result, { code: 'ERR_INVALID_PORT' });
  });

  test(
    'an already aborted signal rejects with ERR_ABORTED and signals nothing',
    EVERY_OS,
    async () => {
      const port = await getTestPort();
      const h = await holder({ port, onSigterm: 'exit' });
      await assert.rejects(killProcessOnPort(port, { signal: AbortSignal.abort() }), {
        code: 'ERR_ABORTED',
      });
      assert.equal(h.alive(), true);
    },
  );

  test(
    'an abort during the grace period rejects at once and sends no SIGKILL',
    POSIX_SIGNALS,
    async () => {
      const port = await getTestPort();
      const h = await holder({ port, onSigterm: 'ignore' });
      const t0 = performance.now();
      await assert.rejects(
        killProcessOnPort(port, { gracePeriod: 5000, signal: AbortSignal.timeout(300) }),
        { code: 'ERR_ABORTED' },
      );
      assert.ok(performance.now() - t0 < 2000);
      await new Promise((resolve) => setTimeout(resolve, 100));
      assert.equal(h.alive(), true, 'no SIGKILL after the abort');
    },
  );

  test('a throwing onProgress does not break the stop', EVERY_OS, async () => {
    const port = await getTestPort();
    const h = await holder({ port, onSigterm: 'exit' });
    const report = await killProcessOnPort(port, {
      onProgress: () => {
        throw new Error('listener bug');
      },
    });
    assert.deepEqual(report.killed, [h.pid]);
  });

  test('UDP: a bound UDP socket is stopped with protocol udp', POSIX_SIGNALS, async () => {
    const port = await getTestPort();
    const source = `${NODE_LIFELINE} const s = require('dgram').createSocket('udp4'); s.bind(${port}, '127.0.0.1', () => console.log('ready'));`;
    const child = spawn(process.execPath, ['-e', source], { stdio: HOLDER_STDIO });
    await waitForLine(child, /^ready/);
    const exited = new Promise((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
    try {
      const tcp = await killProcessOnPort(port, { gracePeriod: 500 });
      assert.deepEqual(tcp.owners, [], 'the UDP socket does not hold the TCP port');
      const report = await killProcessOnPort(port, { protocol: 'udp', gracePeriod: 3000 });
      assert.deepEqual(report.killed, [child.pid]);
      assert.equal(await exited, 'SIGTERM');
    } finally {
      child.kill('SIGKILL');
    }
  });

  test('context emulation is honoured (the signaller reads the given /proc root)', async () => {
    const signaller = createPosixSignaller(createContext({ procRoot: '/nonexistent' }), {
      procfs: true,
    });
    // kill(pid, 0) says alive, /proc cannot be read: alive (never assume gone).
    assert.equal(signaller.isAlive(process.pid), true);
    assert.equal(await signaller.identity(process.pid), null);
  });
});
