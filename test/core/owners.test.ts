/**
 * src/core/owners.ts: socket rows → PortOwners, with process facts from the fixture /proc tree
 * (test/fixtures/proc/tree, BUILT: see its SOURCES.md) through the Linux process-info source,
 * counted to check it is asked once for every pid. Rows are built like the procfs adapter's,
 * with the tree's inodes and pids: sshd 5151 on 0.0.0.0:22 and [::]:22, node 6000 and its
 * worker 6001 sharing 127.0.0.1:35303, and sockets without a visible owner.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SocketTableAdapter } from '../../src/adapters/adapter.ts';
import { createContext } from '../../src/core/context.ts';
import { describeOwners } from '../../src/core/owners.ts';
import { LINUX } from '../../src/platform/linux.ts';
import type { SocketRow } from '../../src/types.ts';

const tree = new URL('../fixtures/proc/tree', import.meta.url).pathname;
const adapter = { name: 'procfs' } as SocketTableAdapter;

function counted() {
  const asked: number[][] = [];
  const context = createContext({
    procRoot: tree,
    platform: {
      ...LINUX,
      processInfo: (pids, tools) => {
        asked.push([...pids]);
        return LINUX.processInfo(pids, tools);
      },
    },
  });
  return { asked, context };
}

function row(fields: Partial<SocketRow>): SocketRow {
  return {
    protocol: 'tcp',
    family: 'IPv4',
    localAddress: '0.0.0.0',
    localPort: 22,
    remoteAddress: null,
    remotePort: null,
    state: 'LISTEN',
    owners: [],
    ...fields,
  };
}

test('no rows: no owners, no process lookup', async () => {
  const { asked, context } = counted();
  assert.deepEqual(await describeOwners([], adapter, context), []);
  assert.deepEqual(asked, []);
});

test('a process with an IPv6 and an IPv4 socket: two owners, IPv4 first, facts from /proc', async () => {
  const { asked, context } = counted();
  const owners = await describeOwners(
    [
      row({ family: 'IPv6', localAddress: '::', owners: [{ pid: 5151 }], inode: 23556, uid: 0 }),
      row({ owners: [{ pid: 5151 }], inode: 23459, uid: 0 }),
    ],
    adapter,
    context,
  );
  assert.deepEqual(asked, [[5151]]);
  assert.deepEqual(owners[0], {
    pid: 5151,
    name: 'sshd',
    protocol: 'tcp',
    state: 'LISTEN',
    family: 'IPv4',
    address: '0.0.0.0',
    port: 22,
    commandLine: 'sshd: /usr/sbin/sshd -D [listener] 0 of 10-100 startups',
    argv: ['sshd: /usr/sbin/sshd -D [listener] 0 of 10-100 startups'],
    uid: 0,
    user: LINUX.userName(0),
    ppid: 1,
    startTime: '900',
    adapter: 'procfs',
    inode: 23459,
    reason: null,
    manager: null,
  });
  assert.deepEqual(
    owners.map((owner) => [owner.family, owner.address, owner.inode]),
    [
      ['IPv4', '0.0.0.0', 23459],
      ['IPv6', '::', 23556],
    ],
  );
});

test('a shared socket lists each process; many connections of one process are one entry', async () => {
  const { asked, context } = counted();
  const connection = (remotePort: number) =>
    row({
      localAddress: '127.0.0.1',
      localPort: 35303,
      remoteAddress: '127.0.0.1',
      remotePort,
      state: 'ESTABLISHED',
      owners: [{ pid: 6001 }],
    });
  const owners = await describeOwners(
    [
      row({
        localAddress: '127.0.0.1',
        localPort: 35303,
        owners: [{ pid: 6001 }, { pid: 6000, startTime: 'proven-while-holding' }],
        inode: 140054,
      }),
      connection(50001),
      connection(50002),
      connection(50003),
    ],
    adapter,
    context,
  );
  assert.deepEqual(asked, [[6001, 6000]], 'one lookup for every pid');
  assert.deepEqual(
    owners.map((owner) => [owner.pid, owner.state, owner.name, owner.ppid, owner.startTime]),
    [
      [6000, 'LISTEN', 'node', 5999, 'proven-while-holding'],
      [6001, 'LISTEN', 'node', 6000, '70100'],
      [6001, 'ESTABLISHED', 'node', 6000, '70100'],
    ],
  );
});

test('a process gone before its facts were read: what the row said', async () => {
  const { context } = counted();
  const [owner] = await describeOwners(
    [row({ owners: [{ pid: 999_999, name: 'ghost', startTime: '5' }], uid: 1000 })],
    adapter,
    context,
  );
  assert.deepEqual(
    [
      owner?.pid,
      owner?.name,
      owner?.commandLine,
      owner?.argv,
      owner?.uid,
      owner?.user,
      owner?.ppid,
      owner?.startTime,
    ],
    [999_999, 'ghost', null, null, 1000, null, null, '5'],
  );
});

test('sockets without a visible owner: a hidden owner (its user, the hint) and TIME_WAIT, last', async () => {
  const { asked, context } = counted();
  const owners = await describeOwners(
    [
      row({ localAddress: '127.0.0.1', localPort: 631, uid: 0, inode: 34523 }),
      row({
        localAddress: '127.0.0.1',
        localPort: 631,
        remoteAddress: '127.0.0.1',
        remotePort: 50000,
        state: 'TIME_WAIT',
        inode: 0,
      }),
      row({ localAddress: '127.0.0.1', localPort: 631, owners: [{ pid: 4242 }] }),
    ],
    adapter,
    context,
  );
  assert.deepEqual(asked, [[4242]]);
  assert.deepEqual(
    owners.map((owner) => [owner.pid, owner.state, owner.uid, owner.user]),
    [
      [4242, 'LISTEN', 101, LINUX.userName(101)],
      [null, 'LISTEN', 0, LINUX.userName(0)],
      [null, 'TIME_WAIT', null, null],
    ],
  );
  assert.equal(
    owners[1]?.reason,
    `its owner cannot be seen (another user's process): ${LINUX.privilegeHint(LINUX.userName(0))} to see it`,
  );
  assert.match(owners[2]?.reason ?? '', /^a TIME_WAIT socket: .* no process owns it/);
  assert.deepEqual(
    owners.map((owner) => owner.name),
    ['systemd-resolved', null, null],
  );
});
