/**
 * Stopping processes on Windows with `taskkill`. Slightly over ~250 lines because of the notes
 * below on why fkill is not used.
 *
 * ## Why taskkill through our command runner, and not the `fkill` package
 *
 * fkill (and the `taskkill` package under it) spawns `taskkill.exe` with its own `execa`, outside
 * portwarden's {@link CommandRunner}. That has three consequences we do not accept:
 * - the call cannot be replayed: the platform-emulation tests could not check which arguments
 *   were used, nor feed back recorded success and failure texts;
 * - it is not bounded by the call's timeout nor cancelled by the caller's AbortSignal;
 * - its failure reporting is what DESIGN.md warns about: without `force`, fkill swallows
 *   taskkill's exit status 255 and resolves as if the process had been stopped, it turns every
 *   failure into one `AggregateError` message (no code to tell "access denied" from "not found"),
 *   and it runs `/T` (the whole tree) unless told otherwise.
 *
 * So taskkill is run here directly, with a fixed argument array (`['/PID', '1234', '/F', '/T']`,
 * never a shell line, never an image name) through the command runner, and its own exit status and
 * output decide what is reported — see {@link interpretTaskkill}.
 *
 * @module
 */
import { AbortError, PortwardenError } from '../errors.ts';
import { own } from '../input.ts';
import { createLogger } from '../log.ts';
import { interpretTaskkill, type TaskkillVerdict, taskkillArguments } from '../parsers/taskkill.ts';
import type { ToolContext } from '../system/tools.ts';
import { runConsoleTool } from '../system/windows-console.ts';
import type { ProcessInfoSource } from './info.ts';
import { StopSession } from './stop-session.ts';
import type { StopOutcome, StopSettings, StopStrategy, StopTarget } from './stop-strategy.ts';
import { win32ProcessInfo } from './win32.ts';

const debug = createLogger('portwarden:kill');

/**
 * Runs taskkill for `pid` through the context's runner (its timeout, abort signal and
 * environment) and interprets the result. A runner error (taskkill missing, hanging) is an
 * `'ERR_TASKKILL_FAILED'` failure whose message names the runner's code
 * (`ERR_COMMAND_NOT_FOUND`, `ERR_COMMAND_TIMEOUT`); an {@link AbortError} is rethrown.
 */
async function runTaskkill(
  pid: number,
  options: { force: boolean; tree: boolean },
  tools: ToolContext,
): Promise<TaskkillVerdict> {
  const args = taskkillArguments(pid, options);
  let result: Awaited<ReturnType<typeof runConsoleTool>>;
  try {
    result = await runConsoleTool('taskkill', args, tools);
  } catch (error) {
    if (error instanceof AbortError) throw error;
    const code = error instanceof PortwardenError ? error.code : 'ERR_TASKKILL_FAILED';
    return {
      kind: 'failed',
      code: 'ERR_TASKKILL_FAILED',
      message: `taskkill ${args.join(' ')} could not run (${code}): ${(error as Error).message}`,
    };
  }
  const { stdout, stderr } = result;
  debug(
    'taskkill %o: exit %s, stdout %o, stderr %o',
    args,
    result.exitCode,
    stdout.trim(),
    stderr.trim(),
  );
  return interpretTaskkill(pid, options, { exitCode: result.exitCode, stdout, stderr });
}

/**
 * Whether `pid` exists: `process.kill(pid, 0)` (on Windows, libuv opens the process and checks
 * that it has not exited — no subprocess). EPERM (a process we may not open) counts as alive;
 * only ESRCH is "gone".
 *
 * @example
 * ```ts
 * isProcessAlive(4); // true on Windows (System), though we may not open it
 * ```
 */
function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

/**
 * Tuning and seams of {@link createWindowsStrategy}; the defaults suit real use.
 *
 * @example
 * ```ts
 * const options: WindowsStrategyOptions = {killWait: 500, pollMax: 20};
 * ```
 */
