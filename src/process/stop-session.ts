/**
 * The steps of stopping one process, shared by every platform's strategy: the identity check
 * before each signal, the polite signal, the wait, the escalation, the deadline. Slightly over
 * ~250 lines: every step and its check must be read in order to see that no signal can reach a
 * reused pid.
 *
 * @module
 */
import { createLogger } from '../log.ts';
import type { StoppedProcess } from '../reports.ts';
import { pollUntil, throwIfAborted } from '../system/timing.ts';
import type { StopOutcome, StopSettings, StopTarget } from './stop-strategy.ts';

const debug = createLogger('portwarden:kill');

/** Reads the identity token of the process now at a pid: `undefined` gone, `null` unreadable. */
type IdentityReader = (pid: number) => Promise<string | null | undefined>;

/**
 * What the check before a step found: the same process (go ahead); gone; its pid reused by
 * another process; released (before the first step: it no longer holds the socket it was proven
 * to hold); expired (the call's deadline has passed: nothing more is sent); unverified (alive, but
 * its identity cannot be read).
 *
 * @example
 * ```ts
 * const check: IdentityCheck = {kind: 'reused'}; // the pid is another process now: no signal
 * ```
 */
export type IdentityCheck =
  | { readonly kind: 'same' }
  | { readonly kind: 'gone' }
  | { readonly kind: 'reused' }
  | { readonly kind: 'released' }
  | { readonly kind: 'expired' }
  | { readonly kind: 'unverified'; readonly message: string };

/**
 * How a platform strategy plugs into a {@link StopSession}.
 *
 * @example
 * ```ts
 * await StopSession.open(target, settings, {identity: readStartTime, isAlive, poll: {first: 10, max: 100}, identityName: 'start time'});
 * ```
 */
export interface StopSessionOptions {
  readonly identity: IdentityReader;
  readonly isAlive: (pid: number) => boolean;
  /** Delays between liveness checks (ms). */
  readonly poll: { readonly first: number; readonly max: number };
  /** What the identity is called in messages: `'start time'`, `'creation date'`. */
  readonly identityName: string;
  /**
   * Whether the process at a pid still has one of these sockets open; `undefined` where that
   * cannot be told (no `/proc`, another user's process). Asked before the first step only.
   */
  readonly holdsSocket?: (pid: number, inodes: readonly number[]) => boolean | undefined;
}

/**
 * The bookkeeping every stopping strategy shares for one process: the identity captured when the
 * owner was found (read now where it was not), the identity check before **every** step (a pid
 * that changed hands is never signalled), the steps sent, progress events, waiting for the exit
 * within the call's deadline, and the outcome records. A strategy only says how a step is sent
 * (POSIX signals, taskkill) and in which order.
 *
 * @example
 * ```ts
 * const session = await StopSession.open(target, settings, {identity, isAlive, poll, identityName: 'start time'});
 * if (!(session instanceof StopSession)) return session; // gone before any signal
 * const check = await session.checkIdentity('SIGTERM');
 * if (check.kind === 'same') { process.kill(target.pid, 'SIGTERM'); session.noteSent('SIGTERM'); }
 * if (await session.waitGone(settings.gracePeriod)) return session.stopped('SIGTERM');
 * ```
 */
export class StopSession {
  /** The steps sent so far (`'SIGTERM'`, `'taskkill /F'`, ...). */
  readonly steps: string[] = [];
  private started = 0;

  private constructor(
    private readonly target: StopTarget,
    private readonly settings: StopSettings,
    private readonly options: StopSessionOptions,
    /** The identity to compare with, `null` where the platform cannot tell one. */
    private readonly expected: string | null,
  ) {}

  /**
   * Starts a session: the identity is the one captured with the owner, or read now. Resolves with
   * a `gone` outcome instead when the process has already exited.
   */
  static async open(
    target: StopTarget,
    settings: StopSettings,
    options: StopSessionOptions,
  ): Promise<StopSession | StopOutcome> {
    let expected = target.startTime;
    if (expected === null) {
      const now = await options.identity(target.pid);
      if (now === undefined) {
        return { kind: 'gone', pid: target.pid, reason: 'exited before it was signalled' };
      }
      expected = now;
    }
    if (expected === null) {
      debug('pid %d: no %s readable, stopping it unchecked', target.pid, options.identityName);
    }
    return new StopSession(target, settings, options, expected);
  }

  /** Whether the identity could be checked before each step. */
  get identityVerified(): boolean {
    return this.expected !== null;
  }

