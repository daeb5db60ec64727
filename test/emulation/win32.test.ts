/**
 * The whole flow — getProcessesOnPort, killProcessOnPort, ensurePortFree — with the platform set
 * to win32 and the command runner replaying Windows tools (test/helpers/replay.ts): PowerShell
 * (Get-NetTCPConnection, Win32_Process), netstat -ano (the RECORDED en-US capture's rows, the
 * BUILT German CP850 bytes), tasklist, and taskkill. The holders are real node listeners started
 * here; the replayed taskkill really stops them (SIGTERM for a polite request, SIGKILL for /F), or
 * refuses as Windows does. A guard on process.kill refuses any signal to a pid this file did not
 * start — the System pid 4 and pid 0 appear in replayed rows and must never be signalled.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { killSettings } from '../../src/api/stop.ts';
import { createContext } from '../../src/core/context.ts';
import { planStop } from '../../src/core/stop/plan.ts';
import { platformProfile } from '../../src/platform/profiles.ts';
import { windowsStrategy } from '../../src/process/windows-stop.ts';
import type { PortOwner } from '../../src/types.ts';
import { withContext } from '../helpers/context.ts';
import { getTestPort } from '../helpers/holders.ts';
import {
  createReplay,
  type EmulatedListener,
  guardedHolders,
  SIGTERM_IGNORABLE,
  type Win32Machine,
  type Win32Process,
  win32Tools,
} from '../helpers/replay.ts';

const { guard, holder, client } = guardedHolders();

/** The CreationDate Windows would report for a process started at `ms`. */
function processEntry(pid: number, port: number, created = () => 1735812345678): Win32Process {
  return {
    pid,
    ppid: process.pid,
    name: 'node.exe',
    commandLine: `"C:\\Program Files\\nodejs\\node.exe" holder.mjs --port ${port}`,
    created,
  };
}

/** The System process (pid 4), as the built CIM fixture shows it; it never goes away. */
const SYSTEM: Win32Process = {
  pid: 4,
  ppid: 0,
  name: 'System',
  commandLine: null,
  created: () => 1735800000000,
  alive: () => true,
};

/** Options of {@link emulate}. */
interface EmulateOptions {
  readonly powershell?: Win32Machine['powershell'];
  readonly locale?: Win32Machine['locale'];
  readonly taskkill?: Win32Machine['taskkill'];
  /** How the holder reacts to the polite request (SIGTERM from the replayed taskkill). */
  readonly onSigterm?: 'exit' | 'ignore';
  /** The holder's CreationDate, per call. */
  readonly created?: () => number;
  /** The System process (pid 4) listens on 0.0.0.0 at the same port. */
  readonly system?: boolean;
  /** A server-side TIME_WAIT row (PID 0) on the port. */
  readonly timeWait?: boolean;
}

/** An emulated Windows with one real holder of a fresh port. */
async function emulate(options: EmulateOptions = {}) {
  const port = await getTestPort();
  const main = await holder({ port, onSigterm: options.onSigterm ?? 'exit' });
  const listeners: EmulatedListener[] = [{ pid: main.pid, port, address: '127.0.0.1' }];
  const processes: Win32Process[] = [processEntry(main.pid, port, options.created)];
  if (options.system) {
    listeners.push({ pid: 4, port, address: '0.0.0.0', alive: () => true });
    processes.push(SYSTEM);
  }
  const replay = createReplay(
    win32Tools({
      powershell: options.powershell ?? 'full',
      locale: options.locale ?? 'en-US',
      taskkill: options.taskkill ?? 'obey',
      listeners,
      processes,
      ...(options.timeWait ? { timeWaitPort: port } : {}),
    }),
  );
  const context = { platform: 'win32' as const, run: replay.run };
  const win = withContext(context);
  /** A further holder of the same port (for ensurePortFree after killProcessOnPort). */
  const another = async () => {
    const next = await holder({ port, onSigterm: options.onSigterm ?? 'exit' });
    listeners.push({ pid: next.pid, port, address: '127.0.0.1' });
    processes.push(processEntry(next.pid, port));
    return next;
  };
  return { port, main, replay, context, win, another };
}

const taskkillCalls = (replay: { argsOf(file: string): string[][] }) => replay.argsOf('taskkill');

describe('win32 strategy', () => {
  test("is the Windows profile's strategy, with the Windows system pids", () => {
    assert.equal(platformProfile('win32').stop, windowsStrategy);
    assert.equal(platformProfile('win32').stop.name, 'taskkill');
    assert.deepEqual(platformProfile('win32').systemPids, [0, 4]);
  });
  // taskkill's arguments and verdicts: test/parsers/taskkill.test.ts.
});

