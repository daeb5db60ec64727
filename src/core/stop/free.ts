/**
 * `freePort`'s run: one state record ({@link FreeRun}) and its named steps — inspect, plan, stop,
 * wait with bind probes, watch for a holder coming back, finish with one report. Over ~250 lines
 * on purpose: the steps share that state, and the rules that end a run (deadline, blocked,
 * respawned) must be read together to see that none waits past the caller's deadline.
 *
 * @module
 */
import { createLogger } from '../../log.ts';
import type { FreeOutcome, FreeReport, ProbeReport } from '../../reports.ts';
import { every, pollUntil } from '../../system/timing.ts';
import type { PortOwner, ProcessManager } from '../../types.ts';
import type { Context } from '../context.ts';
import { type ProbeTarget, probeTargetNow } from '../in-use.ts';
import { type Inspection, inspect } from '../inspect.ts';
import { blockedSkips, blockingOutcome, socketKey } from './blocked.ts';
import { countTimeWait } from './count-time-wait.ts';
import { executeStop } from './execute.ts';
import { planStop, type StopPlan } from './plan.ts';
import { KillReportBuilder } from './report.ts';
import { respawnedBy } from './respawn.ts';
import { stopScope } from './scope.ts';
import type { FreeSettings } from './settings.ts';

const debug = createLogger('portwarden:free');

/** First delay between bind probes while waiting for the port (doubled up to {@link PROBE_MAX}). */
const PROBE_FIRST = 5;
/** Longest delay between bind probes (a probe costs ~0.05 ms). */
const PROBE_MAX = 20;
/**
 * While the port stays taken after a round, bind probes say when it is free; the socket table
 * (tens of ms of CPU on a busy machine) is read again only to learn who holds it now: this long
 * (ms) after a round that stopped someone, doubled after each round that found nobody new to stop
 * (up to {@link REINSPECT_MAX}).
 */
const REINSPECT_FIRST = 250;
/** Longest wait (ms) between two reads of the socket table while the port stays taken. */
const REINSPECT_MAX = 2000;
/**
 * How long (ms) after a stop an ownerless socket on an address whose owners were stopped counts as
 * still closing rather than as a hidden owner.
 */
const SETTLE = 1000;
/**
 * How long (ms) an ownerless socket must stay before it counts as a hidden owner: a process that
 * is exiting (stopped by anyone, or ending by itself) has closed its descriptors — so no
 * `/proc/<pid>/fd` shows the socket — a moment before the kernel drops the socket.
 */
const HIDDEN_CONFIRM = 250;
/** How long (ms) a port freed by stopping a managed holder is watched for the holder coming back. */
const RESPAWN_WATCH = 1000;
/** Stop rounds before new holders appearing after each stop are called `'respawned'`. */
const MAX_ROUNDS = 3;

/**
 * How long before the deadline the forced stop (SIGKILL, `taskkill /F`) is sent at the latest: a
 * quarter of `maxWait`, at least 250 ms and at most 1 s — time for the kill, the exit and the
 * last bind probe. So a holder that ignores SIGTERM is gone in time for any `maxWait >= 1000`.
 */
function forceReserve(maxWait: number): number {
  return Math.min(1000, Math.max(250, maxWait / 4));
}

/**
 * Skips that do not keep the port taken for good: a dry run's candidates, TIME_WAIT sockets (they
 * end by themselves), holders of other addresses than the `host` asked for.
 */
const PASSING: ReadonlySet<string> = new Set(['dry-run', 'time-wait', 'other-address']);

/** `free` or `denied` when the probe says nothing holds the port; `undefined` while it is held. */
function settled(probe: ProbeReport): FreeOutcome | undefined {
  if (probe.inUse) return undefined;
  return probe.denied ? 'denied' : 'free';
}

/**
 * `freePort` on validated settings, in named steps over one state record: probe; then rounds of
 * inspect → plan → stop; and between rounds wait (bind probes with backoff; the table read again
 * 250 ms after a stop while the port stays taken, then less and less often while nobody new
 * holds it), all within the context's deadline (`maxWait`).
 * `detail: false` (for `ensurePortFree`) skips the final owner listing and TIME_WAIT count.
 *
 * @example
 * ```ts
 * const report = await freeOwners(settings, createContext({deadline: performance.now() + 15000}));
 * ```
 */
export function freeOwners(
  settings: FreeSettings,
  context: Context,
  detail = true,
): Promise<FreeReport> {
  return new FreeRun(settings, context, detail).run();
}

