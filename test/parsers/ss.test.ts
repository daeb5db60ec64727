import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { UnparseableOutputError } from '../../src/errors.ts';
import { parseSs } from '../../src/parsers/ss.ts';
import type { SocketRow } from '../../src/types.ts';

const fixture = (name: string) =>
  readFileSync(new URL(`../fixtures/linux/${name}`, import.meta.url), 'utf8');

const find = (rows: readonly SocketRow[], port: number, protocol = 'tcp') =>
  rows.filter((row) => row.localPort === port && row.protocol === protocol);

const pids = (row: SocketRow | undefined) => row?.owners.map((owner) => owner.pid);

test('ss: Ubuntu 18.04 iproute2 4.15 `ss -tulpen` (users after the peer column, uid/ino/sk)', () => {
  const rows = parseSs(fixture('ss/ubuntu-18.04-iproute2-4.15-ss-tulpen.txt'));
  assert.equal(rows.length, 73); // every line but the header is a tcp/udp socket
  const [docker] = find(rows, 5000);
  assert.deepEqual(docker, {
    protocol: 'tcp',
    family: 'IPv4',
    localAddress: '0.0.0.0',
    localPort: 5000,
    remoteAddress: null,
    remotePort: null,
    state: 'LISTEN',
    owners: [{ pid: 2840, name: 'dockerd', fd: 214 }],
    inode: 138297,
    uid: 0, // ss prints uid only when it is not 0
  });
  assert.equal(rows.filter((row) => row.owners.some((owner) => owner.pid === 2840)).length, 32);

  // Apache: one socket, seven processes (prefork children).
  const [apache] = find(rows, 80);
  assert.deepEqual(pids(apache), [24795, 2157, 2156, 2155, 2154, 2153, 2079]);
  assert.equal(apache?.owners[0]?.name, '/usr/sbin/apach');

  // Interface-scoped addresses keep their scope.
  const [resolved] = find(rows, 53, 'udp').filter((row) => row.localAddress.startsWith('127.'));
  assert.equal(resolved?.localAddress, '127.0.0.53%lo');
  assert.equal(resolved?.family, 'IPv4');
  assert.equal(resolved?.state, 'BOUND');
  assert.equal(resolved?.rawState, 'UNCONN');
  assert.equal(resolved?.uid, 101);
  assert.deepEqual(pids(resolved), [1117]);
  assert.equal(find(rows, 67, 'udp')[0]?.localAddress, '0.0.0.0%virbr0');

  // Kernel socket (vxlan): no users:(...), so no owner — but the row is there.
  const [vxlan] = find(rows, 4789, 'udp');
  assert.deepEqual(vxlan?.owners, []);
  assert.equal(vxlan?.inode, 58296);

  // Two dhclient processes bind the same UDP port on separate sockets.
  assert.deepEqual(
    find(rows, 68, 'udp').map((row) => pids(row)),
    [[4852], [4738]],
  );
});

test('ss: CentOS 7 `ss -a` without -n: service-name ports are skipped, netlink/unix ignored', () => {
  const rows = parseSs(fixture('ss/centos-7.7-ss-a-service-names.txt'));
  // Only the two chronyd UDP sockets have numeric ports; *:ssh, 127.0.0.1:smtp, *:bootpc are names.
  assert.deepEqual(
    rows.map((row) => [row.protocol, row.family, row.localAddress, row.localPort, row.state]),
    [
      ['udp', 'IPv4', '127.0.0.1', 323, 'BOUND'],
      ['udp', 'IPv6', '::1', 323, 'BOUND'],
    ],
  );
  assert.deepEqual(rows[0]?.owners, []); // no -p
  assert.equal(rows[0]?.inode, undefined); // no -e
  assert.equal(rows[0]?.uid, undefined);
});

test('ss: Ubuntu 18.04 `ss -a` (wide columns, no -p): the one numeric tcp row', () => {
  const rows = parseSs(fixture('ss/ubuntu-18.04-ss-sudo-a-jc.txt'));
  assert.deepEqual(rows, [
    {
      protocol: 'tcp',
      family: 'IPv4',
      localAddress: '127.0.0.1',
      localPort: 35485,
      remoteAddress: null,
      remotePort: null,
      state: 'LISTEN',
      owners: [],
    },
  ]);
});

