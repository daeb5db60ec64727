import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { UnparseableOutputError } from '../../src/errors.ts';
import { parseLsofFields, parseLsofTable } from '../../src/parsers/lsof.ts';
import type { SocketRow } from '../../src/types.ts';

const fixture = (name: string) =>
  readFileSync(new URL(`../fixtures/linux/${name}`, import.meta.url), 'utf8');

const brief = (row: SocketRow) => [
  row.owners[0]?.pid,
  row.owners[0]?.name,
  row.protocol,
  row.family,
  row.localAddress,
  row.localPort,
  row.remoteAddress,
  row.remotePort,
  row.state,
];

test('lsof -F0: NUL-separated fields, one line per set (KDE desktop capture)', () => {
  const text = fixture('lsof-F/kde-linux-lsof-F0-nul-separated.txt');
  assert.ok(text.includes('\0'));
  const rows = parseLsofFields(text);
  assert.equal(rows.length, 17);
  const discord = rows.filter((row) => row.owners[0]?.pid === 7076);
  assert.deepEqual(discord.map(brief), [
    [7076, 'Discord', 'tcp', 'IPv4', '127.0.0.1', 6463, null, null, 'LISTEN'],
  ]);
  // java's listener is an IPv6 socket bound to a mapped address; lsof prints it as IPv4.
  assert.deepEqual(rows.filter((row) => row.owners[0]?.pid === 9528).map(brief), [
    [9528, 'java', 'tcp', 'IPv6', '::ffff:127.0.0.1', 6942, null, null, 'LISTEN'],
    [9528, 'java', 'tcp', 'IPv6', '::ffff:127.0.0.1', 63342, null, null, 'LISTEN'],
  ]);
  // `tIPv6` + `n*:1716`: the IPv6 wildcard; UDP without a peer is BOUND.
  assert.deepEqual(rows.filter((row) => row.owners[0]?.pid === 1653).map(brief), [
    [1653, 'kdeconnectd', 'udp', 'IPv6', '::', 1716, null, null, 'BOUND'],
    [1653, 'kdeconnectd', 'tcp', 'IPv6', '::', 1716, null, null, 'LISTEN'],
  ]);
  const firefox = rows.filter((row) => row.owners[0]?.name === 'firefox');
  assert.equal(firefox.length, 6);
  assert.ok(firefox.every((row) => row.state === 'ESTABLISHED' && row.remotePort === 443));
  assert.equal(firefox[1]?.localAddress, '2a00:23c6:94b0:8a01:c024:df62:608c:4de4');
  assert.equal(firefox[1]?.remoteAddress, '2a00:23a0:1a2:102::56bd:6812');
});

test('lsof -F without f lines and without t (file sets start when a field repeats)', () => {
  const rows = parseLsofFields(fixture('lsof-F/kde-linux-lsof-i-Pn-F-cPnpLT.txt'));
  assert.equal(rows.length, 12);
  assert.deepEqual(rows.slice(0, 4).map(brief), [
    [1653, 'kdeconnectd', 'udp', 'IPv4', '0.0.0.0', 1716, null, null, 'BOUND'],
    [1653, 'kdeconnectd', 'tcp', 'IPv4', '0.0.0.0', 1716, null, null, 'LISTEN'],
    [2371, 'firefox', 'tcp', 'IPv4', '192.168.1.240', 44878, '140.82.121.3', 443, 'ESTABLISHED'],
    [2371, 'firefox', 'udp', 'IPv4', '0.0.0.0', 54486, null, null, 'BOUND'],
  ]);
  assert.deepEqual(brief(rows[4] as SocketRow), [
    2371,
    'firefox',
    'tcp',
    'IPv6',
    '2a00:23c6:94b0:8a01:c024:df62:608c:4de4',
    56674,
    '2600:1901:1:5ca::',
    443,
    'ESTABLISHED',
  ]);
});

