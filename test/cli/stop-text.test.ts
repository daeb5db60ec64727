/**
 * src/cli/stop-text.ts: what `kill` and `free` say about a stop. Reports are BUILT in the shape of
 * src/reports.ts (KillReport, FreeReport) for each reason a port can stay held; the dry-run lines
 * are checked on a real dry run too (a holder with an IPv4 and an IPv6 socket: one line).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createStyle } from '../../src/cli/output.ts';
import {
  dryRunLines,
  explainFree,
  explainKill,
  managerLabel,
  stoppedSummary,
  timeWaitNote,
} from '../../src/cli/stop-text.ts';
import {
  type FreeReport,
  type KillReport,
  killProcessOnPort,
  type PortOwner,
  type SkippedOwner,
  type StoppedProcess,
} from '../../src/index.ts';
import { getTestPort, startHolder, trackHolders } from '../helpers/holders.ts';
import { UNIX_NAMES } from '../helpers/live.ts';

const hold = trackHolders();
const plain = createStyle(false);

function owner(fields: Partial<PortOwner>): PortOwner {
  return {
    pid: 4242,
    name: 'node',
    protocol: 'tcp',
    state: 'LISTEN',
    family: 'IPv4',
    address: '127.0.0.1',
    port: 3000,
    commandLine: 'node server.js',
    argv: ['node', 'server.js'],
    user: 'me',
    uid: 1000,
    ppid: 1,
    startTime: '1',
    adapter: 'procfs',
    inode: null,
    reason: null,
    manager: null,
    ...fields,
  };
}

function killReport(fields: Partial<KillReport>): KillReport {
  return {
    port: 3000,
    protocol: 'tcp',
    killed: [],
    failed: [],
    skipped: [],
    gone: [],
    processes: [],
    owners: [],
    dryRun: false,
    elapsedMs: 5,
    ...fields,
  };
}

function freeReport(fields: Partial<FreeReport>): FreeReport {
  return {
    port: 3000,
    protocol: 'tcp',
    free: false,
    outcome: 'timeout',
    kill: null,
    remaining: [],
    respawnedBy: null,
    timeWait: 0,
    elapsedMs: 15_000,
    ...fields,
  };
}

function skip(pid: number | null, name: string | null, reason: SkippedOwner['reason']) {
  return { pid, name, reason, message: `pid ${pid}: ${reason}` } satisfies SkippedOwner;
}

function stopped(pid: number, fields: Partial<StoppedProcess> = {}): StoppedProcess {
  return {
    pid,
    name: 'node',
    commandLine: 'node server.js',
    signals: ['SIGTERM'],
    signal: 'SIGTERM',
    elapsedMs: 210,
    pidReused: false,
    identityVerified: true,
    ...fields,
  };
}

const pm2 = { kind: 'pm2', name: 'api', hint: 'pm2 stop api' };

test('managerLabel: a manager and its name; a parent process', () => {
  assert.equal(managerLabel(pm2), 'pm2 (api)');
  assert.equal(managerLabel({ kind: 'docker', name: null, hint: 'docker ps' }), 'docker');
  assert.equal(
    managerLabel({ kind: 'parent', name: 'pid 812 (nodemon)', hint: 'stop pid 812' }),
    'its parent, pid 812 (nodemon)',
  );
  assert.equal(managerLabel({ kind: 'parent', name: null, hint: '' }), 'its parent, unknown');
  assert.equal(managerLabel({ kind: 'systemd', name: 'a\nb', hint: '' }), 'systemd (a\\nb)');
});

describe('explainKill', () => {
  test('failed stops: not permitted (with the user and the hint), did not exit, anything else', () => {
    const report = killReport({
      owners: [owner({ pid: 4242, name: 'postgres', user: 'postgres' })],
      failed: [
        { pid: 4242, code: 'EPERM', message: 'no', hint: 'run as root (sudo) or as postgres' },
        { pid: 5000, code: 'EACCES', message: 'no' },
        { pid: 4242, code: 'ETIMEDOUT', message: 'still alive after SIGKILL' },
        { pid: 6000, code: 'ERR_TASKKILL_FAILED', message: 'Access is denied.' },
      ],
    });
    assert.deepEqual(explainKill(report), [
      'not permitted to stop 4242 postgres (user postgres): run as root (sudo) or as postgres',
      'not permitted to stop 5000',
      '4242 postgres did not exit (still alive after SIGKILL)',
      'could not stop 6000: ERR_TASKKILL_FAILED Access is denied.',
    ]);
  });

  test('owners left alone: hidden (whose user the pid-null owner names), managed, others; never the dry run', () => {
    const hidden = owner({ pid: null, name: null, user: 'postgres' });
    const managed = owner({ pid: 4300, manager: pm2 });
    const report = killReport({
      owners: [hidden, managed],
      skipped: [
        { ...skip(null, null, 'hidden'), hint: 'run as root (sudo) or as postgres' },
        { ...skip(4300, 'node', 'managed'), hint: 'pm2 stop api' },
        skip(1, 'systemd', 'system'),
        skip(4400, 'node', 'dry-run'),
      ],
    });
    assert.deepEqual(explainKill(report), [
      'held by a process of user postgres that portwarden cannot see or stop: run as root (sudo) or as postgres',
      '4300 node is run by pm2 (api), which would start it again or depends on it: left alone; stop it there: pm2 stop api (--managed signal stops it anyway)',
      '1 systemd is a system process, left alone',
    ]);
  });

  test('a hidden owner of no known user, a managed owner of no known manager', () => {
    const report = killReport({
      skipped: [skip(null, null, 'hidden'), skip(4300, null, 'managed')],
    });
    assert.deepEqual(explainKill(report), [
      'held by a process of another user that portwarden cannot see or stop',
      '4300 is run by a manager, which would start it again or depends on it: left alone (--managed signal stops it anyway)',
    ]);
  });

  test('nothing failed, nothing skipped: no reason', () => {
    assert.deepEqual(explainKill(killReport({ killed: [4242], processes: [stopped(4242)] })), []);
  });
});

describe('explainFree', () => {
  test('timeout: how long, and who still holds the port', () => {
    const remaining = [owner({ pid: 4242 }), owner({ pid: null, name: null })];
    assert.deepEqual(explainFree(freeReport({ remaining })), [
      'still held after 15.0 s by 4242 node, hidden',
    ]);
    assert.deepEqual(explainFree(freeReport({ elapsedMs: 2500 })), ['still held after 2.50 s']);
  });

  test("the stop's reasons come first; a hidden owner is said once", () => {
    const kill = killReport({
      skipped: [skip(null, null, 'hidden')],
      owners: [owner({ pid: null, name: null, user: null })],
    });
    assert.deepEqual(explainFree(freeReport({ outcome: 'hidden-owner', kill })), [
      'held by a process of another user that portwarden cannot see or stop',
    ]);
    assert.deepEqual(explainFree(freeReport({ outcome: 'hidden-owner' })), [
      'held by a process of another user that portwarden cannot see or stop',
    ]);
  });

  test('denied, respawned (by a manager, or by something unknown)', () => {
    assert.deepEqual(explainFree(freeReport({ outcome: 'denied' })), [
      'binding is refused (EACCES) though nothing holds the port: a privileged port (run as root) or an excluded port range',
    ]);
    assert.deepEqual(explainFree(freeReport({ outcome: 'respawned', respawnedBy: pm2 })), [
      'a new holder took the port right after the stop: pm2 (api) starts it again; pm2 stop api',
    ]);
    assert.deepEqual(explainFree(freeReport({ outcome: 'respawned' })), [
      'new processes kept taking the port after each stop (something starts them again)',
    ]);
  });

  test('self: the ancestor skip says it; without one, a line of its own', () => {
    const kill = killReport({ skipped: [skip(812, 'bash', 'ancestor')] });
    assert.deepEqual(explainFree(freeReport({ outcome: 'self', kill })), [
      '812 bash is a parent of portwarden, left alone',
    ]);
    assert.deepEqual(explainFree(freeReport({ outcome: 'self' })), [
      'held by portwarden itself or one of its parent processes',
    ]);
  });

  test('no other reason: who remains, else the TIME_WAIT sockets (one, several)', () => {
    assert.deepEqual(
      explainFree(
        freeReport({ outcome: 'connection', remaining: [owner({ state: 'ESTABLISHED' })] }),
      ),
      ['still held by 4242 node'],
    );
    assert.match(
      explainFree(freeReport({ outcome: 'unstoppable-owner', timeWait: 1 }))[0] ?? '',
      /^nothing holds it, but 1 TIME_WAIT socket on the port refuse/,
    );
    assert.match(
      explainFree(freeReport({ outcome: 'unstoppable-owner', timeWait: 3 }))[0] ?? '',
      /^nothing holds it, but 3 TIME_WAIT sockets on the port refuse/,
    );
  });
});

// Regression: with one socket it said '1 TIME_WAIT socket on the port refuse the bind ...; they
// expire'.
test('explainFree: one TIME_WAIT socket is spoken of in the singular', () => {
  const [reason] = explainFree(freeReport({ outcome: 'unstoppable-owner', timeWait: 1 }));
  assert.match(
    reason ?? '',
    /^nothing holds it, but 1 TIME_WAIT socket on the port refuses the bind /,
  );
  assert.match(reason ?? '', /; it expires within a minute or two$/);
});

test('timeWaitNote: nothing for none; one socket, several sockets', () => {
  assert.equal(timeWaitNote(0), '');
  assert.equal(timeWaitNote(-1), '');
  assert.equal(
    timeWaitNote(1),
    "  1 TIME_WAIT socket remains: no obstacle to a Node server; programs that bind without SO_REUSEADDR (Python's socketserver.TCPServer) fail until it expires (Linux: 60 s)",
  );
  assert.match(timeWaitNote(3), /^ {2}3 TIME_WAIT sockets remain: .* until they expire \(/);
});

test('stoppedSummary: who was stopped, with which signal, how fast', () => {
  assert.equal(stoppedSummary(null), 'nothing held it');
  assert.equal(stoppedSummary(killReport({})), 'nothing held it');
  const report = killReport({
    killed: [4242, 4243],
    processes: [
      stopped(4242),
      stopped(4243, { name: null, signal: null, signals: ['SIGTERM', 'SIGKILL'], elapsedMs: 5012 }),
      stopped(4244, { signal: null }),
    ],
  });
  assert.equal(
    stoppedSummary(report),
    'stopped 4242 node (SIGTERM, 0.21 s), 4243 (SIGTERM, SIGKILL, 5.01 s)',
  );
  assert.equal(
    stoppedSummary(killReport({ processes: [stopped(4244, { signal: null })] })),
    'nothing was stopped',
  );
});

describe('dryRunLines', () => {
  test('built: free; one line per process; skipped owners; an unknown first step', () => {
    assert.equal(
      dryRunLines(3000, 'tcp', killReport({}), plain),
      '3000/tcp: free, nothing to stop\n',
    );
    const report = killReport({
      dryRun: true,
      owners: [
        owner({ pid: 1, name: 'systemd', commandLine: null }),
        owner({ pid: 4242 }),
        owner({ pid: 4242, family: 'IPv6', address: '::1' }),
        owner({ pid: 4300, commandLine: null, name: null }),
        owner({ pid: null, name: null }),
      ],
      skipped: [
        skip(1, 'systemd', 'system'),
        { ...skip(4242, 'node', 'dry-run'), wouldSend: 'SIGTERM' },
        skip(null, null, 'hidden'),
      ],
    });
    assert.equal(
      dryRunLines(3000, 'udp', report, plain),
      '3000/udp: would skip 1 systemd: is a system process, left alone\n' +
        '3000/udp: would send SIGTERM → 4242 node server.js\n' +
        '3000/udp: would send ? → 4300\n' +
        '3000/udp: would skip hidden: owner hidden (another user), cannot be stopped from here\n',
    );
    const coloured = dryRunLines(3000, 'tcp', report, createStyle(true));
    assert.ok(coloured.includes('\u001B[33mwould skip\u001B[39m 1 systemd'), coloured);
    assert.ok(coloured.includes('would send \u001B[1mSIGTERM\u001B[22m → 4242'), coloured);
  });

  test(
    'real dry run: a holder with an IPv4 and an IPv6 socket is one line',
    UNIX_NAMES,
    async () => {
      const port = await getTestPort();
      const holder = await hold(startHolder({ port, host: ['127.0.0.1', '::1'] }));
      const report = await killProcessOnPort(port, { dryRun: true });
      assert.equal(report.owners.length, 2, JSON.stringify(report.owners));
      const lines = dryRunLines(port, 'tcp', report, plain);
      assert.match(
        lines,
        new RegExp(
          `^${port}/tcp: would send SIGTERM → ${holder.pid} \\S*node \\S*holder\\.mjs .*\\n$`,
        ),
      );
      assert.equal(holder.alive(), true);
    },
  );
});
