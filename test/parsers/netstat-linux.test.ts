import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { UnparseableOutputError } from '../../src/errors.ts';
import { parseNetstatLinux } from '../../src/parsers/netstat-linux.ts';
import type { SocketRow } from '../../src/types.ts';

const fixture = (name: string) =>
  readFileSync(new URL(`../fixtures/linux/${name}`, import.meta.url), 'utf8');

const find = (rows: readonly SocketRow[], port: number, protocol = 'tcp') =>
  rows.filter((row) => row.localPort === port && row.protocol === protocol);

const brief = (row: SocketRow) => [
  row.protocol,
  row.family,
  row.localAddress,
  row.localPort,
  row.state,
  row.owners.map((owner) => `${owner.pid}/${owner.name}`).join(','),
];

test('netstat: CentOS 7.7 net-tools `netstat -lnp` (padded PID column, raw6, UNIX section)', () => {
  const rows = parseNetstatLinux(fixture('netstat-tanp/centos-7.7-net-tools-netstat-lnp.txt'));
  assert.deepEqual(rows.map(brief), [
    ['tcp', 'IPv4', '127.0.0.1', 25, 'LISTEN', '1469/master'],
    ['tcp', 'IPv4', '0.0.0.0', 22, 'LISTEN', '1206/sshd'],
    ['tcp', 'IPv6', '::1', 25, 'LISTEN', '1469/master'],
    ['tcp', 'IPv6', '::', 22, 'LISTEN', '1206/sshd'],
    ['udp', 'IPv4', '0.0.0.0', 68, 'BOUND', '1939/dhclient'],
    ['udp', 'IPv4', '127.0.0.1', 323, 'BOUND', '795/chronyd'],
    ['udp', 'IPv6', '::1', 323, 'BOUND', '795/chronyd'],
  ]);
  // raw6 (`:::58`, state column "7") is skipped, the UNIX section is never read.
  assert.equal(
    rows.find((row) => row.localPort === 58),
    undefined,
  );
  const [ssh] = find(rows, 22);
  assert.deepEqual(ssh, {
    protocol: 'tcp',
    family: 'IPv4',
    localAddress: '0.0.0.0',
    localPort: 22,
    remoteAddress: null,
    remotePort: null,
    state: 'LISTEN',
    owners: [{ pid: 1206, name: 'sshd' }],
  });
});

test('netstat: older net-tools `-lp` (UDP with empty State, names without padding)', () => {
  const rows = parseNetstatLinux(fixture('netstat-tanp/generic-older-net-tools-netstat-lp.txt'));
  assert.deepEqual(rows.map(brief), [
    ['tcp', 'IPv4', '0.0.0.0', 111, 'LISTEN', '1/systemd'],
    ['udp', 'IPv4', '200.4.30.128', 68, 'BOUND', '903/NetworkManager'],
  ]);
});

test('netstat: program names with spaces, cut at the column width', () => {
  const avahi = parseNetstatLinux(
    fixture('netstat-tanp/generic-udp-no-state-program-with-space.txt'),
  );
  assert.equal(avahi.length, 4);
  assert.ok(avahi.every((row) => row.state === 'BOUND' && row.owners[0]?.pid === 442));
  assert.equal(avahi[0]?.owners[0]?.name, 'avahi-daemon: r');
  assert.deepEqual(brief(avahi[2] as SocketRow), [
    'udp',
    'IPv6',
    '::',
    5353,
    'BOUND',
    '442/avahi-daemon: r',
  ]);

  const rows = parseNetstatLinux(
    fixture('netstat-tanp/ubuntu-18.04-netstat-sudo-lnp-program-with-space-jc.txt'),
  );
  assert.equal(rows.length, 25);
  assert.deepEqual(find(rows, 22).map(brief), [
    ['tcp', 'IPv4', '0.0.0.0', 22, 'LISTEN', '600/sshd: /usr/sbin'],
    ['tcp', 'IPv6', '::', 22, 'LISTEN', '600/sshd: /usr/sbin'],
    ['tcp', 'IPv4', '0.0.0.0', 22, 'LISTEN', '1127/sshd'],
    ['tcp', 'IPv6', '::', 22, 'LISTEN', '1127/sshd'],
  ]);
  assert.equal(find(rows, 10050)[0]?.owners[0]?.pid, 1817931);
  assert.equal(find(rows, 10050)[0]?.owners[0]?.name, 'zabbix_agen');
  assert.equal(find(rows, 9000)[0]?.owners[0]?.name, 'pgpool: watchd');
  // The same UDP port bound by two processes: two rows.
  assert.deepEqual(
    find(rows, 9694, 'udp').map((row) => row.owners[0]?.pid),
    [1205, 1203],
  );
});

