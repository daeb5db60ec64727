/**
 * CIM `Win32_Service` via `ConvertTo-Json`. No recorded output of this exact pipeline was found,
 * so every input is BUILT (test/fixtures/win32/win32-service/SOURCES.md) from the documented
 * behaviour: one result -> an object, several -> an array, none -> empty output; Windows
 * PowerShell 5.1 indents by four and writes `"Key":  value` (two spaces), pwsh 7 by two with one.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { UnparseableOutputError } from '../../src/errors.ts';
import { parseWin32Services } from '../../src/parsers/win32-service.ts';

const built = (name: string) =>
  readFileSync(new URL(`../fixtures/win32/win32-service/${name}`, import.meta.url), 'utf8');

test('BUILT 5.1 single object: WinRM in pid 3040', () => {
  assert.deepEqual(parseWin32Services(built('built-ps51-single-object.json')), [
    {
      name: 'WinRM',
      displayName: 'Windows Remote Management (WS-Management)',
      state: 'Running',
      pid: 3040,
      startMode: 'Auto',
    },
  ]);
});

test('BUILT 5.1 array: two services share pid 1240, a stopped one has pid 0', () => {
  const records = parseWin32Services(built('built-ps51-array.json'));
  assert.deepEqual(
    records.map((record) => [record.name, record.pid, record.state]),
    [
      ['RpcEptMapper', 1240, 'Running'],
      ['RpcSs', 1240, 'Running'],
      ['W3SVC', 0, 'Stopped'],
    ],
  );
});

test('BUILT pwsh 7 array of one, empty output, missing optional properties', () => {
  assert.deepEqual(
    parseWin32Services(built('built-pwsh7-array-one.json')).map((record) => record.name),
    ['MSSQLSERVER'],
  );
  assert.deepEqual(parseWin32Services(built('built-empty-output.json')), []);
  assert.deepEqual(parseWin32Services('{"Name":"Spooler","ProcessId":2352}'), [
    { name: 'Spooler', displayName: null, state: null, pid: 2352, startMode: null },
  ]);
});

test('not JSON, or a record without Name/ProcessId: typed error', () => {
  for (const text of ['Get-CimInstance : Access denied', '{"Name":"X"}', '[{"ProcessId":1}]']) {
    assert.throws(
      () => parseWin32Services(text),
      (error: unknown) =>
        error instanceof UnparseableOutputError && error.code === 'ERR_UNPARSEABLE_OUTPUT',
      text,
    );
  }
});
