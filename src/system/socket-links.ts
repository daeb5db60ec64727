/**
 * The `/proc/<pid>/fd/<fd>` → `socket:[inode]` links, one at a time: what a link names, the start
 * time of a process proven while it holds a socket, and where each proven holder had it (so a
 * later "does it still hold it?" looks at one descriptor first, not at thousands).
 *
 * @module
 */
import { readFileSync, readlinkSync } from 'node:fs';
import { parseProcStat } from '../parsers/proc-stat.ts';

/**
 * The inode of a `socket:[123456]` link target, or `undefined` for anything else.
 *
 * @example
 * ```ts
 * socketInode('socket:[123456]'); // 123456
 * socketInode('/dev/null'); // undefined
 * ```
 */
export function socketInode(target: string | undefined): number | undefined {
  if (
    target === undefined ||
    target.length < 10 ||
    target.charCodeAt(0) !== 115 ||
    !target.startsWith('socket:[')
  ) {
    return undefined;
  }
  return Number(target.slice(8, -1));
}

/**
 * The target of a symbolic link, `undefined` when it cannot be read (gone, no privilege).
 *
 * @example
 * ```ts
 * readLink('/proc/self/fd/0'); // '/dev/pts/0'
 * ```
 */
export function readLink(path: string): string | undefined {
  try {
    return readlinkSync(path);
  } catch {
    return undefined;
  }
}

/** Most remembered holders; the oldest is forgotten first. */
const REMEMBERED = 512;
const remembered = new Map<string, string>();

function holderKey(procRoot: string, pid: number, inode: number): string {
  return `${procRoot}\0${pid}\0${inode}`;
}

/**
 * The descriptor at which `pid` was last proven to hold the socket `inode` (by
 * {@link provenStartTime}), if it is still remembered. A hint only: the link must be read again.
 *
 * @example
 * ```ts
 * rememberedFd('/proc', 4242, 123456); // '3'
 * ```
 */
export function rememberedFd(procRoot: string, pid: number, inode: number): string | undefined {
  return remembered.get(holderKey(procRoot, pid, inode));
}

function remember(procRoot: string, pid: number, inode: number, fd: string): void {
  const key = holderKey(procRoot, pid, inode);
  remembered.delete(key);
  remembered.set(key, fd);
  if (remembered.size > REMEMBERED) {
    const oldest = remembered.keys().next().value;
    if (oldest !== undefined) remembered.delete(oldest);
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
  if (socketInode(readLink(`${procRoot}/${pid}/fd/${fd}`)) !== inode) return undefined;
  remember(procRoot, pid, inode, fd);
  return startTime;
}
