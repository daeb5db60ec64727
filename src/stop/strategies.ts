import type { AdapterContext } from '../adapters/types.ts';
import type { PortOwner } from '../types.ts';
import { posixStrategy } from './posix-strategy.ts';
import type { FailedKill, StopProgress, StoppedProcess } from './types.ts';
import { windowsStrategy } from './win32-strategy.ts';

/** One process to stop: its pid, the owner entry it was found as, and its identity then. */
export interface StopTarget {
  readonly pid: number;
  /** The (first) owner entry the process was found as. */
  readonly owner: PortOwner;
  /** Start time captured when the owner was found (`null` where the platform cannot tell). */
  readonly startTime: string | null;
}

/** How to stop: validated options plus the call's deadline and progress sink. */
export interface StopSettings {
  /** The polite first signal (POSIX). */
  readonly killSignal: NodeJS.Signals;
  /** Force at once (SIGKILL, taskkill /F). */
  readonly force: boolean;
  /** Milliseconds between the polite request and the forced one. */
  readonly gracePeriod: number;
  /** Windows: end the whole process tree. */
  readonly tree: boolean;
  /** `performance.now()` time after which nothing more is waited for (`maxWait`), or Infinity. */
  readonly deadline: number;
  readonly signal?: AbortSignal | undefined;
  /** Never throws (wrapped). */
  readonly progress: (progress: StopProgress) => void;
  readonly context: AdapterContext;
}

/** What happened to one {@link StopTarget}. */
export type StopOutcome =
  /** Signalled and now gone. */
  | { readonly kind: 'stopped'; readonly process: StoppedProcess }
  /** Gone before any signal reached it (exited, stopped by someone else, pid reused). */
  | { readonly kind: 'gone'; readonly pid: number; readonly reason: string }
  /** Could not be stopped; `process` is set when some signal was sent. */
  | {
      readonly kind: 'failed';
      readonly failure: FailedKill;
      readonly process: StoppedProcess | null;
    };

/**
 * How processes are stopped on one platform. Choosing the platform's strategy is data
 * ({@link STOP_STRATEGIES}), not `if` chains; everything around it — finding owners, the rules
 * of what is never stopped, the report — is shared.
 */
export interface StopStrategy {
  /** Short name, for logs. */
  readonly name: string;
  /** Pids never signalled on this platform (POSIX: 0 and 1; Windows: 0 and 4). */
  readonly systemPids: readonly number[];
  /**
   * Stops one process: polite request, grace period, forced stop; resolves once it is gone or
   * cannot be stopped. Must never signal a pid whose identity changed since it was found.
   * Rejects only with an AbortError.
   */
  stop(target: StopTarget, settings: StopSettings): Promise<StopOutcome>;
}

/**
 * The stopping strategy per platform. POSIX platforms (Linux, macOS, the BSDs) use
 * {@link DEFAULT_STOP_STRATEGY}; Windows uses taskkill through the command runner
 * (src/stop/win32-strategy.ts).
 *
 * @example
 * ```ts
 * STOP_STRATEGIES.win32?.name; // 'taskkill'
 * ```
 */
export const STOP_STRATEGIES: Readonly<Partial<Record<NodeJS.Platform, StopStrategy>>> = {
  win32: windowsStrategy,
};

/**
 * The strategy of platforms without an entry in {@link STOP_STRATEGIES}: POSIX signals.
 *
 * @example
 * ```ts
 * DEFAULT_STOP_STRATEGY.systemPids; // [0, 1]
 * ```
 */
export const DEFAULT_STOP_STRATEGY: StopStrategy = posixStrategy;

/**
 * The stopping strategy of `platform`.
 *
 * @example
 * ```ts
 * stopStrategy('linux').name; // 'posix'
 * ```
 */
export function stopStrategy(platform: NodeJS.Platform): StopStrategy {
  return STOP_STRATEGIES[platform] ?? DEFAULT_STOP_STRATEGY;
}
