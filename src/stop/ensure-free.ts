import { type PortProbe, probePort } from '../in-use.ts';
import { createLogger } from '../log.ts';
import { inspectPort } from '../owners.ts';
import { readSocketTable } from '../socket-table.ts';
import type { PortOwner } from '../types.ts';
import { executeStop, planStop, type StopSeams } from './kill.ts';
import { stopStrategy } from './strategies.ts';
import { every, pollUntil } from './timing.ts';
import type {
  EnsureFreeOptions,
  FreePortOutcome,
  FreePortReport,
  KillReport,
  SkippedOwner,
  StopProgress,
} from './types.ts';
import { type FreeSettings, validateFreeOptions } from './validate.ts';

const debug = createLogger('portwarden:free');

/** First delay between bind probes while waiting for the port (doubled up to {@link PROBE_MAX}). */
const PROBE_FIRST = 5;
/** Longest delay between bind probes (a probe costs ~0.05 ms). */
const PROBE_MAX = 50;
/** While the port stays taken, the socket table is read again this often (ms) to see who holds it. */
const REINSPECT_EVERY = 250;
/**
 * How long (ms) after a stop an ownerless socket on an address whose owners were stopped counts as
 * still closing rather than as a hidden owner.
 */
const SETTLE = 1000;
/** Stop rounds before new holders appearing after each stop are called `'respawning'`. */
const MAX_ROUNDS = 3;

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

function blockingOutcome(skipped: readonly SkippedOwner[], failed: boolean): FreePortOutcome {
  if (skipped.some((entry) => entry.reason === 'self' || entry.reason === 'ancestor'))
    return 'self';
  if (failed || skipped.some((entry) => entry.reason === 'system' || entry.reason === 'filtered')) {
    return 'unstoppable-owner';
  }
  return 'hidden-owner';
}

function blockedMessage(pid: number | null, name: string | null): string {
  return `pid ${pid}${name ? ` (${name})` : ''} was left alone: another owner that may not be stopped keeps the port taken anyway`;
}

function socketKey(owner: PortOwner): string {
  return `${owner.protocol}|${owner.family}|${owner.address}`;
}

function ownerKey(owner: PortOwner): string {
  return `${owner.pid}|${owner.family}|${owner.address}|${owner.state}`;
}

/**
 * {@link freePort} with validated settings, replaceable seams, and `detail: false` for
 * {@link ensurePortFree} (which skips the final TIME_WAIT count and owner listing).
 *
 * @example
 * ```ts
 * const report = await runFreePort(validateFreeOptions(3000, {}), {}, true);
 * ```
 */