describe('win32 emulation: PowerShell', () => {
  test('owners from Get-NetTCPConnection, names and CreationDate from CIM; polite taskkill stops it', async () => {
    const { port, main, replay, win, another } = await emulate({ timeWait: true });
    const owners = await win.getProcessesOnPort(port);
    assert.deepEqual(
      owners.map((owner) => ({
        pid: owner.pid,
        name: owner.name,
        state: owner.state,
        adapter: owner.adapter,
        startTime: owner.startTime,
      })),
      [
        {
          pid: main.pid,
          name: 'node.exe',
          state: 'LISTEN',
          adapter: 'powershell',
          startTime: '2025-01-02T10:05:45.678Z',
        },
      ],
    );
    assert.deepEqual(replay.calls[0]?.file, 'powershell.exe');
    assert.deepEqual(replay.calls[0]?.args.slice(0, 3), [
      '-NoProfile',
      '-NonInteractive',
      '-Command',
    ]);

    const report = await win.killProcessOnPort(port);
    assert.deepEqual(report.killed, [main.pid]);
    assert.deepEqual(report.failed, []);
    assert.deepEqual(report.processes[0]?.signals, ['taskkill']);
    assert.equal(report.processes[0]?.signal, 'taskkill');
    assert.equal(report.processes[0]?.identityVerified, true);
    assert.deepEqual(taskkillCalls(replay), [['/PID', String(main.pid)]]);
    // taskkill runs through our runner with the context's timeout.
    assert.equal(replay.calls.find((call) => call.file === 'taskkill')?.options.timeout, 5000);
    assert.equal(main.alive(), false);
    assert.deepEqual(await win.getProcessesOnPort(port), []);

    const next = await another();
    assert.equal(await win.ensurePortFree(port, { maxWait: 10_000 }), true);
    assert.equal(next.alive(), false);
    assert.deepEqual(taskkillCalls(replay).at(-1), ['/PID', String(next.pid)]);
  });

  test('force: taskkill /F at once; tree: /T', async () => {
    const { port, main, replay, win, another } = await emulate();
    const report = await win.killProcessOnPort(port, { force: true });
    assert.deepEqual(report.killed, [main.pid]);
    assert.deepEqual(taskkillCalls(replay), [['/PID', String(main.pid), '/F']]);
    assert.deepEqual(report.processes[0]?.signals, ['taskkill /F']);

    const next = await another();
    const tree = await win.killProcessOnPort(port, { tree: true });
    assert.deepEqual(tree.killed, [next.pid]);
    assert.deepEqual(taskkillCalls(replay).at(-1), ['/PID', String(next.pid), '/T']);
    assert.deepEqual(tree.processes[0]?.signals, ['taskkill /T']);
  });

  test(
    'a process that ignores the polite request gets taskkill /F after the grace period',
    SIGTERM_IGNORABLE,
    async () => {
      const { port, main, replay, win } = await emulate({ onSigterm: 'ignore' });
      const report = await win.killProcessOnPort(port, { gracePeriod: 300 });
      assert.deepEqual(report.killed, [main.pid]);
      assert.deepEqual(taskkillCalls(replay), [
        ['/PID', String(main.pid)],
        ['/PID', String(main.pid), '/F'],
      ]);
      assert.deepEqual(report.processes[0]?.signals, ['taskkill', 'taskkill /F']);
      assert.equal(report.processes[0]?.signal, 'taskkill /F');
      assert.ok((report.processes[0]?.elapsedMs ?? 0) >= 250, 'waited out the grace period');
    },
  );

  test('"can only be terminated forcefully": escalates to /F at once, not a failure', async () => {
    const { port, main, replay, win, another } = await emulate({ taskkill: 'console' });
    const started_ = performance.now();
    const report = await win.killProcessOnPort(port, { gracePeriod: 5000 });
    assert.ok(performance.now() - started_ < 4000, 'no grace period waited for a refused request');
    assert.deepEqual(report.killed, [main.pid]);
    assert.deepEqual(report.failed, []);
    assert.deepEqual(taskkillCalls(replay), [
      ['/PID', String(main.pid)],
      ['/PID', String(main.pid), '/F'],
    ]);
    // The refused polite request reached nothing: only /F is listed as done.
    assert.deepEqual(report.processes[0]?.signals, ['taskkill /F']);

    const next = await another();
    assert.equal(await win.ensurePortFree(port, { maxWait: 10_000 }), true);
    assert.equal(next.alive(), false);
  });

  for (const locale of ['en-US', 'de-DE'] as const) {
    test(`taskkill access denied (${locale}) is reported as EPERM, never as killed`, async () => {
      const { port, main, replay, win } = await emulate({ taskkill: 'deny', locale });
      const report = await win.killProcessOnPort(port);
      assert.deepEqual(report.killed, []);
      assert.equal(report.failed.length, 1);
      assert.equal(report.failed[0]?.pid, main.pid);
      assert.equal(report.failed[0]?.code, 'EPERM');
      assert.match(report.failed[0]?.message ?? '', /access is denied/i);
      assert.match(
        report.failed[0]?.message ?? '',
        locale === 'de-DE' ? /Zugriff verweigert/ : /Access is denied/,
      );
      // Denied at the polite request: /F (which needs the same right) is not tried.
      assert.deepEqual(taskkillCalls(replay), [['/PID', String(main.pid)]]);
      assert.equal(main.alive(), true);

      const started_ = performance.now();
      assert.equal(await win.ensurePortFree(port, { maxWait: 15_000 }), false);
      assert.ok(performance.now() - started_ < 3000, 'gave up at once, did not wait out maxWait');
      const detail = await win.freePort(port, { maxWait: 15_000 });
      assert.equal(detail.outcome, 'unstoppable-owner');
      assert.equal(detail.kill?.failed[0]?.code, 'EPERM');
      assert.deepEqual(detail.kill?.killed, []);
      assert.equal(main.alive(), true);
      assert.deepEqual(
        guard.sent.filter((entry) => entry.pid === main.pid),
        [],
        'nothing reached the process',
      );
    });
  }

  test(
    'CreationDate changes after the polite request: /F is not sent (pid reuse guard)',
    SIGTERM_IGNORABLE,
    async () => {
      let politeSent = false;
      const { port, main, replay, context } = await emulate({
        onSigterm: 'ignore',
        created: () => (politeSent ? 1735899999000 : 1735812345678),
      });
      const run = replay.run;
      const watching = {
        ...context,
        run: async (...args: Parameters<typeof run>) => {
          const result = await run(...args);
          if (args[0] === 'taskkill') politeSent = true;
          return result;
        },
      };
      const report = await withContext(watching).killProcessOnPort(port, { gracePeriod: 300 });
      assert.deepEqual(taskkillCalls(replay), [['/PID', String(main.pid)]], 'no /F');
      assert.equal(report.processes[0]?.pidReused, true);
      assert.equal(main.alive(), true, 'the "new" process at the pid was left alone');
      assert.deepEqual(
        guard.sent.filter((entry) => entry.pid === main.pid),
        [{ pid: main.pid, signal: 'SIGTERM' }],
      );
    },
  );
});

