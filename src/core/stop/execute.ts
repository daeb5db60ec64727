import { createLogger } from '../../log.ts';
import type { StopOutcome, StopSettings, StopTarget } from '../../process/stop-strategy.ts';
import type { StopFailure, StoppedProcess } from '../../reports.ts';
import { every } from '../../system/timing.ts';
import type { Context } from '../context.ts';
import type { KillSettings } from './settings.ts';

const debug = createLogger('portwarden:kill');

/**
 * The signalling part of a kill report.
 *
 * @example
 * ```ts
 * const {killed, failed, gone, processes}: StopResults = await executeStop(targets, settings, context);
 * ```
 */
export interface StopResults {
  readonly killed: number[];
  readonly failed: StopFailure[];
  readonly gone: number[];
  readonly processes: StoppedProcess[];
}

/** The stops under way in this process, by process (pid and start time). */
const inFlight = new Map<string, Promise<StopOutcome>>();

/**
 * Stops one process with the platform's strategy — once per process, however many calls in this
 * process ask at the same time: a call that finds a stop of the same process under way waits for
 * it instead of signalling again, and its report says the process was gone (stopped by the other
 * call), never that it killed it. Should the other call be aborted, this one stops it itself.
 */
async function stopOnce(
  target: StopTarget,
  settings: StopSettings,
  context: Context,
): Promise<StopOutcome> {
  const key = `${target.pid}:${target.startTime ?? '?'}`;
  const running = inFlight.get(key);
  if (running) {
    try {
      const outcome = await running;
      if (outcome.kind !== 'stopped') return outcome;
      return {
        kind: 'gone',
        pid: target.pid,
        reason: 'stopped by a concurrent call in this process',
      };
    } catch {
      debug('pid %d: the concurrent stop was aborted; stopping it here', target.pid);
    }
  }
  const own = context.platform.stop.stop(target, settings);
  inFlight.set(key, own);
  try {
    return await own;
  } finally {
    if (inFlight.get(key) === own) inFlight.delete(key);
  }
}

/**
 * Stops every target at once with the platform's strategy (each process once, see
 * {@link stopOnce}) and gathers the outcomes. Emits
 * `{type: 'waiting'}` progress every 500 ms while processes are still being waited for. The
 * context's deadline bounds every wait. Rejects only with an AbortError (after every stop has
 * settled).
 *
 * @example
 * ```ts
 * const results = await executeStop(plan.targets, settings, context);
 * ```
 */
export async function executeStop(
  targets: readonly StopTarget[],
  settings: KillSettings,
  context: Context,
): Promise<StopResults> {
  const results: StopResults = { killed: [], failed: [], gone: [], processes: [] };
  if (targets.length === 0) return results;
  const stopWaiting = every(500, (elapsedMs) => settings.progress({ type: 'waiting', elapsedMs }));
  let outcomes: PromiseSettledResult<StopOutcome>[];
  try {
    outcomes = await Promise.allSettled(
      targets.map((target) =>
        stopOnce(
          target,
          {
            killSignal: settings.killSignal,
            force: settings.force,
            gracePeriod: settings.gracePeriod,
            tree: settings.tree,
            progress: settings.progress,
            tools: context,
          },
          context,
        ),
      ),
    );
  } finally {
    stopWaiting();
  }
  for (const [index, outcome] of outcomes.entries()) {
    if (outcome.status === 'rejected') throw outcome.reason;
    const value = outcome.value;
    if (value.kind === 'stopped') {
      results.killed.push(value.process.pid);
      results.processes.push(value.process);
    } else if (value.kind === 'gone') {
      results.gone.push(value.pid);
      debug('pid %d: %s', targets[index]?.pid, value.reason);
    } else {
      const owner = targets[index]?.owner;
      const denied = value.failure.code === 'EPERM' || value.failure.code === 'EACCES';
      results.failed.push(
        denied && owner
          ? { ...value.failure, hint: context.platform.privilegeHint(owner.user) }
          : value.failure,
      );
      if (value.process) results.processes.push(value.process);
    }
  }
  return results;
}
