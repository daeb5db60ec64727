/**
 * src/managers/known-holders.ts: every entry of the table is found by its program (short name or
 * argv[0], any path, any case, Windows' `.exe`) and, where it says so, only at its pid; names that
 * merely resemble one are not. The docker-proxy facts are the recorded /proc files of a real
 * docker-proxy (test/fixtures/linux/docker/SOURCES.md); the others are built from the table.
 * (The manager detectors that use it: test/managers/detect.test.ts.)
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { KNOWN_HOLDERS, knownHolder } from '../../src/managers/known-holders.ts';
import { splitCmdline } from '../helpers/holder-facts.ts';

const recorded = (name: string) =>
  readFileSync(new URL(`../fixtures/linux/docker/local/${name}`, import.meta.url), 'utf8');

/** A pid other than the one an entry is tied to. */
const elsewhere = (pid: number | undefined) => (pid === undefined ? 4242 : pid + 1000);

test('each entry by its short name, at its own pid where it has one', () => {
  for (const entry of KNOWN_HOLDERS) {
    const pid = entry.pid ?? 4242;
    assert.equal(knownHolder({ pid, name: entry.program, argv: null }), entry, entry.program);
  }
});

test('each entry by argv[0]: a path (POSIX or Windows), upper case, .exe', () => {
  for (const entry of KNOWN_HOLDERS) {
    const pid = entry.pid ?? 4242;
    for (const argv0 of [
      `/usr/local/bin/${entry.program}`,
      `C:\\Program Files\\Tools\\${entry.program.toUpperCase()}.EXE`,
    ]) {
      assert.equal(knownHolder({ pid, name: null, argv: [argv0, '--flag'] }), entry, argv0);
    }
  }
});

test('an entry tied to a pid is not that program at another pid', () => {
  const tied = KNOWN_HOLDERS.filter((entry) => entry.pid !== undefined);
  assert.deepEqual(
    tied.map((entry) => [entry.program, entry.pid]),
    [
      ['system', 4],
      ['systemd', 1],
    ],
  );
  for (const entry of tied) {
    assert.equal(knownHolder({ pid: elsewhere(entry.pid), name: entry.program, argv: null }), null);
  }
});

test('the recorded docker-proxy, by its comm and by its command line', () => {
  const comm = recorded('docker-proxy-20.10-comm.txt').trim();
  const argv = splitCmdline(recorded('docker-proxy-20.10-cmdline.bin'));
  assert.equal(argv[0], '/usr/sbin/docker-proxy');
  for (const facts of [
    { pid: 14156, name: comm, argv },
    { pid: 14156, name: null, argv },
    { pid: 14156, name: comm, argv: null },
  ]) {
    assert.equal(knownHolder(facts)?.kind, 'docker');
    assert.match(knownHolder(facts)?.explanation ?? '', /stop the container instead/);
  }
});

test('names that only resemble an entry, and nothing known: null', () => {
  for (const name of [
    'docker',
    'docker-proxy2',
    'my-docker-proxy',
    'vpnkit-bridge',
    'com.docker.backend.helper',
    'wslrelay-x',
    'rootless',
    'controlcenterd',
    'node',
  ]) {
    assert.equal(knownHolder({ pid: 4242, name, argv: [name] }), null, name);
  }
  assert.equal(knownHolder({ pid: 4242, name: null, argv: null }), null);
  assert.equal(knownHolder({ pid: 4242, name: '', argv: [] }), null);
  // The program is the last path segment of argv[0], never an argument.
  assert.equal(knownHolder({ pid: 4242, name: 'sh', argv: ['sh', '-c', 'docker-proxy'] }), null);
});
