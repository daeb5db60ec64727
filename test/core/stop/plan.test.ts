/**
 * src/core/stop/plan.ts: before any signal, which owners are targets and why the others are left
 * alone — self, ancestor, system, hidden, connection, time-wait, other-address, managed, filtered,
 * dry-run — and which reason wins when several apply. Settings come from the public validator
 * (`killSettings`); owners are built for each case, except where the case is about a real process
 * (this process, its parent, a real holder found on the port). Nothing here is signalled.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { killSettings } from '../../../src/api/stop.ts';
import { createContext } from '../../../src/core/context.ts';
import { planStop } from '../../../src/core/stop/plan.ts';
import { getProcessesOnPort, type KillOptions } from '../../../src/index.ts';
import type { StopProgress } from '../../../src/reports.ts';
import type { PortOwner } from '../../../src/types.ts';
import { getTestPort, startHolder, trackHolders } from '../../helpers/holders.ts';
import { PROC } from '../../helpers/live.ts';

const hold = trackHolders();
/** The Linux profile: pids 0 and 1 are the system's, Linux's bind-conflict rule. */
const linux = createContext({ platform: 'linux' });

function owner(pid: number | null, fields: Partial<PortOwner> = {}): PortOwner {
  return {
    pid,
    name: pid === null ? null : 'node',
    protocol: 'tcp',
    state: 'LISTEN',
    family: 'IPv4',
    address: '127.0.0.1',
    port: 3000,
    commandLine: null,
    argv: pid === null ? null : ['node', 'server.js'],
    user: null,
    uid: null,
    ppid: null,
    startTime: pid === null ? null : '777',
    adapter: 'procfs',
    inode: null,
    reason: null,
    manager: null,
    ...fields,
  };
}

async function plan(owners: PortOwner[], options: KillOptions = {}, addresses?: string[]) {
  const events: StopProgress[] = [];
  const settings = killSettings(3000, { ...options, onProgress: (event) => events.push(event) });
  const result = await planStop(owners, settings, linux, addresses);
  return {
    ...result,
    events,
    reasons: result.skipped.map((entry) => [entry.pid, entry.reason]),
    targetPids: result.targets.map((target) => target.pid),
  };
}

/** A pid no process of this test has: a plain candidate. */
const OTHER = 2_000_000;
const pm2 = { kind: 'pm2', name: 'api', hint: 'pm2 stop api' };

