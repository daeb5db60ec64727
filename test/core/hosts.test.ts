/**
 * src/core/hosts.ts: which addresses a bind probe tries. No host: the profile's list, plus every
 * interface address where only the exact address conflicts; `localhost`: both loopbacks; an IP
 * literal (with a zone): itself; a name: what the resolver says, or ERR_INVALID_OPTION.
 */
import assert from 'node:assert/strict';
import { networkInterfaces } from 'node:os';
import { test } from 'node:test';
import { probeAddresses } from '../../src/core/hosts.ts';
import { InvalidOptionError } from '../../src/errors.ts';
import type { ProbeRules } from '../../src/platform/profile.ts';
import { platformProfile } from '../../src/platform/profiles.ts';

const rules = (interfaceAddresses: boolean): ProbeRules => ({
  hosts: ['::', '0.0.0.0', '127.0.0.1', '::1'],
  interfaceAddresses,
  confirmWithSocketTable: false,
  dualStackCoversAll: false,
});

test('no host: the profile’s addresses, in order', async () => {
  assert.deepEqual(await probeAddresses(undefined, rules(false)), [
    '::',
    '0.0.0.0',
    '127.0.0.1',
    '::1',
  ]);
  assert.deepEqual(await probeAddresses(undefined, platformProfile('linux').probe), [
    ...platformProfile('linux').probe.hosts,
  ]);
});

test('no host, interface addresses wanted: every address of this machine once, IPv6 with its zone', async () => {
  const addresses = await probeAddresses(undefined, rules(true));
  assert.deepEqual(addresses.slice(0, 4), ['::', '0.0.0.0', '127.0.0.1', '::1']);
  assert.equal(new Set(addresses).size, addresses.length, 'no address twice');
  for (const address of Object.values(networkInterfaces()).flat()) {
    if (!address) continue;
    const text =
      address.family === 'IPv6' && address.scopeid
        ? `${address.address}%${address.scopeid}`
        : address.address;
    assert.ok(addresses.includes(text), text);
  }
});

test('localhost: both loopbacks, without asking the resolver', async () => {
  assert.deepEqual(await probeAddresses('localhost', rules(true)), ['127.0.0.1', '::1']);
});

test('an IP literal is probed alone (a zone index is kept)', async () => {
  assert.deepEqual(await probeAddresses('127.0.0.1', rules(true)), ['127.0.0.1']);
  assert.deepEqual(await probeAddresses('::1', rules(true)), ['::1']);
  assert.deepEqual(await probeAddresses('fe80::1%lo', rules(true)), ['fe80::1%lo']);
});

test('a name that does not resolve is ERR_INVALID_OPTION for host, with the cause', async () => {
  await assert.rejects(
    probeAddresses('no-such-host.invalid', rules(false)),
    (error: unknown) =>
      error instanceof InvalidOptionError &&
      error.option === 'host' &&
      error.cause !== undefined &&
      /no-such-host\.invalid/.test(error.message),
  );
});
