/**
 * Finding the processes that hold socket inodes, by reading every `/proc/<pid>/fd/*` link,
 * without blocking the event loop: the links are read on the main thread in slices of a few
 * milliseconds with a turn of the event loop between them (see {@link TimeSlicer}).
 *
 * The kernel's work dominates (per descriptor: ~1 µs to list it, ~4 µs to read its link), so
 * the scan avoids what it can: a process with many descriptors (Linux >= 6.2 gives the count as
 * the size of its fd folder) whose fd table is dense has its links read by number, 0 to
 * `FDSize`, without listing the folder; a sparse one is listed in the thread pool while the scan
 * goes on (listing 8,000 descriptors takes ~8 ms, too long to block for).
 *
 * @module
 */
import { accessSync, constants, readdirSync, readFileSync, statSync } from 'node:fs';
import { parseFdSize } from '../parsers/proc-status.ts';
import type { RowOwner } from '../types.ts';
import { type Listing, listDirectory } from './proc-files.ts';
import { SLICE_MS, type SliceLimits, TimeSlicer } from './slices.ts';
import { provenStartTime, readLink, socketInode } from './socket-links.ts';

/** fd folders with more descriptors than this are never listed on the main thread. */
const BIG_FOLDER = 512;
/**
 * A big fd table at least this full is read by number (the empty slots cost a failed readlink,
 * ~7 µs, against ~1 µs saved per listed descriptor).
 */
const DENSE = 0.875;
/**
 * The slice (ms) while the wanted inodes are still being read in the thread pool: a turn of the
 * event loop lets the pool's next read of `/proc/net/*` start (the kernel gives a page per read).
 */
const WAITING_SLICE_MS = 0.5;

/**
 * What a scan of `/proc/<pid>/fd` found.
 *
 * @example
 * ```ts
 * const {owners, unreadable, scanned}: SocketOwnerScan = await scanSocketOwners(new Set([123456]), '/proc');
 * ```
 */
export interface SocketOwnerScan {
  /** inode → the processes that have it open, each with the start time read while it did. */
  readonly owners: Map<number, RowOwner[]>;
  /** How many processes' fd folders could not be read (another user's, no privilege). */
  readonly unreadable: number;
  /** How many processes were looked at. */
  readonly scanned: number;
  /** How many of them had their descriptors read by number (a big, dense fd table). */
  readonly byNumber: number;
  /** How many had their big fd folder listed in the thread pool. */
  readonly listedAside: number;
}

/** A link to a socket, seen in `/proc/<pid>/fd/<fd>`. */
interface SocketLink {
  readonly inode: number;
  readonly pid: number;
  readonly fd: string;
}

function isPidName(name: string): boolean {
  const first = name.charCodeAt(0);
  return first >= 48 && first <= 57 && Number.isInteger(Number(name));
}

/** The descriptors to read for one process: names, a listing under way, or why there are none. */
type FdNames =
  | { readonly names: readonly string[]; readonly byNumber?: true }
  | { readonly listing: Promise<Listing> }
  | { readonly error: string };

/** `'0'`, `'1'`, ... kept between scans (a big fd table is read by number on every lookup). */
const fdNumbers: string[] = [];

function numbers(count: number): readonly string[] {
  for (let fd = fdNumbers.length; fd < count; fd++) fdNumbers.push(String(fd));
  return fdNumbers.slice(0, count);
}

/** Which descriptors of `pid` to read (see the module's comment for the three ways). */
function fdNames(procRoot: string, pid: number): FdNames {
  const folder = `${procRoot}/${pid}/fd`;
  const size = statSync(folder, { throwIfNoEntry: false })?.size ?? 0;
  if (size > BIG_FOLDER) {
    let slots: number | undefined;
    try {
      slots = parseFdSize(readFileSync(`${procRoot}/${pid}/status`, 'latin1'));
    } catch {}
    if (slots !== undefined && size >= slots * DENSE) {
      try {
        accessSync(folder, constants.R_OK | constants.X_OK);
      } catch (error) {
        return { error: (error as NodeJS.ErrnoException).code ?? 'EIO' };
      }
      return { names: numbers(slots), byNumber: true };
    }
    return { listing: listDirectory(folder) };
  }
  try {
    return { names: readdirSync(folder) };
  } catch (error) {
    return { error: (error as NodeJS.ErrnoException).code ?? 'EIO' };
  }
}

