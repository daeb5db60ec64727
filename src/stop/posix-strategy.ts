import type { AdapterContext } from '../adapters/types.ts';
import { throwIfAborted } from '../errors.ts';
import { createLogger } from '../log.ts';
import { createPosixSignaller, type ProcessSignaller } from './posix.ts';
import type { StopOutcome, StopSettings, StopStrategy, StopTarget } from './strategies.ts';
import { pollUntil } from './timing.ts';
import type { StoppedProcess } from './types.ts';

const debug = createLogger('portwarden:kill');

/** Tuning of {@link createPosixStrategy}; the defaults suit real use, tests shorten them. */
export interface PosixStrategyOptions {
  /** Builds the signaller for a call's context. Default: {@link createPosixSignaller}. */
  readonly signaller?: (context: AdapterContext) => ProcessSignaller;
  /** Milliseconds to wait for the exit after SIGKILL before reporting `'ETIMEDOUT'`. Default 2000. */
  readonly killWait?: number;
  /** First delay between liveness checks, doubled up to `pollMax`. Default 5. */
  readonly pollFirst?: number;
  /** Longest delay between liveness checks. Default 10 (a check costs ~20 µs: one kill(pid, 0) and one small /proc read). */
  readonly pollMax?: number;
}

/** The result of trying to send one signal. */
type SendResult =
  | { readonly kind: 'sent' }
  | { readonly kind: 'gone' }
  | { readonly kind: 'reused' }
  | { readonly kind: 'failed'; readonly code: string; readonly message: string };

/**
 * Builds the POSIX stopping strategy: the polite signal (default SIGTERM), cheap liveness checks
 * with backoff during the grace period, then SIGKILL and a short wait. Before **every** signal
 * the process identity (start time) is read again and compared with the one captured when the
 * owner was found: a pid that now belongs to another process is never signalled.
 *
 * Outcomes: gone after a signal → `stopped` (with the signal that worked, or `pidReused: true`
 * when the pid changed hands after a signal); gone before any signal → `gone`; EPERM (or any other
 * errno) on a signal → `failed` with that code; alive after SIGKILL + `killWait` → `failed`
 * `'ETIMEDOUT'`; alive but its start time unreadable → `failed` `'ERR_IDENTITY_UNVERIFIED'`.
 *
 * @example
 * ```ts
 * // A test seam: an identity that changes after the first signal.
 * const strategy = createPosixStrategy({
 *   signaller: (context) => ({...createPosixSignaller(context), identity: async () => 'changed'}),
 * });
 * ```
 */
