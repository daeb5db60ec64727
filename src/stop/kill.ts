import { createLogger } from '../log.ts';
import { inspectPort } from '../owners.ts';
import type { PortOwner } from '../types.ts';
import { ancestorPids } from './ancestors.ts';
import {
  type StopOutcome,
  type StopStrategy,
  type StopTarget,
  stopStrategy,
} from './strategies.ts';
import { every } from './timing.ts';
import type {
  FailedKill,
  KillOptions,
  KillReport,
  SkippedOwner,
  SkipReason,
  StoppedProcess,
} from './types.ts';
import { type KillSettings, validateKillOptions } from './validate.ts';

const debug = createLogger('portwarden:kill');

/** Test and embedding seams of the stop functions (not part of the public options). */
export interface StopSeams {
  /** Replaces the platform's stopping strategy (e.g. a signaller with a fake identity). */
  readonly strategy?: StopStrategy;
}

/** Which owners will be signalled and which are left alone, decided before any signal. */
export interface StopPlan {
  readonly targets: readonly StopTarget[];
  readonly skipped: readonly SkippedOwner[];
}

/** The signalling part of a {@link KillReport}. */
export interface StopResults {
  readonly killed: number[];
  readonly failed: FailedKill[];
  readonly gone: number[];
  readonly processes: StoppedProcess[];
}

function describe(owner: PortOwner): string {
  const name = owner.name ? ` (${owner.name})` : '';
  return `pid ${owner.pid}${name}`;
}

function skipMessage(reason: SkipReason, owner: PortOwner, settings: KillSettings): string {
  switch (reason) {
    case 'hidden':
      return `A ${owner.protocol} socket on ${owner.address}:${owner.port} is held by a process that cannot be seen${owner.user ? ` (user ${owner.user})` : owner.uid !== null ? ` (uid ${owner.uid})` : ''}: run with more privilege to see and stop it`;
    case 'system':
      return `${describe(owner)} is a system process and is never signalled`;
    case 'self':
      return `${describe(owner)} is the calling process: close the server instead (closeServer)`;
    case 'ancestor':
      return `${describe(owner)} is an ancestor of the calling process and is never signalled`;
    case 'filtered':
      return `${describe(owner)} was left alone by the filter option`;
    case 'dry-run':
      return `dry run: ${describe(owner)} would be sent ${settings.force ? 'SIGKILL' : settings.killSignal}`;
    case 'blocked':
      return `${describe(owner)} was left alone: another owner that may not be stopped keeps the port taken anyway`;
  }
}

/**
 * Decides, before any signal, which owners are signalled: one target per pid (a process holding
 * IPv4 and IPv6 sockets is one target), never a hidden owner, pid 0/1 (and the platform's other
 * system pids), the calling process or an ancestor of it, an owner the `filter` rejects (it is
 * called once per pid, with the first owner entry of that pid), and nothing with `dryRun`.
 *
 * @example
 * ```ts
 * const plan = await planStop(inspection.owners, settings, stopStrategy(process.platform));
 * plan.skipped; // [{pid: 1, reason: 'system', ...}]
 * ```
 */
export async function planStop(
  owners: readonly PortOwner[],
  settings: KillSettings,
  strategy: StopStrategy,
): Promise<StopPlan> {
  const skipped: SkippedOwner[] = [];
  const candidates: PortOwner[] = [];
  const seen = new Set<number>();
  const skip = (owner: PortOwner, reason: SkipReason) => {
    skipped.push({
      pid: owner.pid,
      name: owner.name,
      reason,
      message: skipMessage(reason, owner, settings),
    });
    settings.progress({ type: 'skipped', pid: owner.pid, reason });
    debug('port %d: skip %s: %s', settings.port, owner.pid ?? 'hidden', reason);
  };
  for (const owner of owners) {
    if (owner.pid === null) {
      skip(owner, 'hidden');
      continue;
    }
    if (seen.has(owner.pid)) continue;
    seen.add(owner.pid);
    if (strategy.systemPids.includes(owner.pid)) skip(owner, 'system');
    else if (owner.pid === process.pid) skip(owner, 'self');
    else candidates.push(owner);
  }
  const ancestors =
    candidates.length > 0 ? await ancestorPids(settings.context) : new Set<number>();
  const targets: StopTarget[] = [];
  for (const owner of candidates) {
    const pid = owner.pid as number;
    if (ancestors.has(pid)) skip(owner, 'ancestor');
    else if (settings.filter && !settings.filter(owner)) skip(owner, 'filtered');
    else if (settings.dryRun) skip(owner, 'dry-run');
    else targets.push({ pid, owner, startTime: owner.startTime });
  }
  return { targets, skipped };
}

