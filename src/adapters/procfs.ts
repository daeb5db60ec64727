import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { createLogger } from '../log.ts';
import { parseProcNet } from '../parsers/proc-net.ts';
import type { Family, Protocol, RowOwner, SocketRow } from '../types.ts';
import type { AdapterContext, SocketQuery, SocketTableAdapter } from './types.ts';

const debug = createLogger('portwarden:adapter:procfs');

const SOURCES: readonly { file: string; protocol: Protocol; family: Family }[] = [
  { file: 'tcp', protocol: 'tcp', family: 'IPv4' },
  { file: 'tcp6', protocol: 'tcp', family: 'IPv6' },
  { file: 'udp', protocol: 'udp', family: 'IPv4' },
  { file: 'udp6', protocol: 'udp', family: 'IPv6' },
];

/**
 * Reads the `/proc/net/{tcp,tcp6,udp,udp6}` rows whose local port is `query.port`.
 * A missing IPv6 file (IPv6 disabled) is skipped; a missing IPv4 file throws.
 *
 * @example
 * ```ts
 * readProcNetRows({port: 8080, protocol: 'tcp'}, '/proc');
 * ```
 */
export function readProcNetRows(query: SocketQuery, procRoot: string): SocketRow[] {
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
 * The `procfs` adapter: Linux's own socket table, no subprocess at all. Rows come from
 * `/proc/net/*`; owners from the `socket:[inode]` links in every `/proc/<pid>/fd`. A socket whose
 * owner's fd folder cannot be read (another user's process, no privilege) keeps `owners: []`:
 * hidden, never "free". The /proc root is injectable (`AdapterContext.procRoot`).
 *
 * @example
 * ```ts
 * const rows = await procfsAdapter.read({port: 3000, protocol: 'tcp'}, createContext());
 * ```
 */
export const procfsAdapter: SocketTableAdapter = {
  name: 'procfs',
  listsHiddenSockets: true,
  async read(query: SocketQuery, context: AdapterContext): Promise<SocketRow[]> {
    const rows = readProcNetRows(query, context.procRoot);
    if (query.withoutOwners) return rows;
    // Only sockets that hold the port need owners; TIME_WAIT rows have inode 0.
    const wanted = new Set<number>();
    for (const row of rows) {
      if (row.inode && row.localPort === query.port) wanted.add(row.inode);
    }
    const scan = scanSocketOwners(wanted, context.procRoot);
    debug(
      'port %d: %d rows, %d inodes, %d processes scanned, %d unreadable',
      query.port,
      rows.length,
      wanted.size,
      scan.scanned,
      scan.unreadable,
    );
    return rows.map((row) => {
      const pids = row.inode ? scan.owners.get(row.inode) : undefined;
      if (!pids) return row;
      const owners: RowOwner[] = pids.map((pid) => ({ pid }));
      return { ...row, owners };
    });
  },
};

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
