/**
 * src/core/probe.ts: bind probes as a Node server would bind, against real listeners on this
 * machine (127.0.0.1, ::1, 0.0.0.0, ::, UDP), an address this machine does not have, and — as
 * the `nobody` user — a privileged port (EACCES: 'denied'). Each probe releases the port.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { probeHosts } from '../../src/core/probe.ts';
import {
  canListen,
  canSwitchUser,
  getTestPort,
  type HolderOptions,
  runAsNobody,
  startHolder,
  trackHolders,
} from '../helpers/holders.ts';
import { LINUX_TOOLS } from '../helpers/live.ts';

const hold = trackHolders();
const holder = (options: HolderOptions) => hold(startHolder(options));
const EVERY = ['::', '0.0.0.0', '127.0.0.1', '::1'];

describe('probeHosts, TCP', () => {
  test('a free port: every address free, in order; the port stays free', async () => {
    const port = await getTestPort();
    assert.deepEqual(await probeHosts(port, EVERY, 'tcp'), [
      { host: '::', outcome: 'free' },
      { host: '0.0.0.0', outcome: 'free' },
      { host: '127.0.0.1', outcome: 'free' },
      { host: '::1', outcome: 'free' },
    ]);
    assert.equal(await canListen(port), true, 'released');
  });

  test('with dualStackCoversAll, a free dual-stack :: answers alone', async () => {
    const port = await getTestPort();
    assert.deepEqual(await probeHosts(port, EVERY, 'tcp', { dualStackCoversAll: true }), [
      { host: '::', outcome: 'free' },
    ]);
    assert.deepEqual(
      await probeHosts(port, ['127.0.0.1', '::'], 'tcp', { dualStackCoversAll: true }),
      [
        { host: '127.0.0.1', outcome: 'free' },
        { host: '::', outcome: 'free' },
      ],
    );
  });

  test('stops at the first in-use', async () => {
    const port = await getTestPort();
    await holder({ port, host: '::1' });
    assert.deepEqual(await probeHosts(port, ['127.0.0.1', '::1', '0.0.0.0'], 'tcp'), [
      { host: '127.0.0.1', outcome: 'free' },
      { host: '::1', outcome: 'in-use' },
    ]);
  });

  test('Linux: a listener on any address makes dual-stack :: in use', LINUX_TOOLS, async () => {
    for (const host of ['127.0.0.1', '::1', '0.0.0.0']) {
      const port = await getTestPort();
      await holder({ port, host });
      assert.deepEqual(
        await probeHosts(port, EVERY, 'tcp', { dualStackCoversAll: true }),
        [{ host: '::', outcome: 'in-use' }],
        host,
      );
    }
  });

  test('an address this machine does not have: not-applicable, the next one is probed', async () => {
    const port = await getTestPort();
    // 203.0.113.0/24 is TEST-NET-3 (RFC 5737): never an address of this machine.
    assert.deepEqual(await probeHosts(port, ['203.0.113.7', '127.0.0.1'], 'tcp'), [
      { host: '203.0.113.7', outcome: 'not-applicable' },
      { host: '127.0.0.1', outcome: 'free' },
    ]);
  });
});

describe('probeHosts, UDP', () => {
  test('a bound UDP socket: its address in use, the other family free', async () => {
    const port = await getTestPort();
    await holder({ port, host: '127.0.0.1', protocol: 'udp' });
    assert.deepEqual(await probeHosts(port, ['::1', '127.0.0.1'], 'udp'), [
      { host: '::1', outcome: 'free' },
      { host: '127.0.0.1', outcome: 'in-use' },
    ]);
    assert.deepEqual(await probeHosts(port, ['127.0.0.1'], 'tcp'), [
      { host: '127.0.0.1', outcome: 'free' },
    ]);
  });
});

/** The first port an unprivileged user may bind (Linux), or 0 where that cannot be read. */
function unprivilegedStart(): number {
  try {
    return Number(readFileSync('/proc/sys/net/ipv4/ip_unprivileged_port_start', 'utf8'));
  } catch {
    return 0;
  }
}

describe('probeHosts as another user', {
  skip:
    (!canSwitchUser || unprivilegedStart() <= 1) &&
    'needs root, setpriv and privileged ports (Linux ip_unprivileged_port_start > 1)',
}, () => {
  test("a privileged port as nobody: 'denied', not 'in-use' nor 'free'", async () => {
    const result = await runAsNobody(
      `const { pathToFileURL } = await import('node:url');
       const { probeHosts } = await import(new URL('./core/probe.ts', pathToFileURL(process.env.PW_ENTRY)).href);
       console.log(JSON.stringify(await probeHosts(Number(process.env.PW_PORT), ['127.0.0.1'], 'tcp')));`,
      { PW_PORT: '1' },
    );
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(JSON.parse(result.stdout), [{ host: '127.0.0.1', outcome: 'denied' }]);
  });
});
