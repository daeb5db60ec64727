import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { describe, type TestContext, test } from 'node:test';
import {
  checkPortTimeWait,
  getProcessesOnPort,
  inspectTimeWait,
  isPortInUse,
  probePort,
} from '../src/index.ts';
import { platformProfile } from '../src/platform/profiles.ts';
import { withContext } from './helpers/context.ts';
// The live tests start real holders and read this machine's socket table with Linux's adapters
// (LINUX_TOOLS); each OS's own adapters are tested live in test/live/every-os.test.ts.
import {
  canSwitchUser,
  getTestPort,
  type Holder,
  runAsNobody,
  startClient,
  startHolder,
  startPythonHolder,
  trackHolders,
} from './helpers/holders.ts';
import { LINUX_TOOLS } from './helpers/live.ts';
import { makeTempDir, removeTempDir } from './helpers/temp.ts';
import { leaveServerTimeWait } from './helpers/time-wait.ts';
import { ADAPTER_TOOL, needs } from './helpers/tools.ts';

const hold = trackHolders();

const ADAPTERS = platformProfile('linux').adapters.map((adapter) => adapter.name);
/** Inspecting as `nobody` needs root to start the holders and setpriv to drop privileges. */
const ROOT = { skip: !canSwitchUser && 'needs root and setpriv on Linux' };

/**
 * Runs `check` once per adapter, each as a subtest: an adapter whose tool is missing here is
 * skipped with the tool's name (and counted), the others must pass.
 */
async function eachAdapter(
  t: TestContext,
  adapters: readonly string[],
  check: (adapter: string) => Promise<void>,
): Promise<void> {
  for (const adapter of adapters) {
    const tool = ADAPTER_TOOL[adapter];
    await t.test(`via ${adapter}`, { skip: tool !== undefined && needs(tool) }, () =>
      check(adapter),
    );
  }
}

const LISTENER_KINDS = [
  { label: 'node on 127.0.0.1', host: '127.0.0.1', kind: 'node', family: 'IPv4' },
  { label: 'node on 0.0.0.0', host: '0.0.0.0', kind: 'node', family: 'IPv4' },
  { label: 'python3 on ::1 (IPv6 only)', host: '::1', kind: 'python', family: 'IPv6' },
  { label: 'node on :: (dual stack)', host: '::', kind: 'node', family: 'IPv6' },
  { label: 'node on :: IPv6-only', host: '::', kind: 'node-v6only', family: 'IPv6' },
  {
    label: 'python3 on the interface address 192.0.2.2',
    host: '192.0.2.2',
    kind: 'python',
    family: 'IPv4',
  },
] as const;

