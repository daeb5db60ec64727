import { readdirSync, readFileSync } from 'node:fs';
import type { AdapterContext } from '../adapters/types.ts';
import { platformProfile } from '../platforms.ts';
import { parseProcStat } from '../process/linux.ts';

/**
 * The three things stopping a process needs from the operating system, behind one seam so a test
 * can replace them (an identity that changes between signals, a process that never dies, EPERM).
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
}

/**
 * Parses the state letter (field 3) of `/proc/<pid>/stat`: `'R'`, `'S'`, `'D'`, `'Z'` (zombie),
 * `'X'` (dead), ... The name in parentheses may contain anything, so it is read after the last `)`.
 *
 * @example
 * ```ts
 * parseProcState('4242 (node) Z 1 ...'); // 'Z'
 * ```
 */
export function parseProcState(stat: string): string | undefined {
  const close = stat.lastIndexOf(')');
  if (close < 0) return undefined;
  const state = stat.charAt(close + 2);
  return state === '' ? undefined : state;
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
 * Where `/proc` exists (Linux), liveness also reads `/proc/<pid>/stat` so a zombie counts as
 * gone, and the identity is field 22 of the same file (start time in clock ticks since boot).
 * Elsewhere the identity comes from the platform's process-info source (`ps -o lstart=` on
 * macOS): one lookup per signal, never per liveness check.
 *
 * @example
 * ```ts
 * const signaller = createPosixSignaller(createContext());
 * if (signaller.isAlive(4242)) signaller.signal(4242, 'SIGTERM');
 * ```
 */
export function createPosixSignaller(context: AdapterContext): ProcessSignaller {
  const hasProc = context.platform === 'linux';
  return {
    isAlive(pid) {
      if (probeSignal(pid) === 'gone') return false;
      if (!hasProc) return true;
      const stat = readStat(context.procRoot, pid);
      // Unreadable stat while kill(0) said alive: hidepid or a race with its exit; re-checked.
      if (stat === undefined) return probeSignal(pid) === 'alive';
      const state = parseProcState(stat);
      if (state !== 'Z' && state !== 'X') return true;
      return threadsLeft(context.procRoot, pid);
    },
    async identity(pid) {
      if (hasProc) {
        const stat = readStat(context.procRoot, pid);
        if (stat !== undefined) {
          const state = parseProcState(stat);
          if ((state === 'Z' || state === 'X') && !threadsLeft(context.procRoot, pid))
            return undefined;
          return parseProcStat(stat)?.startTime ?? null;
        }
        return probeSignal(pid) === 'gone' ? undefined : null;
      }
      if (probeSignal(pid) === 'gone') return undefined;
      const info = await platformProfile(context.platform).processInfo([pid], context);
      const startTime = info.get(pid)?.startTime;
      if (startTime) return startTime;
      return probeSignal(pid) === 'gone' ? undefined : null;
    },
    signal(pid, signal) {
      process.kill(pid, signal);
    },
  };
}
