import type { ChildProcess } from 'node:child_process';
import { createLogger } from '../log.ts';

const debug = createLogger('portwarden:run');

/** Process groups of tools still running, killed if the host exits before their call settles. */
const liveGroups = new Set<number>();

/**
 * Remembers that `child` leads a live process group, so that the group is SIGKILLed should the
 * host call `process.exit()` before the tool's call settles: a tool in its own group (and session)
 * no longer gets the terminal's Ctrl-C, so nothing else would stop it. Only a normal exit of the
 * host runs this; a host killed by a signal cannot run anything. {@link killToolProcesses} forgets
 * the group again.
 *
 * @example
 * ```ts
 * const child = spawn('ss', ['-tlnp'], {detached: true});
 * trackProcessGroup(child);
 * ```
 */
export function trackProcessGroup(child: ChildProcess): void {
  if (child.pid === undefined) return;
  if (liveGroups.size === 0) process.on('exit', killLiveGroups);
  liveGroups.add(child.pid);
}

/**
 * Ends everything a tool started: with a process group (POSIX), SIGKILL to the whole group (`-pid`: the tool
 * was spawned `detached`, so it leads a group of its own, and its children and grandchildren are in
 * it unless they left it themselves); `ESRCH` (nobody left) is fine, any other failure is logged
 * and swallowed. Without one (Windows) only the tool itself is terminated: there is no process group a
 * signal could reach, and a tool's own children (rare for the tools portwarden runs) live on.
 * Safe to call more than once, before or after the tool exited: the kernel does not reuse a pid
 * while a process group of that number has members, so `-pid` reaches only the tool's own
 * processes (unless, in the microseconds after the last of them died, a new process got the pid
 * and made itself a group leader).
 *
 * @example
 * ```ts
 * killToolProcesses(child, true); // on timeout, abort, output cap, or after the call settled
 * ```
 */
export function killToolProcesses(child: ChildProcess, processGroup: boolean): void {
  const pid = child.pid;
  if (pid === undefined) return;
  if (!processGroup) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    return;
  }
  liveGroups.delete(pid);
  if (liveGroups.size === 0) process.off('exit', killLiveGroups);
  killGroup(pid);
}

function killGroup(pid: number): void {
  // Never -0 or -1: those would be the host's own group and every process it may signal.
  if (!Number.isSafeInteger(pid) || pid <= 1) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ESRCH') debug('could not kill process group %d: %s', pid, code);
  }
}

function killLiveGroups(): void {
  for (const pid of liveGroups) killGroup(pid);
  liveGroups.clear();
}