  /** Compares the process now at the pid with the one that held the port, before `step`. */
  async checkIdentity(step: string): Promise<IdentityCheck> {
    const { pid } = this.target;
    if (performance.now() >= this.settings.tools.deadline) {
      debug('pid %d: the time to wait ran out before %s', pid, step);
      return { kind: 'expired' };
    }
    const now = await this.options.identity(pid);
    if (now === undefined) return { kind: 'gone' };
    if (this.expected !== null) {
      if (now === null) {
        return {
          kind: 'unverified',
          message: `pid ${pid} is alive but its ${this.options.identityName} cannot be read: not stopped (${step}), it cannot be told from a new process that reused the pid`,
        };
      }
      if (now !== this.expected) {
        debug(
          'pid %d: %s %s, expected %s: pid reused, not stopped',
          pid,
          this.options.identityName,
          now,
          this.expected,
        );
        return { kind: 'reused' };
      }
    }
    const { inodes } = this.target;
    if (this.steps.length === 0 && inodes.length > 0 && this.options.holdsSocket) {
      if (this.options.holdsSocket(pid, inodes) === false) {
        debug('pid %d: no longer holds socket %o, not stopped', pid, inodes);
        return { kind: 'released' };
      }
    }
    throwIfAborted(this.settings.tools.signal);
    return { kind: 'same' };
  }

  /** Records that `step` reached the process (starts the clock at the first one). */
  noteSent(step: string): void {
    if (this.steps.length === 0) this.started = performance.now();
    this.steps.push(step);
    this.settings.progress({
      type: 'signal',
      pid: this.target.pid,
      signal: step,
      owner: this.target.owner,
    });
    debug('pid %d (%s): %s sent', this.target.pid, this.target.owner.name ?? '?', step);
  }

  /**
   * Waits until the process is gone, for `ms` but not past the call's deadline; after the forced
   * step (`afterKill`) the wait may run up to 100 ms past the deadline, so a process killed right
   * at it is still seen gone.
   */
  waitGone(ms: number, afterKill = false): Promise<boolean> {
    const now = performance.now();
    const end = afterKill
      ? now + Math.min(ms, Math.max(100, this.settings.tools.deadline - now))
      : Math.min(now + ms, this.settings.tools.deadline);
    const { pid } = this.target;
    return pollUntil(() => !this.options.isAlive(pid), end, {
      ...this.options.poll,
      signal: this.settings.tools.signal,
    });
  }

  /** Whether the call's deadline (`maxWait`) has passed. */
  pastDeadline(): boolean {
    return performance.now() >= this.settings.tools.deadline;
  }

  /**
   * The outcome "gone before any step reached it": exited, its pid changed hands, or it let go of
   * the socket it held.
   */
  goneBefore(kind: 'gone' | 'reused' | 'released'): StopOutcome {
    const reasons = {
      gone: 'exited before it was signalled',
      reused: 'exited before it was signalled; its pid now belongs to another process',
      released: 'no longer holds the socket it was found holding: not signalled',
    } as const;
    return { kind: 'gone', pid: this.target.pid, reason: reasons[kind] };
  }

  /** The outcome "the call's deadline passed before `step` could be sent". */
  expired(step: string): StopOutcome {
    return this.failed(
      'ETIMEDOUT',
      `pid ${this.target.pid} was still running when the time to wait ran out (${step} not sent)`,
    );
  }

  /** The outcome "gone after `step`" (`pidReused` when the pid changed hands after it). */
  stopped(step: string, pidReused = false): StopOutcome {
    const process = this.record(step, pidReused);
    this.settings.progress({
      type: 'exited',
      pid: this.target.pid,
      signal: step,
      elapsedMs: process.elapsedMs,
    });
    debug(
      'pid %d: gone after %s in %d ms%s',
      this.target.pid,
      step,
      process.elapsedMs,
      pidReused ? ' (pid reused)' : '',
    );
    return { kind: 'stopped', process };
  }

  /** The outcome "could not be stopped". */
  failed(code: string, message: string): StopOutcome {
    const { pid } = this.target;
    this.settings.progress({ type: 'failed', pid, code, message });
    debug('pid %d: failed %s: %s', pid, code, message);
    return {
      kind: 'failed',
      failure: { pid, code, message },
      process: this.steps.length > 0 ? this.record(null) : null,
    };
  }

  /**
   * After the forced step and its wait: gone (or its pid changed hands meanwhile) → stopped;
   * otherwise `ETIMEDOUT` with `detail`.
   */
  async afterForced(step: string, detail: string): Promise<StopOutcome> {
    const now = await this.options.identity(this.target.pid);
    if (now === undefined) return this.stopped(step);
    if (this.expected !== null && now !== null && now !== this.expected)
      return this.stopped(step, true);
    return this.failed('ETIMEDOUT', `pid ${this.target.pid} ${detail}`);
  }

  private record(step: string | null, pidReused = false): StoppedProcess {
    return {
      pid: this.target.pid,
      name: this.target.owner.name,
      commandLine: this.target.owner.commandLine,
      signals: [...this.steps],
      signal: step,
      elapsedMs: Math.round(performance.now() - this.started),
      pidReused,
      identityVerified: this.identityVerified,
    };
  }
}