test('netstat: Ubuntu 2016 `-tunlp` (truncated process title, one process on many addresses)', () => {
  const rows = parseNetstatLinux(fixture('netstat-tanp/ubuntu-2016-netstat-tunlp.txt'));
  assert.equal(rows.length, 14);
  assert.deepEqual(brief(find(rows, 3306)[0] as SocketRow), [
    'tcp',
    'IPv4',
    '127.0.0.1',
    3306,
    'LISTEN',
    '830/mysqld',
  ]);
  assert.deepEqual(brief(find(rows, 80)[0] as SocketRow), [
    'tcp',
    'IPv4',
    '0.0.0.0',
    80,
    'LISTEN',
    '1668/nginx',
  ]);
  assert.equal(find(rows, 9000)[0]?.owners[0]?.name, 'php-fpm.conf)');
  assert.deepEqual(
    find(rows, 123, 'udp').map((row) => [row.family, row.localAddress, row.owners[0]?.pid]),
    [
      ['IPv4', '115.29.18.179', 1103],
      ['IPv4', '10.122.77.193', 1103],
      ['IPv4', '127.0.0.1', 1103],
      ['IPv4', '0.0.0.0', 1103],
      ['IPv6', '::', 1103],
    ],
  );
});

test('netstat: `-aeep` without -n: User/Inode columns, a user name overflowing; named ports skipped', () => {
  const rows = parseNetstatLinux(fixture('netstat-tanp/ubuntu-18.04-netstat-sudo-aeep-jc.txt'));
  // Only `localhost:35485` has a numeric port (the rest are `ssh`, `domain`, `bootpc`...).
  assert.deepEqual(rows, [
    {
      protocol: 'tcp',
      family: 'IPv4',
      localAddress: 'localhost', // a host name (no -n) is kept as printed
      localPort: 35485,
      remoteAddress: null,
      remotePort: null,
      state: 'LISTEN',
      owners: [{ pid: 1162, name: 'containerd' }],
      uid: null, // User "root" is a name, not a uid
      inode: 30960,
    },
  ]);
});

test('netstat: this machine, net-tools 2.10 `netstat -tuanpe` with our holders', () => {
  const rows = parseNetstatLinux(fixture('local/netstat-tuanpe.txt'));
  assert.equal(rows.length, 12);
  // net-tools names ONE process per socket: the first found (the parent), not its 2 children.
  const [shared] = find(rows, 41004);
  assert.deepEqual(shared?.owners, [{ pid: 4484, name: 'node' }]);
  assert.equal(shared?.inode, 9883);
  assert.equal(shared?.uid, 0);

  assert.deepEqual(
    find(rows, 41001).map((row) => [row.state, row.remotePort, row.owners[0]?.pid]),
    [
      ['LISTEN', null, 4481],
      ['ESTABLISHED', 34092, 4481],
    ],
  );
  const [client] = find(rows, 34092);
  assert.deepEqual(
    [client?.state, client?.remotePort, client?.owners[0]?.pid],
    ['ESTABLISHED', 41001, 4641],
  );

  const [timeWait] = find(rows, 41005);
  assert.deepEqual(timeWait, {
    protocol: 'tcp',
    family: 'IPv4',
    localAddress: '127.0.0.1',
    localPort: 41005,
    remoteAddress: '127.0.0.1',
    remotePort: 37098,
    state: 'TIME_WAIT',
    owners: [],
    uid: null, // "0" with inode 0 is no process's uid
    inode: 0,
  });

  // `tcp6 ... 127.0.0.1:41014`: net-tools prints a mapped address as IPv4.
  assert.deepEqual(brief(find(rows, 41014)[0] as SocketRow), [
    'tcp',
    'IPv6',
    '::ffff:127.0.0.1',
    41014,
    'LISTEN',
    '4485/python3',
  ]);
  assert.deepEqual(brief(find(rows, 41002)[0] as SocketRow), [
    'tcp',
    'IPv6',
    '::',
    41002,
    'LISTEN',
    '4482/python3',
  ]);
  assert.deepEqual(brief(find(rows, 41003, 'udp')[0] as SocketRow), [
    'udp',
    'IPv4',
    '0.0.0.0',
    41003,
    'BOUND',
    '4483/python3',
  ]);
  assert.equal(find(rows, 41003, 'udp')[0]?.inode, 9918);
  // `-` padded: a socket whose owner netstat cannot see.
  assert.deepEqual(find(rows, 2024)[0]?.owners, []);
  assert.equal(find(rows, 2024)[0]?.inode, 1059);
  // -W gave the same bytes here.
  assert.deepEqual(parseNetstatLinux(fixture('local/netstat-a-n-p-e-t-u-W.txt')), rows);
});