/**
 * Finds every process that has one of the sockets `wanted` open, by reading the
 * `socket:[inode]` links in every `/proc/<pid>/fd`. It does not stop at the first holder: a socket
 * shared by a parent and its forked children lists each of them, in pid order. Each owner's start
 * time is read while it is proven to hold the socket ({@link provenStartTime}). Processes that
 * vanish mid-scan are skipped.
 *
 * `wanted` may be a promise: the scan starts at once and keeps every socket link it sees until
 * the set is known (so reading `/proc/net/*` and scanning overlap); a set that turns out empty
 * ends the scan at its next step, a rejected one rejects the scan. The work is sliced (see
 * {@link TimeSlicer}); `limits` bound it by an abort signal (`ERR_ABORTED`) and a deadline
 * (`ERR_COMMAND_TIMEOUT`). Rejects when `procRoot` cannot be listed.
 *
 * @example
 * ```ts
 * const scan = await scanSocketOwners(new Set([123456]), '/proc');
 * scan.owners.get(123456); // [{pid: 4242, startTime: '98765'}]
 * ```
 */
export async function scanSocketOwners(
  wanted: ReadonlySet<number> | PromiseLike<ReadonlySet<number>>,
  procRoot: string,
  limits: SliceLimits = {},
): Promise<SocketOwnerScan> {
  const owners = new Map<number, RowOwner[]>();
  let known = wanted instanceof Set ? (wanted as ReadonlySet<number>) : undefined;
  if (known?.size === 0) return { owners, unreadable: 0, scanned: 0, byNumber: 0, listedAside: 0 };
  // Handled at once: a rejection of `wanted` while this scan has already failed is no stray one.
  const settled = Promise.resolve(wanted);
  let failed = false;
  let slicer: TimeSlicer | undefined;
  settled.then(
    (set) => {
      known = set;
      if (slicer) slicer.sliceMs = limits.sliceMs ?? SLICE_MS;
    },
    () => {
      failed = true;
    },
  );
  slicer = new TimeSlicer({
    ...limits,
    sliceMs: known ? limits.sliceMs : WAITING_SLICE_MS,
    what: limits.what ?? `scan of ${procRoot}/*/fd`,
  });
  const links: SocketLink[] = [];
  /** Reads links of `names` from `from` on until the slice is used up; the next index. */
  const readSome = (pid: number, names: readonly string[], from: number): number => {
    const directory = `${procRoot}/${pid}/fd/`;
    let index = from;
    while (index < names.length) {
      const fd = names[index++] as string;
      const inode = socketInode(readLink(directory + fd));
      if (inode !== undefined && (known === undefined || known.has(inode))) {
        links.push({ inode, pid, fd });
      }
      if (slicer.due) break;
    }
    return index;
  };
  /** Reads the rest of `names` from `from` on, a slice at a time. */
  const readLinks = async (pid: number, names: readonly string[], from = 0) => {
    for (let next = from; next < names.length; ) {
      await slicer.yield();
      next = readSome(pid, names, next);
    }
  };
  let unreadable = 0;
  const countError = (code: string) => {
    if (code === 'EACCES' || code === 'EPERM') unreadable++;
  };
  const pids = readdirSync(procRoot).filter(isPidName).map(Number);
  const deferred: { pid: number; listing: Promise<Listing> }[] = [];
  let scanned = 0;
  let byNumber = 0;
  for (const pid of pids) {
    if (failed || known?.size === 0) break;
    if (slicer.due) await slicer.yield();
    scanned++;
    const fds = fdNames(procRoot, pid);
    if ('listing' in fds) deferred.push({ pid, listing: fds.listing });
    else if ('error' in fds) countError(fds.error);
    else {
      if ('byNumber' in fds) byNumber++;
      const read = readSome(pid, fds.names, 0);
      if (read < fds.names.length) await readLinks(pid, fds.names, read);
    }
  }
  for (const { pid, listing } of deferred) {
    const listed = await listing;
    if (failed || known?.size === 0) break;
    if ('error' in listed) countError(listed.error);
    else await readLinks(pid, listed.names);
  }
  const set = await settled;
  links.sort((a, b) => a.pid - b.pid);
  for (const { inode, pid, fd } of links) {
    if (!set.has(inode)) continue;
    const holders = owners.get(inode) ?? [];
    if (holders.some((owner) => owner.pid === pid)) continue;
    if (slicer.due) await slicer.yield();
    const startTime = provenStartTime(procRoot, pid, fd, inode);
    if (startTime === undefined) continue;
    holders.push({ pid, startTime });
    owners.set(inode, holders);
  }
  return { owners, unreadable, scanned, byNumber, listedAside: deferred.length };
}
