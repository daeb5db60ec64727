/**
 * src/cli/commands/stop-outcomes.ts: one port of `portwarden kill` / `free`, run in process on
 * real holders (node, on loopback ports this file chose): the stop, whether the port ended up
 * free, the JSON entry, the summary line and the reasons a port is still held; an interrupted
 * stop from its journal.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseCommandLine } from '../../../src/cli/args.ts';
import {
  freeOnePort,
  interruptedOutcome,
  killPort,
} from '../../../src/cli/commands/stop-outcomes.ts';
import type { StopInvocation } from '../../../src/cli/invocation.ts';
import { createStyle } from '../../../src/cli/output.ts';
import { StopJournal } from '../../../src/cli/stop-journal.ts';
import type { PortOwner } from '../../../src/index.ts';
import {
  canListen,
  getTestPort,
  type HolderOptions,
  startHolder,
  trackHolders,
} from '../../helpers/holders.ts';
import { needs, POSIX_SIGNALS, TIME_WAIT_LISTED, UNIX_NAMES } from '../../helpers/live.ts';
import { leaveServerTimeWait } from '../../helpers/time-wait.ts';

const hold = trackHolders();
const holder = (options: HolderOptions) => hold(startHolder(options));
const plain = createStyle(false);
const LIVE = needs(POSIX_SIGNALS, UNIX_NAMES);

function invocation(args: readonly string[]): StopInvocation {
  return parseCommandLine(args) as StopInvocation;
}

describe('killPort', LIVE, () => {
  test('a holder stopped: free, and who was stopped', async () => {
    const port = await getTestPort();
    const h = await holder({ port });
    const outcome = await killPort(invocation(['kill', String(port)]), port, {}, plain);
    assert.equal(outcome.free, true);
    assert.deepEqual(outcome.problems, []);
    assert.match(
      outcome.summary ?? '',
      new RegExp(
        `^${port}/tcp: free \\(stopped ${h.pid} node \\(SIGTERM, \\d+(\\.\\d+)? m?s\\)\\)\\n$`,
      ),
    );
    assert.equal(outcome.json.free, true);
    assert.deepEqual(outcome.json.killed, [h.pid]);
    assert.equal(outcome.json.message, undefined);
  });

  test('nothing on the port: free, nothing held it', async () => {
    const port = await getTestPort();
    const outcome = await killPort(invocation(['kill', String(port)]), port, {}, plain);
    assert.equal(outcome.free, true);
    assert.equal(outcome.summary, `${port}/tcp: free (nothing held it)\n`);
  });

  test('a holder left alone by the names: not free, the reason in words and in the JSON', async () => {
    const port = await getTestPort();
    const h = await holder({ port });
    const outcome = await killPort(
      invocation(['kill', String(port)]),
      port,
      { names: ['python3'] },
      plain,
    );
    assert.equal(outcome.free, false);
    assert.equal(outcome.summary, undefined);
    assert.deepEqual(outcome.problems, [`${h.pid} node does not match --filter, left alone`]);
    assert.equal(outcome.json.message, outcome.problems[0]);
    assert.equal(h.alive(), true);
  });

  test('a dry run: what would be sent, nothing signalled; free only when nothing holds it', async () => {
    const port = await getTestPort();
    const h = await holder({ port });
    const outcome = await killPort(
      invocation(['kill', String(port), '--dry-run']),
      port,
      { dryRun: true },
      plain,
    );
    assert.equal(outcome.free, false);
    assert.match(outcome.summary ?? '', new RegExp(`^${port}/tcp: would send SIGTERM → ${h.pid} `));
    assert.equal(outcome.json.dryRun, true);
    assert.equal(h.alive(), true);
  });
});

describe('freeOnePort', LIVE, () => {
  test('a holder stopped: free, who was stopped', async () => {
    const port = await getTestPort();
    const h = await holder({ port });
    const outcome = await freeOnePort(
      invocation(['free', String(port)]),
      port,
      { maxWait: 10_000 },
      plain,
    );
    assert.equal(outcome.free, true);
    assert.match(outcome.summary ?? '', new RegExp(`^${port}/tcp: free \\(stopped ${h.pid} node `));
    assert.equal(outcome.json.outcome, 'free');
    assert.equal(await canListen(port), true);
  });

  test('TIME_WAIT left on a free port: the note below the summary', TIME_WAIT_LISTED, async () => {
    const port = await getTestPort();
    await leaveServerTimeWait(port, { connections: 2 });
    const outcome = await freeOnePort(invocation(['free', String(port)]), port, {}, plain);
    assert.equal(outcome.free, true);
    assert.match(
      outcome.summary ?? '',
      new RegExp(`^${port}/tcp: free \\(nothing held it\\)\\n {2}2 TIME_WAIT sockets remain: `),
    );
  });

  test('an owner that may not be stopped: not free, the reasons', async () => {
    const port = await getTestPort();
    const h = await holder({ port });
    const outcome = await freeOnePort(
      invocation(['free', String(port)]),
      port,
      { names: ['python3'], maxWait: 5000 },
      plain,
    );
    assert.equal(outcome.free, false);
    assert.equal(outcome.json.outcome, 'unstoppable-owner');
    assert.deepEqual(outcome.problems, [`${h.pid} node does not match --filter, left alone`]);
    assert.equal(outcome.json.message, outcome.problems[0]);
    assert.equal(h.alive(), true);
  });

  test('a dry run: the lines of the stop it would make; a free port says so', async () => {
    const port = await getTestPort();
    const dry = invocation(['free', String(port), '--dry-run']);
    const empty = await freeOnePort(dry, port, { dryRun: true }, plain);
    assert.equal(empty.summary, `${port}/tcp: free, nothing to stop\n`);
    const h = await holder({ port });
    const outcome = await freeOnePort(dry, port, { dryRun: true }, plain);
    assert.equal(outcome.free, false);
    assert.deepEqual(outcome.problems, []);
    assert.match(outcome.summary ?? '', new RegExp(`^${port}/tcp: would send SIGTERM → ${h.pid} `));
    assert.equal(h.alive(), true);
  });
});

test('interruptedOutcome: not known to be free; who was signalled and abandoned', () => {
  const journal = new StopJournal();
  const owner = { pid: 4242, name: 'node' } as PortOwner;
  journal.record({ type: 'signal', pid: 4242, signal: 'SIGTERM', owner });
  journal.record({ type: 'signal', pid: 4243, signal: 'SIGTERM', owner: { ...owner, pid: 4243 } });
  journal.record({ type: 'exited', pid: 4243, signal: 'SIGTERM', elapsedMs: 20 });
  const outcome = interruptedOutcome(
    invocation(['free', '3000', '--protocol', 'udp']),
    3000,
    journal,
  );
  assert.equal(outcome.free, false);
  assert.equal(outcome.interrupted, true);
  assert.equal(outcome.summary, undefined);
  const text =
    'stopped 4243 node (SIGTERM); sent SIGTERM to 4242 node, which had not exited: no further signal was sent';
  assert.deepEqual(outcome.problems, [text]);
  assert.deepEqual(outcome.json, {
    port: 3000,
    protocol: 'udp',
    interrupted: true,
    free: null,
    signalled: journal.signalled(),
    abandoned: [4242],
    message: `interrupted: ${text}`,
  });
});
