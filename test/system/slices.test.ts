import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TimeSlicer } from '../../src/system/slices.ts';

/** Busy-waits `ms` milliseconds on the main thread (a stand-in for synchronous work). */
function spin(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) {}
}

test('a slicer gives the event loop a turn once a slice is used up, not before', async () => {
  const slicer = new TimeSlicer({ sliceMs: 5 });
  let ticks = 0;
  const timer = setInterval(() => ticks++, 0);
  try {
    await slicer.pause();
    assert.equal(slicer.turns, 0, 'a fresh slice does not yield');
    spin(6);
    assert.equal(slicer.due, true);
    await slicer.pause();
    assert.equal(slicer.turns, 1);
    await new Promise((resolve) => setTimeout(resolve, 5));
    const before = ticks;
    for (let step = 0; step < 6; step++) {
      spin(3);
      await slicer.pause();
    }
    assert.ok(slicer.turns >= 3, `turns: ${slicer.turns}`);
    assert.ok(ticks > before, 'the timer ran between slices');
  } finally {
    clearInterval(timer);
  }
});

test('a slicer stops at its next turn once the signal fires or the deadline passes', async () => {
  const controller = new AbortController();
  const aborted = new TimeSlicer({ sliceMs: 1, signal: controller.signal });
  controller.abort(new Error('stop'));
  spin(2);
  await assert.rejects(aborted.pause(), { code: 'ERR_ABORTED' });

  const late = new TimeSlicer({ sliceMs: 1, deadline: performance.now() + 2, what: 'a scan' });
  spin(3);
  await assert.rejects(late.pause(), (error: Error & { code?: string }) => {
    assert.equal(error.code, 'ERR_COMMAND_TIMEOUT');
    assert.match(error.message, /a scan/);
    return true;
  });
  assert.throws(() => new TimeSlicer({ deadline: performance.now() - 1 }), {
    code: 'ERR_COMMAND_TIMEOUT',
  });
});