class FreeRun {
  private readonly started = performance.now();
  private kill: KillReportBuilder | null = null;
  private lastProbe: ProbeReport | undefined;
  /** Owners of the last inspection, while no stop happened since. */
  private remaining: readonly PortOwner[] | undefined;
  /** pid → start time of every process a stop round was run for. */
  private readonly attempted = new Map<number, string | null>();
  private readonly unstoppable = new Set<number>();
  /** Addresses whose owners were stopped, and until when an ownerless socket there may settle. */
  private readonly stoppedSockets = new Set<string>();
  private settleUntil = 0;
  /** When each ownerless socket was first seen (see {@link HIDDEN_CONFIRM}). */
  private readonly hiddenSince = new Map<string, number>();
  private rounds = 0;
  /** The `host`'s addresses, when the stop is scoped to a host. */
  private scope: readonly string[] | undefined;
  /** The owners whose processes were stopped (for spotting the one that comes back). */
  private readonly stopped: PortOwner[] = [];
  /** Whether the port was watched for a managed holder coming back. */
  private watched = false;
  /** Who started a stopped holder again, once seen. */
  private respawn: ProcessManager | null = null;
  /** The owners of the last inspection (the best known answer to "who still holds it"). */
  private lastOwners: readonly PortOwner[] = [];
  /** How long (ms) to wait with bind probes before reading the table again. */
  private reinspect = REINSPECT_FIRST;

  constructor(
    private readonly settings: FreeSettings,
    private readonly context: Context,
    private readonly detail: boolean,
  ) {}

  async run(): Promise<FreeReport> {
    const { target, scope } = await stopScope(this.settings, this.context);
    this.scope = scope;
    const initial = settled(await this.probe(target));
    if (initial) return this.finish(initial);
    if (this.settings.waitOnly) {
      await this.waitForFree(target, this.context.deadline);
      return this.finish(this.settledOrTimeout());
    }
    for (;;) {
      const outcome = await this.round();
      if (outcome) return this.finish(outcome);
      const now = performance.now();
      if (now >= this.context.deadline) {
        await this.probe(target);
        return this.finish(this.settledOrTimeout());
      }
      if (await this.waitForFree(target, Math.min(this.context.deadline, now + this.reinspect))) {
        if (await this.cameBack(target)) continue;
        return this.finish(this.settledOrTimeout());
      }
      if (performance.now() >= this.context.deadline) return this.finish('timeout');
    }
  }

  /** One round: inspect, plan, and stop the owners not tried yet; an outcome ends the call. */
  private async round(): Promise<FreeOutcome | undefined> {
    let inspection: Inspection;
    try {
      inspection = await inspect(this.settings, this.context);
    } catch (error) {
      // A tool cut short by the deadline: maxWait ran out, which is no reason to reject.
      if (performance.now() >= this.context.deadline) return 'timeout';
      throw error;
    }
    this.remaining = inspection.owners;
    this.lastOwners = inspection.owners;
    const plan = await planStop(inspection.owners, this.settings, this.context, this.scope);
    const blocked = this.blocking(inspection.owners, plan);
    if (blocked) {
      this.report().addOwners(inspection.owners);
      this.report().addSkipped(blockedSkips(plan.skipped, plan.targets, this.unstoppable));
      return blocked;
    }
    if (this.settings.dryRun) {
      this.report().addOwners(inspection.owners);
      this.report().addSkipped(plan.skipped);
      return 'dry-run';
    }
    const fresh = plan.targets.filter(
      (target) =>
        !this.attempted.has(target.pid) || this.attempted.get(target.pid) !== target.startTime,
    );
    if (fresh.length === 0) {
      this.reinspect = Math.min(this.reinspect * 2, REINSPECT_MAX);
      return undefined;
    }
    this.reinspect = REINSPECT_FIRST;
    this.respawn = await respawnedBy(fresh, this.stopped, this.context);
    if (this.respawn || this.rounds >= MAX_ROUNDS) return 'respawned';
    this.rounds++;
    this.report().addOwners(inspection.owners);
    // Left alone on purpose while the others are stopped (a client, another address...).
    this.report().addSkipped(plan.skipped);
    for (const target of fresh) this.attempted.set(target.pid, target.startTime);
    debug(
      'port %d: round %d, stopping %o',
      this.settings.port,
      this.rounds,
      fresh.map((t) => t.pid),
    );
    const results = await executeStop(fresh, this.escalating(), this.context);
    this.report().addResults(results);
    for (const failure of results.failed) this.unstoppable.add(failure.pid);
    const gone = new Set([...results.killed, ...results.gone]);
    this.stopped.push(...fresh.filter((target) => gone.has(target.pid)).map((t) => t.owner));
    // A socket of a process that just exited — stopped here, or by a concurrent stop of the same
    // process ('gone') — can outlive it briefly without a visible owner: not a hidden owner.
    for (const owner of inspection.owners) {
      if (owner.pid !== null && gone.has(owner.pid)) this.stoppedSockets.add(socketKey(owner));
    }
    this.settleUntil = performance.now() + SETTLE;
    this.remaining = undefined;
    return undefined;
  }

