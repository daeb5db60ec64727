/**
 * The FreeBSD sockstat adapter, run on this (Linux) machine with an emulated platform and a
 * runner that checks the argument array it is given and replays the recorded bytes of
 * test/fixtures/freebsd/sockstat (see test/fixtures/freebsd/SOURCES.md). No FreeBSD runs here, so
 * nothing is live; the error texts of an older sockstat are built from its getopt/usage() source
 * and say so.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { sockstatAdapter, sockstatArguments } from '../../src/adapters/sockstat.ts';
import { createContext } from '../../src/core/context.ts';
import {
  CommandFailedError,
  CommandNotFoundError,
  UnparseableOutputError,
} from '../../src/errors.ts';
import { PLATFORMS, platformProfile } from '../../src/platform/profiles.ts';
import type { CommandResult, RunOptions } from '../../src/system/runner.ts';
import type { SocketRow } from '../../src/types.ts';

const recording = (name: string) =>
  readFileSync(new URL(`../fixtures/freebsd/sockstat/${name}`, import.meta.url));

interface Call {
  readonly file: string;
  readonly args: readonly string[];
  readonly options: RunOptions;
}

/**
 * A runner that answers each call with the next of `answers` (stdout bytes, or a partial result)
 * and records the calls; a call beyond the answers fails the test loudly.
 */
function replay(...answers: (Buffer | Partial<CommandResult> | Error)[]) {
  const calls: Call[] = [];
  const run = async (file: string, args: readonly string[], options: RunOptions) => {
    calls.push({ file, args: [...args], options });
    const answer = answers.shift();
    if (answer === undefined) throw new Error(`unexpected call: ${file} ${args.join(' ')}`);
    if (answer instanceof Error) throw answer;
    const result = Buffer.isBuffer(answer) ? { stdout: answer } : answer;
    return { stdout: Buffer.alloc(0), stderr: Buffer.alloc(0), exitCode: 0, ...result };
  };
  return { run, calls };
}

const freebsd = (run: ReturnType<typeof replay>['run']) =>
  createContext({ platform: 'freebsd', run, toolTimeout: 4321 });

const summary = (rows: readonly SocketRow[]) =>
  rows.map((row) => [
    row.protocol,
    row.localAddress,
    row.localPort,
    row.state,
    row.owners.map((owner) => owner.pid),
  ]);

/** What a FreeBSD 12 sockstat writes for an option it does not know (getopt + usage()). BUILT. */
const illegal = (letter: string): Partial<CommandResult> => ({
  exitCode: 1,
  stderr: Buffer.from(
    `sockstat: illegal option -- ${letter}\n` +
      'usage: sockstat [-46cLlSsUuvw] [-j jid] [-p ports] [-P protocols]\n',
  ),
});

test('sockstat adapter: the argument array for each query', () => {
  assert.deepEqual(sockstatArguments({ port: 3000, protocol: 'tcp' }), [
    '-4',
    '-6',
    '-n',
    '-s',
    '-w',
    '-P',
    'tcp',
    '-p',
    '3000',
  ]);
  assert.deepEqual(sockstatArguments({ port: 53 }).slice(-4), ['-P', 'tcp,udp', '-p', '53']);
  assert.deepEqual(sockstatArguments({ port: 53, protocol: 'udp' }, new Set(['-n', '-w'])), [
    '-4',
    '-6',
    '-s',
    '-P',
    'udp',
    '-p',
    '53',
  ]);
  assert.equal(sockstatAdapter.name, 'sockstat');
  assert.equal(sockstatAdapter.listsHiddenSockets, true);
});

