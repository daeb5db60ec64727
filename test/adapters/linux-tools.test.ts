/**
 * Live tests of the ss, netstat and lsof adapters against real holders started here (node and
 * python3 listeners, a UDP socket, a parent with two children sharing one listening socket, a
 * connected client, a TIME_WAIT row), plus faults: tool missing, hanging, printing garbage.
 * Only the pids started here are ever killed.
 */

import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { chmodSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { SocketTableAdapter } from '../../src/adapters/adapter.ts';
import { lsofAdapter, lsofArguments } from '../../src/adapters/lsof.ts';
import {
  busyboxNetstatArguments,
  netstatArguments,
  netstatLinuxAdapter,
} from '../../src/adapters/netstat-linux.ts';
import { ssAdapter, ssArguments } from '../../src/adapters/ss.ts';
import { createContext } from '../../src/core/context.ts';
import {
  CommandFailedError,
  CommandNotFoundError,
  CommandTimeoutError,
  UnparseableOutputError,
} from '../../src/errors.ts';
import type { CommandRunner } from '../../src/system/runner.ts';
import type { SocketRow } from '../../src/types.ts';
import { getTestPort, HOLDER_STDIO, NODE_LIFELINE, PYTHON_LIFELINE } from '../helpers/holders.ts';
import { makeTempDir } from '../helpers/temp.ts';
import { leaveServerTimeWait } from '../helpers/time-wait.ts';

const isLinux = process.platform === 'linux';
const adapters: readonly SocketTableAdapter[] = [ssAdapter, netstatLinuxAdapter, lsofAdapter];

/** Where a tool lives on this machine's PATH, or undefined. */
function which(tool: string): string | undefined {
  for (const folder of (process.env.PATH ?? '').split(':')) {
    if (folder === '') continue;
    const candidate = join(folder, tool);
    if (spawnSync('test', ['-x', candidate]).status === 0) return candidate;
  }
  return undefined;
}

const tools = {
  ss: which('ss'),
  netstat: which('netstat'),
  lsof: which('lsof'),
  busybox: which('busybox'),
  sleep: which('sleep') ?? '/bin/sleep',
};
const python3 = which('python3');
/** Why a live test of `tool` cannot run here, or false. */
const needs = (...wanted: (keyof typeof tools | 'python3')[]): string | false => {
  const missing = wanted.filter((tool) => (tool === 'python3' ? !python3 : !tools[tool]));
  return missing.length > 0 && `needs ${missing.join(', ')}`;
};
/** The adapter's tool: netstat comes with net-tools. */
const TOOL_OF: Record<string, keyof typeof tools> = { ss: 'ss', netstat: 'netstat', lsof: 'lsof' };

interface Started {
  readonly child: ChildProcess;
  readonly info: Record<string, unknown>;
}

const started: ChildProcess[] = [];
const extraPids: number[] = [];

/** Starts a holder and waits for the JSON line it prints when ready. */
function start(file: string, args: readonly string[]): Promise<Started> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { stdio: HOLDER_STDIO });
    started.push(child);
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`holder not ready: ${out} ${err}`)), 10_000);
    child.stderr?.on('data', (chunk: Buffer) => {
      err += chunk.toString();
    });
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const line = out.split('\n').find((candidate) => candidate.startsWith('{'));
      if (line && out.includes('\n')) {
        clearTimeout(timer);
        resolve({ child, info: JSON.parse(line) as Record<string, unknown> });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`holder exited with ${code}: ${out} ${err}`));
    });
  });
}

const nodeTcp = (host: string, port: number) =>
  start(process.execPath, [
    '-e',
    `${NODE_LIFELINE} const s=require('net').createServer((c)=>c.on('error',()=>{})).listen(${port},${JSON.stringify(host)},()=>console.log(JSON.stringify({pid:process.pid})))`,
  ]);

const pythonTcp6 = (port: number) =>
  start('python3', [
    '-c',
    [
      'import socket, json, os, time',
      's = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)',
      's.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)',
      `s.bind(('::', ${port}))`,
      's.listen(8)',
      ...PYTHON_LIFELINE,
      "print(json.dumps({'pid': os.getpid()}), flush=True)",
      'time.sleep(600)',
    ].join('\n'),
  ]);