export async function runFreePort(
  settings: FreeSettings,
  seams: StopSeams = {},
  detail = true,
): Promise<FreePortReport> {
  const started = performance.now();
  const deadline = started + settings.maxWait;
  const strategy = seams.strategy ?? stopStrategy(settings.context.platform);
  const { port, protocol, signal } = settings;
  const probeOptions = {
    protocol,
    context: settings.context,
    ...(settings.forcedAdapter ? { adapter: settings.forcedAdapter } : {}),
    ...(signal ? { signal } : {}),
  };
  const inspect = () => inspectPort(port, protocol, settings.context, settings.forcedAdapter);

  let kill: Mutable<KillReport> | null = null;
  const ensureKill = (): Mutable<KillReport> => {
    kill ??= {
      port,
      protocol,
      killed: [],
      failed: [],
      skipped: [],
      gone: [],
      processes: [],
      owners: [],
      dryRun: settings.dryRun,
      elapsedMs: 0,
    };
    return kill;
  };
  const ownersSeen = new Map<string, PortOwner>();

  let lastProbe: PortProbe = await probePort(port, probeOptions);
  let remaining: readonly PortOwner[] | undefined;

  const finish = async (outcome: FreePortOutcome): Promise<FreePortReport> => {
    const free = outcome === 'free';
    if (kill) {
      kill.owners = [...ownersSeen.values()];
      kill.elapsedMs = Math.round(performance.now() - started);
    }
    let left: readonly PortOwner[] = [];
    if (!free) left = remaining ?? (detail ? (await inspect()).owners : []);
    const timeWait = detail && protocol === 'tcp' ? await countTimeWait(settings) : 0;
    const elapsedMs = Math.round(performance.now() - started);
    debug('port %d: %s after %d ms', port, outcome, elapsedMs);
    return { port, protocol, free, outcome, kill, remaining: left, timeWait, elapsedMs };
  };
  const settled = (probe: PortProbe): FreePortOutcome | undefined => {
    if (probe.inUse) return undefined;
    return probe.denied ? 'denied' : 'free';
  };
  /** Probes with backoff until the port is free or `until`; `true` when free. */
  const waitForFree = async (until: number): Promise<boolean> => {
    const stopWaiting = every(500, (elapsedMs) =>
      settings.progress({ type: 'waiting', elapsedMs } satisfies StopProgress),
    );
    try {
      return await pollUntil(
        async () => {
          lastProbe = await probePort(port, probeOptions);
          return !lastProbe.inUse;
        },
        until,
        { first: PROBE_FIRST, max: PROBE_MAX, signal },
      );
    } finally {
      stopWaiting();
    }
  };

  const initial = settled(lastProbe);
  if (initial) return finish(initial);

  if (settings.waitOnly) {
    await waitForFree(deadline);
    return finish(settled(lastProbe) ?? 'timeout');
  }

  /** pid → start time of every process a stop round was run for. */
  const attempted = new Map<number, string | null>();
  const unstoppable = new Set<number>();
  /** Addresses whose owners were stopped, and until when an ownerless socket there may settle. */
  const stoppedSockets = new Set<string>();
  let settleUntil = 0;
  let rounds = 0;
  for (;;) {
    const inspection = await inspect();
    remaining = inspection.owners;
    const plan = await planStop(inspection.owners, settings, strategy);
    // A socket of a process that was just stopped can outlive it briefly without any visible
    // owner (a descriptor still in flight between processes): not a hidden owner yet.
    const hidden = inspection.owners.filter((owner) => owner.pid === null);
    const settling =
      hidden.length > 0 &&
      performance.now() < settleUntil &&
      hidden.every((owner) => stoppedSockets.has(socketKey(owner)));
    const blockers = plan.skipped.filter(
      (entry) => entry.reason !== 'dry-run' && !(settling && entry.reason === 'hidden'),
    );
    const stuck = plan.targets.filter((target) => unstoppable.has(target.pid));
    if (blockers.length > 0 || stuck.length > 0) {
      // The port cannot become free by stopping the others: leave them alone ('blocked').
      const report = ensureKill();
      for (const owner of inspection.owners) ownersSeen.set(ownerKey(owner), owner);
      report.skipped.push(...plan.skipped.filter((entry) => entry.reason !== 'dry-run'));
      for (const candidate of plan.skipped.filter((entry) => entry.reason === 'dry-run')) {
        report.skipped.push({
          ...candidate,
          reason: 'blocked',
          message: blockedMessage(candidate.pid, candidate.name),
        });
      }
      for (const target of plan.targets) {
        if (unstoppable.has(target.pid)) continue;
        report.skipped.push({
          pid: target.pid,
          name: target.owner.name,
          reason: 'blocked',
          message: blockedMessage(target.pid, target.owner.name),
        });
      }
      return finish(
        performance.now() >= deadline ? 'timeout' : blockingOutcome(blockers, stuck.length > 0),
      );
    }
    if (settings.dryRun) {
      const report = ensureKill();
      for (const owner of inspection.owners) ownersSeen.set(ownerKey(owner), owner);
      report.skipped.push(...plan.skipped);
      return finish('dry-run');
    }
    const fresh = plan.targets.filter(
      (target) => !attempted.has(target.pid) || attempted.get(target.pid) !== target.startTime,
    );
    if (fresh.length > 0) {
      if (rounds >= MAX_ROUNDS) return finish('respawning');
      rounds++;
      const report = ensureKill();
      for (const owner of inspection.owners) ownersSeen.set(ownerKey(owner), owner);
      for (const target of fresh) attempted.set(target.pid, target.startTime);
      debug(
        'port %d: round %d, stopping %o',
        port,
        rounds,
        fresh.map((target) => target.pid),
      );
      const results = await executeStop(fresh, settings, strategy, deadline);
      report.killed.push(...results.killed);
      report.failed.push(...results.failed);
      report.gone.push(...results.gone);
      report.processes.push(...results.processes);
      for (const failure of results.failed) unstoppable.add(failure.pid);
      const killed = new Set(results.killed);
      for (const owner of inspection.owners) {
        if (owner.pid !== null && killed.has(owner.pid)) stoppedSockets.add(socketKey(owner));
      }
      settleUntil = performance.now() + SETTLE;
    }
    remaining = undefined;
    const now = performance.now();
    if (now >= deadline) {
      lastProbe = await probePort(port, probeOptions);
      return finish(settled(lastProbe) ?? 'timeout');
    }
    if (await waitForFree(Math.min(deadline, now + REINSPECT_EVERY))) {
      return finish(settled(lastProbe) ?? 'timeout');
    }
    if (performance.now() >= deadline) return finish('timeout');
  }
}

