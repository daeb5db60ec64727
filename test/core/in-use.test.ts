/**
 * src/core/in-use.ts: "could a Node server listen on this port now?" — the probe target, the bind
 * probes and when the socket table decides. Against real listeners on this machine; where the
 * table must decide, a profile that asks it to confirm (as macOS's does) reads a /proc tree
 * BUILT here in /proc/net/tcp's format (rows modelled on the recorded jc row of
 * test/fixtures/proc/tree/net/tcp) on ports that are really free; and, as the `nobody` user, a
 * privileged port whose binds are denied (EACCES), free or held by a root process.
 */
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { type Context, createContext } from '../../src/core/context.ts';
import { bindProbes, probeTarget, probeTargetNow } from '../../src/core/in-use.ts';
import { LINUX } from '../../src/platform/linux.ts';
import {
  canListen,
  canSwitchUser,
  getTestPort,
  type HolderOptions,
  runAsNobody,
  startHolder,
  trackHolders,
} from '../helpers/holders.ts';
import { LINUX_TOOLS, needs, PROC } from '../helpers/live.ts';
import { makeTempDir } from '../helpers/temp.ts';

const hold = trackHolders();
const holder = (options: HolderOptions) => hold(startHolder(options));
const here = createContext();

async function now(port: number, host?: string, context: Context = here) {
  return probeTargetNow(await probeTarget({ port, protocol: 'tcp', host }, context), context);
}

describe('probeTarget', () => {
  test('no host: the platform addresses; a host: its addresses; the forced adapter kept', async () => {
    const target = await probeTarget({ port: 3000, protocol: 'udp', forcedAdapter: 'ss' }, here);
    assert.deepEqual(
      [target.port, target.protocol, target.host, target.forcedAdapter],
      [3000, 'udp', undefined, 'ss'],
    );
    assert.deepEqual(
      target.addresses.slice(0, here.platform.probe.hosts.length),
      here.platform.probe.hosts,
    );
    const one = await probeTarget({ port: 3000, protocol: 'tcp', host: '::1' }, here);
    assert.deepEqual([one.host, one.addresses], ['::1', ['::1']]);
    const both = await probeTarget({ port: 3000, protocol: 'tcp', host: 'localhost' }, here);
    assert.deepEqual(both.addresses, ['127.0.0.1', '::1']);
  });
});

describe('bindProbes', () => {
  test('an aborted call: ERR_ABORTED, nothing probed', async () => {
    const controller = new AbortController();
    controller.abort();
    const target = await probeTarget({ port: await getTestPort(), protocol: 'tcp' }, here);
    await assert.rejects(bindProbes(target, createContext({ signal: controller.signal })), {
      code: 'ERR_ABORTED',
    });
  });

  test('a host that is no address here: ERR_INVALID_OPTION; one address of several is enough', async () => {
    const port = await getTestPort();
    // 203.0.113.0/24 is TEST-NET-3 (RFC 5737): never an address of this machine.
    const nowhere = await probeTarget({ port, protocol: 'tcp', host: '203.0.113.7' }, here);
    await assert.rejects(bindProbes(nowhere, here), {
      code: 'ERR_INVALID_OPTION',
      message: /203\.0\.113\.7 is not an address of this machine/,
    });
    const some = { ...nowhere, addresses: ['203.0.113.7', '127.0.0.1'] };
    assert.deepEqual(
      (await bindProbes(some, here)).map((probe) => probe.outcome),
      ['not-applicable', 'free'],
    );
  });

  test(
    'Linux: one dual-stack probe without a host, unless bindv6only is set; all with a host',
    PROC,
    async () => {
      const port = await getTestPort();
      const target = await probeTarget({ port, protocol: 'tcp' }, here);
      const hosts = (probes: { host: string }[]) => probes.map((probe) => probe.host);
      assert.deepEqual(hosts(await bindProbes(target, here)), ['::']);
      const v6only = makeTempDir('pw-in-use-');
      mkdirSync(join(v6only, 'sys', 'net', 'ipv6'), { recursive: true });
      writeFileSync(join(v6only, 'sys', 'net', 'ipv6', 'bindv6only'), '1\n');
      const strict = createContext({ procRoot: v6only });
      assert.deepEqual(hosts(await bindProbes(target, strict)), [
        '::',
        '0.0.0.0',
        '127.0.0.1',
        '::1',
      ]);
      const withHost = { ...target, host: 'localhost', addresses: ['::', '127.0.0.1'] };
      assert.deepEqual(hosts(await bindProbes(withHost, here)), ['::', '127.0.0.1']);
    },
  );
});

describe('probeTargetNow, the binds decide', LINUX_TOOLS, () => {
  test('free, and in use by a real listener', async () => {
    const port = await getTestPort();
    assert.deepEqual(await now(port), {
      port,
      protocol: 'tcp',
      inUse: false,
      probes: [{ host: '::', outcome: 'free' }],
      decidedBy: 'bind',
      denied: false,
    });
    await holder({ port, host: '127.0.0.1' });
    assert.deepEqual(await now(port), {
      port,
      protocol: 'tcp',
      inUse: true,
      probes: [{ host: '::', outcome: 'in-use' }],
      decidedBy: 'bind',
      denied: false,
    });
  });

  test('a host: only the sockets in its way count', async () => {
    const port = await getTestPort();
    await holder({ port, host: '127.0.0.1' });
    assert.equal((await now(port, '127.0.0.2')).inUse, false);
    assert.equal((await now(port, '::1')).inUse, false);
    assert.equal((await now(port, '127.0.0.1')).inUse, true);
    assert.equal((await now(port, 'localhost')).inUse, true);
  });
});

