import type { SocketTableAdapter } from '../adapters/adapter.ts';
import type { PortOwner, SocketRow } from '../types.ts';
import type { Context } from './context.ts';

/**
 * A stable order for owners: by pid (owners without one last), then IPv4 before IPv6, then address.
 *
 * @example
 * ```ts
 * owners.sort(compareOwners);
 * ```
 */
function compareOwners(a: PortOwner, b: PortOwner): number {
  if (a.pid !== b.pid) {
    if (a.pid === null) return 1;
    if (b.pid === null) return -1;
    return a.pid - b.pid;
  }
  if (a.family !== b.family) return a.family === 'IPv4' ? -1 : 1;
  return a.address.localeCompare(b.address);
}

/** Why a row has no visible owner, in words. */
function ownerlessReason(row: SocketRow, context: Context, user: string | null): string {
  if (row.state === 'TIME_WAIT') {
    return 'a TIME_WAIT socket: a closed connection whose local end is the port; no process owns it, and it ends by itself';
  }
  return `its owner cannot be seen (another user's process): ${context.platform.privilegeHint(user)} to see it`;
}

/**
 * Turns rows of a port into {@link PortOwner}s: one entry per owning process and socket (a socket
 * shared by forked children lists each of them; many connections of one process on one address
 * and state are one entry), names, command lines, users and start times from the platform's
 * process-info source (one lookup for every pid), and a `pid: null` entry, with its `reason`, for
 * each socket whose owner cannot be seen or that has none.
 *
 * @example
 * ```ts
 * const owners = await describeOwners(holdingRows, adapter, context);
 * ```
 */
export async function describeOwners(
  rows: readonly SocketRow[],
  adapter: SocketTableAdapter,
  context: Context,
): Promise<PortOwner[]> {
  const pids = [...new Set(rows.flatMap((row) => row.owners.map((owner) => owner.pid)))];
  const infos = pids.length > 0 ? await context.platform.processInfo(pids, context) : new Map();
  const seen = new Set<string>();
  const owners: PortOwner[] = [];
  const add = (owner: PortOwner) => {
    const key = `${owner.pid}|${owner.protocol}|${owner.family}|${owner.address}|${owner.port}|${owner.state}`;
    if (seen.has(key)) return;
    seen.add(key);
    owners.push(owner);
  };
  for (const row of rows) {
    const base = {
      protocol: row.protocol,
      state: row.state,
      family: row.family,
      address: row.localAddress,
      port: row.localPort,
      adapter: adapter.name,
      inode: row.inode ?? null,
      manager: null,
    };
    if (row.owners.length === 0) {
      const uid = row.uid ?? null;
      const user = uid === null ? null : context.platform.userName(uid);
      add({
        ...base,
        pid: null,
        name: null,
        commandLine: null,
        argv: null,
        uid,
        user,
        ppid: null,
        startTime: null,
        reason: ownerlessReason(row, context, user),
      });
      continue;
    }
    for (const rowOwner of row.owners) {
      const info = infos.get(rowOwner.pid);
      add({
        ...base,
        pid: rowOwner.pid,
        name: info?.name ?? rowOwner.name ?? null,
        commandLine: info?.commandLine ?? null,
        argv: info?.argv ?? null,
        uid: info?.uid ?? row.uid ?? null,
        user: info?.user ?? null,
        ppid: info?.ppid ?? null,
        // The start time read while the process was proven to hold the socket wins.
        startTime: rowOwner.startTime ?? info?.startTime ?? null,
        reason: null,
      });
    }
  }
  return owners.sort(compareOwners);
}
