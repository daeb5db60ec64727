/**
 * Cooperative time slicing: long synchronous work (a scan of every `/proc/<pid>/fd`) cut into
 * slices of a few milliseconds, with a turn of the event loop between them, so the host's timers,
 * sockets and requests keep running while portwarden works.
 *
 * @module
 */
import { CommandTimeoutError } from '../errors.ts';
import { throwIfAborted } from './timing.ts';

/**
 * The longest a slice runs (ms) before it gives the event loop a turn. Small enough that a host's
 * 10 ms timer is never late by a slice; large enough that the turns cost nothing measurable.
 */
export const SLICE_MS = 2;

/** What bounds a sliced piece of work. */
export interface SliceLimits {
  /** Milliseconds per slice. Default {@link SLICE_MS}. */
  readonly sliceMs?: number | undefined;
  /** Stops at the next turn with an `AbortError` once this fires. */
  readonly signal?: AbortSignal | undefined;
  /** `performance.now()` time after which the next turn throws a `CommandTimeoutError`. */
  readonly deadline?: number | undefined;
  /** What the work is called in the timeout error (`scan of /proc/*\/fd`). */
  readonly what?: string | undefined;
}

/**
 * Hands out time slices: call {@link TimeSlicer.pause} often (it is cheap: one clock read); once
 * the slice is used up it waits for one turn of the event loop (`setImmediate`: timers and I/O
 * callbacks run first), then checks the abort signal and the deadline and starts a new slice.
 *
 * @example
 * ```ts
 * const slicer = new TimeSlicer({signal, deadline});
 * for (const path of paths) {
 *   await slicer.pause();
 *   check(readlinkSync(path));
 * }
 * ```
 */
export class TimeSlicer {
  /** Milliseconds per slice; may be changed between slices. */
  sliceMs: number;
  private readonly started = performance.now();
  private sliceEnd: number;
  /** How many turns were given to the event loop so far. */
  turns = 0;

  constructor(private readonly limits: SliceLimits = {}) {
    this.sliceMs = limits.sliceMs ?? SLICE_MS;
    this.sliceEnd = this.started + this.sliceMs;
    this.check();
  }

  /** Whether the current slice is used up (the next {@link pause} will yield). */
  get due(): boolean {
    return performance.now() >= this.sliceEnd;
  }

  /** Yields to the event loop when the slice is used up; resolves at once otherwise. */
  async pause(): Promise<void> {
    if (performance.now() < this.sliceEnd) return;
    await this.yield();
  }

  /** Gives the event loop a turn now, then starts a new slice. */
  async yield(): Promise<void> {
    await new Promise<void>((resolve) => setImmediate(resolve));
    this.turns++;
    this.check();
    this.sliceEnd = performance.now() + this.sliceMs;
  }

  private check(): void {
    throwIfAborted(this.limits.signal);
    const deadline = this.limits.deadline;
    if (deadline !== undefined && performance.now() > deadline) {
      throw new CommandTimeoutError(
        this.limits.what ?? 'sliced work',
        Math.max(0, Math.round(deadline - this.started)),
      );
    }
  }
}
