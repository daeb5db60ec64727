/**
 * parseTasklistCsv and splitCsvLine: `tasklist /FO CSV /NH` output. The input in
 * test/fixtures/built/ was BUILT from the documented layout (see test/fixtures/SOURCES-other-os.md).
 * Moved from test/process/darwin-win32.test.ts.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { parseTasklistCsv, splitCsvLine } from '../../src/parsers/tasklist.ts';

const built = (name: string) => readFileSync(new URL(`../fixtures/built/${name}`, import.meta.url));

test('BUILT tasklist CSV: quoted fields, doubled quotes, commas inside quotes', () => {
  assert.deepEqual(splitCsvLine('"a ""b""","1,5",c'), ['a "b"', '1,5', 'c']);
  const processes = parseTasklistCsv(built('win32/tasklist-fo-csv-nh.txt').toString('utf8'));
  assert.deepEqual(
    processes.map((info) => [info.pid, info.name]),
    [
      [0, 'System Idle Process'],
      [4, 'System'],
      [7316, 'node.exe'],
      [8120, 'My "quoted", app.exe'],
    ],
  );
  assert.deepEqual(
    parseTasklistCsv('INFO: No tasks are running which match the specified criteria.\r\n'),
    [],
  );
});

test('splitCsvLine: empty fields, a lone quote, no quotes at all', () => {
  assert.deepEqual(splitCsvLine(''), ['']);
  assert.deepEqual(splitCsvLine('a,,b'), ['a', '', 'b']);
  assert.deepEqual(splitCsvLine('"",""'), ['', '']);
  assert.deepEqual(splitCsvLine('"unterminated,still one'), ['unterminated,still one']);
});

test('parseTasklistCsv: only quoted lines with a numeric pid; names only, the rest null', () => {
  const text = [
    '"node.exe","7316","Console","1","45,120 K"',
    'Image Name,PID',
    '"bad.exe","N/A","Services","0","1 K"',
    '"","12","Services","0","1 K"',
  ].join('\r\n');
  assert.deepEqual(parseTasklistCsv(text), [
    {
      pid: 7316,
      name: 'node.exe',
      commandLine: null,
      argv: null,
      uid: null,
      user: null,
      ppid: null,
      startTime: null,
    },
    {
      pid: 12,
      name: null,
      commandLine: null,
      argv: null,
      uid: null,
      user: null,
      ppid: null,
      startTime: null,
    },
  ]);
  assert.deepEqual(parseTasklistCsv(''), []);
});
