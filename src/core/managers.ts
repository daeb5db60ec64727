import { createLogger } from '../log.ts';
import { detectManager } from '../managers/detect.ts';
import { knownHolder } from '../managers/known-holders.ts';
import type { CoHolder, HolderFacts } from '../managers/types.ts';
import type { PortOwner, ProcessManager } from '../types.ts';
import type { Context } from './context.ts';

const debug = createLogger('portwarden:managers');

/** The other processes holding the same socket as `owner` (systemd socket activation). */
function coHoldersOf(
  owner: PortOwner,
  owners: readonly PortOwner[],
  facts: ReadonlyMap<number, HolderFacts>,
) {
  const coHolders: CoHolder[] = [];
  for (const other of owners) {
    if (other.pid === null || other.pid === owner.pid || other.inode === null) continue;
    if (other.inode !== owner.inode || coHolders.some((known) => known.pid === other.pid)) continue;
    const seen = facts.get(other.pid);
    coHolders.push({
      pid: other.pid,
      name: seen?.name ?? other.name,
      ...(seen?.cgroup === undefined ? {} : { cgroup: seen.cgroup }),
      ...(seen?.environment === undefined ? {} : { environment: seen.environment }),
    });
  }
  return coHolders;
}

/**
 * Adds to each owner what runs it — a container engine, a service manager, a process manager —
 * from the facts the platform shows (parents, cgroup, environment, hosted services), with the
 * command that stops it properly and, for well-known holders (AirPlay, http.sys, docker-proxy,
 * ...), what is going on in one sentence; and its parent pid. One gathering of facts for every
 * pid; an owner nothing manages keeps `manager: null`.
 *
 * @example
 * ```ts
 * const owners = await attachManagers(await describeOwners(rows, adapter, context), context);
 * owners[0]?.manager; // {kind: 'pm2', name: 'api', hint: 'pm2 stop api', explanation: null}
 * ```
 */
export async function attachManagers(
  owners: readonly PortOwner[],
  context: Context,
): Promise<PortOwner[]> {
  const pids = [...new Set(owners.flatMap((owner) => (owner.pid === null ? [] : [owner.pid])))];
  if (pids.length === 0) return [...owners];
  const base = await context.platform.holderFacts(pids, context);
  const facts = new Map<number, HolderFacts>();
  for (const owner of owners) {
    const seen = owner.pid === null ? undefined : base.get(owner.pid);
    if (!seen || owner.pid === null || facts.has(owner.pid)) continue;
    // What the source could not tell comes from the owner's own process facts.
    const commandLine = owner.commandLine === null ? null : [owner.commandLine];
    facts.set(owner.pid, {
      ...seen,
      name: seen.name ?? owner.name,
      argv: seen.argv ?? owner.argv ?? commandLine,
      ppid: seen.ppid ?? owner.ppid,
      system: context.platform.managerSystem,
    });
  }
  return owners.map((owner) => {
    const seen = owner.pid === null ? undefined : facts.get(owner.pid);
    if (!seen) return owner;
    const full: HolderFacts = {
      ...seen,
      port: owner.port,
      protocol: owner.protocol,
      coHolders: coHoldersOf(owner, owners, facts),
    };
    const detected = detectManager(full);
    const known = knownHolder(full);
    const manager: ProcessManager | null = detected
      ? { ...detected, explanation: known?.explanation ?? null }
      : null;
    if (manager) debug('pid %d: managed by %s %s', owner.pid, manager.kind, manager.name ?? '');
    return { ...owner, ppid: seen.ppid ?? owner.ppid, manager };
  });
}