interface WindowsStrategyOptions {
  /** Liveness check. Default {@link isProcessAlive}. */
  readonly isAlive?: (pid: number) => boolean;
  /** Where the identity (CreationDate) comes from. Default `win32ProcessInfo` (CIM, else tasklist). */
  readonly processInfo?: ProcessInfoSource;
  /** Milliseconds to wait for the exit after `/F` before reporting `'ETIMEDOUT'`. Default 2000. */
  readonly killWait?: number;
  /** First delay between liveness checks, doubled up to `pollMax`. Default 5. */
  readonly pollFirst?: number;
  /** Longest delay between liveness checks. Default 10. */
  readonly pollMax?: number;
}

/** The result of trying one taskkill call, after the identity check. */
type SendResult =
  | TaskkillVerdict
  | { readonly kind: 'reused' }
  | { readonly kind: 'released' }
  | { readonly kind: 'expired' }
  | { readonly kind: 'unverified'; readonly message: string };

/**
 * Builds the Windows stopping strategy (`'taskkill'`; pids 0 — System Idle Process — and 4 —
 * System — are never stopped). For each process:
 *
 * 1. polite: `taskkill /PID <pid>` (`/T` added with the `tree` option), which asks the process to
 *    close (WM_CLOSE to its windows); `force` skips this step;
 * 2. liveness checks with backoff (`process.kill(pid, 0)`, no subprocess) during the grace period;
 * 3. forced: `taskkill /PID <pid> /F` (plus `/T`), then a short wait for the exit.
 *
 * A polite request taskkill cannot make — "This process can only be terminated forcefully (with
 * /F option)", the usual answer for a console program such as `node` without a window — or one
 * that fails for a reason not recognised is not a failure: nothing reached the process, so there
 * is nothing to wait for, and `/F` follows at once; its verdict is final. An access denial is
 * final at once (`/F` needs the same right): `failed` with `'EPERM'`, never success.
 *
 * Before **every** taskkill the process identity — its CreationDate, read through
 * `Get-CimInstance Win32_Process` — is compared with the one captured when the owner was found:
 * a pid that now belongs to another process is never passed to taskkill. Where the creation date
 * cannot be read (PowerShell missing: tasklist gives image names only) the pid is stopped
 * unchecked and the report says `identityVerified: false`.
 *
 * The report names the steps `'taskkill'` and `'taskkill /F'` (`'taskkill /T'`,
 * `'taskkill /F /T'` with `tree`) where POSIX names signals. Failure codes: `'EPERM'` (access
 * denied), `'ERR_TASKKILL_FAILED'` (any other taskkill failure, or taskkill could not run; the
 * message carries taskkill's own text), `'ETIMEDOUT'`, `'ERR_IDENTITY_UNVERIFIED'` (as on POSIX).
 *
 * @example
 * ```ts
 * // Replay taskkill in a test and shorten the waits:
 * const strategy = createWindowsStrategy({killWait: 500, isAlive: (pid) => alive.has(pid)});
 * await strategy.stop(target, settings);
 * ```
 */
