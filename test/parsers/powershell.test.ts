/**
 * PowerShell `Get-NetTCPConnection` / `Get-NetUDPEndpoint` JSON parsers. No real `ConvertTo-Json`
 * output of these cmdlets exists publicly, so EVERY input here was BUILT from the documented facts
 * (one result → an object, several → an array, none → empty output; 5.1 writes enums as numbers,
 * pwsh may write names; no `OwningProcess` on Server 2012 R2). See test/fixtures/SOURCES-other-os.md.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { UnparseableOutputError } from '../../src/errors.ts';
import {
  parsePowerShellTcp,
  parsePowerShellUdp,
  powerShellRecords,
} from '../../src/parsers/powershell.ts';

const built = (name: string) =>
  readFileSync(new URL(`../fixtures/built/win32/${name}`, import.meta.url), 'utf8');

test('BUILT single object, numeric State 2: one LISTEN row on ::', () => {
  assert.deepEqual(parsePowerShellTcp(built('tcp-single-object-numeric-state.json')), [
    {
      protocol: 'tcp',
      family: 'IPv6',
      localAddress: '::',
      localPort: 3000,
      remoteAddress: null,
      remotePort: null,
      state: 'LISTEN',
      rawState: 'Listen',
      owners: [{ pid: 7316 }],
    },
  ]);
});

test('BUILT array with numeric states 2, 5, 11, 100; PID 4 is System, PID 0 owns nothing', () => {
  const rows = parsePowerShellTcp(built('tcp-array-numeric-states.json'));
  assert.deepEqual(
    rows.map((row) => [
      row.localAddress,
      row.state,
      row.rawState,
      row.remoteAddress,
      row.remotePort,
      row.owners,
    ]),
    [
      ['::', 'LISTEN', 'Listen', null, null, [{ pid: 4, name: 'System' }]],
      ['0.0.0.0', 'LISTEN', 'Listen', null, null, [{ pid: 4, name: 'System' }]],
      ['127.0.0.1', 'TIME_WAIT', 'TimeWait', '127.0.0.1', 51002, []],
      [
        '192.168.178.23',
        'ESTABLISHED',
        'Established',
        '192.168.178.40',
        50110,
        [{ pid: 4, name: 'System' }],
      ],
      ['fe80::1c2b:3d4e:5f60:7182%7', 'BOUND', 'Bound', null, null, [{ pid: 4, name: 'System' }]],
    ],
  );
  assert.ok(rows.every((row) => row.localPort === 445 && row.protocol === 'tcp'));
  assert.equal(rows[4]?.family, 'IPv6');
});

test('BUILT array with states as names (pwsh): Listen, TimeWait, Bound', () => {
  const rows = parsePowerShellTcp(built('tcp-array-string-states.json'));
  assert.deepEqual(
    rows.map((row) => [row.localAddress, row.state, row.owners]),
    [
      ['127.0.0.1', 'LISTEN', [{ pid: 9300 }]],
      ['127.0.0.1', 'TIME_WAIT', []],
      ['0.0.0.0', 'BOUND', [{ pid: 9444 }]],
    ],
  );
});

test('BUILT Windows Server 2012 R2 output without OwningProcess: owners unknown', () => {
  const rows = parsePowerShellTcp(built('tcp-no-owningprocess-2012r2.json'));
  assert.deepEqual(
    rows.map((row) => [row.localAddress, row.localPort, row.state, row.owners]),
    [
      ['0.0.0.0', 1433, 'LISTEN', []],
      ['::', 1433, 'LISTEN', []],
    ],
  );
});

test('BUILT Get-NetUDPEndpoint array: BOUND rows, no remote end', () => {
  const rows = parsePowerShellUdp(built('udp-array.json'));
  assert.deepEqual(rows[0], {
    protocol: 'udp',
    family: 'IPv4',
    localAddress: '0.0.0.0',
    localPort: 5353,
    remoteAddress: null,
    remotePort: null,
    state: 'BOUND',
    owners: [{ pid: 2212 }],
  });
  assert.deepEqual(
    rows.map((row) => [row.localAddress, row.owners[0]?.pid]),
    [
      ['0.0.0.0', 2212],
      ['0.0.0.0', 6640],
      ['::', 2212],
    ],
  );
});

test('empty output (no match) is no rows; a BOM and CRLF are fine; unknown states are kept raw', () => {
  assert.deepEqual(parsePowerShellTcp(''), []);
  assert.deepEqual(parsePowerShellTcp('\r\n'), []);
  assert.deepEqual(parsePowerShellUdp(''), []);
  const [row] = parsePowerShellTcp(
    '\uFEFF{"LocalAddress":"127.0.0.1","LocalPort":"8080","RemoteAddress":"0.0.0.0","RemotePort":"0","State":"42","OwningProcess":"77"}\r\n',
  );
  assert.equal(row?.localPort, 8080);
  assert.equal(row?.state, 'UNKNOWN');
  assert.equal(row?.rawState, '42');
  assert.deepEqual(row?.owners, [{ pid: 77 }]);
  const [wrapped] = parsePowerShellTcp(
    '{"LocalAddress":"::1","LocalPort":5432,"RemoteAddress":"::","RemotePort":0,"State":{"value":2},"OwningProcess":3100}',
  );
  assert.equal(wrapped?.state, 'LISTEN');
});

test('not JSON, or JSON that is not objects, is UnparseableOutputError (never "no rows")', () => {
  assert.throws(
    () => parsePowerShellTcp('Get-NetTCPConnection : Access denied'),
    UnparseableOutputError,
  );
  assert.throws(() => parsePowerShellTcp('[1,2]'), UnparseableOutputError);
  assert.deepEqual(powerShellRecords('[{"a":1},{"b":2}]'), [{ a: 1 }, { b: 2 }]);
});