test('ss: this machine, iproute2 6.1 `ss -H -a -n -p -e -t -u` with our holders', () => {
  const rows = parseSs(fixture('local/ss-H-a-n-p-e-t-u.txt'));
  assert.equal(rows.length, 12);

  // Parent and two forked children share ONE listening socket: all three are owners.
  const [shared] = find(rows, 41004);
  assert.equal(shared?.state, 'LISTEN');
  assert.equal(shared?.localAddress, '0.0.0.0');
  assert.equal(shared?.inode, 9883);
  assert.deepEqual(shared?.owners, [
    { pid: 4556, name: 'node', fd: 19 },
    { pid: 4552, name: 'node', fd: 19 },
    { pid: 4484, name: 'node', fd: 19 },
  ]);

  // 41001: the listener and the server side of the accepted connection, both node 4481.
  const server = find(rows, 41001);
  assert.deepEqual(
    server.map((row) => [row.state, row.remoteAddress, row.remotePort, pids(row)]),
    [
      ['LISTEN', null, null, [4481]],
      ['ESTABLISHED', '127.0.0.1', 34092, [4481]],
    ],
  );
  // The client's row is on its own local port and is ESTABLISHED, never LISTEN.
  const [client] = find(rows, 34092);
  assert.equal(client?.state, 'ESTABLISHED');
  assert.equal(client?.rawState, 'ESTAB');
  assert.equal(client?.remotePort, 41001);
  assert.deepEqual(pids(client), [4641]);

  // TIME_WAIT: no process, inode 0, and no uid claimed for it.
  const [timeWait] = find(rows, 41005);
  assert.equal(timeWait?.state, 'TIME_WAIT');
  assert.equal(timeWait?.rawState, 'TIME-WAIT');
  assert.deepEqual(timeWait?.owners, []);
  assert.equal(timeWait?.inode, 0);
  assert.equal(timeWait?.uid, undefined);
  assert.equal(timeWait?.remotePort, 37098);

  // IPv6 spellings of this ss: `*` (dual-stack, v6only:0), `[::]` (v6only:1), `[::1]`, mapped.
  const v6 = (port: number, protocol = 'tcp') => {
    const row = find(rows, port, protocol)[0];
    return [row?.family, row?.localAddress, row?.state];
  };
  assert.deepEqual(v6(41002), ['IPv6', '::', 'LISTEN']);
  assert.deepEqual(v6(41011), ['IPv6', '::', 'LISTEN']);
  assert.deepEqual(v6(41012), ['IPv6', '::1', 'LISTEN']);
  assert.deepEqual(v6(41014), ['IPv6', '::ffff:127.0.0.1', 'LISTEN']);
  assert.deepEqual(v6(41013, 'udp'), ['IPv6', '::', 'BOUND']);
  assert.deepEqual(v6(41003, 'udp'), ['IPv4', '0.0.0.0', 'BOUND']);

  // The VM's init listens on 2024; ss cannot name it: owner hidden, row kept.
  const [hidden] = find(rows, 2024);
  assert.deepEqual(hidden?.owners, []);
  assert.equal(hidden?.state, 'LISTEN');
});

test('ss: the same sockets with the 6.x header (`Process` column) parse alike', () => {
  const withHeader = parseSs(fixture('local/ss-a-n-p-t-u.txt'));
  const headless = parseSs(fixture('local/ss-H-a-n-p-e-t-u.txt'));
  const strip = ({ uid, inode, ...rest }: SocketRow) => rest;
  assert.deepEqual(withHeader, headless.map(strip));
  // Without -e there is no v6only:, but IPv4 wildcards print as 0.0.0.0 here, so `*` is IPv6.
  assert.equal(find(withHeader, 41002)[0]?.family, 'IPv6');
});

test('ss: old iproute2 3.x layout `users:(("sshd",1256,3))`, `*:22` and `:::22` (built from the format facts)', () => {
  // Built from shared/fixtures/SOURCES.md "Linux netstat and ss" facts; no capture exists.
  const text = [
    'State      Recv-Q Send-Q        Local Address:Port          Peer Address:Port ',
    'LISTEN     0      128                       *:22                       *:*      users:(("sshd",1256,3))',
    'LISTEN     0      128                      :::22                      :::*      users:(("sshd",1933,3),("sshd",1864,3))',
    'ESTAB      0      0              10.0.0.5:22              10.0.0.9:51000  users:(("sshd",1933,3))',
  ].join('\n');
  const rows = parseSs(text, { protocol: 'tcp' });
  assert.deepEqual(
    rows.map((row) => [row.family, row.localAddress, row.localPort, row.state, pids(row)]),
    [
      ['IPv4', '0.0.0.0', 22, 'LISTEN', [1256]], // old ss printed `*` for the IPv4 wildcard
      ['IPv6', '::', 22, 'LISTEN', [1933, 1864]],
      ['IPv4', '10.0.0.5', 22, 'ESTABLISHED', [1933]],
    ],
  );
  assert.equal(rows[0]?.owners[0]?.name, 'sshd');
});

