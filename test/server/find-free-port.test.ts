/**
 * src/server/find-free-port.ts (public findFreePort): moved from test/server/listen.test.ts.
 */
import assert from 'node:assert/strict';
import type net from 'node:net';
import { describe, test } from 'node:test';
import { findFreePort, isPortInUse } from '../../src/index.ts';
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
const _holder = (options: HolderOptions) => hold(startHolder(options));
const close = (server: net.Server) => new Promise((resolve) => server.close(resolve));

describe('findFreePort', () => {
  test('returns the preferred port when it is free', async () => {
    const port = await getTestPort();
    assert.equal(await findFreePort({ preferred: port, lockPeriod: 0 }), port);
  });

  test(
    'skips a preferred port taken on any address (a listener on ::1 only counts)',
    EVERY_OS,
    async () => {
      const taken = await getTestPort();
      const server = await listen(taken, '::1');
      try {
        const port = await findFreePort({ preferred: [taken] });
        assert.notEqual(port, taken);
        assert.equal(await isPortInUse(port), false);
      } finally {
        await close(server);
      }
    },
  );

  test('tries the range in order, honours exclude, rejects ERR_NO_FREE_PORT when all are taken', async () => {
    const base = await getTestPort();
    const servers: net.Server[] = [];
    try {
      // A range of 3 consecutive ports: take the first, exclude the second.
      let from = base;
      for (; from < 65530; from++) {
        if (
          !(await isPortInUse(from)) &&
          !(await isPortInUse(from + 1)) &&
          !(await isPortInUse(from + 2))
        )
          break;
      }
      servers.push(await listen(from));
      const port = await findFreePort({
        range: { from, to: from + 2 },
        exclude: [from + 1],
        lockPeriod: 0,
      });
      assert.equal(port, from + 2);
      servers.push(await listen(from + 2));
      await assert.rejects(findFreePort({ range: { from, to: from + 2 }, exclude: [from + 1] }), {
        code: 'ERR_NO_FREE_PORT',
      });
    } finally {
      await Promise.all(servers.map(close));
    }
  });

  test('a port handed out is not handed out again while locked; concurrent calls get distinct ports', async () => {
    const port = await getTestPort();
    assert.equal(await findFreePort({ preferred: port }), port);
    const second = await findFreePort({ preferred: port });
    assert.notEqual(second, port, 'locked: handed out a moment ago');
    const ports = await Promise.all(
      Array.from({ length: 10 }, () => findFreePort({ preferred: port + 1 })),
    );
    assert.equal(new Set(ports).size, 10);
  });

  test('bad input rejects with codes', async () => {
    await assert.rejects(findFreePort({ preferred: 0 }), { code: 'ERR_INVALID_PORT' });
    await assert.rejects(findFreePort({ preferred: ['80; rm -rf /'] }), {
      code: 'ERR_INVALID_PORT',
    });
    await assert.rejects(findFreePort({ range: { from: 2000, to: 1000 } }), {
      code: 'ERR_INVALID_OPTION',
    });
    await assert.rejects(findFreePort({ exclude: {} as never }), { code: 'ERR_INVALID_OPTION' });
    await assert.rejects(findFreePort({ lockPeriod: -1 }), { code: 'ERR_INVALID_OPTION' });
    await assert.rejects(findFreePort({ host: '' }), { code: 'ERR_INVALID_OPTION' });
  });
});