describe(
  'live listeners: isPortInUse and getProcessesOnPort with every adapter',
  LINUX_TOOLS,
  () => {
    for (const kind of LISTENER_KINDS) {
      test(kind.label, { skip: kind.kind === 'python' && needs('python3') }, async (t) => {
        const port = await getTestPort();
        let holder: Holder;
        try {
          holder = await hold(
            kind.kind === 'python'
              ? startPythonHolder({ port, host: kind.host })
              : startHolder({ port, host: kind.host, ipv6Only: kind.kind === 'node-v6only' }),
          );
        } catch (error) {
          if (kind.host === '192.0.2.2') {
            t.skip(`no interface address 192.0.2.2 here: ${(error as Error).message}`);
            return;
          }
          throw error;
        }
        assert.equal(await isPortInUse(port), true, 'in use without host');
        assert.equal(await isPortInUse(String(port)), true, 'port as a string');
        assert.equal(await isPortInUse(port, { host: kind.host }), true, 'in use on its own host');
        await eachAdapter(t, ADAPTERS, async (adapter) => {
          const owners = await getProcessesOnPort(port, { adapter });
          assert.deepEqual(
            owners.map((owner) => [
              owner.pid,
              owner.family,
              owner.address,
              owner.state,
              owner.protocol,
            ]),
            [[holder.pid, kind.family, kind.host, 'LISTEN', 'tcp']],
            `adapter ${adapter}`,
          );
          const [owner] = owners;
          assert.equal(
            owner?.name,
            kind.kind === 'python' ? 'python3' : 'node',
            `name via ${adapter}`,
          );
          assert.match(
            owner?.commandLine ?? '',
            kind.kind === 'python' ? /python3? -c/ : /holder\.mjs/,
            `command line via ${adapter}`,
          );
          // The holders run as this process's user.
          assert.equal(owner?.user, userInfo().username);
          assert.match(owner?.startTime ?? '', /^[0-9]+$/);
          assert.equal(owner?.adapter, adapter);
        });
        await holder.stop();
        assert.equal(await isPortInUse(port), false, 'free after the holder stopped');
        assert.deepEqual(await getProcessesOnPort(port), []);
      });
    }

    test('a specific-address listener does not make another address busy', async () => {
      const port = await getTestPort();
      await hold(startHolder({ port, host: '127.0.0.1' }));
      assert.equal(await isPortInUse(port, { host: '::1' }), false);
      assert.equal(await isPortInUse(port, { host: '127.0.0.1' }), true);
      assert.equal(await isPortInUse(port, { host: 'localhost' }), true);
    });

    test('UDP: bound sockets with protocol udp, not seen as TCP', async (t) => {
      const port = await getTestPort();
      const holder = await hold(startHolder({ port, host: '127.0.0.1', protocol: 'udp' }));
      assert.equal(await isPortInUse(port, { protocol: 'udp' }), true);
      assert.equal(await isPortInUse(port), false, 'TCP is free');
      await eachAdapter(t, ADAPTERS, async (adapter) => {
        const owners = await getProcessesOnPort(port, { protocol: 'udp', adapter });
        assert.deepEqual(
          owners.map((owner) => [owner.pid, owner.protocol, owner.address, owner.state]),
          [[holder.pid, 'udp', '127.0.0.1', 'BOUND']],
          `adapter ${adapter}`,
        );
        assert.deepEqual(
          await getProcessesOnPort(port, { adapter }),
          [],
          `no TCP owner via ${adapter}`,
        );
      });
    });

    test('a parent and two forked children sharing one socket: all three pids', async (t) => {
      const port = await getTestPort();
      const holder = await hold(startHolder({ port, host: '127.0.0.1', children: 2 }));
      assert.equal(holder.pids.length, 3);
      await eachAdapter(t, ADAPTERS, async (adapter) => {
        const pids = (await getProcessesOnPort(port, { adapter })).map((owner) => owner.pid);
        assert.deepEqual(
          pids,
          [...holder.pids].sort((a, b) => a - b),
          `adapter ${adapter}`,
        );
      });
    });

    test('a connected client is not an owner', async (t) => {
      const port = await getTestPort();
      const server = await hold(startHolder({ port, host: '127.0.0.1' }));
      const client = await hold(startClient({ port, host: '127.0.0.1' }));
      await eachAdapter(t, ADAPTERS, async (adapter) => {
        const pids = (await getProcessesOnPort(port, { adapter })).map((owner) => owner.pid);
        assert.deepEqual(pids, [server.pid], `adapter ${adapter}`);
        assert.ok(!pids.includes(client.pid));
      });
    });
  },
);

describe('TIME_WAIT', LINUX_TOOLS, () => {
  test('server-side TIME_WAIT rows: reported, but the port is free for Node', async (t) => {
    const port = await getTestPort();
    // The server closes first, so the TIME_WAIT rows sit on the server's port.
    await leaveServerTimeWait(port, { connections: 3 });
    assert.equal(await checkPortTimeWait(port), true);
    assert.equal(await isPortInUse(port), false, 'TIME_WAIT alone does not make the port busy');
    assert.deepEqual(await getProcessesOnPort(port), [], 'TIME_WAIT rows own no process');
    const info = await inspectTimeWait(port);
    assert.equal(info.timeWait, 3);
    assert.equal(info.serverSide, 3);
    assert.equal(info.listening, false);
    assert.equal(info.nodeCanListen, true);
    assert.equal(info.blockedByTimeWait, false);
    await eachAdapter(
      t,
      ADAPTERS.filter((name) => name !== 'lsof'),
      async (adapter) => {
        assert.equal(await checkPortTimeWait(port, { adapter }), true, `adapter ${adapter}`);
      },
    );
    // lsof lists only sockets with a process: it cannot tell, and says so.
    await assert.rejects(checkPortTimeWait(port, { adapter: 'lsof' }), {
      code: 'ERR_ADAPTER_UNAVAILABLE',
    });
  });

  test('no TIME_WAIT on an unused port', async () => {
    const port = await getTestPort();
    assert.equal(await checkPortTimeWait(port), false);
    const info = await inspectTimeWait(port);
    assert.deepEqual([info.timeWait, info.nodeCanListen, info.listening], [0, true, false]);
  });
});

