/**
 * The macOS netstat, Windows netstat and PowerShell adapters, run on this machine with an emulated
 * platform (`createContext({platform, run})`) and a runner that checks what it is asked to run and
 * replays recorded bytes (test/fixtures/darwin, win32) or BUILT ones (test/fixtures/built, written
 * from the format facts where no capture exists — see test/fixtures/SOURCES-other-os.md). The
 * last-resort pid-port adapter is also run live against a real listener.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { after, describe, test } from 'node:test';
import { darwinNetstatArguments, netstatDarwinAdapter } from '../../src/adapters/netstat-darwin.ts';
import {
  createNetstatWindowsAdapter,
  netstatWindowsAdapter,
} from '../../src/adapters/netstat-windows.ts';
import { pidPortAdapter, pidPortRows } from '../../src/adapters/pid-port.ts';
import {
  powerShellSocketScript,
  powershellAdapter,
  splitPowerShellSections,
} from '../../src/adapters/powershell.ts';
import { createContext } from '../../src/core/context.ts';
import {
  CommandFailedError,
  CommandNotFoundError,
  UnparseableOutputError,
} from '../../src/errors.ts';
import { PLATFORMS } from '../../src/platform/profiles.ts';
import type { CommandResult, CommandRunner, RunOptions } from '../../src/system/runner.ts';
import { onPath } from '../helpers/tools.ts';

/** The platforms whose profile lists `adapter`. */
function platformsListing(adapter: unknown): string[] {
  return Object.entries(PLATFORMS)
    .filter(([, profile]) => profile.adapters.includes(adapter as never))
    .map(([name]) => name);
}

/** pid-port is run live only where it can be loaded and has a tool: ss or lsof (Linux), lsof. */
const pidPortLive = await import('pid-port').then(
  () => process.platform === 'linux' || process.platform === 'darwin',
  () => false,
);
const pidPortTool = onPath('ss') ?? onPath('lsof');

const fixture = (name: string) => readFileSync(new URL(`../fixtures/${name}`, import.meta.url));

type Answer = Partial<CommandResult> | Error;

/**
 * A runner that answers each (file, args) it knows — `script(file, args)` returns the answer or
 * `undefined` for a call the test did not expect, which fails the call loudly — and records calls.
 */
function replay(
  script: (file: string, args: readonly string[]) => Answer | undefined,
): CommandRunner & { calls: { file: string; args: readonly string[]; options: RunOptions }[] } {
  const calls: { file: string; args: readonly string[]; options: RunOptions }[] = [];
  const runner = async (file: string, args: readonly string[], options: RunOptions) => {
    calls.push({ file, args, options });
    const answer = script(file, args);
    if (answer === undefined)
      throw new Error(`unexpected command: ${file} ${JSON.stringify(args)}`);
    if (answer instanceof Error) throw answer;
    return { stdout: Buffer.alloc(0), stderr: Buffer.alloc(0), exitCode: 0, ...answer };
  };
  return Object.assign(runner, { calls });
}

const same = (args: readonly string[], expected: readonly string[]) =>
  args.length === expected.length && args.every((arg, index) => arg === expected[index]);

