/**
 * parseWin32ProcessJson: PowerShell `Get-CimInstance Win32_Process | ConvertTo-Json` output.
 * The inputs in test/fixtures/built/ were BUILT from the documented layouts (see
 * test/fixtures/SOURCES-other-os.md). Moved from test/process/darwin-win32.test.ts.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { parseWin32ProcessJson } from '../../src/parsers/win32-process.ts';

const built = (name: string) => readFileSync(new URL(`../fixtures/built/${name}`, import.meta.url));

test('BUILT PowerShell 5.1 array (/Date(ms)/) and pwsh 7 single object (ISO date)', () => {
  const processes = parseWin32ProcessJson(
    built('win32/cim-win32-process-ps51-array.json').toString('utf8'),
  );
  assert.deepEqual(processes, [
    {
      pid: 7316,
      ppid: 5012,
      name: 'node.exe',
      commandLine: '"C:\\Program Files\\nodejs\\node.exe" server.js --port 3000',
      argv: null,
      uid: null,
      user: null,
      startTime: '2025-01-02T10:05:45.678Z',
    },
    {
      pid: 4,
      ppid: 0,
      name: 'System',
      commandLine: null,
      argv: null,
      uid: null,
      user: null,
      startTime: '2025-01-02T06:40:00.000Z',
    },
  ]);
  const [python] = parseWin32ProcessJson(
    built('win32/cim-win32-process-pwsh7-single.json').toString('utf8'),
  );
  assert.equal(python?.pid, 9300);
  assert.equal(python?.commandLine, 'python -m http.server 8080');
  assert.equal(python?.startTime, '2025-01-02T10:05:45.678Z'); // same instant, same token
});

test('records without a usable ProcessId are dropped; odd fields become null', () => {
  const json = JSON.stringify([
    { ProcessId: 10, ParentProcessId: -1, Name: '', CommandLine: '', CreationDate: '' },
    { ProcessId: '11', Name: 'string-pid.exe' },
    { ProcessId: 1.5, Name: 'fraction.exe' },
    { ProcessId: 12, ParentProcessId: 3, Name: 'a.exe', CreationDate: { value: 'not a date' } },
    { ProcessId: 13, CreationDate: '/Date(1735812345678+0100)/' },
  ]);
  assert.deepEqual(
    parseWin32ProcessJson(json).map((info) => [
      info.pid,
      info.ppid,
      info.name,
      info.commandLine,
      info.startTime,
    ]),
    [
      [10, null, null, null, null],
      [12, 3, 'a.exe', null, 'not a date'],
      [13, null, null, null, '2025-01-02T10:05:45.678Z'],
    ],
  );
});
