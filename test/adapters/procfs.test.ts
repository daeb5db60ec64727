import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { test } from 'node:test';
import { procfsAdapter } from '../../src/adapters/procfs.ts';
import { createContext } from '../../src/core/context.ts';
import { linuxProcessInfo, readLinuxProcess } from '../../src/process/linux.ts';
import { scanSocketOwners } from '../../src/system/procfs.ts';
import { withContext } from '../helpers/context.ts';
// The live tests read this machine's /proc (LINUX_PROC: Linux only).
import { getTestPort, startHolder, trackHolders } from '../helpers/holders.ts';
import { PROC as LINUX_PROC } from '../helpers/live.ts';
import { makeTempDir, removeTempDir } from '../helpers/temp.ts';

const hold = trackHolders();
/** The fixture tree's fd entries are symlinks, which a Windows checkout may not have. */
const TREE = { skip: process.platform === 'win32' && 'fixture symlinks' };

const tree = new URL('../fixtures/proc/tree', import.meta.url).pathname;
const treeContext = createContext({ procRoot: tree, platform: 'linux' });

test('fixture /proc tree: owners found from socket inodes', TREE, async () => {
  const ssh = await procfsAdapter.read({ port: 22, protocol: 'tcp' }, treeContext);
  const listeners = ssh.filter((row) => row.state === 'LISTEN');
  assert.deepEqual(
    listeners.map((row) => [row.family, row.localAddress, row.owners.map((owner) => owner.pid)]),
    [
      ['IPv4', '0.0.0.0', [5151]],
      ['IPv6', '::', [5151]],
    ],
  );
});

test(
  'fixture /proc tree: getProcessesOnPort with names, command lines, shared sockets, hidden owners',
  TREE,
  async () => {
    const inTree = withContext({ procRoot: tree, platform: 'linux' });
    const shared = await inTree.getProcessesOnPort(35303, { adapter: 'procfs' });
    assert.deepEqual(
      shared.map((owner) => [owner.pid, owner.name, owner.commandLine, owner.uid, owner.startTime]),
      [
        [6000, 'node', 'node server.js', 1000, '70000'],
        [6001, 'node', 'node server.js --worker', 1000, '70100'],
      ],
    );
    const dns = await inTree.getProcessesOnPort(53);
    assert.deepEqual(
      dns.map((owner) => [owner.pid, owner.name, owner.address, owner.uid]),
      // The program's name from argv[0], not comm (cut to 15 bytes: 'systemd-resolve').
      [[4242, 'systemd-resolved', '127.0.0.53', 101]],
    );
    const hidden = await inTree.getProcessesOnPort(631);
    assert.equal(hidden.length, 1);
    assert.deepEqual(
      [hidden[0]?.pid, hidden[0]?.name, hidden[0]?.uid, hidden[0]?.user],
      [null, null, 0, 'root'],
    );
    assert.deepEqual(await inTree.getProcessesOnPort(8080), []);
    const udp = await inTree.getProcessesOnPort(47999, { protocol: 'udp' });
    assert.deepEqual(
      udp.map((owner) => [owner.pid, owner.state, owner.protocol]),
      [[null, 'BOUND', 'udp']],
      'the captured UDP socket has no process in the tree: hidden',
    );
  },
);

test('/proc/<pid>/stat with a name holding spaces and parentheses', TREE, () => {
  // comm is 'weird ) name'; the program (argv[0]) is './weird'.
  assert.deepEqual(readLinuxProcess(7000, tree)?.name, 'weird');
  // sshd rewrote its argv[0] into a title with spaces: comm names it.
  assert.deepEqual(readLinuxProcess(5151, tree)?.name, 'sshd');
  assert.deepEqual(readLinuxProcess(7000, tree)?.startTime, '80000');
  assert.deepEqual(readLinuxProcess(7000, tree)?.ppid, 1);
  // parseProcStat itself: test/parsers/proc-stat.test.ts.
  assert.equal(readLinuxProcess(999999, tree), undefined, 'a gone process is undefined');
});

test('this process, read live from /proc', LINUX_PROC, async () => {
  const info = (await linuxProcessInfo([process.pid], createContext())).get(process.pid);
  assert.equal(info?.pid, process.pid);
  assert.equal(info?.ppid, process.ppid);
  assert.equal(info?.uid, process.getuid?.());
  // /proc/<pid>/cmdline holds the script path as it was given (Node 22+'s runner, and
  // scripts/run-tests.mjs, give it relative to the checkout); process.argv[1] is resolved.
  assert.equal(info?.argv?.[0], process.argv0, 'argv[0] from cmdline');
  assert.ok(
    info?.argv?.some((arg) => resolve(arg) === process.argv[1]),
    `argv from cmdline: ${JSON.stringify(info?.argv)} holds ${process.argv[1]}`,
  );
});

test(
  'with an empty PATH the procfs adapter alone still finds every owner',
  LINUX_PROC,
  async (t) => {
    const port = await getTestPort();
    const holder = await hold(startHolder({ port, host: '127.0.0.1', children: 2 }));
    const emptyPath = makeTempDir('pw-empty-path-');
    t.after(() => removeTempDir(emptyPath));
    const withoutTools = withContext({ env: { PATH: emptyPath } });
    const owners = await withoutTools.getProcessesOnPort(port);
    assert.deepEqual(
      owners.map((owner) => owner.pid),
      [...holder.pids].sort((a, b) => a - b),
    );
    assert.ok(owners.every((owner) => owner.adapter === 'procfs'));
    assert.equal(await withoutTools.isPortInUse(port), true);
  },
);

test('the owner scan stops early only when nothing is wanted', TREE, async () => {
  const scan = await scanSocketOwners(new Set(), '/proc');
  assert.equal(scan.scanned, 0);
  const shared = await scanSocketOwners(new Set([140054]), tree);
  assert.deepEqual(shared.owners.get(140054), [
    { pid: 6000, startTime: '70000' },
    { pid: 6001, startTime: '70100' },
  ]);
  assert.equal(shared.scanned, 5);
});