/** A /proc root whose net/tcp lists LISTEN rows on `port` at `addresses` (hex), nothing else. */
function procWithListeners(port: number, addresses: string[]): string {
  const recorded = readFileSync(
    new URL('../fixtures/proc/tree/net/tcp', import.meta.url),
    'latin1',
  ).split('\n');
  const model = recorded.find((line) => line.includes(' 34523 ')) ?? '';
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  const rows = addresses.map((address, index) =>
    model
      .replace('   2: 0100007F:0277', `   ${index}: ${address}:${hexPort}`)
      .replace(' 34523 ', ` ${90_000 + index} `),
  );
  const root = makeTempDir('pw-in-use-proc-');
  mkdirSync(join(root, 'net'));
  writeFileSync(join(root, 'net', 'tcp'), `${[recorded[0], ...rows].join('\n')}\n`);
  writeFileSync(join(root, 'net', 'tcp6'), `${recorded[0]}\n`);
  return root;
}

describe('probeTargetNow, the socket table confirms a free bind', needs(PROC, LINUX_TOOLS), () => {
  const confirming = (procRoot: string) =>
    createContext({
      procRoot,
      platform: { ...LINUX, probe: { ...LINUX.probe, confirmWithSocketTable: true } },
    });
  const ask = async (port: number, host: string | undefined, procRoot: string) => {
    const context = confirming(procRoot);
    const target = await probeTarget(
      { port, protocol: 'tcp', host, forcedAdapter: 'procfs' },
      context,
    );
    return probeTargetNow(target, context);
  };

  test('a listener only the table shows: in use for its address, not for another', async () => {
    const port = await getTestPort();
    const root = procWithListeners(port, ['0100007F']); // 127.0.0.1
    assert.equal(await canListen(port), true, 'nothing really listens');
    const report = await ask(port, undefined, root);
    assert.equal(report.inUse, true);
    assert.equal(report.decidedBy, 'socket-table');
    assert.equal(report.denied, false);
    assert.ok(report.probes.every((probe) => probe.outcome === 'free'));
    assert.equal((await ask(port, '127.0.0.1', root)).inUse, true);
    assert.equal((await ask(port, '127.0.0.2', root)).inUse, false);
  });

  test('a wildcard listener in the table stands in the way of every host', async () => {
    const port = await getTestPort();
    const root = procWithListeners(port, ['00000000']); // 0.0.0.0
    assert.equal((await ask(port, '127.0.0.2', root)).inUse, true);
    const free = await ask(port, undefined, procWithListeners(port, []));
    assert.deepEqual([free.inUse, free.decidedBy], [false, 'socket-table']);
  });
});

/** A port below 1024 that nothing uses now, or undefined. */
async function freePrivilegedPort(): Promise<number | undefined> {
  for (let port = 900; port < 1000; port++) {
    if ((await canListen(port)) && (await canListen(port, '0.0.0.0'))) return port;
  }
  return undefined;
}

describe('probeTargetNow as nobody: binds denied, the table decides', {
  skip: (!canSwitchUser || process.platform !== 'linux') && 'needs root and setpriv (Linux)',
}, () => {
  const asNobody = async (port: number) => {
    const result = await runAsNobody(
      `const { pathToFileURL } = await import('node:url');
       const at = (path) => new URL(path, pathToFileURL(process.env.PW_ENTRY)).href;
       const { createContext } = await import(at('./core/context.ts'));
       const { probeTarget, probeTargetNow } = await import(at('./core/in-use.ts'));
       const context = createContext();
       const target = await probeTarget({ port: Number(process.env.PW_PORT), protocol: 'tcp' }, context);
       console.log(JSON.stringify(await probeTargetNow(target, context)));`,
      { PW_PORT: String(port) },
    );
    assert.equal(result.code, 0, result.stderr);
    return JSON.parse(result.stdout);
  };

  test('a free privileged port: not in use, denied; held by root: in use', async (t) => {
    const port = await freePrivilegedPort();
    if (port === undefined) {
      t.skip('no free port between 900 and 999');
      return;
    }
    const free = await asNobody(port);
    assert.deepEqual(
      [free.inUse, free.decidedBy, free.denied],
      [false, 'socket-table', true],
      JSON.stringify(free),
    );
    assert.ok(free.probes.every((probe: { outcome: string }) => probe.outcome === 'denied'));
    await holder({ port, host: '127.0.0.1' });
    const held = await asNobody(port);
    assert.deepEqual(
      [held.inUse, held.decidedBy, held.denied],
      [true, 'socket-table', false],
      JSON.stringify(held),
    );
  });
});
