/**
 * parseProcStat and parseProcState: /proc/<pid>/stat (proc(5)). The fixture tree holds real
 * stat files; the odd names are built from proc(5): the name sits in parentheses and may itself
 * hold spaces and parentheses, so fields are counted from the LAST ')'.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { parseProcStat, parseProcState } from '../../src/parsers/proc-stat.ts';

const stat = (pid: number) =>
  readFileSync(new URL(`../fixtures/proc/tree/${pid}/stat`, import.meta.url), 'utf8');

test('the fixture tree: ppid (field 4) and start time (field 22)', () => {
  for (const pid of [4242, 5151, 6000, 6001, 7000]) {
    const parsed = parseProcStat(stat(pid));
    assert.ok(parsed, `stat of ${pid}`);
    const fields = stat(pid)
      .slice(stat(pid).lastIndexOf(')') + 2)
      .trim()
      .split(' ');
    assert.equal(parsed.ppid, Number(fields[1]));
    assert.equal(parsed.startTime, fields[19]);
  }
  assert.equal(parseProcStat(stat(7000))?.ppid, 1);
});

test('a name with spaces and parentheses (moved from test/adapters/procfs.test.ts)', () => {
  assert.deepEqual(parseProcStat('12 (a) b) c) S 3 12 12 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 555 0'), {
    ppid: 3,
    startTime: '555',
  });
  assert.equal(parseProcStat('garbage'), undefined);
});

test('this process, live: a start time of digits', {
  skip: process.platform !== 'linux' && 'reads /proc',
}, () => {
  const live = readFileSync('/proc/self/stat', 'utf8');
  const parsed = parseProcStat(live);
  assert.ok(parsed);
  assert.match(parsed.startTime, /^[0-9]+$/);
});

test('truncated or non-numeric fields: undefined, never a guess', () => {
  assert.equal(parseProcStat('1 (init) S 0 1 1'), undefined, 'no field 22');
  assert.equal(parseProcStat('1 (init) S x 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 9 0'), undefined);
  assert.equal(parseProcStat('1 (init) S 0 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 abc 0'), undefined);
  assert.equal(parseProcStat(''), undefined);
});

test('parseProcState: the state letter after the name', () => {
  assert.equal(parseProcState('12 (a) b) c) Z 3 12'), 'Z');
  assert.equal(parseProcState('1 (init) S 0'), 'S');
  assert.equal(parseProcState(stat(4242)), stat(4242).charAt(stat(4242).lastIndexOf(')') + 2));
  assert.equal(parseProcState('no parenthesis'), undefined);
  assert.equal(parseProcState('1 (init)'), undefined);
});