test('lsof -F: this machine, lsof 4.95 with our holders (shared socket once per process)', () => {
  const rows = parseLsofFields(fixture('local/lsof-nP-w-F-pcnTPtu.txt'));
  assert.equal(rows.length, 12);
  // Parent and both children hold the one socket on 41004: a row per process.
  assert.deepEqual(
    rows
      .filter((row) => row.localPort === 41004)
      .map((row) => [row.owners[0]?.pid, row.state, row.localAddress]),
    [
      [4484, 'LISTEN', '0.0.0.0'],
      [4552, 'LISTEN', '0.0.0.0'],
      [4556, 'LISTEN', '0.0.0.0'],
    ],
  );
  assert.deepEqual(rows.filter((row) => row.owners[0]?.pid === 4641).map(brief), [
    [4641, 'node', 'tcp', 'IPv4', '127.0.0.1', 34092, '127.0.0.1', 41001, 'ESTABLISHED'],
  ]);
  assert.ok(rows.every((row) => row.uid === 0));
  assert.equal(
    rows.find((row) => row.state === 'TIME_WAIT'),
    undefined,
  ); // lsof cannot see TIME_WAIT
  assert.equal(
    rows.find((row) => row.localPort === 2024),
    undefined,
  ); // nor pid 1's socket here
  assert.deepEqual(
    rows
      .filter((row) => row.owners[0]?.pid === 4485)
      .map((row) => [row.protocol, row.localAddress, row.localPort, row.state]),
    [
      ['tcp', '::', 41011, 'LISTEN'],
      ['tcp', '::1', 41012, 'LISTEN'],
      ['udp', '::', 41013, 'BOUND'],
      ['tcp', '::ffff:127.0.0.1', 41014, 'LISTEN'],
    ],
  );
  // -F0 and -F give the same rows.
  assert.deepEqual(parseLsofFields(fixture('local/lsof-nP-w-F0pcnTPtu.txt')), rows);
  // With `d`, the Linux socket inode is kept: the same 9883 for the three holders.
  const withDevice = parseLsofFields(fixture('local/lsof-nP-w-FpcdnPtTu.txt'));
  assert.deepEqual(
    withDevice.filter((row) => row.localPort === 41004).map((row) => row.inode),
    [9883, 9883, 9883],
  );
});

test('lsof table: this machine, `lsof -nP -w -i TCP -i UDP` matches the -F rows', () => {
  const table = parseLsofTable(fixture('local/lsof-nP-w-table.txt'));
  const fields = parseLsofFields(fixture('local/lsof-nP-w-FpcdnPtTu.txt'));
  const key = ({ uid, ...rest }: SocketRow) => rest;
  const order = (rows: SocketRow[]) =>
    rows
      .map(key)
      .sort(
        (a, b) =>
          (a.owners[0]?.pid ?? 0) - (b.owners[0]?.pid ?? 0) || (a.inode ?? 0) - (b.inode ?? 0),
      );
  assert.deepEqual(order(table), order(fields));
  assert.equal(table.filter((row) => row.localPort === 41004).length, 3);
});

test('lsof table: Ubuntu 18.04 `sudo lsof` (TID column, threads de-duplicated, names skipped)', () => {
  const rows = parseLsofTable(fixture('lsof/ubuntu-18.04-lsof-sudo-jc.txt'));
  // 9 lines for containerd's listener (the process and 8 threads) → one row; `*:ssh`, `:domain`... skipped.
  assert.deepEqual(rows, [
    {
      protocol: 'tcp',
      family: 'IPv4',
      localAddress: 'localhost', // no -n: a host name, kept as printed
      localPort: 42351,
      remoteAddress: null,
      remotePort: null,
      state: 'LISTEN',
      owners: [{ pid: 1112, name: 'container' }],
      inode: 30727,
    },
  ]);
});

test('lsof table: CentOS 7.7 `sudo lsof` (only numeric ports kept)', () => {
  const rows = parseLsofTable(fixture('lsof/centos-7.7-lsof-sudo-jc.txt'));
  assert.deepEqual(rows.map(brief), [
    [795, 'chronyd', 'udp', 'IPv4', 'localhost', 323, null, null, 'BOUND'],
    [795, 'chronyd', 'udp', 'IPv6', 'localhost', 323, null, null, 'BOUND'],
  ]);
  assert.equal(
    rows.find((row) => row.owners[0]?.name === 'sshd'),
    undefined,
  ); // *:ssh is a name
});

