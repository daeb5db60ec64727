/**
 * BSD netstat parser: recorded macOS and FreeBSD outputs (test/fixtures/darwin, freebsd), and the
 * newer macOS layouts, for which no capture exists, from inputs BUILT from the format facts
 * (test/fixtures/built/darwin, see test/fixtures/SOURCES-other-os.md). Tests on built input say so.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { UnparseableOutputError } from '../../src/errors.ts';
import { parseBsdNetstatHeader, parseNetstatDarwin } from '../../src/parsers/netstat-darwin.ts';
import type { SocketRow } from '../../src/types.ts';

const fixture = (name: string) =>
  readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8');

const at = (rows: readonly SocketRow[], port: number, protocol = 'tcp') =>
  rows.filter((row) => row.localPort === port && row.protocol === protocol);

const pidsOf = (rows: readonly SocketRow[]) =>
  rows.flatMap((row) => row.owners.map((owner) => owner.pid));

/** Every rhiwat/shiwat/rxbytes/txbytes value in the files: none of them may come out as a pid. */
const NOT_PIDS = new Set([
  131072, 131328, 131346, 131768, 131100, 132432, 408300, 146988, 408256, 408008, 786896, 9216,
  131600, 2112, 9840, 4820, 18233, 118268, 40208,
]);

describe('recorded outputs', () => {
  test('OS X 2016 `netstat -anv` (rhiwat shiwat pid epid): tcp46 *.443 and *.8888 LISTEN pid 61044', () => {
    const rows = parseNetstatDarwin(fixture('darwin/netstat-anv/osx-2016-pid-epid-only.txt'));
    assert.equal(rows.length, 5);
    for (const port of [443, 8888]) {
      assert.deepEqual(at(rows, port), [
        {
          protocol: 'tcp',
          family: 'IPv6',
          localAddress: '::',
          localPort: port,
          remoteAddress: null,
          remotePort: null,
          state: 'LISTEN',
          owners: [{ pid: 61044 }],
        },
      ]);
    }
    const [established] = at(rows, 55669);
    assert.equal(established?.state, 'ESTABLISHED');
    assert.equal(established?.remoteAddress, '10.20.13.51');
    assert.equal(established?.remotePort, 8000);
    assert.deepEqual(pidsOf(at(rows, 55669)), [422]);
    assert.deepEqual(pidsOf(at(rows, 55663)), [36843]);
    assert.equal(at(rows, 55663)[0]?.state, 'CLOSE_WAIT');
    for (const pid of pidsOf(rows)) assert.ok(!NOT_PIDS.has(pid), `pid ${pid} is a buffer size`);
  });

  test('macOS 10.14 `netstat -An` (18-character columns): no row with a cut port, no pid', () => {
    const text = fixture('darwin/netstat-an/osx-10.14.6-netstat-An-truncated-addresses-jc.txt');
    const rows = parseNetstatDarwin(text);
    // Cut addresses such as `192.168.1.221.5486` (really port 5486x) would give a wrong port:
    // every local address that fills the 18-character column is dropped, as are cut IPv6 hosts.
    assert.deepEqual(at(rows, 5486), []);
    assert.deepEqual(at(rows, 5450), []);
    assert.deepEqual(at(rows, 4), []);
    assert.deepEqual(at(rows, 5), []);
    assert.deepEqual(at(rows, 5063, 'udp'), []); // `192.168.1.221.5063` (UDP, cut)
    assert.ok(rows.every((row) => !row.localAddress.startsWith('192.168.1.221')));
    assert.ok(
      rows.every(
        (row) => !row.localAddress.startsWith('fe80') && !row.localAddress.startsWith('2600'),
      ),
    );
    // Short addresses are exact.
    const [loop] = at(rows, 53755);
    assert.equal(loop?.remoteAddress, '127.0.0.1');
    assert.equal(loop?.remotePort, 53763);
    assert.equal(at(rows, 9592)[0]?.state, 'CLOSE_WAIT');
    // `udp46 *.61224` is dual stack; unbound `*.*` rows and `icm4` rows are not sockets on a port.
    assert.deepEqual(at(rows, 61224, 'udp')[0]?.localAddress, '::');
    assert.equal(at(rows, 61224, 'udp')[0]?.family, 'IPv6');
    assert.equal(at(rows, 61224, 'udp')[0]?.state, 'BOUND');
    assert.equal(at(rows, 5353, 'udp').length, 10); // ten `*.5353` rows (mDNS), udp4, udp6 and udp46
    assert.ok(rows.every((row) => row.owners.length === 0)); // no -v: no pid column
    assert.equal(rows.length, 47); // 3 TCP rows and 44 UDP rows survive; the UNIX/kernel sections are not read
    assert.ok(rows.every((row) => Number.isInteger(row.localPort) && row.localPort > 0));
  });

  test('FreeBSD 12 `netstat -an` parses through the same function (no pid)', () => {
    const rows = parseNetstatDarwin(fixture('freebsd/netstat-an/freebsd12-netstat-an-jc.txt'));
    assert.equal(rows.length, 6);
    assert.deepEqual(
      at(rows, 22).map((row) => [row.family, row.localAddress, row.state]),
      [
        ['IPv4', '192.168.71.163', 'ESTABLISHED'],
        ['IPv4', '0.0.0.0', 'LISTEN'],
        ['IPv6', '::', 'LISTEN'],
      ],
    );
    assert.equal(at(rows, 25)[0]?.localAddress, '127.0.0.1');
    assert.deepEqual(
      at(rows, 514, 'udp').map((row) => [row.localAddress, row.state, row.remoteAddress]),
      [
        ['0.0.0.0', 'BOUND', null],
        ['::', 'BOUND', null],
      ],
    );
    assert.ok(rows.every((row) => row.owners.length === 0));
  });
});

