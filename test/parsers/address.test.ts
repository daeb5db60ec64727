/**
 * src/parsers/address.ts: the address forms the socket-table tools print (ss/netstat/lsof
 * `host:port`, `[v6]:port`, `*:port`; BSD netstat `host.port`, `*.*`), as in the recordings under
 * test/fixtures/.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  familyOf,
  isWildcard,
  normalizeAddress,
  splitBsdHostPort,
  splitHostPort,
} from '../../src/parsers/address.ts';

test('normalizeAddress: brackets off, wildcards by family, lower case', () => {
  assert.equal(normalizeAddress('[::1]'), '::1');
  assert.equal(normalizeAddress(' 127.0.0.1 '), '127.0.0.1');
  assert.equal(normalizeAddress('*'), '0.0.0.0');
  assert.equal(normalizeAddress('*', 'IPv6'), '::');
  assert.equal(normalizeAddress('', 'IPv4'), '0.0.0.0');
  assert.equal(normalizeAddress('[]', 'IPv6'), '::');
  assert.equal(normalizeAddress('FE80::1%ETH0'), 'fe80::1%eth0');
  assert.equal(normalizeAddress('[::FFFF:127.0.0.1]'), '::ffff:127.0.0.1');
});

test('familyOf: IPv4, IPv6 (zones, brackets, mapped), else the fallback', () => {
  assert.equal(familyOf('127.0.0.1'), 'IPv4');
  assert.equal(familyOf('::'), 'IPv6');
  assert.equal(familyOf('[::1]'), 'IPv6');
  assert.equal(familyOf('fe80::1%eth0'), 'IPv6');
  assert.equal(familyOf('::ffff:127.0.0.1'), 'IPv6');
  assert.equal(familyOf('*'), 'IPv4');
  assert.equal(familyOf('*', 'IPv6'), 'IPv6');
  assert.equal(familyOf('localhost', 'IPv6'), 'IPv6');
});

test('splitHostPort: the last colon splits (IPv6 keeps its colons), `*` is any port', () => {
  assert.deepEqual(splitHostPort('127.0.0.1:8080'), { address: '127.0.0.1', port: 8080 });
  assert.deepEqual(splitHostPort('[::1]:3000'), { address: '[::1]', port: 3000 });
  assert.deepEqual(splitHostPort(':::22'), { address: '::', port: 22 });
  assert.deepEqual(splitHostPort('*:53'), { address: '*', port: 53 });
  assert.deepEqual(splitHostPort('0.0.0.0:*'), { address: '0.0.0.0', port: null });
  assert.deepEqual(splitHostPort('[fe80::1%eth0]:546'), { address: '[fe80::1%eth0]', port: 546 });
  assert.deepEqual(splitHostPort('1.2.3.4:0'), { address: '1.2.3.4', port: 0 });
  assert.equal(splitHostPort('127.0.0.1'), undefined, 'no colon');
  assert.equal(splitHostPort('127.0.0.1:http'), undefined, 'service names are not ports');
  assert.equal(splitHostPort('127.0.0.1:65536'), undefined);
  assert.equal(splitHostPort('127.0.0.1:123456'), undefined);
  assert.equal(splitHostPort('127.0.0.1:'), undefined);
  assert.equal(splitHostPort('127.0.0.1:-1'), undefined);
});

test('splitBsdHostPort: the last dot splits (macOS and FreeBSD netstat)', () => {
  assert.deepEqual(splitBsdHostPort('127.0.0.1.8080'), { address: '127.0.0.1', port: 8080 });
  assert.deepEqual(splitBsdHostPort('*.3000'), { address: '*', port: 3000 });
  assert.deepEqual(splitBsdHostPort('*.*'), { address: '*', port: null });
  assert.deepEqual(splitBsdHostPort('fe80::1%lo0.123'), { address: 'fe80::1%lo0', port: 123 });
  assert.deepEqual(splitBsdHostPort('::1.5432'), { address: '::1', port: 5432 });
  assert.equal(splitBsdHostPort('localhost'), undefined);
  assert.equal(splitBsdHostPort('10.0.0.1.99999'), undefined);
});

test('isWildcard: 0.0.0.0, :: and *', () => {
  for (const address of ['0.0.0.0', '::', '*']) assert.equal(isWildcard(address), true, address);
  for (const address of ['127.0.0.1', '::1', '', '[::]', '0.0.0.0.0']) {
    assert.equal(isWildcard(address), false, address);
  }
});
