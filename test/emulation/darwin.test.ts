/**
 * The whole flow — getProcessesOnPort, killProcessOnPort, ensurePortFree — with the platform set
 * to darwin and the command runner replaying macOS tools (test/helpers/replay.ts): lsof, netstat
 * -anv in the BUILT Tahoe and Sequoia layouts, ps with lstart. The holders are real node
 * listeners started here, and the signals are real: the replayed rows carry their pids and ports,
 * and they disappear from every replayed tool once the holder is gone. A guard on process.kill
 * refuses any signal to a pid this file did not start.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { lsofArguments } from '../../src/adapters/lsof.ts';
import { psArguments as darwinPsArguments } from '../../src/process/ps.ts';
import { withContext } from '../helpers/context.ts';
import { getTestPort, pidAlive } from '../helpers/holders.ts';
import {
  createReplay,
  type DarwinMachine,
  type DarwinNetstatLayout,
  type DarwinProcess,
  darwinTools,
  guardedHolders,
  SIGTERM_IGNORABLE,
} from '../helpers/replay.ts';

const { guard, holder, client } = guardedHolders();

/** How macOS ps shows a holder (lstart in the C locale; a test may change it). */
function psEntry(
  pid: number,
  port: number,
  lstart = () => 'Tue Jan  7 18:40:55 2025',
): DarwinProcess {
  return { pid, ppid: process.pid, comm: 'node', args: `node holder.mjs --port ${port}`, lstart };
}

function machine(
  options: { lsof: boolean; netstat?: DarwinNetstatLayout } & Pick<
    DarwinMachine,
    'listeners' | 'processes'
  > &
    Partial<Pick<DarwinMachine, 'connections'>>,
): DarwinMachine {
  return { netstat: 'tahoe', ...options };
}

describe('darwin emulation: lsof', () => {
  test('getProcessesOnPort, killProcessOnPort and ensurePortFree through lsof and ps', async () => {
    const port = await getTestPort();
    const first = await holder({ port });
    const processes = [psEntry(first.pid, port)];
    const listeners = [{ pid: first.pid, port, address: '127.0.0.1' }];
    const replay = createReplay(darwinTools(machine({ lsof: true, listeners, processes })));
    const mac = withContext({ platform: 'darwin', run: replay.run });

    const owners = await mac.getProcessesOnPort(port);
    assert.equal(owners.length, 1);
    assert.deepEqual(
      {
        pid: owners[0]?.pid,
        name: owners[0]?.name,
        state: owners[0]?.state,
        address: owners[0]?.address,
        adapter: owners[0]?.adapter,
        commandLine: owners[0]?.commandLine,
        startTime: owners[0]?.startTime,
      },
      {
        pid: first.pid,
        name: 'node',
        state: 'LISTEN',
        address: '127.0.0.1',
        adapter: 'lsof',
        commandLine: `node holder.mjs --port ${port}`,
        startTime: 'Tue Jan  7 18:40:55 2025',
      },
    );
    // Exactly the tools and arguments macOS gets: lsof narrowed to listeners, one ps for the pid.
    const lsofArgs = lsofArguments({ port, protocol: 'tcp' }, { listenOnly: true });
    assert.deepEqual(lsofArgs, [
      '-n',
      '-P',
      '-w',
      '-FpcutdPnT',
      '-i',
      `TCP:${port}`,
      '-sTCP:LISTEN',
    ]);
    assert.deepEqual(replay.argsOf('lsof'), [lsofArgs]);
    assert.deepEqual(
      replay.argsOf('ps').filter((args) => !args.includes('-A')),
      [darwinPsArguments([first.pid])],
      'one ps for the owner; `ps -A` is the table the manager detectors read',
    );

    const report = await mac.killProcessOnPort(port, { gracePeriod: 5000 });
    assert.deepEqual(report.killed, [first.pid]);
    assert.deepEqual(report.failed, []);
    assert.deepEqual(report.processes[0]?.signals, ['SIGTERM']);
    assert.equal(report.processes[0]?.identityVerified, true);
    assert.equal(first.alive(), false);
    assert.deepEqual(
      guard.sent.filter((entry) => entry.pid === first.pid),
      [{ pid: first.pid, signal: 'SIGTERM' }],
    );
    // Gone from the replayed lsof too (exit 1, no output): nothing holds the port.
    assert.deepEqual(await mac.getProcessesOnPort(port), []);

    // ensurePortFree on a second holder of the same port.
    const second = await holder({ port });
    listeners.push({ pid: second.pid, port, address: '127.0.0.1' });
    processes.push(psEntry(second.pid, port));
    assert.equal(await mac.ensurePortFree(port, { maxWait: 10_000 }), true);
    assert.equal(second.alive(), false);
    assert.ok(replay.argsOf('lsof').every((args) => args.join(' ') === lsofArgs.join(' ')));
  });
});