describe('built inputs (no capture exists; written from the format facts)', () => {
  test('BUILT Mojave layout (pid epid state options, hex flags)', () => {
    const rows = parseNetstatDarwin(fixture('built/darwin/netstat-anv-p-tcp-mojave-10.14.txt'));
    assert.equal(rows.length, 6);
    assert.deepEqual(pidsOf(at(rows, 3000).filter((row) => row.state === 'LISTEN')), [45121]);
    assert.deepEqual(pidsOf(at(rows, 6379)), [733, 733]);
    assert.deepEqual(
      at(rows, 6379).map((row) => row.localAddress),
      ['127.0.0.1', '::1'],
    );
    assert.deepEqual(pidsOf(at(rows, 52040)), [9811]);
    for (const pid of pidsOf(rows)) assert.ok(!NOT_PIDS.has(pid), `pid ${pid} is a buffer size`);
  });

  test('BUILT Sonoma layout: pid is the header`s `pid` column, never rhiwat', () => {
    const rows = parseNetstatDarwin(fixture('built/darwin/netstat-anv-p-tcp-sonoma-14.txt'));
    assert.equal(rows.length, 10);
    const listeners = at(rows, 3000).filter((row) => row.state === 'LISTEN');
    assert.deepEqual(listeners, [
      {
        protocol: 'tcp',
        family: 'IPv6',
        localAddress: '::',
        localPort: 3000,
        remoteAddress: null,
        remotePort: null,
        state: 'LISTEN',
        owners: [{ pid: 45121 }],
      },
    ]);
    // The server side of a loopback connection and the client side have different pids.
    const connection = at(rows, 3000).find((row) => row.state === 'ESTABLISHED');
    assert.equal(connection?.remotePort, 52114);
    assert.deepEqual(connection?.owners, [{ pid: 45121 }]);
    assert.deepEqual(pidsOf(at(rows, 52114)), [51230]);
    // AirPlay-like holder on 5000, IPv4 and IPv6 wildcards.
    assert.deepEqual(
      at(rows, 5000).map((row) => [row.localAddress, row.family, row.owners[0]?.pid]),
      [
        ['0.0.0.0', 'IPv4', 512],
        ['::', 'IPv6', 512],
      ],
    );
    // Zone ids stay on the address.
    assert.equal(at(rows, 631)[0]?.localAddress, 'fe80::1%lo0');
    // IPv6 hosts cut to 16 characters by netstat (no -l): the port is exact, the address as printed.
    const [cut] = at(rows, 52131);
    assert.equal(cut?.localAddress, '2a02:8108:1234:5');
    assert.equal(cut?.remotePort, 443);
    assert.deepEqual(cut?.owners, [{ pid: 60311 }]);
    assert.equal(at(rows, 52130)[0]?.rawState, undefined);
    assert.equal(at(rows, 52130)[0]?.state, 'CLOSE_WAIT');
    for (const pid of pidsOf(rows)) assert.ok(!NOT_PIDS.has(pid), `pid ${pid} is a buffer size`);
  });

  test('BUILT Sonoma UDP rows: the blank state shifts the columns by one', () => {
    const rows = parseNetstatDarwin(fixture('built/darwin/netstat-anv-p-udp-sonoma-14.txt'));
    assert.deepEqual(
      rows.map((row) => [
        row.family,
        row.localAddress,
        row.localPort,
        row.state,
        row.owners[0]?.pid,
      ]),
      [
        ['IPv4', '0.0.0.0', 5353, 'BOUND', 402],
        ['IPv6', '::', 5353, 'BOUND', 402],
        ['IPv6', '::', 41234, 'BOUND', 45121],
        ['IPv4', '192.168.1.20', 61022, 'ESTABLISHED', 60311],
      ],
    );
    assert.equal(rows[3]?.remoteAddress, '192.168.1.1');
    assert.equal(rows[3]?.remotePort, 53);
  });

  test('BUILT Sequoia `-anvl` layout (rxbytes txbytes before rhiwat; 45-character columns)', () => {
    const rows = parseNetstatDarwin(fixture('built/darwin/netstat-anvl-p-tcp-sequoia-15.txt'));
    assert.equal(rows.length, 7);
    const listeners = at(rows, 8080).filter((row) => row.state === 'LISTEN');
    assert.deepEqual(
      listeners.map((row) => [row.localAddress, row.family, row.owners[0]?.pid]),
      [
        ['127.0.0.1', 'IPv4', 77812],
        ['::1', 'IPv6', 77812],
        ['fe80::1%lo0', 'IPv6', 77812],
      ],
    );
    assert.deepEqual(at(rows, 3001)[0]?.localAddress, '2a02:8108:1234:5600:8d1c:2e7f:9a3b:11c4');
    assert.deepEqual(pidsOf(at(rows, 3001)), [78001]);
    assert.deepEqual(pidsOf(at(rows, 51788)), [77990]);
    assert.deepEqual(pidsOf(at(rows, 52137)), [2903]);
    for (const pid of pidsOf(rows)) assert.ok(!NOT_PIDS.has(pid), `pid ${pid} is a buffer size`);
    const udp = parseNetstatDarwin(fixture('built/darwin/netstat-anvl-p-udp-sequoia-15.txt'));
    assert.deepEqual(
      udp.map((row) => [row.localAddress, row.localPort, row.state, row.owners[0]?.pid]),
      [
        ['0.0.0.0', 5353, 'BOUND', 402],
        ['::1', 8125, 'BOUND', 78120],
      ],
    );
  });

  test('BUILT Tahoe layout: `process:pid`, names with spaces and colons, digits after the last colon', () => {
    const rows = parseNetstatDarwin(fixture('built/darwin/netstat-anv-p-tcp-tahoe-26.txt'));
    assert.equal(rows.length, 7);
    assert.deepEqual(at(rows, 3000).find((row) => row.state === 'LISTEN')?.owners, [
      { pid: 45121, name: 'node' },
    ]);
    assert.deepEqual(at(rows, 52310)[0]?.owners, [{ pid: 5120, name: 'Google Chrome He' }]);
    assert.deepEqual(at(rows, 8123)[0]?.owners, [{ pid: 31337, name: 'uvicorn:app' }]);
    assert.deepEqual(at(rows, 49515)[0]?.owners, [{ pid: 22712, name: 'Fusion Web Helper' }]);
    assert.deepEqual(
      at(rows, 7000).map((row) => [row.localAddress, row.owners[0]?.pid]),
      [
        ['0.0.0.0', 512],
        ['::', 512],
      ],
    );
    const udp = parseNetstatDarwin(fixture('built/darwin/netstat-anv-p-udp-tahoe-26.txt'));
    assert.deepEqual(
      udp.map((row) => [row.localAddress, row.localPort, row.state, row.owners[0]]),
      [
        ['0.0.0.0', 5353, 'BOUND', { pid: 402, name: 'mDNSResponder' }],
        ['::', 41234, 'BOUND', { pid: 45121, name: 'node' }],
      ],
    );
  });
});