  /**
   * The outcome when the port cannot become free by stopping the others: an owner that may not
   * be stopped (or one whose stop failed) holds it. A socket of a process that was just stopped
   * can outlive it briefly without a visible owner, and so can the socket of any process that is
   * exiting: that is not a hidden owner yet (see {@link HIDDEN_CONFIRM}).
   */
  private blocking(owners: readonly PortOwner[], plan: StopPlan): FreeOutcome | undefined {
    const now = performance.now();
    const hidden = owners.filter((owner) => owner.pid === null);
    const settling =
      hidden.length > 0 &&
      hidden.every((owner) => {
        const key = socketKey(owner);
        const since = this.hiddenSince.get(key) ?? now;
        this.hiddenSince.set(key, since);
        const ours = now < this.settleUntil && this.stoppedSockets.has(key);
        return ours || now - since < HIDDEN_CONFIRM;
      });
    const blockers = plan.skipped.filter(
      (entry) => !PASSING.has(entry.reason) && !(settling && entry.reason === 'hidden'),
    );
    const stuck = plan.targets.some((target) => this.unstoppable.has(target.pid));
    if (blockers.length === 0 && !stuck) return undefined;
    if (performance.now() >= this.context.deadline) return 'timeout';
    return blockingOutcome(blockers, stuck);
  }

  /**
   * The settings of a stop round: the grace period shortened so that the forced stop goes out
   * {@link forceReserve} ms before the deadline at the latest.
   */
  private escalating(): FreeSettings {
    const left = this.context.deadline - performance.now() - forceReserve(this.settings.maxWait);
    const gracePeriod = Math.max(0, Math.min(this.settings.gracePeriod, left));
    if (gracePeriod < this.settings.gracePeriod) {
      debug(
        'port %d: forcing after %d ms to finish within maxWait',
        this.settings.port,
        gracePeriod,
      );
    }
    return { ...this.settings, gracePeriod };
  }

  private report(): KillReportBuilder {
    this.kill ??= new KillReportBuilder(this.settings);
    return this.kill;
  }

  private async probe(target: ProbeTarget): Promise<ProbeReport> {
    this.lastProbe = await probeTargetNow(target, this.context);
    return this.lastProbe;
  }

  private settledOrTimeout(): FreeOutcome {
    return (this.lastProbe && settled(this.lastProbe)) ?? 'timeout';
  }

  /**
   * Once the port is free after stopping a managed holder: whether the manager starts it again
   * within {@link RESPAWN_WATCH} ms (pm2 does in ~100 ms, systemd after `RestartSec`) — then the
   * next round says `'respawned'` instead of a "free" that would not last. Watched once.
   */
  private async cameBack(target: ProbeTarget): Promise<boolean> {
    if (this.watched || !this.stopped.some((owner) => owner.manager !== null)) return false;
    this.watched = true;
    const until = Math.min(this.context.deadline, performance.now() + RESPAWN_WATCH);
    const back = await pollUntil(async () => (await this.probe(target)).inUse, until, {
      first: PROBE_FIRST,
      max: PROBE_MAX,
      signal: this.context.signal,
    });
    if (back) debug('port %d: a managed holder came back', this.settings.port);
    return back;
  }

  /** Probes with backoff until the port is free or `until`; `true` when free. */
  private async waitForFree(target: ProbeTarget, until: number): Promise<boolean> {
    const stopWaiting = every(500, (elapsedMs) =>
      this.settings.progress({ type: 'waiting', elapsedMs }),
    );
    try {
      return await pollUntil(async () => !(await this.probe(target)).inUse, until, {
        first: PROBE_FIRST,
        max: PROBE_MAX,
        signal: this.context.signal,
      });
    } finally {
      stopWaiting();
    }
  }

  /** Who holds the port now, for the report; the last answer when the table cannot be read. */
  private async ownersNow(): Promise<readonly PortOwner[]> {
    try {
      return (await inspect(this.settings, this.context)).owners;
    } catch (error) {
      debug('port %d: cannot list what remains: %s', this.settings.port, (error as Error).message);
      return this.lastOwners;
    }
  }

  private async finish(outcome: FreeOutcome): Promise<FreeReport> {
    const { port, protocol } = this.settings;
    const free = outcome === 'free';
    let remaining: readonly PortOwner[] = [];
    if (!free) remaining = this.remaining ?? (this.detail ? await this.ownersNow() : []);
    const timeWait =
      this.detail && protocol === 'tcp' ? await countTimeWait(this.settings, this.context) : 0;
    const elapsedMs = Math.round(performance.now() - this.started);
    debug('port %d: %s after %d ms', port, outcome, elapsedMs);
    return {
      port,
      protocol,
      free,
      outcome,
      kill: this.kill?.build() ?? null,
      remaining,
      respawnedBy: outcome === 'respawned' ? this.respawn : null,
      timeWait,
      elapsedMs,
    };
  }
}