test('lsof table: Apple lsof style (hex DEVICE, escaped names, several fds) — built from the format facts', () => {
  // Built from shared/fixtures/SOURCES.md "macOS / Linux lsof": DEVICE is a kernel address, launchd
  // has several fds on *:5900, ControlCenter IPv4 and IPv6 on 5000.
  const text = [
    'COMMAND     PID USER   FD   TYPE             DEVICE SIZE/OFF NODE NAME',
    'launchd       1 root   13u  IPv6 0x80682f2dbd9b4293      0t0  TCP *:5900 (LISTEN)',
    'launchd       1 root   14u  IPv6 0x80682f2dbd9b4293      0t0  TCP *:5900 (LISTEN)',
    'launchd       1 root   15u  IPv4   0x80682f2dbd9b42    0t0  TCP *:5900 (LISTEN)',
    'ControlCe   512   me    9u  IPv4 0x80682f2dbd9b1111      0t0  TCP *:5000 (LISTEN)',
    'ControlCe   512   me   10u  IPv6 0x80682f2dbd9b2222      0t0  TCP *:5000 (LISTEN)',
    'Google\\x20   900   me   30u  IPv4 0x80682f2dbd9b3333      0t0  TCP 127.0.0.1:5000->127.0.0.1:61000 (ESTABLISHED)',
    'rapportd    600   me    4u  IPv4 0x80682f2dbd9b4444      0t0  UDP *:3722',
  ].join('\n');
  const rows = parseLsofTable(text);
  assert.deepEqual(rows.map(brief), [
    [1, 'launchd', 'tcp', 'IPv6', '::', 5900, null, null, 'LISTEN'],
    [1, 'launchd', 'tcp', 'IPv4', '0.0.0.0', 5900, null, null, 'LISTEN'],
    [512, 'ControlCe', 'tcp', 'IPv4', '0.0.0.0', 5000, null, null, 'LISTEN'],
    [512, 'ControlCe', 'tcp', 'IPv6', '::', 5000, null, null, 'LISTEN'],
    [900, 'Google ', 'tcp', 'IPv4', '127.0.0.1', 5000, '127.0.0.1', 61000, 'ESTABLISHED'],
    [600, 'rapportd', 'udp', 'IPv4', '0.0.0.0', 3722, null, null, 'BOUND'],
  ]);
  assert.ok(rows.every((row) => row.inode === undefined)); // hex DEVICE is no inode
});

test('lsof -F without TST= (Apple lsof): LISTEN only when the run used -sTCP:LISTEN', () => {
  // Built from the format facts: Apple's lsof printed no TST= lines, and `c` may hold spaces.
  const text =
    'p512\ncSlack Helper\nu501\nf9\ntIPv4\nPTCP\nn*:5000\nTQR=0\nTQS=0\nf10\ntIPv4\nPTCP\nn10.0.0.2:5000->10.0.0.3:60000\n';
  assert.deepEqual(
    parseLsofFields(text).map((row) => [
      row.owners[0]?.name,
      row.localPort,
      row.remotePort,
      row.state,
      row.uid,
    ]),
    [
      ['Slack Helper', 5000, null, 'UNKNOWN', 501],
      ['Slack Helper', 5000, 60000, 'UNKNOWN', 501],
    ],
  );
  assert.deepEqual(
    parseLsofFields(text, { listenOnly: true }).map((row) => row.state),
    ['LISTEN', 'UNKNOWN'],
  );
});

test('lsof -F: service-name ports skipped, duplicate fds de-duplicated, other file types ignored', () => {
  const text = [
    'p10',
    'cnode',
    'f3',
    'tIPv4',
    'PTCP',
    'n*:3000',
    'TST=LISTEN',
    'f4',
    'tIPv4',
    'PTCP',
    'n*:3000',
    'TST=LISTEN',
    'f5',
    'tIPv4',
    'PTCP',
    'n*:http',
    'TST=LISTEN',
    'f6',
    'tunix',
    'n/tmp/x.sock',
    'f7',
    'tIPv6',
    'PTCP',
    'n[::1]:4000->[::1]:51000',
    'TST=CLOSE_WAIT',
    'p11',
    'cnode',
    'f3',
    'tIPv4',
    'PTCP',
    'n*:3000',
    'TST=LISTEN',
  ].join('\n');
  assert.deepEqual(parseLsofFields(text).map(brief), [
    [10, 'node', 'tcp', 'IPv4', '0.0.0.0', 3000, null, null, 'LISTEN'],
    [10, 'node', 'tcp', 'IPv6', '::1', 4000, '::1', 51000, 'CLOSE_WAIT'],
    [11, 'node', 'tcp', 'IPv4', '0.0.0.0', 3000, null, null, 'LISTEN'],
  ]);
});

test('lsof: empty input gives no rows; garbage throws UnparseableOutputError', () => {
  assert.deepEqual(parseLsofFields(''), []);
  assert.deepEqual(parseLsofTable(''), []);
  assert.deepEqual(parseLsofTable('COMMAND  PID USER   FD   TYPE DEVICE SIZE/OFF NODE NAME\n'), []);
  for (const text of [
    'garbage',
    'lsof: illegal option character: Z\nlsof 4.95.0\n usage: [-?abhKlnNoOPRtUvVX]',
  ]) {
    assert.throws(
      () => parseLsofFields(text),
      (error: unknown) =>
        error instanceof UnparseableOutputError && error.code === 'ERR_UNPARSEABLE_OUTPUT',
    );
    assert.throws(
      () => parseLsofTable(text),
      (error: unknown) =>
        error instanceof UnparseableOutputError && error.code === 'ERR_UNPARSEABLE_OUTPUT',
    );
  }
});
