/**
 * Host scope (issue 9, item 5; CONTRACT "Host scope"): with `host`, the stop functions stop only
 * the holders whose sockets would make `listen(port, host)` fail. Real holders on 127.0.0.1,
 * 127.0.0.2, ::1, 0.0.0.0 and dual-stack :: of one port.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { describe, test } from 'node:test';
import {
  ensurePortFree,
  findFreePort,
  freePort,
  isPortInUse,
  killProcessOnPort,
  listenWhenFree,
} from '../../src/index.ts';
import {
  canListen,
  getTestPort,
  type HolderOptions,
  LINUX_ONLY,
  startHolder,
  trackHolders,
} from '../helpers/holders.ts';

const hold = trackHolders();
const holder = (options: HolderOptions) => hold(startHolder(options));

describe('host scope', LINUX_ONLY, () => {
  test('killProcessOnPort({host}): only the holder in the way; other addresses left alone', async () => {
    const port = await getTestPort();
    const local = await holder({ port, host: '127.0.0.1' });
    const other = await holder({ port, host: '127.0.0.2' });
    const six = await holder({ port, host: '::1' });
    const report = await killProcessOnPort(port, { host: '127.0.0.1', gracePeriod: 2000 });
    assert.deepEqual(report.killed, [local.pid]);
    assert.deepEqual(
      report.skipped.map((entry) => [entry.pid, entry.reason]).sort(),
      [
        [other.pid, 'other-address'],
        [six.pid, 'other-address'],
      ].sort(),
    );
    assert.equal(other.alive(), true);
    assert.equal(six.alive(), true);
    assert.equal(await isPortInUse(port, { host: '127.0.0.1' }), false);
    assert.equal(await isPortInUse(port), true, 'the port is still held on other addresses');
  });

  test('freePort({host}): its report names the holders of other addresses as left alone', async () => {
    const port = await getTestPort();
    const local = await holder({ port, host: '127.0.0.1' });
    const other = await holder({ port, host: '127.0.0.2' });
    const report = await freePort(port, { host: '127.0.0.1', maxWait: 5000 });
    assert.equal(report.free, true);
    assert.deepEqual(report.kill?.killed, [local.pid]);
    // Regression: freePort's report listed only the skips of a round that ended the call.
    assert.deepEqual(
      report.kill?.skipped.map((entry) => [entry.pid, entry.reason]),
      [[other.pid, 'other-address']],
    );
    assert.equal(other.alive(), true);
  });

  test('a wildcard holder is in the way of a specific host: 0.0.0.0 and dual-stack ::', async () => {
    for (const address of ['0.0.0.0', '::']) {
      const port = await getTestPort();
      const wildcard = await holder({ port, host: address });
      assert.equal(await ensurePortFree(port, { host: '127.0.0.1', maxWait: 5000 }), true);
      assert.equal(wildcard.alive(), false, `${address} held 127.0.0.1 too`);
    }
  });

  test('listenWhenFree({host}): listens there; a holder of 127.0.0.2 keeps running', async () => {
    const port = await getTestPort();
    const local = await holder({ port, host: '127.0.0.1' });
    const other = await holder({ port, host: '127.0.0.2' });
    const server = createServer();
    try {
      const address = await listenWhenFree(server, port, { host: '127.0.0.1', maxWait: 5000 });
      assert.equal(address.address, '127.0.0.1');
      assert.equal(local.alive(), false);
      assert.equal(other.alive(), true, 'regression (9.5): it was stopped though not in the way');
    } finally {
      server.close();
    }
  });

  test('nothing in the way of the host: nothing stopped, free at once', async () => {
    const port = await getTestPort();
    const other = await holder({ port, host: '127.0.0.2' });
    assert.equal(await canListen(port, '127.0.0.1'), true);
    const report = await killProcessOnPort(port, { host: '127.0.0.1' });
    assert.deepEqual(report.killed, []);
    assert.equal(await ensurePortFree(port, { host: '127.0.0.1' }), true);
    assert.equal(other.alive(), true);
  });
});

describe('addresses this machine does not have, and names that do not resolve', () => {
  // 192.0.2.0/24 is TEST-NET-1 (RFC 5737): never an address of this machine.
  for (const [name, call] of [
    ['isPortInUse', () => isPortInUse(3000, { host: '192.0.2.1' })],
    ['ensurePortFree', () => ensurePortFree(3000, { host: '192.0.2.1' })],
    ['killProcessOnPort', () => killProcessOnPort(3000, { host: '192.0.2.1' })],
    ['findFreePort', () => findFreePort({ host: '192.0.2.1' })],
  ] as const) {
    test(`${name}: an address that is not this machine's is ERR_INVALID_OPTION, never "free"`, async () => {
      await assert.rejects(call(), (error: Error & { code?: string; option?: string }) => {
        assert.equal(error.code, 'ERR_INVALID_OPTION');
        assert.equal(error.option, 'host');
        return true;
      });
    });
  }

  test('a host name that does not resolve: ERR_INVALID_OPTION with the DNS error as cause', async () => {
    await assert.rejects(
      isPortInUse(3000, { host: 'no-such-host.invalid' }),
      (error: Error & { code?: string }) => {
        assert.equal(error.code, 'ERR_INVALID_OPTION');
        assert.equal((error.cause as { code?: string }).code, 'ENOTFOUND');
        return true;
      },
    );
  });
});
