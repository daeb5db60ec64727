import assert from 'node:assert/strict';
import http from 'node:http';
import { describe, test } from 'node:test';
import { handleShutdownSignals, type ShutdownSignalsOptions } from '../../src/index.ts';
import { listening, until } from './support.ts';

/**
 * Installs the handlers on a real listening server, sends SIGTERM to this process's handlers,
 * and resolves with the exit status they chose and the ms it took.
 */
async function shutDownWith(
  options: ShutdownSignalsOptions | ((server: http.Server) => ShutdownSignalsOptions),
  maxWait = 10_000,
): Promise<{ code: number; elapsed: number; server: http.Server }> {
  const server = http.createServer((_request, response) => response.end('ok'));
  await listening(server);
  if (typeof options === 'function') options = options(server);
  const exits: number[] = [];
  const savedExitCode = process.exitCode;
  const dispose = handleShutdownSignals(server, { ...options, exit: (code) => exits.push(code) });
  try {
    const t0 = performance.now();
    process.emit('SIGTERM', 'SIGTERM');
    await until(() => exits.length > 0, maxWait);
    const elapsed = performance.now() - t0;
    assert.equal(exits.length, 1);
    assert.equal(process.exitCode, exits[0], 'process.exitCode is set too');
    return { code: exits[0] ?? -1, elapsed, server };
  } finally {
    dispose();
    process.exitCode = savedExitCode;
  }
}

describe('handleShutdownSignals: the beforeExit hook is bounded', () => {
  test('a hook that never settles is given up after beforeExitTimeout: exit status 1', async () => {
    let aborted: AbortSignal | undefined;
    const { code, elapsed, server } = await shutDownWith({
      timeout: 2000,
      beforeExitTimeout: 300,
      beforeExit: (_signal, abortSignal) => {
        aborted = abortSignal;
        return new Promise(() => {}); // never settles
      },
    });
    assert.equal(code, 1);
    assert.equal(server.listening, false);
    assert.ok(elapsed >= 280 && elapsed < 2000, `elapsed ${elapsed}`);
    assert.equal(aborted?.aborted, true, "the hook's AbortSignal was aborted at its deadline");
  });

  test('without beforeExitTimeout a hook that never settles gets the same time as closing', async () => {
    const { code, elapsed } = await shutDownWith({
      timeout: 400,
      beforeExit: () => new Promise(() => {}),
    });
    assert.equal(code, 1);
    assert.ok(elapsed >= 380 && elapsed < 2000, `elapsed ${elapsed}`);
  });

  test('a hook that throws or rejects: exit status 1, at once', async () => {
    const thrown = await shutDownWith({
      exitCode: 0,
      beforeExit: () => {
        throw new Error('pool.end failed');
      },
    });
    assert.equal(thrown.code, 1);
    assert.ok(thrown.elapsed < 1000, `elapsed ${thrown.elapsed}`);
    const rejected = await shutDownWith({
      beforeExit: () => Promise.reject(new Error('flush failed')),
    });
    assert.equal(rejected.code, 1);
  });

  test('a hook that finishes in time: exitCode, and the hook ran after the server closed', async () => {
    let listeningDuringHook: boolean | undefined;
    const { code } = await shutDownWith((server) => ({
      exitCode: 4,
      beforeExitTimeout: 2000,
      beforeExit: async () => {
        listeningDuringHook = server.listening;
        await new Promise((resolve) => setTimeout(resolve, 50));
      },
    }));
    assert.equal(code, 4);
    assert.equal(listeningDuringHook, false);
  });

  test('bad beforeExitTimeout throws ERR_INVALID_OPTION and installs nothing', () => {
    const server = http.createServer();
    const before = process.listenerCount('SIGTERM');
    assert.throws(() => handleShutdownSignals(server, { beforeExitTimeout: -1 }), {
      code: 'ERR_INVALID_OPTION',
    });
    assert.throws(() => handleShutdownSignals(server, { beforeExitTimeout: '1s' as never }), {
      code: 'ERR_INVALID_OPTION',
    });
    assert.equal(process.listenerCount('SIGTERM'), before);
  });
});
