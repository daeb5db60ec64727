/**
 * Reading Linux's `/proc` socket tables: the rows of `/proc/net/{tcp,tcp6,udp,udp6}` for a port,
 * and the owners of socket inodes from every `/proc/<pid>/fd` (off the event loop and in slices:
 * see `fd-scan.ts`). Used by the procfs adapter, to check the owners `ss` claims and to complete
 * the owners other Linux tools name only partly.
 *
 * @module
 */
import { accessSync, constants, readdirSync, readFileSync } from 'node:fs';
import { createLogger } from '../log.ts';
import type { RowOwner, SocketRow } from '../types.ts';
import { type SocketOwnerScan, scanSocketOwners } from './fd-scan.ts';
import type { SliceLimits } from './slices.ts';
import { provenStartTime, readLink, rememberedFd, socketInode } from './socket-links.ts';

export { scanSocketOwners } from './fd-scan.ts';
export { provenStartTime } from './socket-links.ts';

const debug = createLogger('portwarden:procfs');

/**
 * Whether the process at `pid` still has one of the sockets `inodes` open (`/proc/<pid>/fd`);
 * `undefined` when that cannot be read (another user's process without privilege, no `/proc`).
 * The descriptor at which a scan last proved the process to hold the socket is looked at first,
 * so a server with thousands of connections is not read through while it still holds it.
 *
 * @example
 * ```ts
 * holdsSocket('/proc', 4242, [123456]); // true
 * ```
 */
export function holdsSocket(
  procRoot: string,
  pid: number,
  inodes: readonly number[],
): boolean | undefined {
  for (const inode of inodes) {
    const fd = rememberedFd(procRoot, pid, inode);
    if (fd !== undefined && socketInode(readLink(`${procRoot}/${pid}/fd/${fd}`)) === inode) {
      return true;
    }
  }
  let fds: string[];
  try {
    fds = readdirSync(`${procRoot}/${pid}/fd`);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT' ? false : undefined;
  }
  for (const fd of fds) {
    const inode = socketInode(readLink(`${procRoot}/${pid}/fd/${fd}`));
    if (inode !== undefined && inodes.includes(inode)) return true;
  }
  return false;
}

/**
 * Completes the owners of rows that a tool read with their inode but with fewer owners than hold
 * the socket (net-tools `netstat -p` names one process per socket, even when a parent and its
 * forked children share it): every holder found in `/proc/<pid>/fd` is added, the tool's own
 * names kept. Rows without an inode, and a /proc that cannot be read, are left as they are.
 *
 * @example
 * ```ts
 * await completeOwnersFromProc(parseNetstatLinux(text), '/proc');
 * ```
 */
export async function completeOwnersFromProc(
  rows: readonly SocketRow[],
  procRoot: string,
  limits: SliceLimits = {},
): Promise<SocketRow[]> {
  const wanted = new Set<number>();
  for (const row of rows) if (row.inode) wanted.add(row.inode);
  if (wanted.size === 0) return [...rows];
  let scan: SocketOwnerScan;
  try {
    scan = await scanSocketOwners(wanted, procRoot, limits);
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'ERR_ABORTED' || code === 'ERR_COMMAND_TIMEOUT') throw error;
    debug('cannot complete owners from %s: %s', procRoot, (error as Error).message);
    return [...rows];
  }
  return rows.map((row) => {
    const found = row.inode ? scan.owners.get(row.inode) : undefined;
    if (!found) return row;
    const owners: RowOwner[] = row.owners.map((owner) => {
      const proven = found.find((candidate) => candidate.pid === owner.pid);
      return proven ? { ...owner, startTime: proven.startTime ?? null } : owner;
    });
    for (const owner of found) {
      if (!owners.some((known) => known.pid === owner.pid)) owners.push(owner);
    }
    return { ...row, owners };
  });
}

/**
 * Checks the owners a tool claims for each socket (`ss -p` prints `("name",pid=4,fd=3)`, and a
 * process name may contain anything — quotes, commas, newlines — so a name can forge or hide an
 * owner): a claimed owner counts only when `/proc/<pid>/fd/<fd>` links to the row's socket inode,
 * and its start time is read while it does. A socket whose claims all fail is looked up in every
 * `/proc/<pid>/fd` instead (a sliced scan). Without a readable `/proc`, the rows are returned as
 * they are.
 *
 * @example
 * ```ts
 * await verifyOwnersFromProc(parseSs(text), '/proc');
 * ```
 */
export async function verifyOwnersFromProc(
  rows: readonly SocketRow[],
  procRoot: string,
  limits: SliceLimits = {},
): Promise<SocketRow[]> {
  try {
    accessSync(procRoot, constants.R_OK | constants.X_OK);
  } catch (error) {
    debug('cannot verify owners in %s: %s', procRoot, (error as Error).message);
    return [...rows];
  }
  const lookUp = new Set<number>();
  const checked = rows.map((row) => {
    const inode = row.inode;
    if (!inode || row.owners.length === 0) return row;
    const owners: RowOwner[] = [];
    for (const owner of row.owners) {
      if (owner.fd === undefined) continue;
      const startTime = provenStartTime(procRoot, owner.pid, String(owner.fd), inode);
      if (startTime !== undefined) owners.push({ ...owner, startTime });
      else
        debug('socket %d: claimed owner %d (fd %d) does not hold it', inode, owner.pid, owner.fd);
    }
    if (owners.length === 0) lookUp.add(inode);
    return { ...row, owners };
  });
  if (lookUp.size === 0) return checked;
  const scan = await scanSocketOwners(lookUp, procRoot, limits);
  return checked.map((row) => {
    const found = row.inode && lookUp.has(row.inode) ? scan.owners.get(row.inode) : undefined;
    return found ? { ...row, owners: found } : row;
  });
}

const ipv6OnlyDefaults = new Map<string, boolean>();

/**
 * Whether `::` binds are IPv6-only unless a program says otherwise (the sysctl
 * `net.ipv6.bindv6only`, read once per /proc root). Then a free `::` bind proves nothing about
 * IPv4. Unreadable counts as "yes", the cautious answer.
 *
 * @example
 * ```ts
 * ipv6OnlyByDefault('/proc'); // false on a stock Linux
 * ```
 */
export function ipv6OnlyByDefault(procRoot: string): boolean {
  let value = ipv6OnlyDefaults.get(procRoot);
  if (value === undefined) {
    try {
      value = readFileSync(`${procRoot}/sys/net/ipv6/bindv6only`, 'latin1').trim() !== '0';
    } catch {
      value = true;
    }
    ipv6OnlyDefaults.set(procRoot, value);
  }
  return value;
}