describe('macOS netstat adapter', () => {
  test('2016 capture: `netstat -anvl -p tcp`, *.443 LISTEN tcp46 pid 61044', async () => {
    const run = replay((file, args) =>
      file === 'netstat' && same(args, ['-anvl', '-p', 'tcp'])
        ? { stdout: fixture('darwin/netstat-anv/osx-2016-pid-epid-only.txt') }
        : undefined,
    );
    const rows = await netstatDarwinAdapter.read(
      { port: 443, protocol: 'tcp' },
      createContext({ platform: 'darwin', run }),
    );
    assert.deepEqual(rows, [
      {
        protocol: 'tcp',
        family: 'IPv6',
        localAddress: '::',
        localPort: 443,
        remoteAddress: null,
        remotePort: null,
        state: 'LISTEN',
        owners: [{ pid: 61044 }],
      },
    ]);
    assert.equal(run.calls.length, 1);
    assert.equal(netstatDarwinAdapter.name, 'netstat');
    assert.equal(netstatDarwinAdapter.listsHiddenSockets, true);
  });

  test('BUILT Sonoma tcp and udp tables: both protocols when none is asked; a client is a row of its own port', async () => {
    const run = replay((file, args) => {
      if (file !== 'netstat') return undefined;
      if (same(args, darwinNetstatArguments('tcp', true)))
        return { stdout: fixture('built/darwin/netstat-anv-p-tcp-sonoma-14.txt') };
      if (same(args, darwinNetstatArguments('udp', true)))
        return { stdout: fixture('built/darwin/netstat-anv-p-udp-sonoma-14.txt') };
      return undefined;
    });
    const context = createContext({ platform: 'darwin', run });
    const rows = await netstatDarwinAdapter.read({ port: 3000 }, context);
    assert.deepEqual(
      rows.map((row) => [row.protocol, row.state, row.localAddress, row.owners[0]?.pid]),
      [
        ['tcp', 'ESTABLISHED', '127.0.0.1', 45121],
        ['tcp', 'LISTEN', '::', 45121],
      ],
    );
    assert.deepEqual(
      run.calls.map((call) => call.args),
      [
        ['-anvl', '-p', 'tcp'],
        ['-anvl', '-p', 'udp'],
      ],
    );
    // includeRemote adds the client end (local 52114, remote 3000).
    const withClients = await netstatDarwinAdapter.read(
      { port: 3000, protocol: 'tcp', includeRemote: true },
      context,
    );
    assert.deepEqual(
      withClients.map((row) => [row.localPort, row.owners[0]?.pid]),
      [
        [3000, 45121],
        [52114, 51230],
        [3000, 45121],
      ],
    );
    const udp = await netstatDarwinAdapter.read({ port: 5353, protocol: 'udp' }, context);
    assert.deepEqual(
      udp.map((row) => [row.family, row.state, row.owners[0]?.pid]),
      [
        ['IPv4', 'BOUND', 402],
        ['IPv6', 'BOUND', 402],
      ],
    );
  });

  test('BUILT Tahoe table: process:pid owners with names', async () => {
    const run = replay(() => ({ stdout: fixture('built/darwin/netstat-anv-p-tcp-tahoe-26.txt') }));
    const rows = await netstatDarwinAdapter.read(
      { port: 7000, protocol: 'tcp' },
      createContext({ platform: 'darwin', run }),
    );
    assert.deepEqual(
      rows.map((row) => [row.localAddress, row.owners]),
      [
        ['0.0.0.0', [{ pid: 512, name: 'ControlCenter' }]],
        ['::', [{ pid: 512, name: 'ControlCenter' }]],
      ],
    );
  });

  test('a netstat without -l: retried with -anv, and -anv from then on for that runner', async () => {
    const run = replay((file, args) => {
      if (file !== 'netstat') return undefined;
      if (args[0] === '-anvl') {
        return {
          exitCode: 1,
          stderr: Buffer.from(
            'netstat: illegal option -- l\nusage: netstat [-AaLlnW] [-f address_family | -p protocol]\n',
          ),
        };
      }
      if (same(args, ['-anv', '-p', 'tcp']))
        return { stdout: fixture('darwin/netstat-anv/osx-2016-pid-epid-only.txt') };
      return undefined;
    });
    const context = createContext({ platform: 'darwin', run });
    const rows = await netstatDarwinAdapter.read({ port: 8888, protocol: 'tcp' }, context);
    assert.deepEqual(rows[0]?.owners, [{ pid: 61044 }]);
    await netstatDarwinAdapter.read({ port: 8888, protocol: 'tcp' }, context);
    assert.deepEqual(
      run.calls.map((call) => call.args[0]),
      ['-anvl', '-anv', '-anv'],
    );
  });

  test('netstat missing, failing, or the wrong platform', async () => {
    const missing = replay(() => new CommandNotFoundError('netstat'));
    await assert.rejects(
      netstatDarwinAdapter.read(
        { port: 80, protocol: 'tcp' },
        createContext({ platform: 'darwin', run: missing }),
      ),
      CommandNotFoundError,
    );
    const failing = replay(() => ({
      exitCode: 1,
      stderr: Buffer.from('netstat: sysctl: net.inet.tcp.pcblist_n: Operation not permitted'),
    }));
    await assert.rejects(
      netstatDarwinAdapter.read(
        { port: 80, protocol: 'tcp' },
        createContext({ platform: 'darwin', run: failing }),
      ),
      CommandFailedError,
    );
    // Platform choice is data: only the macOS profile lists this adapter.
    assert.deepEqual(platformsListing(netstatDarwinAdapter), ['darwin']);
  });
});