describe('darwin emulation: lsof missing → netstat -anv', () => {
  for (const layout of ['tahoe', 'sequoia'] as const) {
    test(`${layout} layout: owners from netstat, the connected client left alone`, async () => {
      const port = await getTestPort();
      const server = await holder({ port });
      const peer = await client(port);
      const processes = [psEntry(server.pid, port), psEntry(peer.pid, port)];
      const listeners = [{ pid: server.pid, port, address: '127.0.0.1' }];
      const connections = [{ serverPid: server.pid, clientPid: peer.pid, port, clientPort: 52310 }];
      const replay = createReplay(
        darwinTools(machine({ lsof: false, netstat: layout, listeners, processes, connections })),
      );
      const mac = withContext({ platform: 'darwin', run: replay.run });

      const owners = await mac.getProcessesOnPort(port);
      assert.deepEqual(
        owners.map((owner) => [owner.pid, owner.name, owner.state, owner.adapter]),
        [[server.pid, 'node', 'LISTEN', 'netstat']],
      );
      // lsof was tried (and is not installed), then netstat with -l for full IPv6 addresses.
      assert.deepEqual(replay.calls.map((call) => call.file).slice(0, 2), ['lsof', 'netstat']);
      assert.deepEqual(replay.argsOf('netstat')[0], ['-anvl', '-p', 'tcp']);

      const report = await mac.killProcessOnPort(port);
      assert.deepEqual(report.killed, [server.pid]);
      assert.deepEqual(report.failed, []);
      assert.equal(server.alive(), false);
      assert.equal(peer.alive(), true, 'the connected client is never signalled');
      assert.deepEqual(
        guard.sent.filter((entry) => entry.pid === peer.pid),
        [],
      );

      const again = await holder({ port });
      listeners.push({ pid: again.pid, port, address: '127.0.0.1' });
      processes.push(psEntry(again.pid, port));
      assert.equal(await mac.ensurePortFree(port, { maxWait: 10_000 }), true);
      assert.equal(again.alive(), false);
      assert.equal(peer.alive(), true);
    });
  }
});

describe('darwin emulation: identity (ps lstart) before every signal', () => {
  test(
    'lstart changes after SIGTERM: SIGKILL is not sent to the pid (pid reuse guard)',
    SIGTERM_IGNORABLE,
    async () => {
      const port = await getTestPort();
      const stubborn = await holder({ port, onSigterm: 'ignore' });
      // After SIGTERM has reached it, ps reports another start time for the pid: to portwarden it is
      // now another process (the pid was reused), which must never receive the SIGKILL.
      const lstart = () =>
        guard.sent.some((entry) => entry.pid === stubborn.pid)
          ? 'Wed Jan  8 07:00:01 2025'
          : 'Tue Jan  7 18:40:55 2025';
      const replay = createReplay(
        darwinTools(
          machine({
            lsof: true,
            listeners: [{ pid: stubborn.pid, port, address: '127.0.0.1' }],
            processes: [psEntry(stubborn.pid, port, lstart)],
          }),
        ),
      );
      const mac = withContext({ platform: 'darwin', run: replay.run });

      const report = await mac.killProcessOnPort(port, { gracePeriod: 300 });
      assert.deepEqual(
        guard.sent.filter((entry) => entry.pid === stubborn.pid),
        [{ pid: stubborn.pid, signal: 'SIGTERM' }],
        'no SIGKILL',
      );
      assert.equal(report.processes[0]?.pidReused, true);
      assert.deepEqual(report.processes[0]?.signals, ['SIGTERM']);
      assert.equal(stubborn.alive(), true, 'the "new" process at the pid was left alone');
      // ps was asked before each signal: when the owner was found, before SIGTERM, before SIGKILL.
      const psForPid = replay
        .argsOf('ps')
        .filter((args) => args.join(' ') === darwinPsArguments([stubborn.pid]).join(' '));
      assert.ok(psForPid.length >= 3, `ps asked ${psForPid.length} times`);
      assert.ok(pidAlive(stubborn.pid));
    },
  );
});
