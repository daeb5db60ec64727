/**
 * Reading Linux's `/proc` socket tables: the rows of `/proc/net/{tcp,tcp6,udp,udp6}` for a port,
 * and the owners of socket inodes from every `/proc/<pid>/fd`. Used by the procfs adapter, and to
 * complete the owners other Linux tools name only partly.
 *
 * @module
 */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { createLogger } from '../log.ts';
import { parseProcNet } from '../parsers/proc-net.ts';
import { parseProcStat } from '../parsers/proc-stat.ts';
import type { Family, Protocol, RowOwner, SocketRow } from '../types.ts';

const debug = createLogger('portwarden:procfs');

const SOURCES: readonly { file: string; protocol: Protocol; family: Family }[] = [
  { file: 'tcp', protocol: 'tcp', family: 'IPv4' },
  { file: 'tcp6', protocol: 'tcp', family: 'IPv6' },
  { file: 'udp', protocol: 'udp', family: 'IPv4' },
  { file: 'udp6', protocol: 'udp', family: 'IPv6' },
];

/** Which rows of `/proc/net/*` to read. */
export interface ProcNetQuery {
  readonly port: number;
  /** Only this protocol; both when undefined. */
  readonly protocol?: Protocol | undefined;
  /** Also rows whose remote port is `port`. */
  readonly includeRemote?: boolean | undefined;
}

/**
 * Reads the `/proc/net/{tcp,tcp6,udp,udp6}` rows whose local port is `query.port`.
 * A missing IPv6 file (IPv6 disabled) is skipped; a missing IPv4 file throws.
 *
 * @example
 * ```ts
 * readProcNetRows({port: 8080, protocol: 'tcp'}, '/proc');
 * ```
 */
