/**
 * src/core/port-report.ts: everything `portwarden who` prints about a port, from one read of the
 * socket table and a bind probe. Live: a real holder with a connected client and server-side
 * TIME_WAIT on its port; a free port; a UDP holder. Hidden owners: the fixture /proc tree
 * (test/fixtures/proc, the recorded jc rows: 127.0.0.1:631 held by uid 0, no process), and a
 * /proc tree BUILT here from that recorded row (a second hidden listener of another uid).
 */
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { createContext } from '../../src/core/context.ts';
import { portReport } from '../../src/core/port-report.ts';
import {
  getTestPort,
  type HolderOptions,
  startClient,
  startHolder,
  trackHolders,
} from '../helpers/holders.ts';
import { LINUX_TOOLS, needs, PROC, TIME_WAIT_LISTED } from '../helpers/live.ts';
import { makeTempDir } from '../helpers/temp.ts';
import { leaveServerTimeWait } from '../helpers/time-wait.ts';

const hold = trackHolders();
const holder = (options: HolderOptions) => hold(startHolder(options));
const tree = new URL('../fixtures/proc/tree', import.meta.url).pathname;
const question = (port: number, protocol: 'tcp' | 'udp' = 'tcp', forcedAdapter?: string) => ({
  port,
  protocol,
  forcedAdapter,
});

describe('portReport, live', needs(TIME_WAIT_LISTED), () => {
  test('a holder, a client, TIME_WAIT: owners, connections by state (listener excluded)', async () => {
    const port = await getTestPort();
    await leaveServerTimeWait(port, { connections: 2 });
    const h = await holder({ port });
    await hold(startClient({ port }));
    const context = createContext();
    const report = await portReport(question(port), context);
    assert.equal(report.port, port);
    assert.equal(report.protocol, 'tcp');
    assert.equal(report.inUse, true);
    assert.deepEqual(
      report.owners.map((owner) => [owner.pid, owner.state]),
      [[h.pid, 'LISTEN']],
    );
    assert.deepEqual(report.connections, { ESTABLISHED: 1, TIME_WAIT: 2 });
    assert.equal(report.timeWait, 2);
    assert.equal(report.hidden, 0);
    assert.equal(report.privilegeHint, null);
    assert.ok(
      context.platform.adapters.some((adapter) => adapter.name === report.adapter),
      report.adapter,
    );
  });

  test('a free port: not in use, nothing on it', async () => {
    const port = await getTestPort();
    const report = await portReport(question(port), createContext());
    assert.deepEqual(
      { ...report, adapter: '' },
      {
        port,
        protocol: 'tcp',
        inUse: false,
        owners: [],
        connections: {},
        timeWait: 0,
        hidden: 0,
        privilegeHint: null,
        adapter: '',
      },
    );
  });

  test('UDP: the bound socket is the owner; only TCP sockets count as connections', async () => {
    const port = await getTestPort();
    const h = await holder({ port, protocol: 'udp' });
    const report = await portReport(question(port, 'udp'), createContext());
    assert.equal(report.inUse, true);
    assert.deepEqual(
      report.owners.map((owner) => [owner.pid, owner.state, owner.protocol]),
      [[h.pid, 'BOUND', 'udp']],
    );
    assert.deepEqual(report.connections, {});
  });
});

describe('portReport, hidden owners', needs(PROC, LINUX_TOOLS), () => {
  test('one hidden owner: counted, and the hint names its user', async () => {
    const context = createContext({ procRoot: tree, platform: 'linux' });
    const report = await portReport(question(631, 'tcp', 'procfs'), context);
    assert.equal(report.inUse, true);
    assert.equal(report.hidden, 1);
    assert.equal(report.adapter, 'procfs');
    assert.equal(
      report.privilegeHint,
      context.platform.privilegeHint(context.platform.userName(0)),
    );
  });

  test('hidden owners of two users: the hint names none of them', async () => {
    const recorded = readFileSync(join(tree, 'net', 'tcp'), 'latin1').split('\n');
    const header = recorded[0] ?? '';
    const row = recorded.find((line) => line.includes(' 34523 ')) ?? '';
    // The recorded 127.0.0.1:631 row (uid 0), and the same row on 127.0.0.2 as uid 65534.
    const other = row
      .replace('0100007F:0277', '0200007F:0277')
      .replace('     0        0 34523', ' 65534        0 34524');
    assert.notEqual(other, row);
    const root = makeTempDir('pw-port-report-');
    mkdirSync(join(root, 'net'));
    writeFileSync(join(root, 'net', 'tcp'), `${header}\n${row}\n${other}\n`);
    writeFileSync(
      join(root, 'net', 'tcp6'),
      `${readFileSync(join(tree, 'net', 'tcp6'), 'latin1').split('\n')[0]}\n`,
    );
    const context = createContext({ procRoot: root, platform: 'linux' });
    const report = await portReport(question(631, 'tcp', 'procfs'), context);
    assert.equal(report.hidden, 2, JSON.stringify(report.owners));
    assert.deepEqual(
      report.owners.map((owner) => owner.uid),
      [0, 65534],
    );
    assert.equal(report.privilegeHint, context.platform.privilegeHint(null));
  });
});