describe('win32 emulation: PowerShell missing → netstat -ano (en-US)', () => {
  test('owners from netstat, names from tasklist; pid 4 and pid 0 never signalled', async () => {
    // The recorded System row (pid 4, LISTENING on 0.0.0.0:445) moved to this port, and a
    // server-side TIME_WAIT row of PID 0.
    const { port, main, replay, win, another } = await emulate({
      powershell: 'missing',
      system: true,
      timeWait: true,
    });

    const owners = await win.getProcessesOnPort(port);
    assert.deepEqual(
      owners.map((owner) => [owner.pid, owner.name, owner.address, owner.adapter]),
      [
        [4, 'System', '0.0.0.0', 'netstat'],
        [main.pid, 'node.exe', '127.0.0.1', 'netstat'],
      ],
    );
    // powershell.exe, then pwsh.exe were looked for; then netstat -ano; names from tasklist.
    assert.deepEqual(
      replay.calls.map((call) => [call.file, call.args[0]]),
      [
        ['powershell.exe', '-NoProfile'],
        ['pwsh.exe', '-NoProfile'],
        ['netstat', '-ano'],
        ['powershell.exe', '-NoProfile'],
        ['pwsh.exe', '-NoProfile'],
        ['tasklist', '/FO'],
        // The manager facts: hosted services, and http.sys's queues for pid 4 (no netsh here).
        ['tasklist', '/svc'],
        ['netsh', 'http'],
      ],
    );
    assert.deepEqual(replay.argsOf('tasklist')[0], ['/FO', 'CSV', '/NH']);

    const report = await win.killProcessOnPort(port);
    assert.deepEqual(report.killed, [main.pid]);
    assert.deepEqual(
      report.skipped.map((entry) => [entry.pid, entry.reason]),
      [[4, 'system']],
    );
    // The TIME_WAIT row (PID 0) is no owner at all.
    assert.ok(!report.owners.some((owner) => owner.pid === 0 || owner.state === 'TIME_WAIT'));
    // tasklist gives no creation date: stopped unchecked, and the report says so.
    assert.equal(report.processes[0]?.identityVerified, false);
    assert.deepEqual(replay.argsOf('taskkill'), [['/PID', String(main.pid)]]);

    // With System still on the port it cannot become free: the next holder is left alone at once.
    const next = await another();
    const detail = await win.freePort(port, { maxWait: 15_000 });
    assert.equal(detail.free, false);
    assert.equal(detail.outcome, 'unstoppable-owner');
    assert.deepEqual(
      detail.kill?.skipped.map((entry) => [entry.pid, entry.reason]),
      [
        [4, 'system'],
        [next.pid, 'blocked'],
      ],
    );
    const started_ = performance.now();
    assert.equal(await win.ensurePortFree(port, { maxWait: 15_000 }), false);
    assert.ok(performance.now() - started_ < 3000, 'gave up at once');
    assert.deepEqual(replay.argsOf('taskkill'), [['/PID', String(main.pid)]]);
    assert.equal(next.alive(), true);
    assert.ok(!guard.sent.some((entry) => entry.pid === 4 || entry.pid === 0));
  });

  test('pid 0 and pid 4 are system pids even if an adapter ever reported them as owners', async () => {
    const owner = (pid: number): PortOwner => ({
      pid,
      name: pid === 4 ? 'System' : 'System Idle Process',
      protocol: 'tcp',
      state: 'LISTEN',
      family: 'IPv4',
      address: '0.0.0.0',
      port: 3000,
      commandLine: null,
      argv: null,
      uid: null,
      user: null,
      startTime: null,
      adapter: 'netstat',
      manager: null,
      ppid: null,
      inode: null,
      reason: null,
    });
    const settings = killSettings(3000, {});
    const plan = await planStop(
      [owner(0), owner(4)],
      settings,
      createContext({ platform: 'win32' }),
    );
    assert.deepEqual(plan.targets, []);
    assert.deepEqual(
      plan.skipped.map((entry) => [entry.pid, entry.reason]),
      [
        [0, 'system'],
        [4, 'system'],
      ],
    );
  });
});

