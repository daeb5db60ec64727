import { AbortError } from '../errors.ts';

/**
 * Throws an {@link AbortError} (`code: 'ERR_ABORTED'`, the signal's reason as `cause`) when
 * `signal` has fired.
 *
 * @example
 * ```ts
 * throwIfAborted(tools.signal);
 * ```
 */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new AbortError(undefined, { cause: signal.reason });
}

/**
 * Waits `ms` milliseconds; rejects with an {@link AbortError} (`code: 'ERR_ABORTED'`) as soon as
 * `signal` fires. The timer never outlives the wait and does not keep the process alive on its
 * own once aborted.
 *
 * @example
 * ```ts
 * await sleep(20, AbortSignal.timeout(1000));
 * ```
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(new AbortError(undefined, { cause: signal.reason }));
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(new AbortError(undefined, { cause: signal?.reason }));
    };
    const timer = setTimeout(
      () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      },
      Math.max(0, ms),
    );
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Delays for polling: `first`, doubled each step, never more than `max`.
 *
 * @example
 * ```ts
 * const delays = backoff(5, 20);
 * delays.next(); // 5, then 10, 20, 20, ...
 * ```
 */
export function backoff(first: number, max: number): { next(): number } {
  let current = first;
  return {
    next() {
      const value = current;
      current = Math.min(current * 2, max);
      return value;
    },
  };
}

/**
 * Polls `check` with {@link backoff} delays until it returns `true` (resolves `true`) or
 * `deadline` (a `performance.now()` time) passes (resolves `false`). `check` runs once more right
 * at the deadline, so a condition met during the last delay is not missed.
 *
 * @example
 * ```ts
 * const gone = await pollUntil(() => !isAlive(pid), performance.now() + 5000, {first: 5, max: 20});
 * ```
 */
export async function pollUntil(
  check: () => boolean | Promise<boolean>,
  deadline: number,
  options: { first: number; max: number; signal?: AbortSignal | undefined },
): Promise<boolean> {
  const delays = backoff(options.first, options.max);
  for (;;) {
    throwIfAborted(options.signal);
    if (await check()) return true;
    const left = deadline - performance.now();
    if (left <= 0) return false;
    await sleep(Math.min(delays.next(), left), options.signal);
  }
}

/**
 * Calls `listener` every `interval` ms with the elapsed time until the returned function is
 * called (for `{type: 'waiting'}` progress events). The timer is unref'd.
 *
 * @example
 * ```ts
 * const stop = every(250, (elapsedMs) => onProgress({type: 'waiting', elapsedMs}));
 * try { await work(); } finally { stop(); }
 * ```
 */
export function every(interval: number, listener: (elapsedMs: number) => void): () => void {
  const started = performance.now();
  const timer = setInterval(() => listener(Math.round(performance.now() - started)), interval);
  timer.unref();
  return () => clearInterval(timer);
}
