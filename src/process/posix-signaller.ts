import { readdirSync, readFileSync } from 'node:fs';
import { parseProcStat, parseProcState } from '../parsers/proc-stat.ts';
import { holdsSocket } from '../system/procfs.ts';
import type { ToolContext } from '../system/tools.ts';
import type { ProcessInfoSource } from './info.ts';

/**
 * Where a POSIX system shows what a signaller needs: `/proc` (Linux: liveness that sees zombies,
 * the start time in `stat`), or a process-info source (`ps -o lstart=` elsewhere).
 *
 * @example
 * ```ts
 * const linux: PosixProcessSource = {procfs: true};
 * const macos: PosixProcessSource = {procfs: false, processInfo: psProcessInfo};
 * ```
 */
export type PosixProcessSource =
  | { readonly procfs: true }
  | { readonly procfs: false; readonly processInfo: ProcessInfoSource };

/**
 * The three things stopping a process needs from the operating system, behind one seam so a test
 * can replace them (an identity that changes between signals, a process that never dies, EPERM).
 *
 * @example
 * ```ts
 * const signaller: ProcessSignaller = createPosixSignaller(tools, source);
 * if (signaller.isAlive(4242)) signaller.signal(4242, 'SIGTERM');
 * ```
 */
export interface ProcessSignaller {
  /**
   * Cheap liveness check for the wait loops — no subprocess. `false` when the pid is gone
   * (ESRCH) or a zombie (it has exited, only its parent has not reaped it yet — but not while
   * other threads of it are still exiting: they still hold its sockets); `true` when it runs,
   * also when it is another user's (EPERM).
   */
  isAlive(pid: number): boolean;
  /**
   * The identity token of the process now at `pid` (its start time), compared before every
   * signal with the one captured when the owner was found. `undefined` when the pid is gone (or a
   * zombie); `null` when it is alive but its start time cannot be read here.
   */
  identity(pid: number): Promise<string | null | undefined>;
  /** Sends `signal`; throws the errno error (`code` ESRCH, EPERM, ...) when that fails. */
  signal(pid: number, signal: NodeJS.Signals): void;
  /**
   * Whether the process at `pid` still has one of the sockets `inodes` open (Linux: its
   * `/proc/<pid>/fd` links); `undefined` where that cannot be told.
   */
  holdsSocket?(pid: number, inodes: readonly number[]): boolean | undefined;
}

/**
 * Whether a process whose main thread is a zombie still has other threads that are exiting: they
 * still hold its open files (a listening socket stays bound until the last thread is gone).
 */
function threadsLeft(procRoot: string, pid: number): boolean {
  let tasks: string[];
  try {
    tasks = readdirSync(`${procRoot}/${pid}/task`);
  } catch {
    return false;
  }
  for (const task of tasks) {
    if (task === String(pid)) continue;
    const state = parseProcState(readStat(`${procRoot}/${pid}/task`, Number(task)) ?? '');
    if (state !== undefined && state !== 'Z' && state !== 'X') return true;
  }
  return false;
}

function readStat(procRoot: string, pid: number): string | undefined {
  try {
    return readFileSync(`${procRoot}/${pid}/stat`, 'latin1');
  } catch {
    return undefined;
  }
}

/** `'alive'` (ours or not), or `'gone'` (ESRCH). Other errors count as alive: never assume gone. */
function probeSignal(pid: number): 'alive' | 'gone' {
  try {
    process.kill(pid, 0);
    return 'alive';
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH' ? 'gone' : 'alive';
  }
}

/**
 * The POSIX {@link ProcessSignaller}: `process.kill` (real ESRCH/EPERM codes, no subprocess).
 * With `/proc` (Linux), liveness also reads `/proc/<pid>/stat` so a zombie counts as gone, and
 * the identity is field 22 of the same file (start time in clock ticks since boot). Without it
 * the identity comes from the process-info source (`ps -o lstart=` on macOS): one lookup per
 * signal, never per liveness check.
 *
 * @example
 * ```ts
 * const signaller = createPosixSignaller(tools, {procfs: true});
 * if (signaller.isAlive(4242)) signaller.signal(4242, 'SIGTERM');
 * ```
 */
export function createPosixSignaller(
  tools: ToolContext,
  source: PosixProcessSource,
): ProcessSignaller {
  const hasProc = source.procfs;
  return {
    isAlive(pid) {
      if (probeSignal(pid) === 'gone') return false;
      if (!hasProc) return true;
      const stat = readStat(tools.procRoot, pid);
      // Unreadable stat while kill(0) said alive: hidepid or a race with its exit; re-checked.
      if (stat === undefined) return probeSignal(pid) === 'alive';
      const state = parseProcState(stat);
      if (state !== 'Z' && state !== 'X') return true;
      return threadsLeft(tools.procRoot, pid);
    },
    async identity(pid) {
      if (hasProc) {
        const stat = readStat(tools.procRoot, pid);
        if (stat !== undefined) {
          const state = parseProcState(stat);
          if ((state === 'Z' || state === 'X') && !threadsLeft(tools.procRoot, pid))
            return undefined;
          return parseProcStat(stat)?.startTime ?? null;
        }
        return probeSignal(pid) === 'gone' ? undefined : null;
      }
      if (probeSignal(pid) === 'gone' || source.procfs) return undefined;
      const info = await source.processInfo([pid], tools);
      const startTime = info.get(pid)?.startTime;
      if (startTime) return startTime;
      return probeSignal(pid) === 'gone' ? undefined : null;
    },
    signal(pid, signal) {
      process.kill(pid, signal);
    },
    holdsSocket(pid, inodes) {
      return hasProc ? holdsSocket(tools.procRoot, pid, inodes) : undefined;
    },
  };
}
