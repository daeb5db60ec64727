/**
 * src/system/timing.ts: abort checks, an abortable sleep that leaves no listener behind, the
 * doubling backoff, polling until a deadline, and an unref'd interval. Time bounds are generous
 * (a loaded machine may be slow); what is asserted tightly is order and outcome.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AbortError } from '../../src/errors.ts';
import { backoff, every, pollUntil, sleep, throwIfAborted } from '../../src/system/timing.ts';

const isAbort = (reason: unknown) => (error: unknown) =>
  error instanceof AbortError && error.code === 'ERR_ABORTED' && error.cause === reason;

test('throwIfAborted: nothing without a signal or before the abort; AbortError with the reason', () => {
  throwIfAborted(undefined);
  const controller = new AbortController();
  throwIfAborted(controller.signal);
  const reason = new Error('stop');
  controller.abort(reason);
  assert.throws(() => throwIfAborted(controller.signal), isAbort(reason));
});

test('sleep: waits at least about the time; a negative time is no wait', async () => {
  const t0 = performance.now();
  await sleep(50);
  assert.ok(performance.now() - t0 >= 45);
  await sleep(-10);
});

test('sleep: an already aborted signal rejects at once; an abort during the sleep ends it', async () => {
  const reason = new Error('early');
  await assert.rejects(sleep(10_000, AbortSignal.abort(reason)), isAbort(reason));
  const controller = new AbortController();
  const t0 = performance.now();
  setTimeout(() => controller.abort('late'), 30);
  await assert.rejects(sleep(10_000, controller.signal), isAbort('late'));
  assert.ok(performance.now() - t0 < 5000, 'did not sleep the whole time');
});

test('sleep: the abort listener is removed when the sleep ends normally', async () => {
  const controller = new AbortController();
  const added: unknown[] = [];
  const removed: unknown[] = [];
  const signal = controller.signal;
  type Listener = Parameters<AbortSignal['addEventListener']>[1];
  const add = signal.addEventListener.bind(signal);
  const remove = signal.removeEventListener.bind(signal);
  signal.addEventListener = ((type: 'abort', listener: Listener, options?: { once?: boolean }) => {
    added.push(listener);
    add(type, listener, options);
  }) as typeof signal.addEventListener;
  signal.removeEventListener = ((type: 'abort', listener: Listener) => {
    removed.push(listener);
    remove(type, listener);
  }) as typeof signal.removeEventListener;
  for (let i = 0; i < 3; i++) await sleep(1, signal);
  assert.equal(added.length, 3);
  assert.deepEqual(removed, added);
});

test('backoff: doubles from first up to max, then stays', () => {
  const delays = backoff(5, 50);
  assert.deepEqual(
    Array.from({ length: 7 }, () => delays.next()),
    [5, 10, 20, 40, 50, 50, 50],
  );
  const flat = backoff(100, 100);
  assert.deepEqual([flat.next(), flat.next()], [100, 100]);
});

test('pollUntil: true as soon as the check passes (async checks too)', async () => {
  let calls = 0;
  const result = await pollUntil(async () => ++calls === 3, performance.now() + 10_000, {
    first: 1,
    max: 5,
  });
  assert.equal(result, true);
  assert.equal(calls, 3);
  assert.equal(
    await pollUntil(() => true, 0, { first: 1, max: 1 }),
    true,
    'checked once even past the deadline',
  );
});

test('pollUntil: false at the deadline, never sleeping past it', async () => {
  let calls = 0;
  const t0 = performance.now();
  const result = await pollUntil(
    () => {
      calls++;
      return false;
    },
    t0 + 100,
    { first: 40, max: 1000 },
  );
  const elapsed = performance.now() - t0;
  assert.equal(result, false);
  assert.ok(elapsed >= 95 && elapsed < 2000, `elapsed ${elapsed}`);
  assert.ok(calls >= 2 && calls <= 4, `calls ${calls}: 40 + 60 ms capped by the deadline`);
});

test('pollUntil: an abort ends it with AbortError, before or between checks', async () => {
  await assert.rejects(
    pollUntil(() => true, performance.now() + 1000, {
      first: 1,
      max: 1,
      signal: AbortSignal.abort('before'),
    }),
    isAbort('before'),
  );
  const controller = new AbortController();
  setTimeout(() => controller.abort('between'), 30);
  await assert.rejects(
    pollUntil(() => false, performance.now() + 10_000, {
      first: 10,
      max: 10,
      signal: controller.signal,
    }),
    isAbort('between'),
  );
});

test('every: calls back with the elapsed time until stopped; does not keep the process alive', async () => {
  const seen: number[] = [];
  const stop = every(10, (elapsed) => seen.push(elapsed));
  await sleep(80);
  stop();
  const count = seen.length;
  assert.ok(count >= 2, `called ${count} times`);
  assert.ok(seen.every((elapsed, index) => index === 0 || elapsed >= (seen[index - 1] ?? 0)));
  await sleep(40);
  assert.equal(seen.length, count, 'no call after stop');
});
