/**
 * src/cli/stop-journal.ts: what an interrupted stop had done, from its progress events — real
 * events of real stops (a holder that exits on SIGTERM, one that ignores it and is abandoned when
 * the stop is aborted), and built events for the edges (repeated signals, an exit of a process
 * never signalled, a name with control characters).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { interruptedText, StopJournal } from '../../src/cli/stop-journal.ts';
import { killProcessOnPort, type PortOwner, type StopProgress } from '../../src/index.ts';
import { getTestPort, type HolderOptions, startHolder, trackHolders } from '../helpers/holders.ts';
import { POSIX_SIGNALS } from '../helpers/live.ts';

const hold = trackHolders();
const holder = (options: HolderOptions) => hold(startHolder(options));

function owner(pid: number, name: string | null): PortOwner {
  return { pid, name } as PortOwner;
}

const signal = (pid: number, name: string | null, sent = 'SIGTERM'): StopProgress => ({
  type: 'signal',
  pid,
  signal: sent,
  owner: owner(pid, name),
});
const exited = (pid: number): StopProgress => ({
  type: 'exited',
  pid,
  signal: 'SIGTERM',
  elapsedMs: 12,
});

describe('StopJournal, built events', () => {
  test('nothing signalled: empty, and says so', () => {
    const journal = new StopJournal();
    journal.record({ type: 'waiting', elapsedMs: 500 });
    journal.record({ type: 'skipped', pid: 1, reason: 'system' });
    journal.record({ type: 'failed', pid: 5, code: 'EPERM', message: 'no' });
    journal.record(exited(4242)); // never signalled: not a process of this stop
    assert.deepEqual(journal.signalled(), []);
    assert.deepEqual(journal.pending(), []);
    assert.equal(interruptedText(journal), 'nothing was signalled');
  });

  test('signals accumulate per process, in the order of the first signal', () => {
    const journal = new StopJournal();
    journal.record(signal(20, 'python3'));
    journal.record(signal(10, 'node'));
    journal.record(signal(20, 'python3', 'SIGKILL'));
    journal.record(exited(20));
    assert.deepEqual(journal.signalled(), [
      { pid: 20, name: 'python3', signals: ['SIGTERM', 'SIGKILL'], exited: true },
      { pid: 10, name: 'node', signals: ['SIGTERM'], exited: false },
    ]);
    assert.deepEqual(
      journal.pending().map((process) => process.pid),
      [10],
    );
    assert.equal(
      interruptedText(journal),
      'stopped 20 python3 (SIGTERM, SIGKILL); sent SIGTERM to 10 node, which had not exited: no further signal was sent',
    );
  });

  test('a process without a name is its pid; control characters in a name are shown escaped', () => {
    const journal = new StopJournal();
    journal.record(signal(7, null));
    journal.record(signal(8, 'evil\u001B[2J\nname'));
    assert.equal(
      interruptedText(journal),
      'sent SIGTERM to 7, SIGTERM to 8 evil\\x1b[2J\\nname, which had not exited: no further signal was sent',
    );
  });
});

describe('StopJournal, events of real stops', POSIX_SIGNALS, () => {
  test('a holder that exits on SIGTERM: stopped, nothing pending', async () => {
    const port = await getTestPort();
    const h = await holder({ port, onSigterm: 'exit' });
    const journal = new StopJournal();
    const report = await killProcessOnPort(port, {
      onProgress: (event) => journal.record(event),
    });
    assert.deepEqual(report.killed, [h.pid]);
    assert.deepEqual(journal.pending(), []);
    assert.equal(interruptedText(journal), `stopped ${h.pid} node (SIGTERM)`);
  });

  test('a holder that ignores SIGTERM, the stop aborted after the signal: pending', async () => {
    const port = await getTestPort();
    const h = await holder({ port, onSigterm: 'ignore' });
    const journal = new StopJournal();
    const controller = new AbortController();
    await assert.rejects(
      killProcessOnPort(port, {
        gracePeriod: 60_000,
        signal: controller.signal,
        onProgress: (event) => {
          journal.record(event);
          if (event.type === 'signal') controller.abort();
        },
      }),
      { code: 'ERR_ABORTED' },
    );
    assert.equal(h.alive(), true, 'no SIGKILL after the abort');
    assert.deepEqual(journal.pending(), [
      { pid: h.pid, name: 'node', signals: ['SIGTERM'], exited: false },
    ]);
    assert.equal(
      interruptedText(journal),
      `sent SIGTERM to ${h.pid} node, which had not exited: no further signal was sent`,
    );
  });
});
