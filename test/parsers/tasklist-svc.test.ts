/**
 * `tasklist /svc /FO CSV /NH`. No recorded CSV output of `/svc` could be found in public
 * material, so every input here is BUILT (test/fixtures/win32/tasklist-svc/SOURCES.md) from
 * Microsoft's tasklist documentation (`/svc` lists the services hosted in each process; `/fo csv`
 * quotes every field; `/nh` drops the header) and the CSV line quoted in a public program's
 * comment: `"svchost.exe","1240","BrokerInfrastructure,DcomLaunch,PlugPlay,Power,SystemEventsBroker"`.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { UnparseableOutputError } from '../../src/errors.ts';
import { parseTasklistServices } from '../../src/parsers/tasklist-svc.ts';

const built = (name: string) =>
  readFileSync(new URL(`../fixtures/win32/tasklist-svc/${name}`, import.meta.url), 'utf8');

test('BUILT /NH output (CRLF): services split at commas, N/A is none', () => {
  const rows = parseTasklistServices(built('built-svc-csv-nh.txt'));
  assert.equal(rows.length, 8);
  assert.deepEqual(rows[0], { image: 'System Idle Process', pid: 0, services: [] });
  assert.deepEqual(rows[2]?.services, [
    'BrokerInfrastructure',
    'DcomLaunch',
    'PlugPlay',
    'Power',
    'SystemEventsBroker',
  ]);
  assert.deepEqual(
    rows.filter((row) => row.services.length === 1).map((row) => [row.pid, row.services[0]]),
    [
      [3040, 'WinRM'],
      [2280, 'MSSQLSERVER'],
    ],
  );
  assert.deepEqual(rows.at(-1), { image: 'wslrelay.exe', pid: 9060, services: [] });
});

test('BUILT output with its header row (any language): the header is skipped', () => {
  assert.deepEqual(parseTasklistServices(built('built-svc-csv-with-header.txt')), [
    { image: 'svchost.exe', pid: 3040, services: ['WinRM'] },
    { image: 'node.exe', pid: 7316, services: [] },
  ]);
});

test('quotes inside a field, a BOM, blank lines, and the table layout rejected', () => {
  assert.deepEqual(parseTasklistServices('\uFEFF"a ""b"".exe","12","X, Y"\n\n'), [
    { image: 'a "b".exe', pid: 12, services: ['X', 'Y'] },
  ]);
  assert.deepEqual(parseTasklistServices(''), []);
  assert.throws(
    () => parseTasklistServices('svchost.exe                   1240 RpcEptMapper, RpcSs'),
    (error: unknown) =>
      error instanceof UnparseableOutputError && error.code === 'ERR_UNPARSEABLE_OUTPUT',
  );
});
