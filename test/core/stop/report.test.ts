/**
 * src/core/stop/report.ts: the KillReport builder shared by `killProcessOnPort` and `freePort`
 * (several rounds): owners once per process and socket, skipped owners once per pid and reason,
 * results in the order the rounds gave them, and copies that later rounds cannot change.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { KillReportBuilder } from '../../../src/core/stop/report.ts';
import type { SkippedOwner, StoppedProcess } from '../../../src/reports.ts';
import type { PortOwner } from '../../../src/types.ts';

function owner(fields: Partial<PortOwner>): PortOwner {
  return {
    pid: 4242,
    name: 'node',
    protocol: 'tcp',
    state: 'LISTEN',
    family: 'IPv4',
    address: '127.0.0.1',
    port: 3000,
    commandLine: null,
    argv: null,
    user: null,
    uid: null,
    ppid: null,
    startTime: '1',
    adapter: 'procfs',
    inode: null,
    reason: null,
    manager: null,
    ...fields,
  };
}

const skipped = (pid: number | null, reason: SkippedOwner['reason'], message = 'first') =>
  ({ pid, name: null, reason, message }) satisfies SkippedOwner;

const stopped = (pid: number): StoppedProcess => ({
  pid,
  name: 'node',
  commandLine: null,
  signals: ['SIGTERM'],
  signal: 'SIGTERM',
  elapsedMs: 3,
  pidReused: false,
  identityVerified: true,
});

test('an empty stop: the settings, nothing else', () => {
  const report = new KillReportBuilder({ port: 3000, protocol: 'udp', dryRun: true }).build();
  assert.deepEqual(
    { ...report, elapsedMs: 0 },
    {
      port: 3000,
      protocol: 'udp',
      killed: [],
      failed: [],
      skipped: [],
      gone: [],
      processes: [],
      owners: [],
      dryRun: true,
      elapsedMs: 0,
    },
  );
  assert.ok(report.elapsedMs >= 0 && report.elapsedMs < 1000, String(report.elapsedMs));
});

test('owners: one per pid, family, address and state; a later round replaces, in place', () => {
  const builder = new KillReportBuilder({ port: 3000, protocol: 'tcp', dryRun: false });
  const v4 = owner({});
  const v6 = owner({ family: 'IPv6', address: '::1' });
  const connection = owner({ state: 'ESTABLISHED' });
  const hidden = owner({ pid: null, name: null });
  builder.addOwners([v4, v6, hidden]);
  builder.addOwners([owner({ commandLine: 'node server.js' }), connection]);
  const { owners } = builder.build();
  assert.deepEqual(
    owners.map((entry) => [entry.pid, entry.family, entry.address, entry.state]),
    [
      [4242, 'IPv4', '127.0.0.1', 'LISTEN'],
      [4242, 'IPv6', '::1', 'LISTEN'],
      [null, 'IPv4', '127.0.0.1', 'LISTEN'],
      [4242, 'IPv4', '127.0.0.1', 'ESTABLISHED'],
    ],
  );
  assert.equal(owners[0]?.commandLine, 'node server.js', 'the latest entry of a socket');
});

test('skipped: one entry per pid and reason however many rounds saw it (the first kept)', () => {
  const builder = new KillReportBuilder({ port: 3000, protocol: 'tcp', dryRun: false });
  builder.addSkipped([skipped(1, 'system'), skipped(null, 'hidden'), skipped(4242, 'managed')]);
  builder.addSkipped([
    skipped(1, 'system', 'again'),
    skipped(null, 'hidden', 'again'),
    skipped(4242, 'blocked'),
    skipped(null, 'time-wait'),
  ]);
  assert.deepEqual(
    builder.build().skipped.map((entry) => [entry.pid, entry.reason, entry.message]),
    [
      [1, 'system', 'first'],
      [null, 'hidden', 'first'],
      [4242, 'managed', 'first'],
      [4242, 'blocked', 'first'],
      [null, 'time-wait', 'first'],
    ],
  );
});

test('results of every round, in order; a built report is a copy', () => {
  const builder = new KillReportBuilder({ port: 3000, protocol: 'tcp', dryRun: false });
  builder.addResults({
    killed: [10],
    failed: [{ pid: 11, code: 'EPERM', message: 'no' }],
    gone: [12],
    processes: [stopped(10)],
  });
  const first = builder.build();
  builder.addResults({ killed: [20], failed: [], gone: [], processes: [stopped(20)] });
  builder.addOwners([owner({})]);
  builder.addSkipped([skipped(1, 'system')]);
  const second = builder.build();
  assert.deepEqual(first.killed, [10], 'the first report did not change');
  assert.deepEqual(first.owners, []);
  assert.deepEqual(first.skipped, []);
  assert.deepEqual(second.killed, [10, 20]);
  assert.deepEqual(second.failed, [{ pid: 11, code: 'EPERM', message: 'no' }]);
  assert.deepEqual(second.gone, [12]);
  assert.deepEqual(
    second.processes.map((process) => process.pid),
    [10, 20],
  );
});