function createWindowsStrategy(options: WindowsStrategyOptions = {}): StopStrategy {
  const isAlive = own(options, 'isAlive') ?? isProcessAlive;
  const processInfo = own(options, 'processInfo') ?? win32ProcessInfo;
  const killWait = own(options, 'killWait') ?? 2000;
  const poll = { first: own(options, 'pollFirst') ?? 5, max: own(options, 'pollMax') ?? 10 };

  /** The CreationDate of the process at `pid`: `undefined` when gone, `null` when unreadable. */
  const identity = async (pid: number, tools: ToolContext): Promise<string | null | undefined> => {
    if (!isAlive(pid)) return undefined;
    try {
      const startTime = (await processInfo([pid], tools)).get(pid)?.startTime;
      if (startTime) return startTime;
    } catch (error) {
      if (error instanceof AbortError) throw error;
      debug('pid %d: cannot read its creation date: %s', pid, (error as Error).message);
    }
    return isAlive(pid) ? null : undefined;
  };

  return {
    name: 'taskkill',
    firstStep: (settings) => `taskkill${settings.force ? ' /F' : ''}${settings.tree ? ' /T' : ''}`,
    async stop(target: StopTarget, settings: StopSettings): Promise<StopOutcome> {
      const { pid } = target;
      const { tools, tree } = settings;
      const politeLabel = tree ? 'taskkill /T' : 'taskkill';
      const forcedLabel = tree ? 'taskkill /F /T' : 'taskkill /F';
      const session = await StopSession.open(target, settings, {
        identity: (candidate) => identity(candidate, tools),
        isAlive,
        poll,
        identityName: 'creation date',
      });
      if (!(session instanceof StopSession)) return session;

      const send = async (force: boolean): Promise<SendResult> => {
        const label = force ? forcedLabel : politeLabel;
        const check = await session.checkIdentity(label);
        if (check.kind !== 'same') return check;
        const verdict = await runTaskkill(pid, { force, tree }, tools);
        if (verdict.kind === 'sent') session.noteSent(label);
        return verdict;
      };

      if (!settings.force) {
        const polite = await send(false);
        if (polite.kind === 'gone' || polite.kind === 'reused' || polite.kind === 'released')
          return session.goneBefore(polite.kind);
        if (polite.kind === 'expired') return session.expired(politeLabel);
        if (polite.kind === 'unverified') {
          return session.failed('ERR_IDENTITY_UNVERIFIED', polite.message);
        }
        if (polite.kind === 'failed' && polite.code === 'EPERM') {
          return session.failed(polite.code, polite.message);
        }
        if (polite.kind === 'sent') {
          if (await session.waitGone(settings.gracePeriod)) return session.stopped(politeLabel);
          if (session.pastDeadline()) {
            return session.failed(
              'ETIMEDOUT',
              `pid ${pid} was still running when the time to wait ran out (${politeLabel} done, grace period not over)`,
            );
          }
        } else {
          // Refused ("only forcefully"), or failed for a reason not recognised (a translation):
          // nothing reached the process, so /F follows at once and its verdict is final.
          debug('pid %d: polite taskkill did not reach it (%s): forcing', pid, polite.message);
        }
      }
      const forced = await send(true);
      if (session.steps.length > 0 && forced.kind !== 'sent') {
        // The polite request was delivered: the process is gone after it, whatever /F says.
        if (forced.kind === 'gone' || forced.kind === 'released')
          return session.stopped(politeLabel);
        if (forced.kind === 'reused') return session.stopped(politeLabel, true);
      } else if (forced.kind === 'gone' || forced.kind === 'reused' || forced.kind === 'released') {
        return session.goneBefore(forced.kind);
      }
      if (forced.kind === 'expired') return session.expired(forcedLabel);
      if (forced.kind === 'unverified')
        return session.failed('ERR_IDENTITY_UNVERIFIED', forced.message);
      if (forced.kind === 'failed') return session.failed(forced.code, forced.message);
      if (forced.kind === 'refused') return session.failed('ERR_TASKKILL_FAILED', forced.message);
      if (await session.waitGone(killWait, true)) return session.stopped(forcedLabel);
      // Before calling it stuck: maybe the pid changed hands while we waited.
      return session.afterForced(
        forcedLabel,
        `is still running ${killWait} ms after ${forcedLabel} (a process being debugged, or stuck in a driver?)`,
      );
    },
  };
}

/**
 * The default Windows strategy (real taskkill through the command runner, real liveness checks,
 * default timings), named by the Windows platform profile.
 *
 * @example
 * ```ts
 * windowsStrategy.firstStep({force: false, killSignal: 'SIGTERM', tree: false}); // 'taskkill'
 * ```
 */
export const windowsStrategy: StopStrategy = createWindowsStrategy();