async function countTimeWait(settings: FreeSettings): Promise<number> {
  try {
    const { rows } = await readSocketTable(
      { port: settings.port, protocol: 'tcp', withoutOwners: true },
      settings.context,
      settings.forcedAdapter,
    );
    return rows.filter((row) => row.localPort === settings.port && row.state === 'TIME_WAIT')
      .length;
  } catch (error) {
    debug('port %d: cannot count TIME_WAIT sockets: %O', settings.port, error);
    return 0;
  }
}

/**
 * Frees the port and tells what happened: who was stopped with which signal and how long it took
 * (`kill`), why the port is or is not free (`outcome`), what still holds it (`remaining`) and how
 * many TIME_WAIT sockets sit on it (`timeWait` — they never stop a Node server, which sets
 * SO_REUSEADDR, but they do stop programs that bind without it). The detailed sibling of
 * {@link ensurePortFree}, which is `(await freePort(port, options)).free`.
 *
 * Stops the holders as `killProcessOnPort` does, then waits — bind probes with backoff, never for
 * TIME_WAIT when a Node server can listen anyway — up to `maxWait` ms (default 15000) in all.
 * It gives up early, stopping nothing, when the port cannot become free by stopping: an owner it
 * may not stop (the calling process or an ancestor → `'self'`; pid 1, filtered out, EPERM →
 * `'unstoppable-owner'`; an owner it cannot see → `'hidden-owner'`). New holders that take the
 * port after a stop (forked children) are stopped too, up to three rounds (then `'respawning'`).
 * With `waitOnly` it stops nothing and only waits. Races with other callers stopping the same
 * process count as "gone", not as failures.
 *
 * @example
 * ```ts
 * import {freePort} from 'portwarden';
 *
 * const report = await freePort(3000, {gracePeriod: 2000});
 * if (report.free) {
 *   for (const stopped of report.kill?.processes ?? []) console.log(`stopped ${stopped.pid} with ${stopped.signal}`);
 * } else {
 *   console.error(`port 3000 is still taken: ${report.outcome}`, report.remaining);
 * }
 * ```
 */
export async function freePort(
  port: number | string,
  options?: EnsureFreeOptions,
): Promise<FreePortReport> {
  return runFreePort(validateFreeOptions(port, options));
}

/**
 * Makes the port free — stopping its holders as `killProcessOnPort` does — and waits up to
 * `maxWait` ms (default 15000) for it. Resolves `true` only when, at the end, a Node server could
 * listen on the port (a bind probe says so); otherwise `false`, without waiting out `maxWait` when
 * nothing can change (an owner it may not stop, a hidden owner, the calling process itself). Safe
 * to call concurrently for one port. Use {@link freePort} to learn why it is `false`.
 *
 * @example
 * ```ts
 * import {ensurePortFree} from 'portwarden';
 *
 * if (!(await ensurePortFree(3000, {maxWait: 5000}))) {
 *   throw new Error('Port 3000 is still taken; run `portwarden free 3000` to see why');
 * }
 * server.listen(3000);
 * ```
 */
export async function ensurePortFree(
  port: number | string,
  options?: EnsureFreeOptions,
): Promise<boolean> {
  return (await runFreePort(validateFreeOptions(port, options), {}, false)).free;
}
