/**
 * src/server/wait-for-port.ts (public waitForPort): moved from test/server/listen.test.ts.
 */
import assert from 'node:assert/strict';
import type net from 'node:net';
import { describe, test } from 'node:test';
import { waitForPort } from '../../src/index.ts';
// The ::1-only cases run on every OS: each OS's probe list has ::1 (test/helpers/live.ts).
import {
  getTestPort,
  type HolderOptions,
  listen,
  startHolder,
  trackHolders,
} from '../helpers/holders.ts';
import { EVERY_OS } from '../helpers/live.ts';

const hold = trackHolders();
const holder = (options: HolderOptions) => hold(startHolder(options));
const close = (server: net.Server) => new Promise((resolve) => server.close(resolve));

describe('waitForPort', () => {
  test("until 'in-use': true once a server comes up", async () => {
    const port = await getTestPort();
    setTimeout(() => {
      holder({ port }).catch(() => {});
    }, 100);
    const t0 = performance.now();
    assert.equal(await waitForPort(port, { until: 'in-use', maxWait: 10_000 }), true);
    assert.ok(performance.now() - t0 >= 90);
  });

  test(
    "until 'in-use' sees a listener on ::1 only (bind probe, not a connect to 127.0.0.1)",
    EVERY_OS,
    async () => {
      const port = await getTestPort();
      const server = await listen(port, '::1');
      try {
        assert.equal(await waitForPort(port, { until: 'in-use', maxWait: 500 }), true);
      } finally {
        await close(server);
      }
    },
  );

  test("until 'free': true once the holder goes away; false at the timeout", async () => {
    const port = await getTestPort();
    const h = await holder({ port });
    const t0 = performance.now();
    assert.equal(await waitForPort(port, { until: 'free', maxWait: 200 }), false);
    const elapsed = performance.now() - t0;
    assert.ok(elapsed >= 190 && elapsed < 1000, `elapsed ${elapsed}`);
    setTimeout(() => process.kill(h.pid, 'SIGTERM'), 100);
    assert.equal(await waitForPort(port, { until: 'free', maxWait: 5000 }), true);
  });

  test('bad input and abort', async () => {
    await assert.rejects(waitForPort(0), { code: 'ERR_INVALID_PORT' });
    await assert.rejects(waitForPort(3000, { until: 'up' as never }), {
      code: 'ERR_INVALID_OPTION',
    });
    await assert.rejects(waitForPort(3000, { maxWait: -1 }), { code: 'ERR_INVALID_OPTION' });
    await assert.rejects(waitForPort(3000, { host: '' }), { code: 'ERR_INVALID_OPTION' });
    const port = await getTestPort();
    await assert.rejects(waitForPort(port, { until: 'in-use', signal: AbortSignal.timeout(100) }), {
      code: 'ERR_ABORTED',
    });
  });
});
