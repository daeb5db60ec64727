/**
 * Windows netstat parser and console decoding: recorded en-US, fr-FR and zh-CN outputs
 * (test/fixtures/win32), and a German output in CP850 bytes BUILT from the format facts
 * (test/fixtures/built/win32; no capture with PIDs exists, see test/fixtures/SOURCES-other-os.md).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { decodeConsoleOutput, decodeWindowsConsole } from '../../src/parsers/code-pages.ts';
import { parseNetstatWindows } from '../../src/parsers/netstat-windows.ts';
import type { SocketRow } from '../../src/types.ts';

const bytes = (name: string) => readFileSync(new URL(`../fixtures/${name}`, import.meta.url));
const fixture = (name: string) => bytes(name).toString('utf8');

const at = (rows: readonly SocketRow[], port: number, protocol = 'tcp') =>
  rows.filter((row) => row.localPort === port && row.protocol === protocol);

describe('recorded outputs', () => {
  test('en-US `netstat -aon` (CRLF): 443 LISTEN pid 9396 on 0.0.0.0 and ::, 445 pid 4 System', () => {
    const text = fixture('win32/netstat-ano/en-US-win10-jc-aon-crlf.txt');
    assert.ok(text.includes('\r\n'));
    const rows = parseNetstatWindows(text);
    assert.deepEqual(at(rows, 443), [
      {
        protocol: 'tcp',
        family: 'IPv4',
        localAddress: '0.0.0.0',
        localPort: 443,
        remoteAddress: null,
        remotePort: null,
        state: 'LISTEN',
        rawState: 'LISTENING',
        owners: [{ pid: 9396 }],
      },
      {
        protocol: 'tcp',
        family: 'IPv6',
        localAddress: '::',
        localPort: 443,
        remoteAddress: null,
        remotePort: null,
        state: 'LISTEN',
        rawState: 'LISTENING',
        owners: [{ pid: 9396 }],
      },
    ]);
    assert.deepEqual(
      at(rows, 445).map((row) => [row.localAddress, row.state, row.owners]),
      [
        ['0.0.0.0', 'LISTEN', [{ pid: 4, name: 'System' }]],
        ['::', 'LISTEN', [{ pid: 4, name: 'System' }]],
      ],
    );
    const [loopbackV6] = at(rows, 1025);
    assert.equal(loopbackV6?.localAddress, '::1');
    assert.equal(loopbackV6?.family, 'IPv6');
    assert.equal(loopbackV6?.state, 'LISTEN');
    assert.deepEqual(loopbackV6?.owners, [{ pid: 6088 }]);
    // Loopback pair: both ends ESTABLISHED, owned by the same process.
    const [pair] = at(rows, 1031);
    assert.equal(pair?.state, 'ESTABLISHED');
    assert.equal(pair?.rawState, undefined);
    assert.equal(pair?.remoteAddress, '127.0.0.1');
    assert.equal(pair?.remotePort, 1032);
    assert.deepEqual(pair?.owners, [{ pid: 10644 }]);
    // Many UDP 5353 rows with different pids; UDP rows are BOUND with no remote end.
    const mdns = at(rows, 5353, 'udp');
    assert.ok(mdns.length > 3);
    assert.ok(mdns.every((row) => row.state === 'BOUND' && row.remoteAddress === null));
    assert.ok(new Set(mdns.map((row) => row.owners[0]?.pid)).size > 1);
    assert.equal(rows.filter((row) => row.state === 'TIME_WAIT').length, 0); // none in this capture
    assert.equal(rows.length, 208); // every TCP/UDP line of the 212-line file
  });

  test('fr-FR `netstat -ano` (no PID label in the header): 127.0.0.1:49350 LISTEN pid 2980, TIME_WAIT rows own nothing', () => {
    const rows = parseNetstatWindows(
      fixture('win32/netstat-ano/fr-FR-win10-1909-no-pid-header.txt'),
    );
    const listeners = at(rows, 49350);
    assert.deepEqual(listeners, [
      {
        protocol: 'tcp',
        family: 'IPv4',
        localAddress: '127.0.0.1',
        localPort: 49350,
        remoteAddress: null,
        remotePort: null,
        state: 'LISTEN',
        rawState: 'LISTENING',
        owners: [{ pid: 2980 }],
      },
    ]);
    const timeWaits = rows.filter((row) => row.remotePort === 49350);
    assert.equal(timeWaits.length, 6);
    for (const row of timeWaits) {
      assert.equal(row.state, 'TIME_WAIT');
      assert.deepEqual(row.owners, []);
    }
    assert.deepEqual(
      at(rows, 80).map((row) => [row.localAddress, row.owners[0]?.pid]),
      [
        ['0.0.0.0', 4],
        ['::', 4],
      ],
    );
    // Link-local UDP rows whose address overflows its column, zone id kept.
    const ssdp = at(rows, 1900, 'udp').find((row) => row.localAddress.startsWith('fe80::297f'));
    assert.equal(ssdp?.localAddress, 'fe80::297f:1c43:7984:df29%11');
    assert.deepEqual(ssdp?.owners, [{ pid: 8708 }]);
    assert.equal(at(rows, 50732)[0]?.state, 'CLOSE_WAIT');
  });

  test('zh-CN `netstat -ano` (Chinese header, LF): 80 and 443 LISTEN pid 2288', () => {
    const rows = parseNetstatWindows(fixture('win32/netstat-ano/zh-CN-win7-find-process.txt'));
    assert.equal(rows.length, 15);
    for (const port of [80, 443]) {
      assert.deepEqual(
        at(rows, port).map((row) => [row.localAddress, row.state, row.owners]),
        [['0.0.0.0', 'LISTEN', [{ pid: 2288 }]]],
      );
    }
    const [timeWait] = at(rows, 50510);
    assert.equal(timeWait?.state, 'TIME_WAIT');
    assert.deepEqual(timeWait?.owners, []);
  });

  test('en-US `netstat -aonb`: rows parse despite the continuation lines', () => {
    const text = fixture('win32/netstat-anob/en-US-win10-jc-aonb-crlf.txt');
    const rows = parseNetstatWindows(text);
    const rowLines = text.split('\r\n').filter((line) => /^\s*(TCP|UDP)\s/.test(line));
    assert.equal(rows.length, rowLines.length);
    assert.ok(rows.length > 200);
    assert.deepEqual(at(rows, 135)[0]?.owners, [{ pid: 1712 }]);
    assert.deepEqual(at(rows, 443)[0]?.owners, [{ pid: 9396 }]);
    assert.deepEqual(at(rows, 445)[0]?.owners, [{ pid: 4, name: 'System' }]);
    // No row was made of a continuation line.
    assert.ok(rows.every((row) => row.localPort > 0 && !Number.isNaN(row.localPort)));
  });

  test('en-US `netstat -an` (no PID column): pids unknown, UDP rows with 3 fields', () => {
    const rows = parseNetstatWindows(
      fixture('win32/netstat-an/en-US-win10-jc-no-pid-column-crlf.txt'),
    );
    assert.ok(rows.length > 200);
    assert.ok(rows.every((row) => row.owners.length === 0));
    assert.equal(at(rows, 443)[0]?.state, 'LISTEN');
    const dns = at(rows, 53, 'udp');
    assert.equal(dns.length, 2);
    assert.equal(dns[0]?.state, 'BOUND');
  });

  test('en-US plain `netstat` (host and service names): rows whose port is a name are not guessed', () => {
    const rows = parseNetstatWindows(
      fixture('win32/netstat-an/en-US-win10-jc-netstat-plain-crlf.txt'),
    );
    const [pair] = at(rows, 1031);
    assert.equal(pair?.remoteAddress, 'api');
    assert.equal(pair?.remotePort, 1032);
    assert.ok(rows.every((row) => Number.isInteger(row.localPort)));
    // `...:https` foreign ends have no numeric port: no remote rather than a wrong one.
    assert.ok(rows.every((row) => row.remotePort === null || Number.isInteger(row.remotePort)));
  });
});

describe('German output in CP850 (BUILT from the format facts, not recorded)', () => {
  const raw = bytes('built/win32/netstat-ano-de-DE-cp850-crlf.bin');

  test('decoded as CP850: ABHÖREN is LISTEN; German states map; 445 is System', () => {
    const text = decodeConsoleOutput(raw, 850);
    assert.ok(text.includes('ABHÖREN'));
    const rows = parseNetstatWindows(text);
    assert.equal(rows.length, 14);
    const listeners = at(rows, 3000).filter((row) => row.state === 'LISTEN');
    assert.deepEqual(
      listeners.map((row) => [row.localAddress, row.rawState, row.owners]),
      [
        ['0.0.0.0', 'ABHÖREN', [{ pid: 7316 }]],
        ['::', 'ABHÖREN', [{ pid: 7316 }]],
      ],
    );
    assert.deepEqual(
      at(rows, 3000)
        .filter((row) => row.state !== 'LISTEN')
        .map((row) => [row.state, row.rawState, row.owners]),
      [
        ['ESTABLISHED', 'HERGESTELLT', [{ pid: 7316 }]],
        ['TIME_WAIT', 'WARTEND', []],
      ],
    );
    assert.equal(at(rows, 51560)[0]?.state, 'CLOSE_WAIT');
    assert.equal(at(rows, 51561)[0]?.state, 'FIN_WAIT2');
    assert.deepEqual(at(rows, 445)[0]?.owners, [{ pid: 4, name: 'System' }]);
    assert.equal(at(rows, 5432)[0]?.localAddress, '::1');
    assert.equal(at(rows, 1900, 'udp')[0]?.localAddress, 'fe80::1c2b:3d4e:5f60:7182%7');
  });

  test('decoded in the wrong code page, listeners are still found by their foreign address', () => {
    for (const text of [
      raw.toString('latin1'),
      decodeWindowsConsole(raw, 1252),
      decodeWindowsConsole(raw, 866),
    ]) {
      const rows = parseNetstatWindows(text);
      const listeners = rows.filter((row) => row.state === 'LISTEN');
      assert.equal(listeners.length, 6); // 135, 445, 3000 (IPv4); 135, 3000, 5432 (IPv6)
      assert.ok(
        listeners.every((row) => row.rawState !== 'ABHÖREN' && row.rawState?.startsWith('ABH')),
      );
      assert.deepEqual(
        at(rows, 3000).map((row) => row.state),
        ['LISTEN', 'ESTABLISHED', 'TIME_WAIT', 'LISTEN'],
      );
    }
  });
});

// Console decoding itself: test/parsers/code-pages.test.ts.
