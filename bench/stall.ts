/**
 * Event-loop stall meter: the longest time the loop could not run a timer during a call.
 *
 * A 1 ms `setInterval` ticks while the call runs; every gap between two ticks (and between the
 * start and the first tick, and the last tick and the end) is measured, and the stall is the
 * largest gap minus the 1 ms interval. A call that is entirely synchronous gets no tick at all:
 * its stall is its whole duration. Node 20's `monitorEventLoopDelay` misses a single long
 * block (it samples on its own schedule), so it is not used here.
 *
 * @module
 */

/** Interval of the meter's timer, in milliseconds. */
const STALL_TICK_MS = 1;

/** A running stall measurement. */
export interface StallMeasurement {
  /** Stops the timer; returns the longest block in ms (0 when the loop never waited on it). */
  stop(): number;
}

/**
 * Starts measuring event-loop stalls until `stop()` is called.
 *
 * @example
 * ```ts
 * const meter = startStallMeter();
 * await getProcessesOnPort(3000);
 * const stall = meter.stop(); // e.g. 2.4 (ms)
 * ```
 */
export function startStallMeter(): StallMeasurement {
  let last = performance.now();
  let maxGap = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    if (now - last > maxGap) maxGap = now - last;
    last = now;
  }, STALL_TICK_MS);
  return {
    stop() {
      clearInterval(timer);
      const now = performance.now();
      if (now - last > maxGap) maxGap = now - last;
      return Math.max(0, maxGap - STALL_TICK_MS);
    },
  };
}
