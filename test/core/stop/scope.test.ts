/**
 * src/core/stop/scope.ts: the probe target of a stop and the addresses that scope it, on this
 * machine's real addresses: no host (every holder counts), an address, `localhost`, and a host
 * that is no address of this machine (ERR_INVALID_OPTION, before anything is signalled).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { killSettings } from '../../../src/api/stop.ts';
import { createContext } from '../../../src/core/context.ts';
import { stopScope } from '../../../src/core/stop/scope.ts';
import { canListen, getTestPort, startHolder, trackHolders } from '../../helpers/holders.ts';

const hold = trackHolders();
const context = createContext();

test('no host: no scope; the target probes the platform addresses', async () => {
  const port = await getTestPort();
  const { target, scope } = await stopScope(killSettings(port, {}), context);
  assert.equal(scope, undefined);
  assert.deepEqual(
    [target.port, target.protocol, target.host, target.forcedAdapter],
    [port, 'tcp', undefined, undefined],
  );
  assert.deepEqual(
    target.addresses.slice(0, context.platform.probe.hosts.length),
    context.platform.probe.hosts,
  );
  assert.deepEqual(target.addresses.slice(0, 4), ['::', '0.0.0.0', '127.0.0.1', '::1']);
});

test('a host: its addresses are the scope (localhost: both loopbacks)', async () => {
  const port = await getTestPort();
  const one = await stopScope(killSettings(port, { host: '127.0.0.1', protocol: 'udp' }), context);
  assert.deepEqual(one.scope, ['127.0.0.1']);
  assert.equal(one.target.host, '127.0.0.1');
  assert.equal(one.target.protocol, 'udp');
  const both = await stopScope(killSettings(port, { host: 'localhost' }), context);
  assert.deepEqual(both.scope, ['127.0.0.1', '::1']);
});

test('a host in use is a valid scope (busy is not "no such address"); nothing is stopped', async () => {
  const port = await getTestPort();
  const holder = await hold(startHolder({ port, host: '127.0.0.1' }));
  const { scope } = await stopScope(killSettings(port, { host: '127.0.0.1' }), context);
  assert.deepEqual(scope, ['127.0.0.1']);
  assert.equal(holder.alive(), true);
  assert.equal(await canListen(port, '127.0.0.1'), false);
});

test('a host that is no address of this machine: ERR_INVALID_OPTION', async () => {
  const port = await getTestPort();
  // 203.0.113.0/24 is TEST-NET-3 (RFC 5737): never an address of this machine.
  await assert.rejects(stopScope(killSettings(port, { host: '203.0.113.7' }), context), {
    code: 'ERR_INVALID_OPTION',
    message: /203\.0\.113\.7 is not an address of this machine/,
  });
});