test('sockstat adapter: FreeBSD 14.5 port 22 — listeners, connections, a TIME_WAIT row', async () => {
  const { run, calls } = replay(recording('freebsd14-sockstat-46sw-mql.txt'));
  const rows = await sockstatAdapter.read({ port: 22, protocol: 'tcp' }, freebsd(run));
  assert.equal(calls.length, 1);
  assert.equal(calls[0]?.file, 'sockstat');
  assert.deepEqual(calls[0]?.args, ['-4', '-6', '-n', '-s', '-w', '-P', 'tcp', '-p', '22']);
  assert.equal(calls[0]?.options.timeout, 4321);
  assert.deepEqual(summary(rows), [
    ['tcp', '172.17.2.106', 22, 'ESTABLISHED', [33340]],
    ['tcp', '172.17.2.106', 22, 'ESTABLISHED', [33338]],
    ['tcp', '::', 22, 'LISTEN', [1830]],
    ['tcp', '0.0.0.0', 22, 'LISTEN', [1830]],
    ['tcp', '172.17.2.106', 22, 'TIME_WAIT', []],
  ]);
});

test('sockstat adapter: exact ports — 3306 is not 33060, 80 is not 8000', async () => {
  // The replayed outputs hold every socket, as if -p had not filtered: the adapter must filter.
  const mysql = replay(recording('freebsd14-sockstat-46sw-mql.txt'));
  const rows = await sockstatAdapter.read({ port: 3306, protocol: 'tcp' }, freebsd(mysql.run));
  assert.deepEqual(summary(rows), [['tcp', '::', 3306, 'LISTEN', [29115]]]);

  const old = replay(recording('freebsd9-sockstat-Ptcp-perkeep.txt'));
  const web = await sockstatAdapter.read({ port: 80, protocol: 'tcp' }, freebsd(old.run));
  assert.deepEqual(
    web.map((row) => row.owners[0]?.pid),
    [62982, 62982, 2152, 2152],
  );
  assert.ok(web.every((row) => row.localPort === 80));
});

test('sockstat adapter: a remote port counts only with includeRemote; UDP by protocol', async () => {
  const local = replay(recording('freebsd13-sockstat-46sw-mql.txt'));
  assert.deepEqual(
    summary(await sockstatAdapter.read({ port: 80, protocol: 'tcp' }, freebsd(local.run))),
    [
      ['tcp', '0.0.0.0', 80, 'LISTEN', [2579]],
      ['tcp', '0.0.0.0', 80, 'LISTEN', [2578]],
    ],
  );
  const both = replay(recording('freebsd13-sockstat-46sw-mql.txt'));
  const rows = await sockstatAdapter.read(
    { port: 80, protocol: 'tcp', includeRemote: true },
    freebsd(both.run),
  );
  assert.deepEqual(
    rows.map((row) => [row.localPort, row.remotePort, row.state]),
    [
      [80, null, 'LISTEN'],
      [80, null, 'LISTEN'],
      [27158, 80, 'TIME_WAIT'], // this machine's connection to a port 80 elsewhere
    ],
  );

  const udp = replay(recording('freebsd15-sockstat-46sw-mql.txt'));
  const ntp = await sockstatAdapter.read({ port: 123 }, freebsd(udp.run));
  assert.deepEqual(udp.calls[0]?.args.slice(-4), ['-P', 'tcp,udp', '-p', '123']);
  assert.equal(ntp.length, 7);
  assert.ok(ntp.every((row) => row.protocol === 'udp' && row.state === 'BOUND'));
  assert.deepEqual(
    ntp.map((row) => row.localAddress),
    [
      '::',
      '0.0.0.0',
      'fe80::4ff:daff:febe:3ed9%ena0',
      '172.17.2.254',
      '::1',
      'fe80::1%lo0',
      '127.0.0.1',
    ],
  );
});