export function readProcNetRows(query: ProcNetQuery, procRoot: string): SocketRow[] {
  const rows: SocketRow[] = [];
  for (const source of SOURCES) {
    if (query.protocol && source.protocol !== query.protocol) continue;
    let text: string;
    try {
      text = readFileSync(`${procRoot}/net/${source.file}`, 'latin1');
    } catch (error) {
      if (source.family === 'IPv6' && (error as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw error;
    }
    rows.push(
      ...parseProcNet(text, {
        ...source,
        port: query.port,
        ...(query.includeRemote ? { includeRemote: true } : {}),
      }),
    );
  }
  return rows;
}

/** What a scan of `/proc/<pid>/fd` found. */
export interface SocketOwnerScan {
  /** inode → the processes that have it open, each with the start time read while it did. */
  readonly owners: Map<number, RowOwner[]>;
  /** How many processes' fd folders could not be read (another user's, no privilege). */
  readonly unreadable: number;
  /** How many processes were looked at. */
  readonly scanned: number;
}

/** The inode of a `socket:[123456]` link target, or `undefined` for anything else. */
function socketInode(target: string): number | undefined {
  if (target.length < 10 || target.charCodeAt(0) !== 115 || !target.startsWith('socket:[')) {
    return undefined;
  }
  return Number(target.slice(8, -1));
}

function readLink(path: string): string | undefined {
  try {
    return readlinkSync(path);
  } catch {
    return undefined;
  }
}

/**
 * The start time of the process at `pid`, read while `/proc/<pid>/fd/<fd>` links to the socket
 * `inode` — the link is read again after the start time, so the time is that of a process that
 * held the socket, not of a new process that reused the pid in between. `undefined` when the
 * process (or its hold on the socket) went away; `null` when its start time cannot be read.
 *
 * @example
 * ```ts
 * provenStartTime('/proc', 4242, '3', 123456); // '98765'
 * ```
 */
export function provenStartTime(
  procRoot: string,
  pid: number,
  fd: string,
  inode: number,
): string | null | undefined {
  let startTime: string | null = null;
  try {
    startTime = parseProcStat(readFileSync(`${procRoot}/${pid}/stat`, 'latin1'))?.startTime ?? null;
  } catch {
    return undefined;
  }
  const link = readLink(`${procRoot}/${pid}/fd/${fd}`);
  return link !== undefined && socketInode(link) === inode ? startTime : undefined;
}

/**
 * Whether the process at `pid` still has one of the sockets `inodes` open (`/proc/<pid>/fd`);
 * `undefined` when that cannot be read (another user's process without privilege, no `/proc`).
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
  let fds: string[];
  try {
    fds = readdirSync(`${procRoot}/${pid}/fd`);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT' ? false : undefined;
  }
  for (const fd of fds) {
    const link = readLink(`${procRoot}/${pid}/fd/${fd}`);
    const inode = link === undefined ? undefined : socketInode(link);
    if (inode !== undefined && inodes.includes(inode)) return true;
  }
  return false;
}

/**
 * Finds every process that has one of `inodes` open, by reading the `socket:[inode]` links in
 * `/proc/<pid>/fd`. It does not stop at the first holder: a socket shared by a parent and its
 * forked children lists each of them. Each owner's start time is read while it is proven to hold
 * the socket ({@link provenStartTime}). Processes that vanish mid-scan are skipped.
 *
 * @example
 * ```ts
 * scanSocketOwners(new Set([123456]), '/proc').owners.get(123456); // [{pid: 4242, startTime: '98765'}]
 * ```
 */
export function scanSocketOwners(inodes: ReadonlySet<number>, procRoot: string): SocketOwnerScan {
  const owners = new Map<number, RowOwner[]>();
  let unreadable = 0;
  let scanned = 0;
  if (inodes.size === 0) return { owners, unreadable, scanned };
  for (const entry of readdirSync(procRoot)) {
    const first = entry.charCodeAt(0);
    if (first < 48 || first > 57) continue;
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    scanned++;
    const fdDirectory = `${procRoot}/${entry}/fd`;
    let fds: string[];
    try {
      fds = readdirSync(fdDirectory);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EACCES' || code === 'EPERM') unreadable++;
      continue;
    }
    for (const fd of fds) {
      const target = readLink(`${fdDirectory}/${fd}`);
      const inode = target === undefined ? undefined : socketInode(target);
      if (inode === undefined || !inodes.has(inode)) continue;
      const holders = owners.get(inode) ?? [];
      if (holders.some((owner) => owner.pid === pid)) continue;
      const startTime = provenStartTime(procRoot, pid, fd, inode);
      if (startTime === undefined) continue;
      holders.push({ pid, startTime });
      owners.set(inode, holders);
    }
  }
  return { owners, unreadable, scanned };
}

/**
 * Completes the owners of rows that a tool read with their inode but with fewer owners than hold
 * the socket (net-tools `netstat -p` names one process per socket, even when a parent and its
 * forked children share it): every holder found in `/proc/<pid>/fd` is added, the tool's own
 * names kept. Rows without an inode, and a /proc that cannot be read, are left as they are.
 *
 * @example
 * ```ts
 * completeOwnersFromProc(parseNetstatLinux(text), '/proc');
 * ```
 */
export function completeOwnersFromProc(rows: readonly SocketRow[], procRoot: string): SocketRow[] {
  const wanted = new Set<number>();
  for (const row of rows) if (row.inode) wanted.add(row.inode);
  if (wanted.size === 0) return [...rows];
  let scan: SocketOwnerScan;
  try {
    scan = scanSocketOwners(wanted, procRoot);
  } catch (error) {
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
 * `/proc/<pid>/fd` instead. Without a readable `/proc`, the rows are returned as they are.
 *
 * @example
 * ```ts
 * verifyOwnersFromProc(parseSs(text), '/proc');
 * ```
 */
export function verifyOwnersFromProc(rows: readonly SocketRow[], procRoot: string): SocketRow[] {
  try {
    readdirSync(procRoot);
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
  const scan = scanSocketOwners(lookUp, procRoot);
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