describe('Windows netstat adapter', () => {
  test('en-US capture: `netstat -ano`, 443 LISTEN pid 9396 on 0.0.0.0 and ::', async () => {
    const run = replay((file, args) =>
      file === 'netstat' && same(args, ['-ano'])
        ? { stdout: fixture('win32/netstat-ano/en-US-win10-jc-aon-crlf.txt') }
        : undefined,
    );
    const context = createContext({ platform: 'win32', run });
    const rows = await netstatWindowsAdapter.read({ port: 443, protocol: 'tcp' }, context);
    assert.deepEqual(
      rows.map((row) => [row.family, row.localAddress, row.state, row.owners]),
      [
        ['IPv4', '0.0.0.0', 'LISTEN', [{ pid: 9396 }]],
        ['IPv6', '::', 'LISTEN', [{ pid: 9396 }]],
      ],
    );
    const udp = await netstatWindowsAdapter.read({ port: 5353, protocol: 'udp' }, context);
    assert.ok(udp.length > 3 && udp.every((row) => row.protocol === 'udp'));
    const both = await netstatWindowsAdapter.read({ port: 1025 }, context);
    assert.deepEqual(
      both.map((row) => [row.localAddress, row.owners[0]?.pid]),
      [['::1', 6088]],
    );
  });

  test('BUILT German output as CP850 bytes: ABHÖREN decoded and mapped; any code page finds the listeners', async () => {
    const run = replay(() => ({ stdout: fixture('built/win32/netstat-ano-de-DE-cp850-crlf.bin') }));
    const context = createContext({ platform: 'win32', run });
    const german = createNetstatWindowsAdapter({ codePage: 850 });
    const rows = await german.read({ port: 3000, protocol: 'tcp' }, context);
    assert.deepEqual(
      rows.map((row) => [row.localAddress, row.state, row.rawState, row.owners]),
      [
        ['0.0.0.0', 'LISTEN', 'ABHÖREN', [{ pid: 7316 }]],
        ['127.0.0.1', 'ESTABLISHED', 'HERGESTELLT', [{ pid: 7316 }]],
        ['127.0.0.1', 'TIME_WAIT', 'WARTEND', []],
        ['::', 'LISTEN', 'ABHÖREN', [{ pid: 7316 }]],
      ],
    );
    // With whatever code page this machine's locale suggests, the answer is the same.
    const guessed = await netstatWindowsAdapter.read({ port: 3000, protocol: 'tcp' }, context);
    assert.deepEqual(
      guessed.map((row) => [row.state, row.owners[0]?.pid]),
      rows.map((row) => [row.state, row.owners[0]?.pid]),
    );
    const russian = await createNetstatWindowsAdapter({ codePage: 866 }).read(
      { port: 445 },
      context,
    );
    assert.deepEqual(
      russian.map((row) => [row.state, row.owners]),
      [['LISTEN', [{ pid: 4, name: 'System' }]]],
    );
  });

  test('netstat failing or the wrong platform', async () => {
    const failing = replay(() => ({
      exitCode: 1,
      stderr: Buffer.from('The requested operation requires elevation.'),
    }));
    await assert.rejects(
      netstatWindowsAdapter.read({ port: 80 }, createContext({ platform: 'win32', run: failing })),
      CommandFailedError,
    );
    assert.deepEqual(platformsListing(netstatWindowsAdapter), ['win32']);
  });
});