export function createPosixStrategy(options: PosixStrategyOptions = {}): StopStrategy {
  const makeSignaller = options.signaller ?? createPosixSignaller;
  const killWait = options.killWait ?? 2000;
  const poll = { first: options.pollFirst ?? 5, max: options.pollMax ?? 10 };

  return {
    name: 'posix',
    systemPids: [0, 1],
    async stop(target: StopTarget, settings: StopSettings): Promise<StopOutcome> {
      const signaller = makeSignaller(settings.context);
      const { pid, owner } = target;
      const signals: NodeJS.Signals[] = [];
      let started = 0;
      let expected = target.startTime;
      if (expected === null) {
        const now = await signaller.identity(pid);
        if (now === undefined)
          return { kind: 'gone', pid, reason: 'exited before it was signalled' };
        expected = now;
      }
      const identityVerified = expected !== null;
      if (!identityVerified)
        debug('pid %d: no start time on this platform, signalling unchecked', pid);

      const record = (signal: NodeJS.Signals | null, pidReused = false): StoppedProcess => ({
        pid,
        name: owner.name,
        commandLine: owner.commandLine,
        signals: [...signals],
        signal,
        elapsedMs: Math.round(performance.now() - started),
        pidReused,
        identityVerified,
      });
      const failed = (code: string, message: string): StopOutcome => {
        settings.progress({ type: 'failed', pid, code, message });
        debug('pid %d: failed %s: %s', pid, code, message);
        return {
          kind: 'failed',
          failure: { pid, code, message },
          process: signals.length > 0 ? record(null) : null,
        };
      };
      const stopped = (signal: NodeJS.Signals, pidReused = false): StopOutcome => {
        const process = record(signal, pidReused);
        settings.progress({ type: 'exited', pid, signal, elapsedMs: process.elapsedMs });
        debug(
          'pid %d: gone after %s in %d ms%s',
          pid,
          signal,
          process.elapsedMs,
          pidReused ? ' (pid reused)' : '',
        );
        return { kind: 'stopped', process };
      };

      const send = async (signal: NodeJS.Signals): Promise<SendResult> => {
        const now = await signaller.identity(pid);
        if (now === undefined) return { kind: 'gone' };
        if (expected !== null) {
          if (now === null) {
            return {
              kind: 'failed',
              code: 'ERR_IDENTITY_UNVERIFIED',
              message: `pid ${pid} is alive but its start time cannot be read: not signalled (${signal}), it cannot be told from a new process that reused the pid`,
            };
          }
          if (now !== expected) {
            debug(
              'pid %d: start time %s, expected %s: pid reused, not signalled',
              pid,
              now,
              expected,
            );
            return { kind: 'reused' };
          }
        }
        throwIfAborted(settings.signal);
        try {
          signaller.signal(pid, signal);
        } catch (error) {
          const code = (error as NodeJS.ErrnoException).code ?? 'ERR_SIGNAL_FAILED';
          if (code === 'ESRCH') return { kind: 'gone' };
          const reason =
            code === 'EPERM'
              ? 'operation not permitted (another user’s process; run with more privilege)'
              : (error as Error).message;
          return {
            kind: 'failed',
            code,
            message: `Cannot send ${signal} to pid ${pid}: ${reason}`,
          };
        }
        if (signals.length === 0) started = performance.now();
        signals.push(signal);
        settings.progress({ type: 'signal', pid, signal, owner });
        debug('pid %d (%s): sent %s', pid, owner.name ?? '?', signal);
        return { kind: 'sent' };
      };

      // The grace period ends at the call's deadline (maxWait); the short wait after SIGKILL may
      // run up to 100 ms past it, so a process killed right at the deadline is still seen gone.
      const waitGone = (ms: number, afterKill = false) => {
        const now = performance.now();
        const end = afterKill
          ? now + Math.min(ms, Math.max(100, settings.deadline - now))
          : Math.min(now + ms, settings.deadline);
        return pollUntil(() => !signaller.isAlive(pid), end, { ...poll, signal: settings.signal });
      };

      const first: NodeJS.Signals = settings.force ? 'SIGKILL' : settings.killSignal;
      const firstResult = await send(first);
      if (firstResult.kind === 'gone')
        return { kind: 'gone', pid, reason: 'exited before it was signalled' };
      if (firstResult.kind === 'reused') {
        return {
          kind: 'gone',
          pid,
          reason: 'exited before it was signalled; its pid now belongs to another process',
        };
      }
      if (firstResult.kind === 'failed') return failed(firstResult.code, firstResult.message);

      if (first !== 'SIGKILL') {
        if (await waitGone(settings.gracePeriod)) return stopped(first);
        if (performance.now() >= settings.deadline) {
          return failed(
            'ETIMEDOUT',
            `pid ${pid} was still running when the time to wait ran out (${first} sent, grace period not over)`,
          );
        }
        const second = await send('SIGKILL');
        if (second.kind === 'gone') return stopped(first);
        if (second.kind === 'reused') return stopped(first, true);
        if (second.kind === 'failed') return failed(second.code, second.message);
      }
      if (await waitGone(killWait, true)) return stopped('SIGKILL');
      // Before calling it stuck: maybe the pid changed hands while we waited.
      const now = await signaller.identity(pid);
      if (now === undefined) return stopped('SIGKILL');
      if (expected !== null && now !== null && now !== expected) return stopped('SIGKILL', true);
      return failed(
        'ETIMEDOUT',
        `pid ${pid} is still running ${killWait} ms after SIGKILL (stuck in the kernel?)`,
      );
    },
  };
}

/**
 * The default POSIX strategy (real signals, real /proc, default timings).
 *
 * @example
 * ```ts
 * await posixStrategy.stop({pid, owner, startTime: owner.startTime}, settings);
 * ```
 */
export const posixStrategy: StopStrategy = createPosixStrategy();