/**
 * Stops every target of a plan at once with the strategy and gathers the outcomes. Emits
 * `{type: 'waiting'}` progress every 500 ms while processes are still being waited for.
 * Rejects only with an AbortError (after every stop has settled).
 *
 * @example
 * ```ts
 * const results = await executeStop(plan.targets, settings, strategy, Number.POSITIVE_INFINITY);
 * ```
 */
export async function executeStop(
  targets: readonly StopTarget[],
  settings: KillSettings,
  strategy: StopStrategy,
  deadline: number,
): Promise<StopResults> {
  const results: StopResults = { killed: [], failed: [], gone: [], processes: [] };
  if (targets.length === 0) return results;
  const stopWaiting = every(500, (elapsedMs) => settings.progress({ type: 'waiting', elapsedMs }));
  let outcomes: PromiseSettledResult<StopOutcome>[];
  try {
    outcomes = await Promise.allSettled(
      targets.map((target) =>
        strategy.stop(target, {
          killSignal: settings.killSignal,
          force: settings.force,
          gracePeriod: settings.gracePeriod,
          tree: settings.tree,
          deadline,
          signal: settings.signal,
          progress: settings.progress,
          context: settings.context,
        }),
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
      results.failed.push(value.failure);
      if (value.process) results.processes.push(value.process);
    }
  }
  return results;
}

/**
 * {@link killProcessOnPort} with validated settings and replaceable seams (the stopping
 * strategy). Internal: tests use it to inject a process identity that changes between signals.
 *
 * @example
 * ```ts
 * const report = await runKill(validateKillOptions(3000, {}), {strategy: fakeStrategy});
 * ```
 */
export async function runKill(settings: KillSettings, seams: StopSeams = {}): Promise<KillReport> {
  const started = performance.now();
  const strategy = seams.strategy ?? stopStrategy(settings.context.platform);
  const inspection = await inspectPort(
    settings.port,
    settings.protocol,
    settings.context,
    settings.forcedAdapter,
  );
  const plan = await planStop(inspection.owners, settings, strategy);
  const results = await executeStop(plan.targets, settings, strategy, Number.POSITIVE_INFINITY);
  return {
    port: settings.port,
    protocol: settings.protocol,
    ...results,
    skipped: [...plan.skipped],
    owners: inspection.owners,
    dryRun: settings.dryRun,
    elapsedMs: Math.round(performance.now() - started),
  };
}

/**
 * Stops the processes that hold the port, and only those: never a connected client, never the
 * calling process or one of its ancestors, never pid 0 or 1, never an owner it cannot see. On
 * POSIX it sends the polite signal (`killSignal`, default SIGTERM) with `process.kill` — no
 * subprocess — waits up to `gracePeriod` (default 5000 ms) with cheap liveness checks, then
 * sends SIGKILL; `force` sends SIGKILL at once. Before **every** signal it checks that the pid is
 * still the same process (start time), so a reused pid is never hit. A zombie counts as gone.
 *
 * Resolves once every signalled process is gone or known to be unstoppable, with a report:
 * `killed` (signalled and now gone), `failed` (with `code` `'EPERM'`, `'ETIMEDOUT'`, ...),
 * `skipped` (left alone on purpose, and why), `gone` (exited before a signal reached them) and,
 * per process, the signals sent and which one worked. It resolves even when some could not be
 * stopped. Bad input rejects with `ERR_INVALID_PORT` / `ERR_INVALID_OPTION` before anything runs;
 * the AbortSignal rejects with `ERR_ABORTED` (no further signal is sent after the abort).
 *
 * @example
 * ```ts
 * import {killProcessOnPort} from 'portwarden';
 *
 * const report = await killProcessOnPort(3000, {gracePeriod: 2000, filter: (owner) => owner.name === 'node'});
 * for (const stopped of report.processes) console.log(stopped.pid, stopped.signal, `${stopped.elapsedMs} ms`);
 * for (const failure of report.failed) console.error(failure.pid, failure.code); // 'EPERM'
 * for (const skipped of report.skipped) console.log(skipped.pid, skipped.reason); // 'self', 'hidden', ...
 * ```
 */
export async function killProcessOnPort(
  port: number | string,
  options?: KillOptions,
): Promise<KillReport> {
  return runKill(validateKillOptions(port, options));
}
