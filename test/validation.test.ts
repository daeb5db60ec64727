import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as portwarden from '../src/index.ts';
import { validatePort } from '../src/input.ts';
import { withContext } from './helpers/context.ts';
import { recordIo } from './helpers/no-io.ts';

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

  const functions: [string, (port: unknown) => Promise<unknown>][] = [
    ['isPortInUse', (port) => portwarden.isPortInUse(port as number)],
    ['probePort', (port) => portwarden.probePort(port as number)],
    ['checkPortTimeWait', (port) => portwarden.checkPortTimeWait(port as number)],
    ['inspectTimeWait', (port) => portwarden.inspectTimeWait(port as number)],
    ['getProcessesOnPort', (port) => portwarden.getProcessesOnPort(port as number)],
    ['inspectPort', (port) => portwarden.inspectPort(port as number)],
    ['killProcessOnPort', (port) => portwarden.killProcessOnPort(port as number)],
    ['ensurePortFree', (port) => portwarden.ensurePortFree(port as number)],
    ['freePort', (port) => portwarden.freePort(port as number)],
    ['waitForPort', (port) => portwarden.waitForPort(port as number)],
  ];

  for (const [name, call] of functions) {
    test(`${name} rejects every bad port with ERR_INVALID_PORT, before any I/O`, async () => {
      for (const port of BAD_PORTS) {
        const { calls, settled } = await recordIo(() => {
          let promise: Promise<unknown> | undefined;
          assert.doesNotThrow(
            () => {
              promise = call(port);
            },
            `${name}(${String(port)}) must reject, not throw synchronously`,
          );
          return promise as Promise<unknown>;
        });
        assert.equal(settled.status, 'rejected', `${name}(${String(port)})`);
        const error = (settled as PromiseRejectedResult).reason as Error & { code?: string };
        assert.equal(error.code, 'ERR_INVALID_PORT', `${name}(${String(port)})`);
        assert.ok(error instanceof TypeError || error instanceof RangeError);
        assert.ok(error instanceof portwarden.PortwardenError, 'every error is a PortwardenError');
        assert.deepEqual(calls, [], `${name}(${String(port)}) did I/O before rejecting`);
      }
    });
  }

  test('bad options are ERR_INVALID_OPTION, before any I/O', async () => {
    const calls: [string, () => Promise<unknown>][] = [
      ['protocol', () => portwarden.getProcessesOnPort(80, { protocol: 'sctp' as 'tcp' })],
      ['host', () => portwarden.isPortInUse(80, { host: 42 as unknown as string })],
      ['adapter', () => portwarden.getProcessesOnPort(80, { adapter: 'nope' })],
      ['options', () => portwarden.getProcessesOnPort(80, 'tcp' as never)],
    ];
    for (const [label, call] of calls) {
      const { calls: io, settled } = await recordIo(call);
      assert.equal(settled.status, 'rejected', label);
      const error = (settled as PromiseRejectedResult).reason as Error & { code?: string };
      assert.equal(error.code, 'ERR_INVALID_OPTION', label);
      assert.ok(error instanceof portwarden.PortwardenError, label);
      assert.deepEqual(io, [], label);
    }
  });
});

describe('adapter selection', () => {
  test('a forced adapter that cannot run is ERR_ADAPTER_UNAVAILABLE', async () => {
    await assert.rejects(
      withContext({ procRoot: '/nonexistent-proc-root' }).getProcessesOnPort(80, {
        adapter: 'procfs',
      }),
      (error: portwarden.PortwardenError) => {
        assert.equal(error.code, 'ERR_ADAPTER_UNAVAILABLE');
        assert.ok(error.cause, 'the underlying error is kept as cause');
        return true;
      },
    );
  });

  test('PORTWARDEN_ADAPTER forces an adapter; an unknown name is rejected', async () => {
    process.env.PORTWARDEN_ADAPTER = 'procfs';
    try {
      await assert.rejects(
        withContext({ procRoot: '/nonexistent-proc-root' }).getProcessesOnPort(80),
        { code: 'ERR_ADAPTER_UNAVAILABLE' },
      );
      process.env.PORTWARDEN_ADAPTER = 'bogus';
      await assert.rejects(portwarden.getProcessesOnPort(80), { code: 'ERR_INVALID_OPTION' });
    } finally {
      delete process.env.PORTWARDEN_ADAPTER;
    }
  });

  test('an adapter of another platform is unavailable here', async () => {
    await assert.rejects(
      withContext({ platform: 'linux' }).getProcessesOnPort(80, { adapter: 'powershell' }),
      {
        code: 'ERR_ADAPTER_UNAVAILABLE',
      },
    );
  });

  test('another platform: pid-port is the last resort', async (t) => {
    const { pidPortAdapter } = await import('../src/adapters/pid-port.ts');
    const { platformProfile } = await import('../src/platform/profiles.ts');
    assert.deepEqual(
      platformProfile('openbsd').adapters.map((adapter) => adapter.name),
      [pidPortAdapter.name],
    );
    // pid-port runs its own tools from process.env.PATH: with none, nothing can answer.
    const path = process.env.PATH;
    process.env.PATH = '/nonexistent';
    t.after(() => {
      process.env.PATH = path;
    });
    await assert.rejects(
      withContext({ platform: 'aix' }).getProcessesOnPort(80),
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
