/**
 * The FreeBSD sockstat parser on the public recordings in test/fixtures/freebsd/sockstat (see
 * test/fixtures/freebsd/SOURCES.md: FreeBSD of 2013, 13.5, 14.5, 15.1). Inputs no recording
 * exists for are BUILT in this file from the format facts in that SOURCES.md, and each such test
 * says so.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { UnparseableOutputError } from '../../src/errors.ts';
import { parseSockstat } from '../../src/parsers/sockstat.ts';
import type { SocketRow } from '../../src/types.ts';

const fixture = (name: string) =>
  readFileSync(new URL(`../fixtures/freebsd/${name}`, import.meta.url), 'utf8');

const on = (rows: readonly SocketRow[], port: number, protocol = 'tcp') =>
  rows.filter((row) => row.localPort === port && row.protocol === protocol);

const pids = (rows: readonly SocketRow[]) => rows.flatMap((row) => row.owners.map((o) => o.pid));

const withoutHeader = (text: string) => text.replace(/^USER .*\n/, '');

test('sockstat 2013 `-Ptcp`: glued COMMAND+PID, glued addresses, `tcp4 6`, `?` owners', () => {
  const text = fixture('sockstat/freebsd9-sockstat-Ptcp-perkeep.txt');
  const rows = parseSockstat(text);
  assert.equal(rows.length, 31); // every line but the header is a TCP socket

  // A 16-character user pushes COMMAND into PID: `spc in nam63210` is "spc in name" (cut to 10
  // characters, spaces kept) and pid 63210. No -s: a row without a peer is a listener.
  const [listener, connection] = on(rows, 9000);
  assert.deepEqual(listener, {
    protocol: 'tcp',
    family: 'IPv4',
    localAddress: '0.0.0.0',
    localPort: 9000,
    remoteAddress: null,
    remotePort: null,
    state: 'LISTEN',
    owners: [{ pid: 63210, name: 'spc in nam' }],
  });
  // `192.168.123.5:9000192.168.123.21:49866`: LOCAL glued to FOREIGN, one valid split.
  assert.deepEqual(connection, {
    protocol: 'tcp',
    family: 'IPv4',
    localAddress: '192.168.123.5',
    localPort: 9000,
    remoteAddress: '192.168.123.21',
    remotePort: 49866,
    state: 'UNKNOWN', // no state column: a connection's state is not known
    owners: [{ pid: 63210, name: 'spc in nam' }],
  });
  assert.deepEqual(
    on(rows, 8000).map((row) => [row.remotePort, row.owners]),
    [
      [null, [{ pid: 62928, name: 'really-lon' }]],
      [49826, [{ pid: 62928, name: 'really-lon' }]],
    ],
  );

  // `camlistore camlistore10941 7 tcp4 6 *:3179`: a dual-stack socket printed `tcp4 6`.
  assert.deepEqual(on(rows, 3179), [
    {
      protocol: 'tcp',
      family: 'IPv6',
      localAddress: '::',
      localPort: 3179,
      remoteAddress: null,
      remotePort: null,
      state: 'LISTEN',
      owners: [{ pid: 10941, name: 'camlistore' }],
    },
  ]);

  // `?        ?          ?     ?  tcp4   *:895`: a socket no process holds is listed, owner hidden.
  assert.deepEqual(
    [...on(rows, 895), ...on(rows, 777)].map((row) => [row.family, row.localAddress, row.owners]),
    [
      ['IPv4', '0.0.0.0', []],
      ['IPv6', '::', []],
    ],
  );

  // Port 80 is nginx (master 2152, worker 62982, v4 and v6), never the 8000 or 9042 sockets.
  assert.deepEqual(pids(on(rows, 80)), [62982, 62982, 2152, 2152]);
  assert.deepEqual(
    on(rows, 80).map((row) => row.family),
    ['IPv4', 'IPv6', 'IPv4', 'IPv6'],
  );
  assert.ok(rows.every((row) => Number.isInteger(row.localPort)));

  // Four connections of python2.7 on 127.0.0.1:9042 (one listener, three accepted).
  assert.deepEqual(
    on(rows, 9042).map((row) => [row.state, row.remotePort]),
    [
      ['LISTEN', null],
      ['UNKNOWN', 51930],
      ['UNKNOWN', 20433],
      ['UNKNOWN', 55807],
    ],
  );
  assert.equal(on(rows, 9042)[0]?.localAddress, '127.0.0.1');

  // -q: the same lines without the header give the same rows.
  assert.deepEqual(parseSockstat(withoutHeader(text)), rows);
});

test('sockstat FreeBSD 13.5 `-46 -s -w`: states, unbracketed IPv6, `?` TIME_WAIT rows', () => {
  const text = fixture('sockstat/freebsd13-sockstat-46sw-mql.txt');
  const rows = parseSockstat(text);
  assert.equal(rows.length, 18);

  // nginx worker (www, 2579) and master (root, 2578) on one *:80 socket: one row per process.
  assert.deepEqual(
    on(rows, 80).map((row) => [row.state, row.localAddress, row.owners]),
    [
      ['LISTEN', '0.0.0.0', [{ pid: 2579, name: 'nginx' }]],
      ['LISTEN', '0.0.0.0', [{ pid: 2578, name: 'nginx' }]],
    ],
  );
  assert.deepEqual(
    on(rows, 25).map((row) => [row.localAddress, row.state, pids([row])]),
    [['127.0.0.1', 'LISTEN', [823]]],
  );

  // Port 22: two sshd-session processes on one connection, sshd on v6 and v4, a TIME_WAIT row.
  assert.deepEqual(
    on(rows, 22).map((row) => [row.family, row.state, row.remotePort, pids([row])]),
    [
      ['IPv4', 'ESTABLISHED', 62175, [38848]],
      ['IPv4', 'ESTABLISHED', 62175, [38846]],
      ['IPv6', 'LISTEN', null, [818]],
      ['IPv4', 'LISTEN', null, [818]],
      ['IPv4', 'TIME_WAIT', 62153, []], // `?        ?          ?     ?`: held by no process
    ],
  );
  assert.equal(on(rows, 22)[0]?.owners[0]?.name, 'sshd-sessi'); // COMMAND cut to 10

  // A client-side TIME_WAIT row: local port 27158, remote port 80 (not a row of port 80).
  assert.deepEqual(
    rows.filter((row) => row.remotePort === 80).map((row) => [row.localPort, row.state]),
    [[27158, 'TIME_WAIT']],
  );

  // UDP: no state column value; unbracketed IPv6 with zones.
  assert.deepEqual(
    on(rows, 123, 'udp').map((row) => [row.family, row.localAddress, row.state]),
    [
      ['IPv6', '::', 'BOUND'],
      ['IPv4', '0.0.0.0', 'BOUND'],
      ['IPv6', 'fe80::4ff:faff:fec9:b7d3%ena0', 'BOUND'],
      ['IPv4', '172.17.2.41', 'BOUND'],
      ['IPv6', '::1', 'BOUND'],
      ['IPv6', 'fe80::1%lo0', 'BOUND'],
      ['IPv4', '127.0.0.1', 'BOUND'],
    ],
  );
  assert.ok(on(rows, 123, 'udp').every((row) => pids([row])[0] === 775));

  // -q -s: without the header the state column is still found from the rows.
  assert.deepEqual(parseSockstat(withoutHeader(text)), rows);
});

test('sockstat FreeBSD 14.5 `-46 -s -w`: bracketed IPv6, tcp46, 3306 is not 33060', () => {
  const rows = parseSockstat(fixture('sockstat/freebsd14-sockstat-46sw-mql.txt'));
  assert.equal(rows.length, 18);
  assert.deepEqual(on(rows, 3306), [
    {
      protocol: 'tcp',
      family: 'IPv6', // tcp46: a dual-stack socket on ::
      localAddress: '::',
      localPort: 3306,
      remoteAddress: null,
      remotePort: null,
      state: 'LISTEN',
      owners: [{ pid: 29115, name: 'mysqld' }],
    },
  ]);
  assert.deepEqual(pids(on(rows, 33060)), [29115]);
  assert.equal(on(rows, 330).length, 0);

  assert.deepEqual(
    on(rows, 123, 'udp').map((row) => row.localAddress),
    [
      '::',
      '0.0.0.0',
      'fe80::4ff:d0ff:fee3:9f9f%ena0',
      '172.17.2.106',
      '::1',
      'fe80::1%lo0',
      '127.0.0.1',
    ],
  );
  const timeWait = rows.filter((row) => row.state === 'TIME_WAIT');
  assert.deepEqual(
    timeWait.map((row) => [row.localAddress, row.localPort, row.remoteAddress, row.remotePort]),
    [['172.17.2.106', 22, '203.0.113.10', 62154]],
  );
  assert.deepEqual(timeWait[0]?.owners, []);
});

test('sockstat FreeBSD 15.1 `-46 -s -w`: `??` owners and `??` UDP states', () => {
  const text = fixture('sockstat/freebsd15-sockstat-46sw-mql.txt');
  const rows = parseSockstat(text);
  assert.equal(rows.length, 17);
  assert.deepEqual(
    rows
      .filter((row) => row.state === 'TIME_WAIT')
      .map((row) => [row.localPort, row.remoteAddress, row.remotePort, row.owners]),
    [
      [65437, '198.51.100.20', 443, []],
      [27813, '198.51.100.21', 443, []],
    ],
  );
  // `??` in the state column of a UDP row is not a state.
  const udp = rows.filter((row) => row.protocol === 'udp');
  assert.equal(udp.length, 9);
  assert.ok(udp.every((row) => row.state === 'BOUND' && row.rawState === undefined));
  assert.deepEqual(
    on(rows, 22).map((row) => [row.family, row.state, pids([row])]),
    [
      ['IPv4', 'ESTABLISHED', [41255]],
      ['IPv4', 'ESTABLISHED', [41253]],
      ['IPv6', 'LISTEN', [1436]],
      ['IPv4', 'LISTEN', [1436]],
    ],
  );
  assert.deepEqual(parseSockstat(withoutHeader(text)), rows);
});

test('BUILT input: `-n` prints uids in USER, which fill `uid`', () => {
  // Built from the FreeBSD 14.5 recording's layout with `-n` (numeric users; the recording has names).
  const text =
    'USER     COMMAND    PID   FD  PROTO     LOCAL ADDRESS     FOREIGN ADDRESS     CONN STATE\n' +
    '80       nginx       7895 6   tcp4      *:80              *:*                 LISTEN\n' +
    '0        nginx       7894 6   tcp4      *:80              *:*                 LISTEN\n';
  assert.deepEqual(
    parseSockstat(text).map((row) => [row.uid, pids([row])]),
    [
      [80, [7895]],
      [0, [7894]],
    ],
  );
  // User names give no uid.
  const named = parseSockstat(fixture('sockstat/freebsd14-sockstat-46sw-mql.txt'));
  assert.ok(named.every((row) => row.uid === undefined));
});

test('BUILT input: a PID glued to COMMAND in two possible ways is not guessed', () => {
  // The line quoted in saltstack/salt salt/utils/network.py ("sockstat -4 -c -p 4506 does this
  // with high PIDs"): `python2.781106` is python2.7 + 81106 or python2.78 + 1106.
  const text =
    'USER     COMMAND    PID   FD PROTO  LOCAL ADDRESS    FOREIGN ADDRESS\n' +
    'salt-master python2.781106 35 tcp4  127.0.0.1:61115  127.0.0.1:4506\n';
  assert.deepEqual(parseSockstat(text), [
    {
      protocol: 'tcp',
      family: 'IPv4',
      localAddress: '127.0.0.1',
      localPort: 61115,
      remoteAddress: '127.0.0.1',
      remotePort: 4506,
      state: 'UNKNOWN',
      owners: [], // the socket is there; which pid holds it cannot be read
    },
  ]);
});

test('BUILT input: glued addresses split only one way (or by the port asked for)', () => {
  // Built from the 12–14 layout (a 16-character user pushes the line right, LOCAL touches
  // FOREIGN): `10.0.0.5:2210.0.0.9:51234` splits as :22 + 10.0.0.9, :221 + 0.0.0.9, :2 + 210.0.0.9.
  const text = 'really-long-user sshd       4321 5 tcp4 10.0.0.5:2210.0.0.9:51234\n';
  assert.deepEqual(parseSockstat(text), []); // recognised, but the row cannot be read
  assert.deepEqual(
    parseSockstat(text, { port: 22 }).map((row) => [
      row.localPort,
      row.remoteAddress,
      row.remotePort,
    ]),
    [[22, '10.0.0.9', 51234]],
  );
  // A listener's peer `*:*` is never ambiguous.
  const listener = 'really-long-user nc         4322 3 tcp4 192.168.123.5:40000*:*\n';
  assert.deepEqual(
    parseSockstat(listener).map((row) => [row.localAddress, row.localPort, row.state]),
    [['192.168.123.5', 40000, 'LISTEN']],
  );
});

test('BUILT input: a long IPv6 peer glued to its state (13 without -w)', () => {
  // Built from sockstat.c of the 13 branch: without -w, FOREIGN is 22 wide and CONN STATE starts
  // at a fixed column, so a 45-character IPv6 peer runs into the state word.
  const text =
    'USER     COMMAND    PID   FD PROTO  LOCAL ADDRESS         FOREIGN ADDRESS       PATH STATE   CONN STATE\n' +
    'root     sshd       812   5  tcp6   2001:db8::5:22        2001:db8:0:1234:5678:9abc:def0:1234:51234ESTABLISHED\n';
  assert.deepEqual(
    parseSockstat(text).map((row) => [
      row.localAddress,
      row.remoteAddress,
      row.remotePort,
      row.state,
    ]),
    [['2001:db8::5', '2001:db8:0:1234:5678:9abc:def0:1234', 51234, 'ESTABLISHED']],
  );
});

test('BUILT input: state names map to ours; UNIX and other protocols are skipped; toe is TCP', () => {
  // Built from the 12/13 layout and tcpstates[] (netinet/tcp_fsm.h).
  const text =
    'USER     COMMAND    PID   FD PROTO  LOCAL ADDRESS         FOREIGN ADDRESS       PATH STATE   CONN STATE\n' +
    'root     syslogd    698   4  dgram  /var/run/log\n' +
    'root     devd       402   4  stream /var/run/devd.pipe\n' +
    'root     nfsd       900   5  toe4   10.0.0.5:2049         *:*                                LISTEN\n' +
    'root     sctpd      77    3  sctp4  *:9899                *:*                                LISTEN\n' +
    'www      node       5001  21 tcp4   127.0.0.1:3000        *:*                                CLOSED\n' +
    'www      node       5001  22 tcp4   127.0.0.1:3000        127.0.0.1:40100                    SYN_RCVD\n' +
    'www      node       5001  23 tcp4   127.0.0.1:3000        127.0.0.1:40101                    FIN_WAIT_2\n' +
    'www      node       5001  24 tcp4   127.0.0.1:3000        127.0.0.1:40102                    ?\n' +
    'www      ??         5002  3  tcp4   127.0.0.1:3001        *:*                                LISTEN\n';
  assert.deepEqual(
    parseSockstat(text).map((row) => [row.localPort, row.state, row.rawState]),
    [
      [2049, 'LISTEN', undefined],
      [3000, 'CLOSE', 'CLOSED'], // bound, not listening
      [3000, 'SYN_RECV', 'SYN_RCVD'],
      [3000, 'FIN_WAIT2', 'FIN_WAIT_2'],
      [3000, 'UNKNOWN', '?'],
      [3001, 'LISTEN', undefined],
    ],
  );
  // COMMAND `??`: the process exited while sockstat ran; its pid is still known.
  assert.deepEqual(parseSockstat(text).at(-1)?.owners, [{ pid: 5002, name: null }]);
});

test('garbage and the wrong tool throw; empty output and a bare header give no rows', () => {
  assert.deepEqual(parseSockstat(''), []);
  assert.deepEqual(
    parseSockstat(
      'USER     COMMAND    PID   FD PROTO  LOCAL ADDRESS         FOREIGN ADDRESS      \n',
    ),
    [],
  );
  for (const text of [
    'hello world\nthis is not sockstat\n',
    'usage: sockstat [-46cLlu] [-j jid] [-p ports] [-P protocols]\n',
    fixture('netstat-an/freebsd12-netstat-an-jc.txt'), // FreeBSD netstat, not sockstat
  ]) {
    assert.throws(
      () => parseSockstat(text),
      (error: unknown) =>
        error instanceof UnparseableOutputError && error.code === 'ERR_UNPARSEABLE_OUTPUT',
    );
  }
});
