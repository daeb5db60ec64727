/**
 * Starting the command of `portwarden run` in a process group of its own, and ending that
 * group. This is the command line's job, not the library's: the library never starts a user's
 * program. The command is started with a fixed argument array — never through a shell.
 *
 * POSIX: the command leads a new process group (Node's `detached`, i.e. `setsid`), so every
 * process it starts — npm's shell, the dev server, the dev server's workers — can be signalled
 * at once with `kill(-pgid)`, also after the command itself has exited. A process that leaves
 * the group on purpose (`setsid`, a daemon) is not in it; `run` finds it by the port afterwards.
 * Windows has no process groups: the command shares the console (Ctrl-C reaches it directly),
 * and ending it means `taskkill /T /F` on its process tree while it is alive.
 *
 * @module
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/**
 * How the command ended: its exit status or signal, or why it could not be started.
 *
 * @example
 * ```ts
 * const end: CommandEnd = {code: 0, signal: null};
 * ```
 */
export type CommandEnd =
  | { readonly code: number | null; readonly signal: NodeJS.Signals | null }
  | { readonly error: NodeJS.ErrnoException };

/**
 * The started command and its process group.
 *
 * @example
 * ```ts
 * const command: StartedCommand = startCommand(['node', 'server.js']);
 * ```
 */
export interface StartedCommand {
  /** The command's pid (and the group's id on POSIX); undefined when it could not be started. */
  readonly pid: number | undefined;
  /** Resolves once the command has exited or failed to start. */
  readonly ended: Promise<CommandEnd>;
  /** POSIX: sends `signal` to every process of the group. Windows: nothing (see the module). */
  signal(signal: NodeJS.Signals): void;
  /** Ends every process of the group at once: SIGKILL (POSIX), `taskkill /T /F` (Windows). */
  kill(): Promise<void>;
  /** Whether a process of the group is still there. */
  alive(): boolean;
}

/**
 * Whether this system has POSIX process groups and signals (setsid, `kill(-pgid)`). Told by a
 * POSIX-only API rather than by an OS name (only src/platform knows those): Node has
 * `process.getuid` on POSIX systems and not on Windows.
 *
 * @example
 * ```ts
 * if (!PROCESS_GROUPS) console.error('the command shares the console');
 * ```
 */
export const PROCESS_GROUPS = typeof process.getuid === 'function';
const GROUPS = PROCESS_GROUPS;

/**
 * Linux: whether a process of group `pgid` is still running — not a zombie. An orphan that has
 * exited stays a zombie until init reaps it (some container inits take seconds), and
 * `kill(-pgid, 0)` still finds it; /proc tells. Undefined where there is no /proc.
 */
function groupRunningInProc(pgid: number): boolean | undefined {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return undefined;
  }
  let sawAny = false;
  for (const entry of entries) {
    if (!/^[0-9]+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'latin1');
    } catch {
      continue;
    }
    sawAny = true;
    // pid (comm) state ppid pgrp ...: comm may hold spaces and parentheses.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(fields[2]) === pgid && fields[0] !== 'Z' && fields[0] !== 'X') return true;
  }
  return sawAny ? false : undefined;
}

/**
 * The signals `run` passes on to the command's group: Ctrl-C, `kill`, a closed terminal
 * (SIGHUP), Ctrl-\ (SIGQUIT), and nodemon's restart signal (SIGUSR2). On Windows only the ones
 * Node emulates there.
 *
 * @example
 * ```ts
 * for (const name of FORWARDED_SIGNALS) process.on(name, forward);
 * ```
 */
export const FORWARDED_SIGNALS: readonly NodeJS.Signals[] = GROUPS
  ? ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT', 'SIGUSR2']
  : ['SIGINT', 'SIGBREAK', 'SIGHUP'];

/**
 * Starts `argv` (program and arguments, looked up on PATH, never through a shell) with the
 * terminal's stdin, stdout and stderr, in a process group of its own on POSIX.
 *
 * @example
 * ```ts
 * const command = startCommand(['npm', 'run', 'dev']);
 * const end = await command.ended;
 * ```
 */
export function startCommand(argv: readonly string[]): StartedCommand {
  const [file = '', ...args] = argv;
  const child = spawn(file, args, { stdio: 'inherit', detached: GROUPS });
  let exited = false;
  const ended = new Promise<CommandEnd>((resolve) => {
    // A listener stays: a later 'error' (a failed kill) must not crash portwarden.
    child.on('error', (error: NodeJS.ErrnoException) => {
      if (child.pid === undefined) {
        exited = true;
        resolve({ error });
      }
    });
    child.once('exit', (code, signal) => {
      exited = true;
      resolve({ code, signal });
    });
  });
  const pid = child.pid;
  const groupAlive = () => {
    if (pid === undefined) return false;
    try {
      process.kill(-pid, 0);
    } catch (error) {
      return (error as NodeJS.ErrnoException).code === 'EPERM';
    }
    return groupRunningInProc(pid) ?? true;
  };
  return {
    pid,
    ended,
    signal(signal) {
      if (!GROUPS || pid === undefined) return;
      try {
        process.kill(-pid, signal);
      } catch {}
    },
    async kill() {
      if (pid === undefined) return;
      if (GROUPS) {
        try {
          process.kill(-pid, 'SIGKILL');
        } catch {}
        return;
      }
      if (exited) return;
      await new Promise<void>((resolve) => {
        const taskkill = spawn('taskkill', ['/PID', String(pid), '/T', '/F'], {
          stdio: 'ignore',
          windowsHide: true,
          timeout: 10_000,
        });
        taskkill.once('error', () => resolve());
        taskkill.once('exit', () => resolve());
      });
    },
    alive: () => (GROUPS ? groupAlive() : !exited),
  };
}

/**
 * Resolves `true` once no process of the group is left (zombies do not count), `false` when `ms`
 * ran out first (checks every 20 ms; no subprocess).
 *
 * @example
 * ```ts
 * if (!(await groupGone(command, 5000))) await command.kill();
 * ```
 */
export async function groupGone(command: StartedCommand, ms: number): Promise<boolean> {
  const deadline = performance.now() + ms;
  while (command.alive()) {
    if (performance.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return true;
}