describe('PowerShell adapter (all outputs BUILT: no real capture exists)', () => {
  const isPowerShellCall = (file: string, args: readonly string[], port: number) =>
    file === 'powershell.exe' &&
    same(args.slice(0, 3), ['-NoProfile', '-NonInteractive', '-Command']) &&
    args.length === 4 &&
    args[3] === powerShellSocketScript(port);

  test('BUILT output for port 3000: TCP listeners, a TIME_WAIT row without owner, a UDP endpoint', async () => {
    const run = replay((file, args) =>
      isPowerShellCall(file, args, 3000)
        ? { stdout: fixture('built/win32/powershell-adapter-output-port-3000.txt') }
        : undefined,
    );
    const rows = await powershellAdapter.read(
      { port: 3000 },
      createContext({ platform: 'win32', run }),
    );
    assert.deepEqual(
      rows.map((row) => [row.protocol, row.localAddress, row.state, row.owners]),
      [
        ['tcp', '::', 'LISTEN', [{ pid: 7316 }]],
        ['tcp', '0.0.0.0', 'LISTEN', [{ pid: 7316 }]],
        ['tcp', '127.0.0.1', 'TIME_WAIT', []],
        ['udp', '0.0.0.0', 'BOUND', [{ pid: 8120 }]],
      ],
    );
    assert.equal(powershellAdapter.name, 'powershell');
  });

  test('the script: port as a validated integer, no double quotes, only the asked protocol', async () => {
    const tcp = powerShellSocketScript(8080, 'tcp');
    assert.ok(tcp.includes('Get-NetTCPConnection -LocalPort 8080 -ErrorAction SilentlyContinue'));
    assert.ok(!tcp.includes('Get-NetUDPEndpoint'));
    assert.ok(!tcp.includes('"'));
    const udp = powerShellSocketScript(8080, 'udp');
    assert.ok(udp.includes('Get-NetUDPEndpoint -LocalPort 8080'));
    assert.ok(!udp.includes('#portwarden-tcp'));
    assert.ok(powerShellSocketScript(8080, 'tcp', true).includes('-RemotePort 8080'));
    for (const port of [0, 65536, 1.5, Number.NaN, '80; Stop-Computer' as unknown as number]) {
      assert.throws(() => powerShellSocketScript(port), { code: 'ERR_INVALID_PORT' });
      const unused = replay(() => undefined);
      await assert.rejects(
        powershellAdapter.read({ port }, createContext({ platform: 'win32', run: unused })),
        { code: 'ERR_INVALID_PORT' },
      );
      assert.equal(unused.calls.length, 0);
    }
  });

  test('no match is empty output: no rows', async () => {
    const run = replay(() => ({ stdout: Buffer.from('#portwarden-tcp\r\n#portwarden-udp\r\n') }));
    assert.deepEqual(
      await powershellAdapter.read({ port: 3999 }, createContext({ platform: 'win32', run })),
      [],
    );
    assert.deepEqual(splitPowerShellSections('#portwarden-tcp\r\n[]\r\n'), { tcp: '[]' });
  });

  test('no OwningProcess (Server 2012 R2, built input): the adapter fails so netstat answers', async () => {
    const json = fixture('built/win32/tcp-no-owningprocess-2012r2.json').toString('utf8');
    const run = replay(() => ({ stdout: Buffer.from(`#portwarden-tcp\r\n${json}\r\n`) }));
    await assert.rejects(
      powershellAdapter.read(
        { port: 1433, protocol: 'tcp' },
        createContext({ platform: 'win32', run }),
      ),
      { code: 'ERR_UNPARSEABLE_OUTPUT', message: /OwningProcess/ },
    );
  });

  test('powershell.exe missing: pwsh.exe; both missing: CommandNotFoundError', async () => {
    const pwshOnly = replay((file) =>
      file === 'pwsh.exe'
        ? { stdout: fixture('built/win32/powershell-adapter-output-port-3000.txt') }
        : new CommandNotFoundError(file),
    );
    const rows = await powershellAdapter.read(
      { port: 3000 },
      createContext({ platform: 'win32', run: pwshOnly }),
    );
    assert.equal(rows.length, 4);
    assert.deepEqual(
      pwshOnly.calls.map((call) => call.file),
      ['powershell.exe', 'pwsh.exe'],
    );
    const none = replay((file) => new CommandNotFoundError(file));
    await assert.rejects(
      powershellAdapter.read({ port: 3000 }, createContext({ platform: 'win32', run: none })),
      (error: unknown) =>
        error instanceof CommandNotFoundError && error.command === 'powershell.exe',
    );
  });

  test('missing cmdlets (exit 3), output without the markers, the wrong platform: errors, never "free"', async () => {
    const old = replay(() => ({ exitCode: 3 }));
    await assert.rejects(
      powershellAdapter.read({ port: 3000 }, createContext({ platform: 'win32', run: old })),
      CommandFailedError,
    );
    const odd = replay(() => ({
      stdout: Buffer.from('Windows PowerShell\r\nCopyright (C) Microsoft Corporation.\r\n'),
    }));
    await assert.rejects(
      powershellAdapter.read({ port: 3000 }, createContext({ platform: 'win32', run: odd })),
      UnparseableOutputError,
    );
    assert.deepEqual(platformsListing(powershellAdapter), ['win32']);
  });
});

