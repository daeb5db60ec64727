/**
 * src/platform/bind-conflicts.ts: which sockets stand in the way of `listen(port, host)`.
 * Linux's rule is checked against this machine's real stack: for each pair of addresses (loopbacks,
 * wildcards, an interface address where there is one), a listener on the first and a Node listen
 * on the second — the rule must say "conflict" exactly when the listen fails. The BSD/macOS and
 * Windows rule cannot run here: its cases are BUILT from the documented facts (PORT_MANAGEMENT.md,
 * "How each OS decides a bind conflict": with SO_REUSEADDR, or with no reuse option on Windows, a
 * wildcard listener and a specific-address listener coexist).
 */
import assert from 'node:assert/strict';
import type { Server } from 'node:net';
import { networkInterfaces } from 'node:os';
import { describe, test } from 'node:test';
import { overlappingAddresses, sameAddress } from '../../src/platform/bind-conflicts.ts';
import { platformProfile } from '../../src/platform/profiles.ts';
import { canListen, getTestPort, listen } from '../helpers/holders.ts';
import { LINUX_TOOLS } from '../helpers/live.ts';

/** This machine's first global (not loopback, not link-local) address of a family, if any. */
function interfaceAddress(family: 'IPv4' | 'IPv6'): string[] {
  for (const addresses of Object.values(networkInterfaces())) {
    for (const address of addresses ?? []) {
      if (address.family !== family || address.internal) continue;
      if (family === 'IPv6' && address.address.toLowerCase().startsWith('fe80')) continue;
      return [address.address];
    }
  }
  return [];
}

describe('Linux: overlapping addresses conflict', LINUX_TOOLS, () => {
  test('the rule agrees with real listens on this machine, for every pair of addresses', async () => {
    const addresses = [
      '0.0.0.0',
      '127.0.0.1',
      '127.0.0.2',
      '::',
      '::1',
      ...interfaceAddress('IPv4'),
      ...interfaceAddress('IPv6'),
    ];
    const hosts = [...addresses, '::ffff:127.0.0.1'];
    const disagreements: string[] = [];
    let conflicts = 0;
    for (const holderAddress of addresses) {
      const port = await getTestPort();
      const holder: Server = await listen(port, holderAddress);
      try {
        for (const host of hosts) {
          const fails = !(await canListen(port, host));
          const said = overlappingAddresses(holderAddress, host);
          if (said) conflicts++;
          if (fails !== said) {
            disagreements.push(`${holderAddress} vs ${host}: listen ${fails ? 'fails' : 'works'}`);
          }
        }
      } finally {
        await new Promise((resolve) => holder.close(resolve));
      }
    }
    assert.deepEqual(disagreements, []);
    assert.ok(conflicts > addresses.length, 'both answers occur');
  });

  test('what a socket table prints: brackets, zones, upper case, mapped IPv4', () => {
    assert.equal(overlappingAddresses('[::1]', '::1'), true);
    assert.equal(overlappingAddresses('fe80::1%lo', 'FE80::1'), true);
    assert.equal(overlappingAddresses('::ffff:127.0.0.1', '127.0.0.1'), true);
    assert.equal(overlappingAddresses('::ffff:127.0.0.1', '::1'), false);
    assert.equal(overlappingAddresses('[::]', '127.0.0.1'), true);
  });

  test('an address no tool could name, or that is no address, conflicts with everything', () => {
    for (const unknown of ['*', '', 'localhost']) {
      assert.equal(overlappingAddresses(unknown, '127.0.0.1'), true, unknown);
      assert.equal(overlappingAddresses('::1', unknown), true, unknown);
    }
  });
});

describe('BSD, macOS, Windows: only the same address conflicts (built from documented facts)', () => {
  test('a wildcard and a specific address coexist; the same address, and two wildcards, do not', () => {
    const cases: [string, string, boolean][] = [
      ['0.0.0.0', '127.0.0.1', false],
      ['127.0.0.1', '0.0.0.0', false],
      ['::', '127.0.0.1', false],
      ['::', '::1', false],
      ['127.0.0.1', '127.0.0.2', false],
      ['127.0.0.1', '::1', false],
      ['127.0.0.1', '127.0.0.1', true],
      ['[::1]', '::1', true],
      ['fe80::1%lo0', 'fe80::1', true],
      ['::ffff:10.0.0.1', '10.0.0.1', true],
      ['::', '0.0.0.0', true],
      ['0.0.0.0', '::', true],
      ['*', '127.0.0.1', true],
      ['127.0.0.1', '', true],
    ];
    for (const [holder, host, conflict] of cases) {
      assert.equal(sameAddress(holder, host), conflict, `${holder} vs ${host}`);
    }
  });
});

test("each OS's profile applies its rule", () => {
  assert.equal(platformProfile('linux').conflicts, overlappingAddresses);
  assert.equal(platformProfile('aix').conflicts, overlappingAddresses);
  for (const name of ['darwin', 'freebsd', 'win32']) {
    assert.equal(platformProfile(name).conflicts, sameAddress, name);
  }
});
