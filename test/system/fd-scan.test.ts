/**
 * The sliced owner scan: on the fixture tree (BUILT, see test/fixtures/proc/SOURCES.md) with the
 * wanted inodes given at once or later, and live on processes with big fd tables (read by number
 * when dense, listed in the thread pool when sparse).
 */
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { test } from 'node:test';
import { scanSocketOwners } from '../../src/system/fd-scan.ts';
import { readProcNetRows } from '../../src/system/proc-net.ts';
import { canHold, startConnections } from '../helpers/connections.ts';
import { getTestPort, LINUX_ONLY, startHolder, trackHolders } from '../helpers/holders.ts';

const TREE = { skip: process.platform === 'win32' && 'fixture symlinks' };
const tree = new URL('../fixtures/proc/tree', import.meta.url).pathname;
const hold = trackHolders();

const SHARED = [
  { pid: 6000, startTime: '70000' },
  { pid: 6001, startTime: '70100' },
];

test(
  'inodes known later: the links seen meanwhile are kept, the answer is the same',
  TREE,
  async () => {
    const now = await scanSocketOwners(new Set([140054, 23459]), tree);
    const later = await scanSocketOwners(
      new Promise<Set<number>>((resolve) => setTimeout(() => resolve(new Set([140054, 23459])), 5)),
      tree,
    );
    assert.deepEqual(later.owners, now.owners);
    assert.deepEqual(now.owners.get(140054), SHARED, 'a parent and its forked child, in pid order');
    assert.deepEqual(now.owners.get(23459), [{ pid: 5151, startTime: '900' }]);
    assert.equal(now.scanned, 5);
  },
);

test('inodes that turn out none end the scan; a failed read of them fails it', TREE, async () => {
  const none = await scanSocketOwners(Promise.resolve(new Set<number>()), tree);
  assert.equal(none.owners.size, 0);
  await assert.rejects(
    scanSocketOwners(Promise.reject(Object.assign(new Error('no'), { code: 'EIO' })), tree),
    { code: 'EIO' },
  );
  await assert.rejects(scanSocketOwners(new Set([1]), '/nonexistent-proc-root'), {
    code: 'ENOENT',
  });
});

test('an aborted scan stops with ERR_ABORTED', TREE, async () => {
  const controller = new AbortController();
  controller.abort();
  await assert.rejects(scanSocketOwners(new Set([1]), tree, { signal: controller.signal }), {
    code: 'ERR_ABORTED',
  });
});

/** Linux >= 6.2 gives the number of open descriptors as the size of /proc/<pid>/fd. */
const countsFds = process.platform === 'linux' && statSync('/proc/self/fd').size > 0;

test('big fd tables: a dense one read by number, a sparse one listed aside, every holder found', {
  ...LINUX_ONLY,
  skip: LINUX_ONLY.skip || (!canHold(4200) && 'descriptor limit too low'),
}, async () => {
  const port = await getTestPort();
  const holder = await hold(startHolder({ port, host: '127.0.0.1', children: 2 }));
  // ~3,850 descriptors: FDSize 4096, dense. ~2,260: FDSize 4096, sparse.
  const dense = await hold(startConnections({ pairs: 1900, port, toPort: 40 }));
  const sparse = await hold(startConnections({ pairs: 1100, port, toPort: 50 }));
  const rows = await readProcNetRows({ port, protocol: 'tcp', includeRemote: true }, '/proc');
  const inodes = new Set(rows.map((row) => row.inode ?? 0).filter((inode) => inode > 0));
  const scan = await scanSocketOwners(inodes, '/proc');
  const holdersOf = (state: string, local: boolean) =>
    new Set(
      rows
        .filter((row) => row.state === state && (row.localPort === port) === local)
        .flatMap((row) => (scan.owners.get(row.inode ?? 0) ?? []).map((owner) => owner.pid)),
    );
  assert.deepEqual(
    [...holdersOf('LISTEN', true)].sort((a, b) => a - b),
    [...holder.pids].sort((a, b) => a - b),
    'the listener: the parent and both forked children',
  );
  assert.deepEqual(
    [...holdersOf('ESTABLISHED', false)].sort((a, b) => a - b),
    [dense.pid, sparse.pid].sort((a, b) => a - b),
    'the client ends: the two busy processes',
  );
  const clientEnds = rows.filter((row) => row.remotePort === port && row.localPort !== port);
  assert.equal(clientEnds.length, 90);
  assert.ok(clientEnds.every((row) => scan.owners.get(row.inode ?? 0)?.length === 1));
  if (countsFds) {
    assert.ok(scan.byNumber >= 1, `read by number: ${scan.byNumber}`);
    assert.ok(scan.listedAside >= 1, `listed aside: ${scan.listedAside}`);
  }
});

test(
  'a scan that fails at once leaves no stray rejection of the inodes it waited for',
  TREE,
  async () => {
    const stray: unknown[] = [];
    const onStray = (reason: unknown) => stray.push(reason);
    process.on('unhandledRejection', onStray);
    try {
      const later = new Promise<Set<number>>((_, reject) =>
        setTimeout(() => reject(new Error('the rows failed too')), 5),
      );
      await assert.rejects(scanSocketOwners(later, tree, { deadline: performance.now() - 1 }), {
        code: 'ERR_COMMAND_TIMEOUT',
      });
      await new Promise((resolve) => setTimeout(resolve, 20));
      assert.deepEqual(stray, []);
    } finally {
      process.off('unhandledRejection', onStray);
    }
  },
);
