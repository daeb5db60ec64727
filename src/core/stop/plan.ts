import { createLogger } from '../../log.ts';
import type { StopTarget } from '../../process/stop-strategy.ts';
import type { SkippedOwner, SkipReason } from '../../reports.ts';
import type { PortOwner } from '../../types.ts';
import type { Context } from '../context.ts';
import { ancestorPids } from './ancestors.ts';
import { matchesNames } from './names.ts';
import type { KillSettings } from './settings.ts';

const debug = createLogger('portwarden:kill');

/**
 * Which owners will be signalled and which are left alone, decided before any signal.
 *
 * @example
 * ```ts
 * const {targets, skipped}: StopPlan = await planStop(owners, settings, context);
 * ```
 */
export interface StopPlan {
  readonly targets: readonly StopTarget[];
  readonly skipped: readonly SkippedOwner[];
}

function describe(owner: PortOwner): string {
  return `pid ${owner.pid}${owner.name ? ` (${owner.name})` : ''}`;
}

function skipMessage(reason: SkipReason, owner: PortOwner, firstStep: string): string {
  const socket = `${owner.protocol} ${owner.address}:${owner.port}`;
  switch (reason) {
    case 'hidden':
      return `A ${socket} socket is held by a process that cannot be seen${owner.user ? ` (user ${owner.user})` : owner.uid !== null ? ` (uid ${owner.uid})` : ''}${owner.reason ? `: ${owner.reason}` : ''}`;
    case 'time-wait':
      return `A ${socket} TIME_WAIT socket: no process owns it, and it ends by itself`;
    case 'connection':
      return `${describe(owner)} only has a connection whose local end is port ${owner.port} (${owner.state}): it does not listen, and stopping it would break something else`;
    case 'managed':
      return `${describe(owner)} is run by ${owner.manager?.kind ?? 'a manager'}${owner.manager?.name ? ` (${owner.manager.name})` : ''}, which would restart it or depend on it: ${owner.manager?.hint ?? 'stop it there'}`;
    case 'other-address':
      return `${describe(owner)} holds ${socket}, which does not stand in the way of the host asked for`;
    case 'system':
      return `${describe(owner)} is a system process and is never signalled`;
    case 'self':
      return `${describe(owner)} is the calling process: close the server instead (closeServer)`;
    case 'ancestor':
      return `${describe(owner)} is an ancestor of the calling process and is never signalled`;
    case 'filtered':
      return `${describe(owner)} was left alone by the filter`;
    case 'dry-run':
      return `dry run: ${describe(owner)} would be sent ${firstStep}`;
    case 'blocked':
      return `${describe(owner)} was left alone: another owner that may not be stopped keeps the port taken anyway`;
  }
}

/**
 * Records an owner left alone: a {@link SkippedOwner} with its message, a progress event and a
 * log line.
 *
 * @example
 * ```ts
 * skipped.push(skipOwner(owner, 'blocked', settings, context));
 * ```
 */
function skipOwner(
  owner: PortOwner,
  reason: SkipReason,
  settings: KillSettings,
  context: Context,
): SkippedOwner {
  const firstStep = context.platform.stop.firstStep(settings);
  settings.progress({ type: 'skipped', pid: owner.pid, reason });
  debug('port %d: skip %s: %s', settings.port, owner.pid ?? 'hidden', reason);
  return {
    pid: owner.pid,
    name: owner.name,
    reason,
    message: skipMessage(reason, owner, firstStep),
    ...(reason === 'hidden' ? { hint: context.platform.privilegeHint(owner.user) } : {}),
    ...(reason === 'managed' && owner.manager ? { hint: owner.manager.hint } : {}),
    ...(reason === 'dry-run' ? { wouldSend: firstStep } : {}),
  };
}

function accepted(owner: PortOwner, settings: KillSettings, context: Context): boolean {
  if (settings.names.length > 0 && !matchesNames(owner, settings.names, context.platform.names)) {
    return false;
  }
  return settings.filter === undefined || settings.filter(owner);
}

/** A listener or a bound socket: what stopping its owner frees. Anything else is a connection. */
function holds(owner: PortOwner): boolean {
  return owner.state === 'LISTEN' || owner.state === 'BOUND' || owner.state === 'UNKNOWN';
}

/** Whether the owner's socket stands in the way of `listen(port, host)` for one of `addresses`. */
function inScope(owner: PortOwner, addresses: readonly string[] | undefined, context: Context) {
  if (addresses === undefined) return true;
  return addresses.some((address) => context.platform.conflicts(owner.address, address));
}

/**
 * Decides, before any signal, which owners are signalled: one target per pid (a process holding
 * IPv4 and IPv6 sockets is one target, with every socket inode it was found holding). Never
 * signalled: an owner without a pid (hidden, or a TIME_WAIT socket), the platform's system pids,
 * the calling process or an ancestor of it, an owner that only has a connection on the port, one
 * whose socket does not conflict with the `host` asked for (`addresses`: its addresses), one the
 * `names`/`filter` options reject (asked once per pid, with its first owner entry), and nothing
 * with `dryRun`.
 *
 * @example
 * ```ts
 * const plan = await planStop(inspection.owners, settings, context);
 * plan.skipped; // [{pid: 1, reason: 'system', ...}]
 * ```
 */
export async function planStop(
  owners: readonly PortOwner[],
  settings: KillSettings,
  context: Context,
  addresses?: readonly string[],
): Promise<StopPlan> {
  const skipped: SkippedOwner[] = [];
  const candidates: PortOwner[] = [];
  const inodes = new Map<number, number[]>();
  const skip = (owner: PortOwner, reason: SkipReason) =>
    skipped.push(skipOwner(owner, reason, settings, context));
  for (const owner of owners) {
    if (owner.pid === null) {
      skip(owner, owner.state === 'TIME_WAIT' ? 'time-wait' : 'hidden');
      continue;
    }
    const known = inodes.get(owner.pid);
    if (known) {
      if (owner.inode !== null) known.push(owner.inode);
      continue;
    }
    inodes.set(owner.pid, owner.inode === null ? [] : [owner.inode]);
    if (context.platform.systemPids.includes(owner.pid)) skip(owner, 'system');
    else if (owner.pid === process.pid) skip(owner, 'self');
    else if (!holds(owner)) skip(owner, 'connection');
    else if (!inScope(owner, addresses, context)) skip(owner, 'other-address');
    else candidates.push(owner);
  }
  const ancestors = candidates.length > 0 ? await ancestorPids(context) : new Set<number>();
  const targets: StopTarget[] = [];
  for (const owner of candidates) {
    const pid = owner.pid as number;
    if (ancestors.has(pid)) skip(owner, 'ancestor');
    else if (!accepted(owner, settings, context)) skip(owner, 'filtered');
    else if (owner.manager !== null && settings.managed !== 'signal') skip(owner, 'managed');
    else if (settings.dryRun) skip(owner, 'dry-run');
    else targets.push({ pid, owner, startTime: owner.startTime, inodes: inodes.get(pid) ?? [] });
  }
  return { targets, skipped };
}
