import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { describe, test } from 'node:test';
import { createContext } from '../../src/core/context.ts';
import { handleShutdownSignals, listenWhenFree, PortUnavailableError } from '../../src/index.ts';
// Live on every OS (see test/helpers/live.ts).
import {
  getTestPort,
  type HolderOptions,
  listen,
  startHolder,
  trackHolders,
} from '../helpers/holders.ts';

import { EVERY_OS, POSIX_SIGNALS } from '../helpers/live.ts';

const hold = trackHolders();
const holder = (options: HolderOptions) => hold(startHolder(options));

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const close = (server: net.Server) => new Promise((resolve) => server.close(resolve));

describe('listenWhenFree', EVERY_OS, () => {
  test('stops the holder, then listens', POSIX_SIGNALS, async () => {
    const port = await getTestPort();
    const h = await holder({ port, onSigterm: 'exit', exitDelay: 100 });
    const server = http.createServer((_request, response) => response.end('mine'));
    const address = await listenWhenFree(server, String(port), {
      host: '127.0.0.1',
      gracePeriod: 2000,
    });
    try {
      assert.equal(address.port, port);
      assert.equal(address.address, '127.0.0.1');
      assert.equal(server.listening, true);
      assert.equal((await h.exited).code, 0);
    } finally {
      await close(server);
    }
  });

  test('rejects ERR_PORT_UNAVAILABLE with reason "self" quickly when this process holds the port', async () => {
    const port = await getTestPort();
    const other = await listen(port);
    const server = net.createServer();
    try {
      const t0 = performance.now();
      await assert.rejects(listenWhenFree(server, port), (error: unknown) => {
        assert.ok(error instanceof PortUnavailableError);
        assert.equal(error.code, 'ERR_PORT_UNAVAILABLE');
        assert.equal(error.reason, 'self');
        assert.equal(error.report?.outcome, 'self');
        return true;
      });
      assert.ok(performance.now() - t0 < 1000);
      assert.equal(server.listening, false);
    } finally {
      await close(other);
    }
  });

  test('retries on EADDRINUSE when the port is taken between freeing and listening', async () => {
    const port = await getTestPort();
    const server = net.createServer();
    const original = server.listen.bind(server);
    let attempts = 0;
    // The first listen() races with a competitor that grabs the port and lets it go 100 ms later.
    server.listen = ((...args: Parameters<net.Server['listen']>) => {
      attempts++;
      if (attempts === 1) {
        const competitor = net
          .createServer()
          .listen({ port, host: '127.0.0.1', exclusive: true }, () => {
            original(...args);
            setTimeout(() => competitor.close(), 100);
          });
        return server;
      }
      return original(...args);
    }) as net.Server['listen'];
    const address = await listenWhenFree(server, port, {
      host: '127.0.0.1',
      waitOnly: true,
      maxWait: 3000,
    });
    try {
      assert.equal(address.port, port);
      assert.ok(attempts >= 2, `attempts ${attempts}`);
    } finally {
      await close(server);
    }
  });

  test('bad input rejects before anything runs', async () => {
    const port = await getTestPort();
    await assert.rejects(listenWhenFree(net.createServer(), 0), { code: 'ERR_INVALID_PORT' });
    await assert.rejects(listenWhenFree({} as net.Server, port), { code: 'ERR_INVALID_OPTION' });
    await assert.rejects(listenWhenFree(net.createServer(), port, { host: '' }), {
      code: 'ERR_INVALID_OPTION',
    });
    await assert.rejects(listenWhenFree(net.createServer(), port, { maxWait: -5 }), {
      code: 'ERR_INVALID_OPTION',
    });
    const listeningServer = await listen(0);
    try {
      await assert.rejects(listenWhenFree(listeningServer, port), { code: 'ERR_INVALID_OPTION' });
    } finally {
      await close(listeningServer);
    }
  });
});

describe('handleShutdownSignals', () => {
  test('the first signal closes the server gracefully, then exits with exitCode', async () => {
    let release: () => void = () => {};
    const server = http.createServer((_request, response) => {
      response.write('a');
      release = () => response.end('b');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as net.AddressInfo).port;
    const exits: number[] = [];
    const before = process.listenerCount('SIGTERM');
    const cleanups: string[] = [];
    const dispose = handleShutdownSignals(server, {
      exit: (code) => exits.push(code),
      exitCode: 3,
      beforeExit: async (signal) => {
        assert.equal(server.listening, false, 'runs after the server has closed');
        cleanups.push(signal);
      },
    });
    const savedExitCode = process.exitCode;
    try {
      assert.equal(process.listenerCount('SIGTERM'), before + 1);
      const body = new Promise<string>((resolve) => {
        http.get({ host: '127.0.0.1', port }, (response) => {
          let text = '';
          response.on('data', (chunk) => {
            text += chunk;
          });
          response.on('end', () => resolve(text));
        });
      });
      await delay(100);
      process.emit('SIGTERM', 'SIGTERM');
      await delay(50);
      assert.deepEqual(exits, [], 'waits for the request in flight');
      release();
      assert.equal(await body, 'ab');
      for (let i = 0; i < 50 && exits.length === 0; i++) await delay(20);
      assert.deepEqual(exits, [3]);
      assert.deepEqual(cleanups, ['SIGTERM']);
      assert.equal(process.exitCode, 3);
      assert.equal(server.listening, false);
    } finally {
      dispose();
      process.exitCode = savedExitCode;
    }
    assert.equal(process.listenerCount('SIGTERM'), before);
  });

  test('a second signal exits at once with 128 + the signal number', async () => {
    const server = http.createServer(() => {
      // never answers: the graceful close would wait for the deadline
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as net.AddressInfo).port;
    const request = http.get({ host: '127.0.0.1', port });
    request.on('error', () => {});
    await delay(100);
    const exits: number[] = [];
    const dispose = handleShutdownSignals(server, {
      exit: (code) => exits.push(code),
      timeout: 60_000,
    });
    const savedExitCode = process.exitCode;
    try {
      process.emit('SIGINT', 'SIGINT');
      await delay(50);
      assert.deepEqual(exits, []);
      process.emit('SIGINT', 'SIGINT');
      assert.deepEqual(exits, [130]);
    } finally {
      dispose();
      dispose();
      process.exitCode = savedExitCode;
      server.closeAllConnections();
    }
  });

  test("installs this platform's shutdown signals; bad options throw and install nothing", () => {
    const server = net.createServer();
    const signals = createContext().platform.shutdownSignals;
    assert.deepEqual(
      signals,
      process.platform === 'win32'
        ? ['SIGINT', 'SIGTERM', 'SIGHUP']
        : ['SIGINT', 'SIGTERM', 'SIGUSR2'],
    );
    const counts = () => signals.map((signal) => process.listenerCount(signal));
    const before = counts();
    const dispose = handleShutdownSignals(server);
    assert.deepEqual(
      counts(),
      before.map((count) => count + 1),
    );
    dispose();
    assert.deepEqual(counts(), before);
    assert.throws(() => handleShutdownSignals(server, { signals: ['SIGNOPE' as NodeJS.Signals] }), {
      code: 'ERR_INVALID_OPTION',
    });
    assert.throws(() => handleShutdownSignals(server, { exitCode: 300 }), {
      code: 'ERR_INVALID_OPTION',
    });
    assert.throws(() => handleShutdownSignals({} as net.Server), { code: 'ERR_INVALID_OPTION' });
    assert.deepEqual(counts(), before);
  });
});

// waitForPort and findFreePort: test/server/wait-for-port.test.ts, find-free-port.test.ts.
