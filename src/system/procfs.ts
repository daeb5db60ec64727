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
  /** inode → pids that have it open. */
  readonly owners: Map<number, number[]>;
  /** How many processes' fd folders could not be read (another user's, no privilege). */
  readonly unreadable: number;
  /** How many processes were looked at. */
  readonly scanned: number;
}

/**
 * Finds every process that has one of `inodes` open, by reading the `socket:[inode]` links in
 * `/proc/<pid>/fd`. It does not stop at the first holder: a socket shared by a parent and its
 * forked children lists each of them. Processes that vanish mid-scan are skipped.
 *
 * @example
 * ```ts
 * scanSocketOwners(new Set([123456]), '/proc').owners.get(123456); // [4242, 4243]
 * ```
 */
export function scanSocketOwners(inodes: ReadonlySet<number>, procRoot: string): SocketOwnerScan {
  const owners = new Map<number, number[]>();
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
      let target: string;
      try {
        target = readlinkSync(`${fdDirectory}/${fd}`);
      } catch {
        continue;
      }
      // 'socket:[123456]'
      if (target.length < 10 || target.charCodeAt(0) !== 115 || !target.startsWith('socket:['))
        continue;
      const inode = Number(target.slice(8, -1));
      if (!inodes.has(inode)) continue;
      const pids = owners.get(inode);
      if (pids === undefined) owners.set(inode, [pid]);
      else if (!pids.includes(pid)) pids.push(pid);
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
    const pids = row.inode ? scan.owners.get(row.inode) : undefined;
    if (!pids) return row;
    const owners: RowOwner[] = [...row.owners];
    for (const pid of pids) if (!owners.some((owner) => owner.pid === pid)) owners.push({ pid });
    return { ...row, owners };
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