test('ss: rows without a Netid column take the protocol option; UNCONN is BOUND for UDP, CLOSE for TCP', () => {
  const line =
    'UNCONN 0      0      0.0.0.0:5353      0.0.0.0:*    users:(("avahi-daemon",pid=510,fd=12))';
  const [udp] = parseSs(line, { protocol: 'udp' });
  assert.equal(udp?.protocol, 'udp');
  assert.equal(udp?.state, 'BOUND');
  const [tcp] = parseSs(line);
  assert.equal(tcp?.protocol, 'tcp');
  assert.equal(tcp?.state, 'CLOSE');
  assert.equal(tcp?.rawState, 'UNCONN');
});

test('ss: state words, scoped IPv6, several fds of one process, names with spaces', () => {
  const text = [
    'Netid State      Recv-Q Send-Q Local Address:Port Peer Address:Port Process',
    'tcp   FIN-WAIT-1 0      1      10.0.0.5:443      10.0.0.9:5000',
    'tcp   FIN-WAIT-2 0      0      10.0.0.5:443      10.0.0.9:5001',
    'tcp   CLOSE-WAIT 1      0      10.0.0.5:443      10.0.0.9:5002 users:(("nginx: worker",pid=77,fd=9))',
    'tcp   SYN-RECV   0      0      10.0.0.5:443      10.0.0.9:5003',
    'tcp   LAST-ACK   0      1      10.0.0.5:443      10.0.0.9:5004',
    'tcp   CLOSING    0      1      10.0.0.5:443      10.0.0.9:5005',
    'tcp   SYN-SENT   0      1      10.0.0.5:40000    10.0.0.9:443',
    'udp   UNCONN     0      0      [fe80::1]%eth0:123   [::]:*  users:(("ntpd",pid=9,fd=20),("ntpd",pid=9,fd=21))',
    'udp   ESTAB      0      0      127.0.0.1:9999    127.0.0.1:53',
    'tcp   LISTEN     0      511    [::ffff:127.0.0.1]:80  *:*  users:(("node",pid=1,fd=3))',
  ].join('\n');
  const rows = parseSs(text);
  assert.deepEqual(
    rows.map((row) => row.state),
    [
      'FIN_WAIT1',
      'FIN_WAIT2',
      'CLOSE_WAIT',
      'SYN_RECV',
      'LAST_ACK',
      'CLOSING',
      'SYN_SENT',
      'BOUND',
      'ESTABLISHED',
      'LISTEN',
    ],
  );
  assert.deepEqual(rows[2]?.owners, [{ pid: 77, name: 'nginx: worker', fd: 9 }]);
  assert.equal(rows[7]?.localAddress, 'fe80::1%eth0');
  assert.equal(rows[7]?.family, 'IPv6');
  assert.deepEqual(rows[7]?.owners, [{ pid: 9, name: 'ntpd', fd: 20 }]); // one owner per process
  assert.equal(rows[9]?.localAddress, '::ffff:127.0.0.1');
});

test('ss: header only, other netids only, and empty input give no rows', () => {
  assert.deepEqual(parseSs(''), []);
  assert.deepEqual(
    parseSs('Netid State  Recv-Q Send-Q Local Address:Port Peer Address:PortProcess\n'),
    [],
  );
  assert.deepEqual(
    parseSs('State  Recv-Q Send-Q Local Address:Port Peer Address:PortProcess\n'),
    [],
  );
  assert.deepEqual(
    parseSs(
      'nl     UNCONN     0      0      rtnl:kernel                 *\nu_str  LISTEN     0      128    /run/x.sock 8981   * 0\n',
    ),
    [],
  );
});

test('ss: garbage throws UnparseableOutputError (ERR_UNPARSEABLE_OUTPUT)', () => {
  for (const text of [
    'garbage',
    'Usage: ss [ OPTIONS ]\n',
    'LISTEN x y 1.2.3.4:5 *:*',
    '\u0000\u0001\u0002',
  ]) {
    assert.throws(
      () => parseSs(text),
      (error: unknown) =>
        error instanceof UnparseableOutputError &&
        error.code === 'ERR_UNPARSEABLE_OUTPUT' &&
        error.source === 'ss',
      text,
    );
  }
});
