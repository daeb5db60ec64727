/**
 * src/parsers/proc-status.ts: `FDSize:` of /proc/<pid>/status — on the recorded status of a node
 * process holding 8,000 sockets (test/fixtures/proc/SOURCES.md), on the BUILT fixture tree (which
 * has no such line), on malformed lines, and on this process's own status, read live.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { parseFdSize } from '../../src/parsers/proc-status.ts';
import { PROC } from '../helpers/live.ts';

const fixture = (name: string) =>
  readFileSync(new URL(`../fixtures/proc/${name}`, import.meta.url), 'latin1');

test('FDSize of /proc/<pid>/status (recorded: a node process with 8,000 sockets)', () => {
  assert.equal(parseFdSize(fixture('status/node-8000-sockets')), 8192);
  assert.equal(parseFdSize(fixture('tree/6000/status')), undefined, 'the built tree has none');
});

test('a malformed FDSize line is no answer', () => {
  assert.equal(parseFdSize('FDSize:\tlots\n'), undefined);
  assert.equal(parseFdSize('FDSize:\t64 kB\n'), undefined);
  assert.equal(parseFdSize('NotFDSize:\t64\n'), undefined);
  assert.equal(parseFdSize('Name:\tnode\nFDSize:\t64\nGroups:\t\n'), 64);
});

test("this process's own status: every open descriptor is below FDSize", PROC, () => {
  const slots = parseFdSize(readFileSync('/proc/self/status', 'latin1'));
  assert.ok(slots !== undefined && slots > 0, String(slots));
  const open = readdirSync('/proc/self/fd').map(Number);
  assert.ok(Math.max(...open) < slots, `${Math.max(...open)} < ${slots}`);
});