const nodeUdp = (port: number) =>
  start(process.execPath, [
    '-e',
    `${NODE_LIFELINE} const s=require('dgram').createSocket('udp4');s.bind(${port},'127.0.0.1',()=>console.log(JSON.stringify({pid:process.pid})))`,
  ]);

/** A parent listening on 0.0.0.0:port that hands its server to two children over IPC. */
const sharedHolders = (port: number) =>
  start(process.execPath, [
    '-e',
    `${NODE_LIFELINE} const { spawn } = require('child_process');
const childCode = "process.on('disconnect', () => process.exit(0)); process.on('message', (m, server) => { server.on('connection', (c) => c.destroy()); process.send('ok'); });";
const server = require('net').createServer({ pauseOnConnect: true }).listen(${port}, '0.0.0.0', () => {
  const children = []; let ready = 0;
  for (let i = 0; i < 2; i++) {
    const child = spawn(process.execPath, ['-e', childCode], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    children.push(child.pid);
    child.on('message', () => { if (++ready === 2) console.log(JSON.stringify({ pid: process.pid, children })); });
    child.send('server', server);
  }
});`,
  ]);

/**
 * A client connected to `port` from `localPort`: a port below the ephemeral range, so that no
 * other connection on this machine (a busy one makes thousands) shares its local port number.
 */
const nodeClient = (port: number, localPort: number) =>
  start(process.execPath, [
    '-e',
    `${NODE_LIFELINE} const c=require('net').connect({port:${port},host:'127.0.0.1',localPort:${localPort}},()=>console.log(JSON.stringify({pid:process.pid,localPort:c.localPort})));c.on('error',()=>{});setInterval(()=>{},1e6)`,
  ]);

/** A server here that closes first, so its port gets a TIME_WAIT row owned by no process. */

const temporary: string[] = [];
function tempDir(prefix: string): string {
  const dir = makeTempDir(prefix);
  temporary.push(dir);
  return dir;
}

/** A folder holding executable shell scripts named after tools. */
function fakeTools(scripts: Record<string, string>): string {
  const dir = tempDir('pw-fake-tools-');
  for (const [name, body] of Object.entries(scripts)) {
    const file = join(dir, name);
    writeFileSync(file, `#!/bin/sh\n${body}\n`);
    chmodSync(file, 0o755);
  }
  return dir;
}

const ownerPids = (rows: readonly SocketRow[]) =>
  [...new Set(rows.flatMap((row) => row.owners.map((owner) => owner.pid)))].sort((a, b) => a - b);

