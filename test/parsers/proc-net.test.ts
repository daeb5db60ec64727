import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { UnparseableOutputError } from '../../src/errors.ts';
import { formatIPv6, parseHexEndpoint, parseProcNet } from '../../src/parsers/proc-net.ts';

const fixture = (name: string) =>
  readFileSync(new URL(`../fixtures/proc/${name}`, import.meta.url), 'latin1');

test('jc /proc/net/tcp: listeners, states, uid and inode', () => {
  const rows = parseProcNet(fixture('jc/net_tcp-jc.txt'), { protocol: 'tcp', family: 'IPv4' });
  assert.equal(rows.length, 27);
  const listeners = rows.filter((row) => row.state === 'LISTEN');
  assert.deepEqual(
    listeners.map((row) => [row.localAddress, row.localPort, row.uid, row.inode]),
    [
      ['127.0.0.53', 53, 101, 34000],
      ['127.0.0.1', 35303, 1000, 140054],
      ['127.0.0.1', 631, 0, 34523],
      ['0.0.0.0', 22, 0, 23459],
    ],
  );
  assert.equal(listeners[0]?.remoteAddress, null, 'a listener has no remote end');
  const closeWait = rows.find((row) => row.state === 'CLOSE_WAIT');
  assert.deepEqual(
    [
      closeWait?.localAddress,
      closeWait?.localPort,
      closeWait?.remoteAddress,
      closeWait?.remotePort,
    ],
    ['192.168.42.128', 54352, '152.199.4.33', 443],
  );
  const timeWait = rows.filter((row) => row.state === 'TIME_WAIT');
  assert.equal(timeWait.length, 15);
  assert.ok(
    timeWait.every((row) => row.inode === 0),
    'TIME_WAIT rows own no inode',
  );
  assert.equal(rows.filter((row) => row.state === 'FIN_WAIT1').length, 6);
});

test('jc /proc/net/tcp6: IPv6 words in host order', () => {
  const rows = parseProcNet(fixture('jc/net_tcp6-jc.txt'), { protocol: 'tcp', family: 'IPv6' });
  assert.equal(rows.length, 8);
  assert.deepEqual(
    [rows[0]?.localAddress, rows[0]?.localPort, rows[0]?.state, rows[0]?.inode],
    ['::', 22, 'LISTEN', 23556],
  );
  assert.equal(rows[1]?.localAddress, '2601:646:9e01:f100::3a4c');
  assert.equal(rows[1]?.remotePort, 80);
  assert.equal(rows[1]?.state, 'TIME_WAIT');
});

test('the port filter keeps only the rows of that local port (and remote, when asked)', () => {
  const text = fixture('jc/net_tcp-jc.txt');
  const rows = parseProcNet(text, { protocol: 'tcp', family: 'IPv4', port: 22 });
  assert.ok(rows.length >= 2);
  assert.ok(rows.every((row) => row.localPort === 22));
  const withRemote = parseProcNet(text, {
    protocol: 'tcp',
    family: 'IPv4',
    port: 80,
    includeRemote: true,
  });
  assert.ok(withRemote.length > 0);
  assert.ok(withRemote.every((row) => row.remotePort === 80 || row.localPort === 80));
  assert.deepEqual(parseProcNet(text, { protocol: 'tcp', family: 'IPv4', port: 80 }), []);
});

test('real /proc/net/udp of this machine: unconnected UDP is BOUND', () => {
  const rows = parseProcNet(fixture('tree/net/udp'), { protocol: 'udp', family: 'IPv4' });
  assert.deepEqual(
    rows.map((row) => [row.localAddress, row.localPort, row.state, row.inode, row.remoteAddress]),
    [['127.0.0.1', 47999, 'BOUND', 17148, null]],
  );
});

test('hex endpoints and IPv6 formatting', () => {
  assert.deepEqual(parseHexEndpoint('0100007F:1F90', 'IPv4'), { address: '127.0.0.1', port: 8080 });
  assert.deepEqual(parseHexEndpoint('7F000001:1F90', 'IPv4', 'BE'), {
    address: '127.0.0.1',
    port: 8080,
  });
  assert.deepEqual(parseHexEndpoint('00000000000000000000000001000000:0050', 'IPv6'), {
    address: '::1',
    port: 80,
  });
  assert.deepEqual(parseHexEndpoint('0000000000000000FFFF00000100007F:0050', 'IPv6'), {
    address: '::ffff:127.0.0.1',
    port: 80,
  });
  assert.equal(parseHexEndpoint('XYZ:0050', 'IPv4'), undefined);
  assert.equal(formatIPv6([0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]), 'fe80::1');
  assert.equal(formatIPv6([0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]), '1:0:1::1');
});

test('garbage is unparseable, not "no rows"', () => {
  assert.throws(
    () => parseProcNet('hello\nworld', { protocol: 'tcp', family: 'IPv4' }),
    UnparseableOutputError,
  );
  const header =
    '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n';
  assert.throws(
    () => parseProcNet(`${header}   0: nonsense\n`, { protocol: 'tcp', family: 'IPv4' }),
    {
      code: 'ERR_UNPARSEABLE_OUTPUT',
    },
  );
});
