/**
 * src/core/stop/blocked.ts: why a port cannot become free (which blocker wins), the skip entries
 * of a stop round called off, and the key of a socket without its owner.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { blockedSkips, blockingOutcome, socketKey } from '../../../src/core/stop/blocked.ts';
import type { StopTarget } from '../../../src/process/stop-strategy.ts';
import type { SkippedOwner, SkipReason } from '../../../src/reports.ts';
import type { PortOwner } from '../../../src/types.ts';

const entry = (reason: SkipReason, pid: number | null = 7, name: string | null = 'x') =>
  ({ pid, name, reason, message: `${reason} message` }) satisfies SkippedOwner;

test('blockingOutcome: self/ancestor, then unstoppable, managed, hidden; else connection', () => {
  const cases: [SkipReason[], boolean, string][] = [
    [['hidden', 'managed', 'system', 'ancestor'], true, 'self'],
    [['self'], false, 'self'],
    [['hidden', 'managed', 'system'], false, 'unstoppable-owner'],
    [['filtered'], false, 'unstoppable-owner'],
    [['hidden', 'managed'], true, 'unstoppable-owner'],
    [['hidden', 'managed', 'connection'], false, 'managed'],
    [['connection', 'hidden'], false, 'hidden-owner'],
    [['connection', 'time-wait'], false, 'connection'],
    [[], false, 'connection'],
  ];
  for (const [reasons, failed, outcome] of cases) {
    assert.equal(
      blockingOutcome(
        reasons.map((reason) => entry(reason)),
        failed,
      ),
      outcome,
      `${reasons.join(',')} failed=${failed}`,
    );
  }
});

function target(pid: number, name: string | null): StopTarget {
  return { pid, owner: { pid, name } as PortOwner, startTime: null, inodes: [] };
}

test('blockedSkips: blockers as planned; dry-run candidates and untried targets become blocked', () => {
  const planned = [
    entry('system', 1, 'systemd'),
    entry('dry-run', 20, 'node'),
    entry('hidden', null),
  ];
  const entries = blockedSkips(
    planned,
    [target(30, 'python3'), target(40, null)],
    new Set([40]), // 40 failed to stop: it blocks, it is not "blocked"
  );
  assert.deepEqual(
    entries.map((skip) => [skip.pid, skip.reason]),
    [
      [1, 'system'],
      [null, 'hidden'],
      [20, 'blocked'],
      [30, 'blocked'],
    ],
  );
  assert.equal(entries[0], planned[0], 'a planned blocker is kept as it was');
  assert.deepEqual(entries[3], {
    pid: 30,
    name: 'python3',
    reason: 'blocked',
    message:
      'pid 30 (python3) was left alone: another owner that may not be stopped keeps the port taken anyway',
  });
  assert.equal(
    entries[2]?.message,
    'pid 20 (node) was left alone: another owner that may not be stopped keeps the port taken anyway',
  );
  assert.deepEqual(blockedSkips([], [], new Set()), []);
});

test('socketKey: protocol, family and address; not the owner or its state', () => {
  const a = { pid: 1, protocol: 'tcp', family: 'IPv6', address: '::', state: 'LISTEN' };
  assert.equal(socketKey(a as PortOwner), 'tcp|IPv6|::');
  assert.equal(socketKey({ ...a, pid: 2, state: 'ESTABLISHED' } as PortOwner), 'tcp|IPv6|::');
  assert.notEqual(socketKey({ ...a, protocol: 'udp' } as PortOwner), socketKey(a as PortOwner));
  assert.notEqual(socketKey({ ...a, address: '::1' } as PortOwner), socketKey(a as PortOwner));
});