describe('win32 emulation: German Windows', () => {
  test('PowerShell without NetTCPIP → German netstat (ABH\\x99REN in CP850); CIM identity; German taskkill', async () => {
    const port = await getTestPort();
    const main = await holder({ port });
    const peer = await client(port);
    const listeners: EmulatedListener[] = [{ pid: main.pid, port, address: '127.0.0.1' }];
    const processes = [processEntry(main.pid, port), processEntry(peer.pid, port)];
    const replay = createReplay(
      win32Tools({
        powershell: 'no-nettcpip',
        locale: 'de-DE',
        taskkill: 'obey',
        listeners,
        processes,
        connections: [{ serverPid: main.pid, clientPid: peer.pid, port, clientPort: 51544 }],
        timeWaitPort: port,
      }),
    );
    const win = withContext({ platform: 'win32', run: replay.run });

    // The bytes netstat gives are CP850: Ö of ABHÖREN is 0x99.
    const netstatBytes = (await replay.run('netstat', ['-ano'], { timeout: 1000 })).stdout;
    assert.ok(netstatBytes.includes(Buffer.from([0x41, 0x42, 0x48, 0x99, 0x52, 0x45, 0x4e])));
    replay.calls.length = 0;

    const owners = await win.getProcessesOnPort(port);
    assert.deepEqual(
      owners.map((owner) => [owner.pid, owner.name, owner.state, owner.adapter]),
      [[main.pid, 'node.exe', 'LISTEN', 'netstat']],
    );
    assert.deepEqual(
      replay.calls.map((call) => call.file),
      ['powershell.exe', 'netstat', 'powershell.exe', 'tasklist'],
      'socket script (exit 3: no NetTCPIP), netstat -ano, the CIM script for names, tasklist /svc',
    );

    const report = await win.killProcessOnPort(port);
    assert.deepEqual(report.killed, [main.pid]);
    assert.equal(report.processes[0]?.identityVerified, true);
    assert.deepEqual(replay.argsOf('taskkill'), [['/PID', String(main.pid)]]);
    assert.equal(main.alive(), false);
    assert.equal(peer.alive(), true, 'the connected client (HERGESTELLT) is never signalled');

    const next = await holder({ port });
    listeners.push({ pid: next.pid, port, address: '127.0.0.1' });
    processes.push(processEntry(next.pid, port));
    assert.equal(await win.ensurePortFree(port, { maxWait: 10_000 }), true);
    assert.equal(next.alive(), false);
    assert.equal(peer.alive(), true);
    assert.ok(!guard.sent.some((entry) => entry.pid === peer.pid));
  });
});
