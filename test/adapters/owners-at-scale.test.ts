/**
 * Every owner at scale: a listener shared by a parent and two forked children, 300 connections
 * to it and 2,000 more loopback connection pairs in one busy process (~4,600 TCP rows, one fd
 * table of ~4,300 descriptors). Every Linux adapter that finds owners from /proc must list
 * exactly the parent and its children — never the connected clients.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BUSY_TABLE } from '../../src/adapters/ss-procfs.ts';
import { getProcessesOnPort, inspectPort } from '../../src/index.ts';
import { socketRowEstimate } from '../../src/system/proc-net.ts';
import { canHold, startConnections } from '../helpers/connections.ts';
import { getTestPort, LINUX_ONLY, startHolder, trackHolders } from '../helpers/holders.ts';

const hold = trackHolders();

test('thousands of connections: every forked holder of the listener is found, no client', {
  ...LINUX_ONLY,
  skip: LINUX_ONLY.skip || (!canHold(4600) && 'descriptor limit too low'),
}, async () => {
  const port = await getTestPort();
  const holder = await hold(startHolder({ port, host: '127.0.0.1', children: 2 }));
  const busy = await hold(startConnections({ pairs: 2000, port, toPort: 300 }));
  const expected = [...holder.pids].sort((a, b) => a - b);
  for (const adapter of [undefined, 'procfs', 'ss+procfs', 'ss']) {
    const owners = await getProcessesOnPort(port, adapter ? { adapter } : {});
    assert.deepEqual(
      owners.map((owner) => [owner.pid, owner.state, owner.address]),
      expected.map((pid) => [pid, 'LISTEN', '127.0.0.1']),
      `adapter ${adapter ?? '(chosen)'}`,
    );
    assert.ok(owners.every((owner) => owner.pid !== busy.pid));
  }
  const report = await inspectPort(port);
  assert.equal(report.connections.ESTABLISHED, 300, 'the accepted ends of the 300 connections');
  assert.deepEqual(
    report.owners.map((owner) => owner.pid),
    expected,
  );
  if ((socketRowEstimate('tcp', '/proc') ?? 0) >= BUSY_TABLE) {
    assert.equal(report.adapter, 'ss+procfs', 'a busy table is read with ss+procfs');
  }
});