describe('pid-port adapter (last resort)', () => {
  test('rows carry only what pid-port knows: the asked protocol, `*` when no address is known', () => {
    assert.deepEqual(
      pidPortRows(
        [
          { host: '*', pid: 4242 },
          { host: '*', pid: 4242 },
          { host: '::1', pid: 4243 },
          { host: '127.0.0.1', pid: 0 },
        ],
        3000,
        'tcp',
      ),
      [
        {
          protocol: 'tcp',
          family: 'IPv4',
          localAddress: '*',
          localPort: 3000,
          remoteAddress: null,
          remotePort: null,
          state: 'LISTEN',
          owners: [{ pid: 4242 }],
        },
        {
          protocol: 'tcp',
          family: 'IPv6',
          localAddress: '::1',
          localPort: 3000,
          remoteAddress: null,
          remotePort: null,
          state: 'LISTEN',
          owners: [{ pid: 4243 }],
        },
      ],
    );
    assert.equal(pidPortRows([{ host: '0.0.0.0', pid: 9 }], 53, 'udp')[0]?.state, 'BOUND');
    assert.equal(pidPortAdapter.name, 'pid-port');
    assert.equal(pidPortAdapter.listsHiddenSockets, false);
  });

  const servers: Server[] = [];
  after(() => {
    for (const server of servers) server.close();
  });
  test('live: finds this process listening on 127.0.0.1, and nothing on a free port', {
    skip: !pidPortLive
      ? 'pid-port cannot be loaded, or no ss/lsof platform'
      : !pidPortTool && 'needs ss or lsof (pid-port runs them)',
  }, async () => {
    const server = createServer();
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const context = createContext({ toolTimeout: 20_000 });
    const rows = await pidPortAdapter.read({ port, protocol: 'tcp' }, context);
    assert.ok(
      rows.some(
        (row) =>
          row.localPort === port &&
          row.localAddress === '127.0.0.1' &&
          row.owners.some((owner) => owner.pid === process.pid),
      ),
      JSON.stringify(rows),
    );
    await new Promise<void>((resolve) => server.close(() => resolve()));
    assert.deepEqual(await pidPortAdapter.read({ port, protocol: 'tcp' }, context), []);
  });
});
