import type { StopTarget } from '../../process/stop-strategy.ts';
import type { FreeOutcome, SkippedOwner } from '../../reports.ts';
import type { PortOwner } from '../../types.ts';

/**
 * Why a port cannot become free by stopping the owners that may be stopped: the calling process
 * or an ancestor holds it (`'self'`), an owner may not be stopped (`'unstoppable-owner'`: pid 1,
 * filtered out, a failed stop), an owner cannot be seen (`'hidden-owner'`), or only connections
 * whose local end is the port keep it taken (`'connection'`: their owners are left alone).
 *
 * @example
 * ```ts
 * blockingOutcome([{reason: 'ancestor', ...}], false); // 'self'
 * ```
 */
export function blockingOutcome(blockers: readonly SkippedOwner[], failed: boolean): FreeOutcome {
  const has = (...reasons: string[]) => blockers.some((entry) => reasons.includes(entry.reason));
  if (has('self', 'ancestor')) return 'self';
  if (failed || has('system', 'filtered')) return 'unstoppable-owner';
  if (has('managed')) return 'managed';
  if (has('hidden')) return 'hidden-owner';
  return 'connection';
}

/**
 * The skip entry of an owner left alone because another owner that may not be stopped keeps the
 * port taken anyway (`reason: 'blocked'`).
 *
 * @example
 * ```ts
 * blockedEntry(target.pid, target.owner.name);
 * ```
 */
function blockedEntry(pid: number | null, name: string | null): SkippedOwner {
  return {
    pid,
    name,
    reason: 'blocked',
    message: `pid ${pid}${name ? ` (${name})` : ''} was left alone: another owner that may not be stopped keeps the port taken anyway`,
  };
}

/**
 * The skip entries when a stop round is called off: the owners that block (as planned), and
 * every other owner — targets not yet tried and dry-run candidates — as `'blocked'`.
 *
 * @example
 * ```ts
 * report.addSkipped(blockedSkips(plan.skipped, plan.targets, unstoppable));
 * ```
 */
export function blockedSkips(
  skipped: readonly SkippedOwner[],
  targets: readonly StopTarget[],
  unstoppable: ReadonlySet<number>,
): SkippedOwner[] {
  const entries = skipped.filter((entry) => entry.reason !== 'dry-run');
  for (const candidate of skipped.filter((entry) => entry.reason === 'dry-run')) {
    entries.push(blockedEntry(candidate.pid, candidate.name));
  }
  for (const target of targets) {
    if (!unstoppable.has(target.pid)) entries.push(blockedEntry(target.pid, target.owner.name));
  }
  return entries;
}

/**
 * The socket an owner holds, without the owner: `protocol|family|address`.
 *
 * @example
 * ```ts
 * socketKey(owner); // 'tcp|IPv6|::'
 * ```
 */
export function socketKey(owner: PortOwner): string {
  return `${owner.protocol}|${owner.family}|${owner.address}`;
}
