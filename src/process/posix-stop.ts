import { own } from '../input.ts';
import type { ToolContext } from '../system/tools.ts';
import {
  createPosixSignaller,
  type PosixProcessSource,
  type ProcessSignaller,
} from './posix-signaller.ts';
import { StopSession } from './stop-session.ts';
import type { StopOutcome, StopSettings, StopStrategy, StopTarget } from './stop-strategy.ts';

/**
 * Tuning of {@link createPosixStrategy}; the defaults suit real use, tests shorten them.
 *
 * @example
 * ```ts
 * createPosixStrategy({source: {procfs: true}, killWait: 2000});
 * ```
 */
export interface PosixStrategyOptions {
  /** Where liveness and identity come from: `/proc`, or a process-info source (`ps`). */
  readonly source: PosixProcessSource;
  /**
   * Builds the signaller for a call's tools (a test seam).
   * @default {@link createPosixSignaller}
   */
  readonly signaller?: (tools: ToolContext, source: PosixProcessSource) => ProcessSignaller;
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
  | { readonly kind: 'released' }
  | { readonly kind: 'expired' }
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
 *   source: {procfs: true},
 *   signaller: (tools, source) => ({...createPosixSignaller(tools, source), identity: async () => 'changed'}),
 * });
 * ```
 */
export function createPosixStrategy(options: PosixStrategyOptions): StopStrategy {
  const makeSignaller = own(options, 'signaller') ?? createPosixSignaller;
  const killWait = own(options, 'killWait') ?? 2000;
  const poll = { first: own(options, 'pollFirst') ?? 5, max: own(options, 'pollMax') ?? 10 };

  return {
    name: 'posix',
    firstStep: (settings) => (settings.force ? 'SIGKILL' : settings.killSignal),
    async stop(target: StopTarget, settings: StopSettings): Promise<StopOutcome> {
      const signaller = makeSignaller(settings.tools, options.source);
      const { pid } = target;
      const session = await StopSession.open(target, settings, {
        identity: (candidate) => signaller.identity(candidate),
        isAlive: (candidate) => signaller.isAlive(candidate),
        poll,
        identityName: 'start time',
        holdsSocket: (candidate, inodes) => signaller.holdsSocket?.(candidate, inodes),
      });
      if (!(session instanceof StopSession)) return session;

      const send = async (signal: NodeJS.Signals): Promise<SendResult> => {
        const check = await session.checkIdentity(signal);
        if (check.kind === 'unverified') {
          return { kind: 'failed', code: 'ERR_IDENTITY_UNVERIFIED', message: check.message };
        }
        if (check.kind !== 'same') return check;
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
        session.noteSent(signal);
        return { kind: 'sent' };
      };

      const first: NodeJS.Signals = settings.force ? 'SIGKILL' : settings.killSignal;
      const firstResult = await send(first);
      if (
        firstResult.kind === 'gone' ||
        firstResult.kind === 'reused' ||
        firstResult.kind === 'released'
      ) {
        return session.goneBefore(firstResult.kind);
      }
      if (firstResult.kind === 'expired') return session.expired(first);
      if (firstResult.kind === 'failed')
        return session.failed(firstResult.code, firstResult.message);

      if (first !== 'SIGKILL') {
        if (await session.waitGone(settings.gracePeriod)) return session.stopped(first);
        if (session.pastDeadline()) {
          return session.failed(
            'ETIMEDOUT',
            `pid ${pid} was still running when the time to wait ran out (${first} sent, grace period not over)`,
          );
        }
        const second = await send('SIGKILL');
        if (second.kind === 'expired') return session.expired('SIGKILL');
        if (second.kind === 'gone' || second.kind === 'released') return session.stopped(first);
        if (second.kind === 'reused') return session.stopped(first, true);
        if (second.kind === 'failed') return session.failed(second.code, second.message);
      }
      if (await session.waitGone(killWait, true)) return session.stopped('SIGKILL');
      // Before calling it stuck: maybe the pid changed hands while we waited.
      return session.afterForced(
        'SIGKILL',
        `is still running ${killWait} ms after SIGKILL (stuck in the kernel?)`,
      );
    },
  };
}
