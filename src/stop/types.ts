import type { CommonOptions } from '../options.ts';
import type { PortOwner, Protocol } from '../types.ts';

/** Why an owner of the port was not signalled. */
export type SkipReason =
  | 'self' // the calling process
  | 'ancestor' // a parent, grandparent, ... of the calling process
  | 'system' // pid 0 or 1 (init), or pid 4 (Windows System)
  | 'hidden' // the owner cannot be seen (pid null): another user's process, no privilege
  | 'filtered' // the `filter` option said no
  | 'dry-run' // `dryRun: true`
  | 'blocked'; // ensurePortFree/freePort: left alone because another owner that may not be stopped keeps the port taken anyway

/** An owner that was left alone, and why. */
export interface SkippedOwner {
  readonly pid: number | null;
  readonly name: string | null;
  readonly reason: SkipReason;
  readonly message: string;
}

/**
 * A process that could not be stopped. `code` is the errno code of the failed signal (`'EPERM'`:
 * another user's process; ...) or one of ours:
 * - `'ETIMEDOUT'`: still alive after SIGKILL and a short wait (a process stuck in the kernel), or
 *   still alive when `maxWait` ran out;
 * - `'ERR_IDENTITY_UNVERIFIED'`: the process is alive but its start time can no longer be read,
 *   so it cannot be told from a new process that reused the pid — it was not signalled again.
 */
export interface FailedKill {
  readonly pid: number;
  readonly code: string;
  readonly message: string;
}

/** What happened to one signalled process. */
export interface StoppedProcess {
  readonly pid: number;
  readonly name: string | null;
  readonly commandLine: string | null;
  /** The signals sent, in order (`['SIGTERM']`, or `['SIGTERM', 'SIGKILL']` after escalation). */
  readonly signals: readonly string[];
  /** The signal after which the process was gone (the one that "worked"), or `null` if it never left. */
  readonly signal: string | null;
  /** Milliseconds from the first signal until the process was seen gone. */
  readonly elapsedMs: number;
  /**
   * `true` when the pid was found to belong to another process (its start time changed) after a
   * signal was sent: the process that held the port is gone, and the new process at that pid was
   * not signalled.
   */
  readonly pidReused: boolean;
  /**
   * Whether the process identity (start time) was checked before each signal. `false` only where
   * the platform cannot tell a start time (then the pid was signalled unchecked).
   */
  readonly identityVerified: boolean;
}

/** Progress of a stop, for live status lines (`onProgress` option). */
export type StopProgress =
  | {
      readonly type: 'signal';
      readonly pid: number;
      readonly signal: string;
      readonly owner: PortOwner;
    }
  | {
      readonly type: 'exited';
      readonly pid: number;
      readonly signal: string;
      readonly elapsedMs: number;
    }
  | {
      readonly type: 'failed';
      readonly pid: number;
      readonly code: string;
      readonly message: string;
    }
  | { readonly type: 'skipped'; readonly pid: number | null; readonly reason: SkipReason }
  | { readonly type: 'waiting'; readonly elapsedMs: number };

/** Options of `killProcessOnPort`. */
export interface KillOptions extends CommonOptions {
  /** `'tcp'` (default) or `'udp'`. */
  readonly protocol?: Protocol;
  /** The polite first signal. Default `'SIGTERM'` (ignored on Windows, where taskkill asks politely). */
  readonly killSignal?: NodeJS.Signals;
  /** Milliseconds between the polite signal and SIGKILL. Default 5000. */
  readonly gracePeriod?: number;
  /** SIGKILL (taskkill /F) at once. Default `false`. */
  readonly force?: boolean;
  /** Only stop the owners for which this returns `true` (e.g. `(owner) => owner.name === 'node'`). */
  readonly filter?: (owner: PortOwner) => boolean;
  /** Report what would be stopped, signal nothing. Default `false`. */
  readonly dryRun?: boolean;
  /** Windows: end the whole process tree (taskkill /T). Default `false`. */
  readonly tree?: boolean;
  /** Called as the stop goes on (for live status lines). Must not throw. */
  readonly onProgress?: (progress: StopProgress) => void;
}

/** What `killProcessOnPort` did. */
export interface KillReport {
  readonly port: number;
  readonly protocol: Protocol;
  /** Pids that were signalled and are now gone. */
  readonly killed: number[];
  /** Pids that could not be stopped, with the errno code (`'EPERM'`) or `'ETIMEDOUT'` (still alive). */
  readonly failed: FailedKill[];
  /** Owners left alone on purpose, and why. */
  readonly skipped: SkippedOwner[];
  /**
   * Owners that were gone before they were signalled: they exited on their own, were stopped by a
   * concurrent call, or their pid now belongs to another process (which was left alone).
   */
  readonly gone: number[];
  /** Per signalled process: signals sent, which one worked, how long it took. */
  readonly processes: StoppedProcess[];
  /** The owners found before anything was signalled. */
  readonly owners: readonly PortOwner[];
  readonly dryRun: boolean;
  /** Milliseconds the whole call took. */
  readonly elapsedMs: number;
}

/** Options of `ensurePortFree` and `freePort`. */
export interface EnsureFreeOptions extends KillOptions {
  /** Milliseconds to wait, in all, for the port to become free. Default 15000. */
  readonly maxWait?: number;
  /** Stop nothing: only wait for the port to become free. Default `false`. */
  readonly waitOnly?: boolean;
}

/** Why a port is (or is not) free at the end of `freePort`. */
export type FreePortOutcome =
  | 'free' // a Node server can listen now
  | 'unstoppable-owner' // an owner that may not be stopped (EPERM, filtered out, pid 1, ...)
  | 'hidden-owner' // an owner that cannot be seen
  | 'self' // the calling process (or an ancestor) holds the port
  | 'timeout' // maxWait ran out while something still held the port
  | 'denied' // binding is refused (EACCES) though nothing holds the port
  | 'dry-run' // `dryRun: true` and something holds the port
  | 'respawning'; // new holders kept taking the port after each stop (a supervisor restarts them)

/** What `freePort` did and what is left. */
export interface FreePortReport {
  readonly port: number;
  readonly protocol: Protocol;
  /** `true` only when, at the end, a Node server could listen on the port. */
  readonly free: boolean;
  readonly outcome: FreePortOutcome;
  /** The stop, or `null` when nothing was stopped (`waitOnly`, nothing held the port). */
  readonly kill: KillReport | null;
  /** Owners still holding the port at the end. */
  readonly remaining: readonly PortOwner[];
  /** TIME_WAIT sockets on the port at the end (they do not stop a Node server unless `free` is false). */
  readonly timeWait: number;
  /** Milliseconds the whole call took. */
  readonly elapsedMs: number;
}