describe('ss, netstat and lsof adapters on real holders', {
  skip: !isLinux && 'live Linux test',
}, () => {
  const ports = { v4: 0, v6: 0, udp: 0, shared: 0, timeWait: 0, unused: 0 };
  const pids = { v4: 0, v6: 0, udp: 0, parent: 0, children: [] as number[], client: 0 };
  let clientPort = 0;

  before(async () => {
    const taken = new Set<number>();
    for (const key of Object.keys(ports) as (keyof typeof ports)[]) {
      let port = await getTestPort();
      while (taken.has(port)) port = await getTestPort();
      taken.add(port);
      ports[key] = port;
    }
    const [v4, v6, udp, shared] = await Promise.all([
      nodeTcp('127.0.0.1', ports.v4),
      python3 ? pythonTcp6(ports.v6) : undefined,
      nodeUdp(ports.udp),
      sharedHolders(ports.shared),
    ]);
    pids.v4 = v4.info.pid as number;
    pids.v6 = (v6?.info.pid as number | undefined) ?? 0;
    pids.udp = udp.info.pid as number;
    pids.parent = shared.info.pid as number;
    pids.children = shared.info.children as number[];
    extraPids.push(...pids.children);
    let local = await getTestPort();
    while (taken.has(local)) local = await getTestPort();
    const client = await nodeClient(ports.v4, local);
    pids.client = client.info.pid as number;
    clientPort = client.info.localPort as number;
    await leaveServerTimeWait(ports.timeWait);
  });

  after(async () => {
    for (const child of started) {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
    for (const pid of extraPids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {}
    }
    for (const dir of temporary) rmSync(dir, { recursive: true, force: true });
  });

  for (const adapter of adapters) {
    describe(adapter.name, () => {
      const tool = TOOL_OF[adapter.name] ?? 'ss';
      /** The tests on real holders need the adapter's tool; the fault tests below do not. */
      const live = { skip: needs(tool) };
      test(
        'IPv4 node listener, and the server side of a connection, owned by the node pid',
        live,
        async () => {
          const rows = await adapter.read({ port: ports.v4 }, createContext());
          const listen = rows.filter((row) => row.state === 'LISTEN');
          assert.equal(listen.length, 1);
          assert.equal(listen[0]?.localAddress, '127.0.0.1');
          assert.equal(listen[0]?.family, 'IPv4');
          // The name the tool prints: ss and lsof print the main thread's name (/proc/<pid>/comm:
          // `MainThread` on Node 24), net-tools netstat the base name of argv[0]. The library
          // names the program from /proc later (test/parsers/program-name.test.ts).
          const name =
            adapter.name === 'netstat'
              ? 'node'
              : readFileSync(`/proc/${pids.v4}/comm`, 'utf8').trim();
          assert.deepEqual(
            listen[0]?.owners.map((owner) => ({ pid: owner.pid, name: owner.name })),
            [{ pid: pids.v4, name }],
          );
          const accepted = rows.filter((row) => row.state === 'ESTABLISHED');
          assert.deepEqual(
            accepted.map((row) => [
              row.localPort,
              row.remotePort,
              row.owners.map((owner) => owner.pid),
            ]),
            [[ports.v4, clientPort, [pids.v4]]],
          );
          // The client is not a holder of the port: no row of it here.
          assert.ok(!ownerPids(rows).includes(pids.client));
          assert.ok(rows.every((row) => row.localPort === ports.v4 && row.protocol === 'tcp'));
        },
      );

      test("the client's own row is ESTABLISHED towards the port, not LISTEN", live, async () => {
        const rows = await adapter.read({ port: clientPort, protocol: 'tcp' }, createContext());
        assert.deepEqual(
          rows.map((row) => [
            row.state,
            row.localAddress,
            row.remoteAddress,
            row.remotePort,
            ownerPids([row]),
          ]),
          [['ESTABLISHED', '127.0.0.1', '127.0.0.1', ports.v4, [pids.client]]],
        );
      });

      test('python3 dual-stack listener on ::', { skip: needs(tool, 'python3') }, async () => {
        const rows = await adapter.read({ port: ports.v6, protocol: 'tcp' }, createContext());
        assert.equal(rows.length, 1);
        assert.equal(rows[0]?.state, 'LISTEN');
        assert.equal(rows[0]?.family, 'IPv6');
        assert.equal(rows[0]?.localAddress, '::');
        assert.deepEqual(ownerPids(rows), [pids.v6]);
        assert.match(rows[0]?.owners[0]?.name ?? '', /^python/);
      });

      test('UDP socket is BOUND, and a tcp query does not return it', live, async () => {
        const rows = await adapter.read({ port: ports.udp, protocol: 'udp' }, createContext());
        assert.deepEqual(
          rows.map((row) => [row.protocol, row.state, row.localAddress, ownerPids([row])]),
          [['udp', 'BOUND', '127.0.0.1', [pids.udp]]],
        );
        assert.deepEqual(
          await adapter.read({ port: ports.udp, protocol: 'tcp' }, createContext()),
          [],
        );
      });

      test('one socket shared by a parent and two forked children', live, async () => {
        const rows = await adapter.read({ port: ports.shared }, createContext());
        assert.ok(
          rows.length > 0 &&
            rows.every((row) => row.state === 'LISTEN' && row.localAddress === '0.0.0.0'),
        );
        const all = [pids.parent, ...pids.children].sort((a, b) => a - b);
        // net-tools names one process per socket; the adapter completes the others from /proc.
        assert.deepEqual(ownerPids(rows), all);
        if (adapter.name !== 'lsof') assert.equal(rows.length, 1); // one socket, three owners
        if (adapter.name === 'lsof') assert.equal(rows.length, 3); // one row per process
      });

      test(
        'TIME_WAIT row: listed with no owner by ss and netstat, invisible to lsof',
        live,
        async () => {
          const rows = await adapter.read(
            { port: ports.timeWait, protocol: 'tcp' },
            createContext(),
          );
          if (adapter.name === 'lsof') {
            assert.deepEqual(rows, []);
            return;
          }
          assert.equal(rows.length, 1);
          assert.equal(rows[0]?.state, 'TIME_WAIT');
          assert.deepEqual(rows[0]?.owners, []);
          assert.equal(rows[0]?.localAddress, '127.0.0.1');
        },
      );

      test('a free port gives no rows (lsof: exit status 1, empty output)', live, async () => {
        assert.deepEqual(await adapter.read({ port: ports.unused }, createContext()), []);
      });

      test('includeRemote also returns the connection made *to* the port', live, async () => {
        const rows = await adapter.read(
          { port: ports.v4, protocol: 'tcp', includeRemote: true },
          createContext(),
        );
        const client = rows.find((row) => row.localPort === clientPort);
        assert.equal(client?.remotePort, ports.v4);
        assert.equal(client?.state, 'ESTABLISHED');
        assert.deepEqual(
          client?.owners.map((owner) => owner.pid),
          [pids.client],
        );
      });

      test('missing from PATH: CommandNotFoundError', async () => {
        const empty = tempDir('pw-empty-path-');
        await assert.rejects(
          adapter.read({ port: ports.v4 }, createContext({ env: { ...process.env, PATH: empty } })),
          (error: unknown) =>
            error instanceof CommandNotFoundError &&
            error.code === 'ERR_COMMAND_NOT_FOUND' &&
            error.command === adapter.name,
        );
      });

      test('a tool that hangs: CommandTimeoutError', async () => {
        // exec: the runner's SIGKILL then ends the sleep itself, nothing is left behind.
        const dir = fakeTools({ [adapter.name]: `exec ${tools.sleep} 30` });
        const begun = performance.now();
        await assert.rejects(
          adapter.read(
            { port: ports.v4 },
            createContext({ env: { ...process.env, PATH: dir }, toolTimeout: 300 }),
          ),
          (error: unknown) => error instanceof CommandTimeoutError && error.timeout === 300,
        );
        assert.ok(performance.now() - begun < 5000);
      });

      test('a tool printing garbage: UnparseableOutputError', async () => {
        const dir = fakeTools({
          [adapter.name]: "echo 'this is not a socket table'; echo 'at all'",
        });
        await assert.rejects(
          adapter.read({ port: ports.v4 }, createContext({ env: { ...process.env, PATH: dir } })),
          (error: unknown) =>
            error instanceof UnparseableOutputError && error.code === 'ERR_UNPARSEABLE_OUTPUT',
        );
      });

      test('a tool failing with exit status 2: CommandFailedError', async () => {
        const dir = fakeTools({ [adapter.name]: "echo 'something broke' >&2; exit 2" });
        await assert.rejects(
          adapter.read({ port: ports.v4 }, createContext({ env: { ...process.env, PATH: dir } })),
          (error: unknown) =>
            error instanceof CommandFailedError &&
            error.exitCode === 2 &&
            error.stderr.includes('something broke'),
        );
      });
    });
  }

  test('ss: an ss that rejects -H is run again without it', { skip: needs('ss') }, async () => {
    const dir = fakeTools({
      ss: `for a in "$@"; do if [ "$a" = "-H" ]; then echo "ss: invalid option -- 'H'" >&2; exit 255; fi; done\nexec ${tools.ss} "$@"`,
    });
    const rows = await ssAdapter.read(
      { port: ports.v4, protocol: 'tcp' },
      createContext({ env: { ...process.env, PATH: dir } }),
    );
    assert.deepEqual(ownerPids(rows.filter((row) => row.state === 'LISTEN')), [pids.v4]);
  });

  test('netstat: a net-tools without -W is run again without it', {
    skip: needs('netstat'),
  }, async () => {
    const dir = fakeTools({
      netstat: `for a in "$@"; do if [ "$a" = "-W" ]; then echo "netstat: invalid option -- 'W'" >&2; exit 1; fi; done\nexec ${tools.netstat} "$@"`,
    });
    const rows = await netstatLinuxAdapter.read(
      { port: ports.v4 },
      createContext({ env: { ...process.env, PATH: dir } }),
    );
    assert.deepEqual(ownerPids(rows.filter((row) => row.state === 'LISTEN')), [pids.v4]);
  });

  test('netstat: without net-tools, busybox netstat answers', {
    skip: needs('busybox', 'python3'),
  }, async () => {
    const dir = tempDir('pw-busybox-only-');
    symlinkSync(tools.busybox as string, join(dir, 'busybox'));
    const busyboxHasP =
      spawnSync(tools.busybox as string, ['netstat', '-t', '-n', '-p']).status === 0;
    const rows = await netstatLinuxAdapter.read(
      { port: ports.v4 },
      createContext({ env: { ...process.env, PATH: dir } }),
    );
    const listen = rows.filter((row) => row.state === 'LISTEN');
    assert.equal(listen.length, 1);
    assert.equal(listen[0]?.localAddress, '127.0.0.1');
    // Debian's BusyBox has no -p: the adapter retries without it and cannot name owners.
    assert.deepEqual(ownerPids(listen), busyboxHasP ? [pids.v4] : []);
    assert.equal(rows.filter((row) => row.state === 'ESTABLISHED').length, 1);
    const v6 = await netstatLinuxAdapter.read(
      { port: ports.v6 },
      createContext({ env: { ...process.env, PATH: dir } }),
    );
    assert.deepEqual(
      v6.map((row) => [row.family, row.localAddress, row.state]),
      [['IPv6', '::', 'LISTEN']],
    );
  });

  test('netstat: busybox without a netstat applet → the original CommandNotFoundError', async () => {
    const dir = fakeTools({ busybox: 'echo "$1: applet not found" >&2; exit 127' });
    await assert.rejects(
      netstatLinuxAdapter.read(
        { port: ports.v4 },
        createContext({ env: { ...process.env, PATH: dir } }),
      ),
      (error: unknown) => error instanceof CommandNotFoundError && error.command === 'netstat',
    );
  });

  test('lsof: exit status 1 with a message and no output is a failure, not "no rows"', async () => {
    const dir = fakeTools({
      lsof: 'echo "lsof: unknown protocol name (TCP) in: -i TCP:1" >&2; exit 1',
    });
    await assert.rejects(
      lsofAdapter.read({ port: ports.v4 }, createContext({ env: { ...process.env, PATH: dir } })),
      (error: unknown) => error instanceof CommandFailedError && error.exitCode === 1,
    );
  });

  test('lsof: exit status 1 WITH output (one -i selection matched) is parsed', {
    skip: needs('lsof'),
  }, async () => {
    const dir = fakeTools({ lsof: `${tools.lsof} "$@"; exit 1` });
    const rows = await lsofAdapter.read(
      { port: ports.v4, protocol: 'tcp' },
      createContext({ env: { ...process.env, PATH: dir } }),
    );
    assert.deepEqual(ownerPids(rows.filter((row) => row.state === 'LISTEN')), [pids.v4]);
  });
});

describe('adapter argument arrays (no shell, fixed flags)', () => {
  test('ss', () => {
    assert.deepEqual(ssArguments({ port: 3000, protocol: 'tcp' }), [
      '-H',
      '-a',
      '-n',
      '-e',
      '-p',
      '-t',
      'sport',
      '=',
      ':3000',
    ]);
    assert.deepEqual(ssArguments({ port: 53 }), [
      '-H',
      '-a',
      '-n',
      '-e',
      '-p',
      '-t',
      '-u',
      'sport',
      '=',
      ':53',
    ]);
    assert.deepEqual(
      ssArguments({ port: 8000, protocol: 'tcp', includeRemote: true, withoutOwners: true }),
      ['-H', '-a', '-n', '-e', '-t', 'sport', '=', ':8000', 'or', 'dport', '=', ':8000'],
    );
  });

  test('netstat and busybox netstat', () => {
    assert.deepEqual(netstatArguments({ port: 22 }), ['-a', '-n', '-e', '-p', '-t', '-u', '-W']);
    assert.deepEqual(netstatArguments({ port: 22, protocol: 'udp', withoutOwners: true }), [
      '-a',
      '-n',
      '-e',
      '-u',
      '-W',
    ]);
    assert.deepEqual(busyboxNetstatArguments({ port: 22, protocol: 'tcp' }), [
      'netstat',
      '-a',
      '-n',
      '-t',
      '-p',
    ]);
  });

  test('lsof', () => {
    assert.deepEqual(lsofArguments({ port: 3000 }), [
      '-n',
      '-P',
      '-w',
      '-FpcutdPnT',
      '-i',
      'TCP:3000',
      '-i',
      'UDP:3000',
    ]);
    assert.deepEqual(lsofArguments({ port: 3000, protocol: 'udp' }), [
      '-n',
      '-P',
      '-w',
      '-FpcutdPnT',
      '-i',
      'UDP:3000',
    ]);
    assert.deepEqual(lsofArguments({ port: 3000 }, { listenOnly: true }).slice(-5), [
      '-i',
      'TCP:3000',
      '-i',
      'UDP:3000',
      '-sTCP:LISTEN',
    ]);
  });

  test('replayed runs: netstat gets LC_ALL=C, lsof exit 1 + empty output is no rows, rows are filtered to the port', async () => {
    const calls: { file: string; args: readonly string[]; lcAll: string | undefined }[] = [];
    const replay =
      (stdout: string, exitCode = 0): CommandRunner =>
      async (file, args, options) => {
        calls.push({ file, args, lcAll: options.env?.LC_ALL });
        return { stdout: Buffer.from(stdout), stderr: Buffer.alloc(0), exitCode };
      };
    const netstatText = [
      'Active Internet connections (servers and established)',
      'Proto Recv-Q Send-Q Local Address           Foreign Address         State       User       Inode      PID/Program name    ',
      'tcp        0      0 0.0.0.0:8080            0.0.0.0:*               LISTEN      1000       555        77/node             ',
      'tcp        0      0 0.0.0.0:80              0.0.0.0:*               LISTEN      0          556        78/nginx            ',
      'tcp        0      0 0.0.0.0:18080           0.0.0.0:*               LISTEN      0          557        79/other            ',
    ].join('\n');
    const rows = await netstatLinuxAdapter.read(
      { port: 80 },
      createContext({ run: replay(netstatText) }),
    );
    assert.deepEqual(ownerPids(rows), [78]); // 80 is not a substring match of 8080 or 18080
    assert.equal(calls[0]?.file, 'netstat');
    assert.equal(calls[0]?.lcAll, 'C');
    assert.deepEqual(
      await lsofAdapter.read({ port: 80 }, createContext({ run: replay('', 1) })),
      [],
    );
    const ssText =
      'tcp LISTEN 0 511 0.0.0.0:80 0.0.0.0:* users:(("nginx",pid=78,fd=6)) ino:1 sk:1 <->\ntcp LISTEN 0 511 0.0.0.0:8080 0.0.0.0:* users:(("node",pid=77,fd=6)) ino:2 sk:2 <->';
    // Without a readable /proc the claims cannot be checked: they are kept as ss printed them.
    const noProc = createContext({ run: replay(ssText), procRoot: '/nonexistent-proc-root' });
    assert.deepEqual(ownerPids(await ssAdapter.read({ port: 80 }, noProc)), [78]);
    // With /proc, a claim no process backs (pid 78 does not hold socket 1 here) is dropped.
    const checked = await ssAdapter.read({ port: 80 }, createContext({ run: replay(ssText) }));
    assert.deepEqual(ownerPids(checked), []);
  });
});