describe('layout detection and safety', () => {
  test('the header decides where the pid is, not the OS version', () => {
    const sonoma =
      'Proto Recv-Q Send-Q  Local Address          Foreign Address        (State)      rhiwat  shiwat    pid   epid state  options           gencnt    flags   flags1 usecnt rtncnt fltrs';
    const sequoia =
      'Proto Recv-Q Send-Q  Local Address          Foreign Address        (state)        rxbytes    txbytes  rhiwat  shiwat    pid   epid state  options           gencnt    flags   flags1 usecnt rtncnt fltrs';
    const tahoe =
      'Proto Recv-Q Send-Q  Local Address          Foreign Address        (state)          rxbytes      txbytes  rhiwat  shiwat          process:pid    state  options           gencnt    flags   flags1 usecnt rtncnt fltrs';
    assert.deepEqual(parseBsdNetstatHeader(sonoma)?.owner, { kind: 'pid', index: 2 });
    assert.deepEqual(parseBsdNetstatHeader(sequoia)?.owner, { kind: 'pid', index: 4 });
    assert.deepEqual(parseBsdNetstatHeader(tahoe)?.owner, {
      kind: 'process:pid',
      index: 4,
      trailing: 8,
    });
    assert.equal(parseBsdNetstatHeader(sonoma)?.addressWidth, 22);
    const dashA =
      'Socket           Flowhash Proto Recv-Q Send-Q  Local Address      Foreign Address    (state)    ';
    assert.deepEqual(parseBsdNetstatHeader(dashA), {
      prefix: 2,
      columns: [],
      owner: undefined,
      addressWidth: 18,
    });
    assert.equal(parseBsdNetstatHeader('Address          Type   Recv-Q Send-Q  Inode'), undefined);
  });

  test('the same row under a Sonoma and a Sequoia header gives different pids (column 8 vs 10)', () => {
    const row =
      'tcp4       0      0  127.0.0.1.3000         *.*                    LISTEN       1111  2222  3333  4444  5555      0 00100 00000006 000000000002b7c4 00000000 00000800      1      0 000001';
    const sequoia = `Proto Recv-Q Send-Q  Local Address          Foreign Address        (state)        rxbytes    txbytes  rhiwat  shiwat    pid   epid state  options           gencnt    flags   flags1 usecnt rtncnt fltrs\n${row}\n`;
    assert.deepEqual(parseNetstatDarwin(sequoia)[0]?.owners, [{ pid: 5555 }]);
    const sonomaRow = row.replace('1111  2222  ', '');
    const sonoma = `Proto Recv-Q Send-Q  Local Address          Foreign Address        (State)      rhiwat  shiwat    pid   epid state  options           gencnt    flags   flags1 usecnt rtncnt fltrs\n${sonomaRow}\n`;
    assert.deepEqual(parseNetstatDarwin(sonoma)[0]?.owners, [{ pid: 5555 }]);
  });

  test('a row that does not line up with its header gets no owner rather than a guessed one', () => {
    const header =
      'Proto Recv-Q Send-Q  Local Address          Foreign Address        (state)        rxbytes    txbytes  rhiwat  shiwat    pid   epid state  options           gencnt    flags   flags1 usecnt rtncnt fltrs';
    // A Sonoma row (no rxbytes/txbytes) under a Sequoia header: column 10 would be `epid`... or
    // worse. The extra-column check and the numeric check refuse to read it.
    const extra = `${header}\ntcp4 0 0 127.0.0.1.3000 *.* LISTEN 10 20 131072 131072 4242 0 00100 00000006 0000000000000001 00000000 00000800 1 0 000001 EXTRA\n`;
    assert.deepEqual(parseNetstatDarwin(extra)[0]?.owners, []);
    const garbled = `${header}\ntcp4 0 0 127.0.0.1.3000 *.* LISTEN 10 x 131072 131072 4242 0\n`;
    assert.deepEqual(parseNetstatDarwin(garbled)[0]?.owners, []);
    // Rows without any header (grep output) are read, with no pid.
    const bare =
      'tcp4       0      0  127.0.0.1.3000         *.*                    LISTEN      131072 131072  61044      0\n';
    assert.deepEqual(parseNetstatDarwin(bare)[0]?.owners, []);
    assert.equal(parseNetstatDarwin(bare)[0]?.localPort, 3000);
  });

  test('stops at the next `Active ` section; pid 0 is no owner; other protocols are skipped', () => {
    const text = [
      'Active Internet connections (including servers)',
      'Proto Recv-Q Send-Q  Local Address          Foreign Address        (state)     rhiwat shiwat    pid   epid',
      'tcp4       0      0  127.0.0.1.631          *.*                    LISTEN      131072 131072      0      0',
      'icm6       0      0  *.*                    *.*                                 8192   8192    100      0',
      'Active Multipath Internet connections',
      'Proto/ID  Flags      Local Address          Foreign Address        (state)',
      'tcp4       0      0  127.0.0.1.9999         *.*                    LISTEN      131072 131072   4242      0',
      'Active LOCAL (UNIX) domain sockets',
      'Address          Type   Recv-Q Send-Q            Inode             Conn             Refs          Nextref Addr',
      '',
    ].join('\n');
    const rows = parseNetstatDarwin(text);
    assert.equal(rows.length, 1);
    assert.equal(rows[0]?.localPort, 631);
    assert.deepEqual(rows[0]?.owners, []);
  });

  test('states, CRLF, numeric state, empty and garbage input', () => {
    const text =
      'Proto Recv-Q Send-Q  Local Address          Foreign Address        (state)    \r\n' +
      'tcp4       0      0  10.0.0.2.22            10.0.0.9.50000         SYN_RCVD   \r\n' +
      'tcp4       0      0  10.0.0.2.22            10.0.0.9.50001         FIN_WAIT_2 \r\n' +
      'tcp4       0      0  10.0.0.2.22            10.0.0.9.50002         11         \r\n';
    const rows = parseNetstatDarwin(text);
    assert.deepEqual(
      rows.map((row) => [row.state, row.rawState]),
      [
        ['SYN_RECV', 'SYN_RCVD'],
        ['FIN_WAIT2', 'FIN_WAIT_2'],
        ['UNKNOWN', '11'],
      ],
    );
    assert.deepEqual(parseNetstatDarwin(''), []);
    assert.throws(
      () => parseNetstatDarwin('netstat: sysctl: Operation not permitted\n'),
      UnparseableOutputError,
    );
  });
});
