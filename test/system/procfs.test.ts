/**
 * Reading owners from /proc: the fixture tree (test/fixtures/proc/tree, BUILT in /proc's formats:
 * pids 6000 and 6001 share socket 140054 on fd 20; pid 5151 holds 23459 on fd 3) and this machine.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { holdsSocket, provenStartTime, verifyOwnersFromProc } from '../../src/system/procfs.ts';
import type { SocketRow } from '../../src/types.ts';

const TREE = { skip: process.platform === 'win32' && 'fixture symlinks' };
const tree = new URL('../fixtures/proc/tree', import.meta.url).pathname;

function row(inode: number, owners: SocketRow['owners']): SocketRow {
  return {
    protocol: 'tcp',
    family: 'IPv4',
    localAddress: '127.0.0.1',
    localPort: 35303,
    remoteAddress: null,
    remotePort: null,
    state: 'LISTEN',
    owners,
    inode,
  };
}

test('a claimed owner counts only when its fd links to the socket', TREE, async () => {
  const [checked] = await verifyOwnersFromProc(
    [
      row(140054, [
        { pid: 6000, name: 'node', fd: 20 },
        // Forged by a process name such as `x",pid=5151,fd=3),("y`: 5151's fd 3 is another socket.
        { pid: 5151, name: 'x', fd: 3 },
      ]),
    ],
    tree,
  );
  assert.deepEqual(checked?.owners, [{ pid: 6000, name: 'node', fd: 20, startTime: '70000' }]);
});

test('a socket whose claims all fail is looked up in every /proc/<pid>/fd', TREE, async () => {
  const [checked] = await verifyOwnersFromProc(
    [row(140054, [{ pid: 4242, name: 'evil', fd: 3 }])],
    tree,
  );
  assert.deepEqual(checked?.owners, [
    { pid: 6000, startTime: '70000' },
    { pid: 6001, startTime: '70100' },
  ]);
});

test('without a readable /proc the claims are kept as they are', async () => {
  const rows = [row(1, [{ pid: 78, name: 'nginx', fd: 6 }])];
  assert.deepEqual(await verifyOwnersFromProc(rows, '/nonexistent-proc-root'), rows);
});

test('proven start time and holding a socket', TREE, () => {
  assert.equal(provenStartTime(tree, 6000, '20', 140054), '70000');
  assert.equal(provenStartTime(tree, 6000, '20', 23459), undefined, 'fd 20 is another socket');
  assert.equal(provenStartTime(tree, 999999, '3', 23459), undefined, 'a gone process');
  assert.equal(holdsSocket(tree, 5151, [23459]), true);
  assert.equal(holdsSocket(tree, 5151, [140054]), false);
  assert.equal(holdsSocket(tree, 999999, [140054]), false, 'a gone process holds nothing');
});