test('netstat: this machine, BusyBox `netstat -tuan` (no -p support; tcp/udp for IPv6 too)', () => {
  const rows = parseNetstatLinux(fixture('local/busybox-netstat-tuan.txt'));
  assert.equal(rows.length, 12);
  assert.ok(rows.every((row) => row.owners.length === 0 && row.inode === undefined));
  assert.deepEqual(
    rows
      .filter((row) => row.family === 'IPv6')
      .map((row) => [row.protocol, row.localAddress, row.localPort, row.state]),
    [
      ['tcp', '::1', 41012, 'LISTEN'],
      ['tcp', '::ffff:127.0.0.1', 41014, 'LISTEN'],
      ['tcp', '::', 41002, 'LISTEN'],
      ['tcp', '::', 41011, 'LISTEN'],
      ['udp', '::', 41013, 'BOUND'],
    ],
  );
  assert.equal(find(rows, 41005)[0]?.state, 'TIME_WAIT');
});

test('netstat: BusyBox with -p, noise lines and a UNIX section (built from the format facts)', () => {
  // Built from shared/fixtures/SOURCES.md ("BusyBox netstat prints `netstat: showing only processes
  // with your user ID` first, `-` is not padded, missing /proc/net files produce interleaved lines").
  const text = [
    'netstat: showing only processes with your user ID',
    'Active Internet connections (servers and established)',
    'Proto Recv-Q Send-Q Local Address           Foreign Address         State       PID/Program name    ',
    'netstat: /proc/net/tcp6: No such file or directory',
    'tcp        0      0 0.0.0.0:8080            0.0.0.0:*               LISTEN      123/node',
    'tcp        0      0 127.0.0.1:5432          0.0.0.0:*               LISTEN      -',
    'tcp        0      0 10.0.0.2:8080           10.0.0.3:51000          ESTABLISHED 123/node',
    'udp        0      0 0.0.0.0:68              0.0.0.0:*                           45/udhcpc',
    'netstat: /proc/net/udp6: No such file or directory',
    'netstat: /proc/net/raw: No such file or directory',
    'Active UNIX domain sockets (servers and established)',
    'Proto RefCnt Flags       Type       State         I-Node PID/Program name    Path',
    'unix  2      [ ACC ]     STREAM     LISTENING      1234 123/node            /tmp/x.sock',
  ].join('\n');
  assert.deepEqual(parseNetstatLinux(text).map(brief), [
    ['tcp', 'IPv4', '0.0.0.0', 8080, 'LISTEN', '123/node'],
    ['tcp', 'IPv4', '127.0.0.1', 5432, 'LISTEN', ''],
    ['tcp', 'IPv4', '10.0.0.2', 8080, 'ESTABLISHED', '123/node'],
    ['udp', 'IPv4', '0.0.0.0', 68, 'BOUND', '45/udhcpc'],
  ]);
});

test('netstat: unprivileged net-tools notes, link-local IPv6, connected UDP (built from the format facts)', () => {
  const text = [
    '(Not all processes could be identified, non-owned process info',
    ' will not be shown, you would have to be root to see it all.)',
    '(No info could be read for "-p": geteuid()=1001 but you should be root.)',
    'Active Internet connections (servers and established)',
    'Proto Recv-Q Send-Q Local Address           Foreign Address         State       PID/Program name    ',
    'tcp        0      0 0.0.0.0:22              0.0.0.0:*               LISTEN      -                   ',
    'udp6       0      0 fe80::230:18ff:fecb:123 :::*                                2001/ntpd           ',
    'udp        0      0 10.0.0.2:40000          10.0.0.1:53             ESTABLISHED 3001/dig            ',
    'tcp        0      0 10.0.0.2:22             10.0.0.9:50000          FIN_WAIT2   -                   ',
  ].join('\n');
  const rows = parseNetstatLinux(text);
  assert.deepEqual(rows.map(brief), [
    ['tcp', 'IPv4', '0.0.0.0', 22, 'LISTEN', ''],
    ['udp', 'IPv6', 'fe80::230:18ff:fecb', 123, 'BOUND', '2001/ntpd'],
    ['udp', 'IPv4', '10.0.0.2', 40000, 'ESTABLISHED', '3001/dig'],
    ['tcp', 'IPv4', '10.0.0.2', 22, 'FIN_WAIT2', ''],
  ]);
  assert.equal(rows[2]?.remotePort, 53);
});

test('netstat: empty input gives no rows; header only gives no rows', () => {
  assert.deepEqual(parseNetstatLinux(''), []);
  assert.deepEqual(
    parseNetstatLinux(
      'Active Internet connections (servers and established)\nProto Recv-Q Send-Q Local Address           Foreign Address         State       \n',
    ),
    [],
  );
});

test('netstat: garbage throws UnparseableOutputError (ERR_UNPARSEABLE_OUTPUT)', () => {
  for (const text of [
    'garbage\nmore garbage',
    'tcp x y 1.2.3.4:5 *:*',
    'Kernel IP routing table\n',
  ]) {
    assert.throws(
      () => parseNetstatLinux(text),
      (error: unknown) =>
        error instanceof UnparseableOutputError && error.code === 'ERR_UNPARSEABLE_OUTPUT',
      text,
    );
  }
});
