/**
 * src/core/port-lock.ts: per port, this process's bind probes run one at a time and never while a
 * socket-table read of the port is under way; reads overlap each other. Driven with tasks the
 * test finishes by hand, so the order is checked without any timing.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setImmediate as tick } from 'node:timers/promises';
import { asProbe, asRead } from '../../src/core/port-lock.ts';

/** A task the test finishes by hand, which notes when it starts. */
function task(name: string, log: string[]) {
  let finish: () => void = () => {};
  const done = new Promise<void>((resolve) => {
    finish = resolve;
  });
  return {
    run: async () => {
      log.push(`${name} start`);
      await done;
      log.push(`${name} end`);
      return name;
    },
    finish,
  };
}

/** Lets every pending promise job and a few event-loop turns run. */
async function settle() {
  for (let i = 0; i < 5; i++) await tick();
}

let counter = 0;
const key = () => `tcp:${40_000 + ++counter}`;

test('probes of one port run one after another, in order', async () => {
  const log: string[] = [];
  const port = key();
  const [a, b, c] = [task('a', log), task('b', log), task('c', log)];
  const results = [asProbe(port, a.run), asProbe(port, b.run), asProbe(port, c.run)];
  await settle();
  assert.deepEqual(log, ['a start']);
  b.finish(); // finishing a later task early changes nothing: it has not started
  c.finish();
  await settle();
  assert.deepEqual(log, ['a start']);
  a.finish();
  assert.deepEqual(await Promise.all(results), ['a', 'b', 'c']);
  assert.deepEqual(log, ['a start', 'a end', 'b start', 'b end', 'c start', 'c end']);
});

test('reads overlap each other; a probe waits for the reads under way', async () => {
  const log: string[] = [];
  const port = key();
  const [r1, r2, p] = [task('r1', log), task('r2', log), task('p', log)];
  const reads = [asRead(port, r1.run), asRead(port, r2.run)];
  const probe = asProbe(port, p.run);
  await settle();
  assert.deepEqual(log, ['r1 start', 'r2 start']);
  r1.finish();
  await settle();
  assert.deepEqual(log, ['r1 start', 'r2 start', 'r1 end'], 'one read still under way');
  r2.finish();
  p.finish();
  await Promise.all([...reads, probe]);
  assert.deepEqual(log.slice(3), ['r2 end', 'p start', 'p end']);
});

test('a read waits for the probes queued before it', async () => {
  const log: string[] = [];
  const port = key();
  const [p, r] = [task('p', log), task('r', log)];
  const probe = asProbe(port, p.run);
  const read = asRead(port, r.run);
  await settle();
  assert.deepEqual(log, ['p start']);
  r.finish();
  p.finish();
  await Promise.all([probe, read]);
  assert.deepEqual(log, ['p start', 'p end', 'r start', 'r end']);
});

test('other ports do not wait', async () => {
  const log: string[] = [];
  const [p1, p2] = [task('p1', log), task('p2', log)];
  const first = asProbe(key(), p1.run);
  const second = asProbe(key(), p2.run);
  await settle();
  assert.deepEqual(log, ['p1 start', 'p2 start']);
  p1.finish();
  p2.finish();
  await Promise.all([first, second]);
});

test('a task that throws: its error reaches the caller, the next task runs', async () => {
  const port = key();
  const failing = asProbe(port, async () => {
    throw new Error('bind broke');
  });
  const failingRead = asRead(port, async () => {
    throw new Error('read broke');
  });
  await assert.rejects(failing, /bind broke/);
  await assert.rejects(failingRead, /read broke/);
  assert.equal(await asProbe(port, async () => 'probe after'), 'probe after');
  assert.equal(await asRead(port, async () => 'read after'), 'read after');
});