describe("another user's listener, seen from nobody", ROOT, () => {
  const script = `
const { PW_ENTRY: entry, PW_PORT: port, PW_PRIVILEGED: privileged } = process.env;
const pw = await import(entry);
const result = {};
for (const adapter of ['procfs', undefined]) {
  result[adapter ?? 'default'] = await pw.getProcessesOnPort(Number(port), adapter ? { adapter } : {});
}
result.inUse = await pw.isPortInUse(Number(port));
result.probe = await pw.probePort(Number(port));
if (privileged) {
  result.privilegedInUse = await pw.isPortInUse(Number(privileged));
  result.privilegedProbe = await pw.probePort(Number(privileged));
  result.freePrivileged = await pw.probePort(Number(privileged) + 1);
}
console.log(JSON.stringify(result));
`;

  test('hidden owner: pid null with the socket uid, and in use', async () => {
    const port = await getTestPort();
    await hold(startHolder({ port, host: '0.0.0.0' }));
    // A privileged port held by root: nobody's bind gets EACCES, the socket table decides.
    const privileged = 900 + Math.floor(Math.random() * 50) * 2;
    await hold(startHolder({ port: privileged, host: '127.0.0.1' }));
    const { stdout, stderr, code } = await runAsNobody(script, {
      PW_PORT: String(port),
      PW_PRIVILEGED: String(privileged),
    });
    assert.equal(code, 0, stderr);
    const result = JSON.parse(stdout);
    for (const key of ['procfs', 'default']) {
      assert.equal(result[key].length, 1, key);
      assert.equal(result[key][0].pid, null, `${key}: hidden owner has pid null`);
      assert.equal(result[key][0].uid, 0);
      assert.equal(result[key][0].user, 'root');
      assert.equal(result[key][0].state, 'LISTEN');
    }
    assert.equal(result.inUse, true);
    assert.equal(result.privilegedInUse, true, 'EACCES settled by the socket table');
    assert.equal(result.privilegedProbe.decidedBy, 'socket-table');
    assert.equal(result.freePrivileged.inUse, false, 'an unheld privileged port is not "in use"');
    assert.equal(result.freePrivileged.denied, true);
  });
});

test('probePort tells which addresses were tried', LINUX_TOOLS, async () => {
  const port = await getTestPort();
  const probe = await probePort(port);
  assert.equal(probe.inUse, false);
  assert.equal(probe.decidedBy, 'bind');
  // Linux: a free dual-stack `::` bind proves every address free, so one bind answers.
  assert.deepEqual(probe.probes, [{ host: '::', outcome: 'free' }]);
  // With net.ipv6.bindv6only=1 a free `::` says nothing about IPv4: every address is probed.
  const procRoot = makeTempDir('pw-proc-');
  mkdirSync(join(procRoot, 'sys/net/ipv6'), { recursive: true });
  writeFileSync(join(procRoot, 'sys/net/ipv6/bindv6only'), '1\n');
  const cautious = await withContext({ procRoot })
    .probePort(port)
    .finally(() => removeTempDir(procRoot));
  assert.deepEqual(
    cautious.probes.map((entry) => entry.host),
    ['::', '0.0.0.0', '127.0.0.1', '::1'],
  );
  // With a host, only that host is probed.
  const local = await probePort(port, { host: '127.0.0.1' });
  assert.deepEqual(local.probes, [{ host: '127.0.0.1', outcome: 'free' }]);
  // Held on 127.0.0.1 only: the dual-stack `::` bind already conflicts.
  const holder = await hold(startHolder({ port, host: '127.0.0.1' }));
  const held = await probePort(port);
  assert.deepEqual(held.probes, [{ host: '::', outcome: 'in-use' }]);
  await holder.stop();
});
