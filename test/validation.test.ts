import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { CommandRunner } from '../src/index.ts';
import * as portwarden from '../src/index.ts';
import { validatePort } from '../src/port.ts';

/** Every bad port CONTRACT.md names, and a few more. */
const BAD_PORTS: unknown[] = [
  0,
  -1,
  65536,
  1.5,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  '80; rm -rf /',
  ' 80',
  '80 ',
  '0x50',
  '1e3',
  '',
  '-80',
  '+80',
  '8.0',
  '0',
  '65536',
  '99999999999999999999',
  {},
  [],
  [80],
  null,
  undefined,
  true,
  80n,
  Symbol('80'),
  () => 80,
];

describe('port validation', () => {
  test('good ports', () => {
    assert.equal(validatePort(1), 1);
    assert.equal(validatePort(65535), 65535);
    assert.equal(validatePort('8080'), 8080);
    assert.equal(validatePort('00080'), 80);
  });

  const calls: string[] = [];
  const recordingRunner: CommandRunner = async (file) => {
    calls.push(file);
    throw new Error('no process may be started for bad input');
  };
  // A /proc root that does not exist: reading it would fail the call differently.
  const context = { run: recordingRunner, procRoot: '/nonexistent-proc-root' };

  const functions: [string, (port: unknown) => Promise<unknown>][] = [
    ['isPortInUse', (port) => portwarden.isPortInUse(port as number, { context })],
    ['probePort', (port) => portwarden.probePort(port as number, { context })],
    ['checkPortTimeWait', (port) => portwarden.checkPortTimeWait(port as number, { context })],
    ['getTimeWaitInfo', (port) => portwarden.getTimeWaitInfo(port as number, { context })],
    ['getProcessesOnPort', (port) => portwarden.getProcessesOnPort(port as number, { context })],
  ];

  for (const [name, call] of functions) {
    test(`${name} rejects every bad port with ERR_INVALID_PORT, before any I/O`, async () => {
      for (const port of BAD_PORTS) {
        let promise: Promise<unknown> | undefined;
        assert.doesNotThrow(
          () => {
            promise = call(port);
          },
          `${name}(${String(port)}) must reject, not throw synchronously`,
        );
        await assert.rejects(promise as Promise<unknown>, (error: Error & { code?: string }) => {
          assert.equal(error.code, 'ERR_INVALID_PORT', `${name}(${String(port)})`);
          assert.ok(error instanceof TypeError || error instanceof RangeError);
          return true;
        });
      }
      assert.deepEqual(calls, []);
    });
  }

  test('bad options are ERR_INVALID_OPTION', async () => {
    await assert.rejects(
      portwarden.getProcessesOnPort(80, { protocol: 'sctp' as 'tcp', context }),
      {
        code: 'ERR_INVALID_OPTION',
      },
    );
    await assert.rejects(portwarden.isPortInUse(80, { host: 42 as unknown as string, context }), {
      code: 'ERR_INVALID_OPTION',
    });
    await assert.rejects(portwarden.getProcessesOnPort(80, { adapter: 'nope', context }), {
      code: 'ERR_INVALID_OPTION',
    });
    await assert.rejects(portwarden.getProcessesOnPort(80, 'tcp' as never), {
      code: 'ERR_INVALID_OPTION',
    });
    assert.deepEqual(calls, []);
  });
});

describe('adapter selection', () => {
  test('a forced adapter that cannot run is ERR_ADAPTER_UNAVAILABLE', async () => {
    await assert.rejects(
      portwarden.getProcessesOnPort(80, {
        adapter: 'procfs',
        context: { procRoot: '/nonexistent-proc-root' },
      }),
      (error: portwarden.PortwardenError) => {
        assert.equal(error.code, 'ERR_ADAPTER_UNAVAILABLE');
        assert.ok(error.cause, 'the underlying error is kept as cause');
        return true;
      },
    );
  });

  test('PORTWARDEN_ADAPTER forces an adapter; an unknown name is rejected', async () => {
    await assert.rejects(
      portwarden.getProcessesOnPort(80, {
        context: {
          env: { ...process.env, PORTWARDEN_ADAPTER: 'procfs' },
          procRoot: '/nonexistent-proc-root',
        },
      }),
      { code: 'ERR_ADAPTER_UNAVAILABLE' },
    );
    await assert.rejects(
      portwarden.getProcessesOnPort(80, { context: { env: { PORTWARDEN_ADAPTER: 'bogus' } } }),
      { code: 'ERR_INVALID_OPTION' },
    );
  });

  test('an adapter of another platform is unavailable here', async () => {
    await assert.rejects(
      portwarden.getProcessesOnPort(80, { adapter: 'powershell', context: { platform: 'linux' } }),
      {
        code: 'ERR_ADAPTER_UNAVAILABLE',
      },
    );
  });

  test('another platform: pid-port is the last resort', async (t) => {
    const { pidPortAdapter } = await import('../src/adapters/pid-port.ts');
    const { platformProfile } = await import('../src/platforms.ts');
    assert.deepEqual(
      platformProfile('freebsd').adapters.map((adapter) => adapter.name),
      [pidPortAdapter.name],
    );
    // pid-port runs its own tools from process.env.PATH: with none, nothing can answer.
    const path = process.env.PATH;
    process.env.PATH = '/nonexistent';
    t.after(() => {
      process.env.PATH = path;
    });
    await assert.rejects(
      portwarden.getProcessesOnPort(80, { context: { platform: 'aix' } }),
      (error: portwarden.PortwardenError) => {
        assert.equal(error.code, 'ERR_UNSUPPORTED_PLATFORM');
        assert.match(error.message, /aix/);
        assert.ok(error.cause instanceof AggregateError);
        return true;
      },
    );
  });

  test('an aborted signal rejects with ERR_ABORTED', async () => {
    await assert.rejects(portwarden.getProcessesOnPort(80, { signal: AbortSignal.abort() }), {
      code: 'ERR_ABORTED',
    });
  });
});
