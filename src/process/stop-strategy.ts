import type { StopFailure, StopProgress, StoppedProcess } from '../reports.ts';
import type { ToolContext } from '../system/tools.ts';
import type { PortOwner } from '../types.ts';

/**
 * One process to stop: its pid, the owner entry it was found as, and its identity then.
 *
 * @example
 * ```ts
 * const target: StopTarget = {pid: owner.pid, owner, startTime: owner.startTime, inodes: [123456]};
 * ```
 */
export interface StopTarget {
  readonly pid: number;
  /** The (first) owner entry the process was found as. */
  readonly owner: PortOwner;
  /** Start time captured when the owner was found (`null` where the platform cannot tell). */
  readonly startTime: string | null;
  /**
   * The sockets (inodes, Linux) the process was proven to hold: before the first signal it must
   * still hold one of them. Empty where the source shows no inodes.
   */
  readonly inodes: readonly number[];
}

/**
 * How to stop: the validated options, the call's tools (whose `deadline` is `maxWait`, or
 * Infinity) and its progress sink.
 *
 * @example
 * ```ts
 * const settings: StopSettings = {killSignal: 'SIGTERM', force: false, gracePeriod: 5000, tree: false,
 *   progress: () => {}, tools};
 * ```
 */
export interface StopSettings {
  /** The polite first signal (POSIX). */
  readonly killSignal: NodeJS.Signals;
  /** Force at once (SIGKILL, taskkill /F). */
  readonly force: boolean;
  /** Milliseconds between the polite request and the forced one. */
  readonly gracePeriod: number;
  /** Windows: end the whole process tree. */
  readonly tree: boolean;
  /** Never throws (wrapped). */
  readonly progress: (progress: StopProgress) => void;
  readonly tools: ToolContext;
}

/**
 * What happened to one {@link StopTarget}: signalled and now gone; gone before any signal
 * reached it (exited, stopped by someone else, pid reused); or could not be stopped (`process`
 * is set when some signal was sent).
 *
 * @example
 * ```ts
 * if (outcome.kind === 'stopped') console.log(outcome.process.signal);
 * ```
 */
export type StopOutcome =
  | { readonly kind: 'stopped'; readonly process: StoppedProcess }
  | { readonly kind: 'gone'; readonly pid: number; readonly reason: string }
  | {
      readonly kind: 'failed';
      readonly failure: StopFailure;
      readonly process: StoppedProcess | null;
    };

/**
 * How processes are stopped on one platform (the platform profile names it); everything around
 * it — finding owners, the rules of what is never stopped, the report — is shared.
 *
 * @example
 * ```ts
 * const outcome = await profile.stop.stop(target, settings);
 * ```
 */
export interface StopStrategy {
  /** Short name, for logs. */
  readonly name: string;
  /** The first step a real stop takes (`'SIGTERM'` or the polite signal; `'taskkill'`), for dry runs. */
  firstStep(settings: Pick<StopSettings, 'force' | 'killSignal' | 'tree'>): string;
  /**
   * Stops one process: polite request, grace period, forced stop; resolves once it is gone or
   * cannot be stopped. Must never signal a pid whose identity changed since it was found.
   * Rejects only with an AbortError.
   */
  stop(target: StopTarget, settings: StopSettings): Promise<StopOutcome>;
}