test('sockstat adapter: an older sockstat — rejected flags are dropped one by one, and remembered', async () => {
  // A FreeBSD 10-like sockstat knows none of -n, -s, -w: getopt names the first unknown one each
  // time (BUILT error texts). The final answer replays the 2013 recording (no state column).
  const { run, calls } = replay(
    illegal('n'),
    illegal('s'),
    illegal('w'),
    recording('freebsd9-sockstat-Ptcp-perkeep.txt'),
    recording('freebsd9-sockstat-Ptcp-perkeep.txt'),
  );
  const context = freebsd(run);
  const rows = await sockstatAdapter.read({ port: 9000, protocol: 'tcp' }, context);
  assert.deepEqual(
    calls.map((call) => call.args.join(' ')),
    [
      '-4 -6 -n -s -w -P tcp -p 9000',
      '-4 -6 -s -w -P tcp -p 9000',
      '-4 -6 -w -P tcp -p 9000',
      '-4 -6 -P tcp -p 9000',
    ],
  );
  assert.deepEqual(
    rows.map((row) => [row.state, row.remotePort, row.owners]),
    [
      ['LISTEN', null, [{ pid: 63210, name: 'spc in nam' }]], // no -s: a socket without a peer
      ['UNKNOWN', 49866, [{ pid: 63210, name: 'spc in nam' }]],
    ],
  );

  // The same runner is not asked the rejected flags again.
  await sockstatAdapter.read({ port: 9000, protocol: 'tcp' }, context);
  assert.equal(calls.length, 5);
  assert.deepEqual(calls[4]?.args, ['-4', '-6', '-P', 'tcp', '-p', '9000']);
  const again = replay(recording('freebsd9-sockstat-Ptcp-perkeep.txt'));
  await sockstatAdapter.read({ port: 9000, protocol: 'tcp' }, freebsd(again.run));
  assert.deepEqual(again.calls[0]?.args.slice(2, 5), ['-n', '-s', '-w']); // another runner: fresh
});

test('sockstat adapter: a usage error that names no flag drops every optional flag at once', async () => {
  const { run, calls } = replay(
    { exitCode: 1, stderr: Buffer.from('usage: sockstat [-46cLlu] [-p ports] [-P protocols]\n') },
    recording('freebsd13-sockstat-46sw-mql.txt'),
  );
  const rows = await sockstatAdapter.read({ port: 25, protocol: 'tcp' }, freebsd(run));
  assert.deepEqual(calls[1]?.args, ['-4', '-6', '-P', 'tcp', '-p', '25']);
  assert.deepEqual(summary(rows), [['tcp', '127.0.0.1', 25, 'LISTEN', [823]]]);
});

test('sockstat adapter: failures are typed errors, and nothing runs on another platform', async () => {
  const denied = replay({
    exitCode: 1,
    stderr: Buffer.from('sockstat: cap_sysctlbyname(): Operation not permitted\n'),
  });
  await assert.rejects(
    sockstatAdapter.read({ port: 22 }, freebsd(denied.run)),
    (error: unknown) => error instanceof CommandFailedError && error.exitCode === 1,
  );
  assert.equal(denied.calls.length, 1); // not an option problem: no retry

  const unknownFlag = replay(illegal('P')); // a sockstat without -P is not retried without it
  await assert.rejects(
    sockstatAdapter.read({ port: 22 }, freebsd(unknownFlag.run)),
    CommandFailedError,
  );
  assert.equal(unknownFlag.calls.length, 1);

  const missing = replay(new CommandNotFoundError('sockstat'));
  await assert.rejects(
    sockstatAdapter.read({ port: 22 }, freebsd(missing.run)),
    CommandNotFoundError,
  );

  const garbage = replay(Buffer.from('Segmentation fault\ncore dumped\n'));
  await assert.rejects(
    sockstatAdapter.read({ port: 22 }, freebsd(garbage.run)),
    UnparseableOutputError,
  );
});

test('only the FreeBSD profile lists sockstat (Linux and NetBSD ship other programs by that name)', () => {
  for (const [name, profile] of Object.entries(PLATFORMS)) {
    assert.equal(profile.adapters.includes(sockstatAdapter), name === 'freebsd', name);
  }
  assert.equal(platformProfile('netbsd').adapters.includes(sockstatAdapter), false);
});