describe('planStop, built owners', () => {
  test('owners without a pid: a TIME_WAIT socket, a hidden owner (with the privilege hint)', async () => {
    const { targets, skipped, events } = await plan([
      owner(null, { state: 'TIME_WAIT' }),
      owner(null, { user: 'postgres', uid: 70, reason: 'cannot be seen' }),
      owner(null, { uid: 70 }),
    ]);
    assert.deepEqual(targets, []);
    assert.deepEqual(skipped, [
      {
        pid: null,
        name: null,
        reason: 'time-wait',
        message: 'A tcp 127.0.0.1:3000 TIME_WAIT socket: no process owns it, and it ends by itself',
      },
      {
        pid: null,
        name: null,
        reason: 'hidden',
        message:
          'A tcp 127.0.0.1:3000 socket is held by a process that cannot be seen (user postgres): cannot be seen',
        hint: 'run as root (sudo) or as postgres',
      },
      {
        pid: null,
        name: null,
        reason: 'hidden',
        message: 'A tcp 127.0.0.1:3000 socket is held by a process that cannot be seen (uid 70)',
        hint: 'run as root (sudo) or as the owning user',
      },
    ]);
    assert.deepEqual(events, [
      { type: 'skipped', pid: null, reason: 'time-wait' },
      { type: 'skipped', pid: null, reason: 'hidden' },
      { type: 'skipped', pid: null, reason: 'hidden' },
    ]);
  });

  test('system pids, this process, connections; listeners, bound and unknown sockets are targets', async () => {
    const { reasons, targetPids, skipped } = await plan([
      owner(0),
      owner(1, { name: 'systemd' }),
      owner(process.pid),
      owner(OTHER + 1, { state: 'ESTABLISHED' }),
      owner(OTHER + 2, { state: 'BOUND', protocol: 'udp' }),
      owner(OTHER + 3, { state: 'UNKNOWN' }),
      owner(OTHER + 4),
    ]);
    assert.deepEqual(reasons, [
      [0, 'system'],
      [1, 'system'],
      [process.pid, 'self'],
      [OTHER + 1, 'connection'],
    ]);
    assert.deepEqual(targetPids, [OTHER + 2, OTHER + 3, OTHER + 4]);
    assert.equal(skipped[1]?.message, 'pid 1 (systemd) is a system process and is never signalled');
    assert.match(skipped[2]?.message ?? '', /is the calling process: close the server instead/);
    assert.match(
      skipped[3]?.message ?? '',
      /only has a connection whose local end is port 3000 \(ESTABLISHED\)/,
    );
  });

  test('a host asked for: an owner whose socket does not conflict is other-address (Linux rule)', async () => {
    const { reasons, targetPids } = await plan(
      [
        owner(OTHER + 1, { address: '127.0.0.1' }),
        owner(OTHER + 2, { address: '0.0.0.0' }),
        owner(OTHER + 3, { address: '::', family: 'IPv6' }),
        owner(OTHER + 4, { address: '::1', family: 'IPv6' }),
      ],
      {},
      ['127.0.0.2'],
    );
    assert.deepEqual(reasons, [
      [OTHER + 1, 'other-address'],
      [OTHER + 4, 'other-address'],
    ]);
    assert.deepEqual(targetPids, [OTHER + 2, OTHER + 3]);
    const everyAddress = await plan([owner(OTHER + 1, { address: '127.0.0.1' })]);
    assert.deepEqual(everyAddress.targetPids, [OTHER + 1], 'no host: every holder counts');
  });

  test('names and filter: asked once per process, with its first owner entry', async () => {
    const seen: PortOwner[] = [];
    const first = owner(OTHER + 1, { family: 'IPv4', inode: 11 });
    const { reasons, targetPids } = await plan(
      [first, owner(OTHER + 1, { family: 'IPv6', address: '::1', inode: 12 }), owner(OTHER + 2)],
      {
        filter: (candidate) => {
          seen.push(candidate);
          return candidate.pid === OTHER + 2;
        },
      },
    );
    assert.deepEqual(seen, [first, owner(OTHER + 2)]);
    assert.deepEqual(reasons, [[OTHER + 1, 'filtered']]);
    assert.deepEqual(targetPids, [OTHER + 2]);
    const named = await plan(
      [owner(OTHER + 1, { name: 'python3', argv: ['python3', 'app.py'] }), owner(OTHER + 2)],
      { names: ['python3'] },
    );
    assert.deepEqual(named.reasons, [[OTHER + 2, 'filtered']]);
    assert.deepEqual(named.targetPids, [OTHER + 1]);
  });

  test("managed owners are left alone with the manager's hint, unless managed: 'signal'", async () => {
    const managed = owner(OTHER + 1, { manager: pm2 });
    const left = await plan([managed]);
    assert.deepEqual(left.skipped, [
      {
        pid: OTHER + 1,
        name: 'node',
        reason: 'managed',
        message: `pid ${OTHER + 1} (node) is run by pm2 (api), which would restart it or depend on it: pm2 stop api`,
        hint: 'pm2 stop api',
      },
    ]);
    assert.deepEqual((await plan([managed], { managed: 'signal' })).targetPids, [OTHER + 1]);
  });

  test('dry run: every candidate skipped with the first step a real run would take', async () => {
    const polite = await plan([owner(OTHER + 1)], { dryRun: true });
    assert.deepEqual(polite.targets, []);
    assert.deepEqual(polite.skipped, [
      {
        pid: OTHER + 1,
        name: 'node',
        reason: 'dry-run',
        message: `dry run: pid ${OTHER + 1} (node) would be sent SIGTERM`,
        wouldSend: 'SIGTERM',
      },
    ]);
    const interrupt = await plan([owner(OTHER + 1)], { dryRun: true, killSignal: 'SIGINT' });
    assert.equal(interrupt.skipped[0]?.wouldSend, 'SIGINT');
    const forced = await plan([owner(OTHER + 1)], { dryRun: true, force: true });
    assert.equal(forced.skipped[0]?.wouldSend, 'SIGKILL');
  });

  test('which reason wins: filtered before managed before dry run', async () => {
    const { reasons } = await plan(
      [
        owner(OTHER + 1, { manager: pm2, name: 'python3', argv: null }),
        owner(OTHER + 2, { manager: pm2 }),
        owner(OTHER + 3),
      ],
      { names: ['node'], dryRun: true },
    );
    assert.deepEqual(reasons, [
      [OTHER + 1, 'filtered'],
      [OTHER + 2, 'managed'],
      [OTHER + 3, 'dry-run'],
    ]);
  });
});

describe('planStop, real processes', PROC, () => {
  test("this process's parent is an ancestor, even when managed or filtered", async () => {
    const parent = owner(process.ppid, { manager: pm2 });
    const { reasons, skipped } = await plan([parent], { names: ['python3'] });
    assert.deepEqual(reasons, [[process.ppid, 'ancestor']]);
    assert.match(skipped[0]?.message ?? '', /is an ancestor of the calling process/);
  });

  test('a real holder with an IPv4 and an IPv6 socket: one target, both inodes, its start time', async () => {
    const port = await getTestPort();
    const holder = await hold(startHolder({ port, host: ['127.0.0.1', '::1'] }));
    const owners = await getProcessesOnPort(port);
    assert.equal(owners.length, 2, JSON.stringify(owners));
    const { targets, skipped } = await plan(owners);
    assert.deepEqual(skipped, []);
    assert.equal(targets.length, 1);
    const [target] = targets;
    assert.equal(target?.pid, holder.pid);
    assert.equal(target?.owner, owners[0]);
    assert.equal(target?.startTime, owners[0]?.startTime);
    assert.ok(target?.startTime, 'a start time was read');
    assert.deepEqual([...(target?.inodes ?? [])].sort(), owners.map((entry) => entry.inode).sort());
    assert.equal(target?.inodes.length, 2);
    assert.equal(holder.alive(), true);
  });
});
