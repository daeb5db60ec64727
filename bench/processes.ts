/**
 * The processes the benchmark starts, and only those: port holders, the load helper's process
 * group, one-shot commands. Every one is registered so that {@link stopAllStarted} (run in
 * `finally`, on SIGINT/SIGTERM and on a crash) can SIGKILL it by pid; nothing is ever signalled
 * by name. Every command runs from a fixed argument array with a timeout, never through a shell.
 *
 * @module
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';

/** pid → process group flag: `true` for a group leader whose whole group is to be killed. */
const started = new Map<number, boolean>();

const cleanups = new Set<() => Promise<void> | void>();

/**
 * Registers an async clean-up (stop the load, remove a temp folder) to run on SIGINT/SIGTERM or a
 * crash, in addition to the caller's own `finally`. Returns the function that unregisters it.
 */
export function onCleanup(cleanup: () => Promise<void> | void): () => void {
  cleanups.add(cleanup);
  return () => cleanups.delete(cleanup);
}

/** Runs every registered clean-up (each at most `timeout` ms), then SIGKILLs what is left. */
export async function cleanUpEverything(timeout = 8_000): Promise<void> {
  const pending = [...cleanups].map(async (cleanup) => {
    try {
      await cleanup();
    } catch {}
  });
  cleanups.clear();
  await Promise.race([Promise.all(pending), sleep(timeout)]);
  stopAllStarted();
}

/** Registers a started process (or process group leader) for the final clean-up. */
export function registerStarted(pid: number | undefined, group = false): void {
  if (pid !== undefined) started.set(pid, group);
}

/** Forgets a process that has been stopped and reaped. */
export function forgetStarted(pid: number | undefined): void {
  if (pid !== undefined) started.delete(pid);
}

/** SIGKILLs every registered process (whole group for group leaders). Synchronous: safe in signal handlers. */
function stopAllStarted(): void {
  for (const [pid, group] of started) {
    try {
      process.kill(group ? -pid : pid, 'SIGKILL');
    } catch {}
  }
  started.clear();
}

/** The registered pids that still exist (zombies count as gone). */
export function leftoverStarted(): number[] {
  return [...started.keys()].filter(pidAlive);
}

/**
 * Whether `pid` exists and is not a zombie.
 *
 * @example
 * ```ts
 * pidAlive(process.pid); // true
 * ```
 */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    const state = stat.charAt(stat.lastIndexOf(')') + 2);
    return state !== 'Z' && state !== 'X';
  } catch {
    return existsSync(`/proc/${pid}`);
  }
}

/** What {@link runProcess} saw. */
export interface ProcessResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs `file` with `args` (no shell) to its end, killed after `timeout` ms; resolves with its exit
 * status and output (rejects only when it cannot be started or times out).
 *
 * @example
 * ```ts
 * const { code, stdout } = await runProcess('ss', ['-Htlnp', 'sport', '=', ':3000'], { timeout: 5000 });
 * ```
 */
export function runProcess(
  file: string,
  args: readonly string[],
  options: { timeout: number; cwd?: string; capture?: boolean; env?: NodeJS.ProcessEnv },
): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    const capture = options.capture ?? true;
    const child = spawn(file, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['ignore', capture ? 'pipe' : 'ignore', capture ? 'pipe' : 'ignore'],
    });
    registerStarted(child.pid);
    let stdout = '';
    let stderr = '';
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, options.timeout);
    child.once('error', (error) => {
      clearTimeout(timer);
      forgetStarted(child.pid);
      reject(error);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      forgetStarted(child.pid);
      if (timedOut)
        reject(new Error(`${file} ${args.join(' ')}: timed out after ${options.timeout} ms`));
      else resolve({ code, signal, stdout, stderr });
    });
  });
}

/**
 * Rejects when `promise` has not settled within `ms` (the work itself cannot be cancelled; the
 * benchmark moves on and reports it).
 */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Resolves with the first stdout line of `child` that matches; rejects on exit or timeout. */
export function waitForLine(
  child: ChildProcess,
  pattern: RegExp,
  timeout: number,
): Promise<string> {
  return new Promise((resolve, reject) => {
    let buffered = '';
    const finish = (error: Error | undefined, line?: string) => {
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.off('exit', onExit);
      if (error) reject(error);
      else resolve(line as string);
    };
    const onData = (chunk: Buffer) => {
      buffered += chunk.toString();
      const line = buffered.split('\n').find((candidate) => pattern.test(candidate));
      if (line !== undefined) finish(undefined, line);
    };
    const onExit = (code: number | null) =>
      finish(new Error(`exited (${code}) before printing ${pattern}: ${buffered}`));
    const timer = setTimeout(
      () => finish(new Error(`no line matching ${pattern} within ${timeout} ms: ${buffered}`)),
      timeout,
    );
    child.stdout?.on('data', onData);
    child.once('exit', onExit);
  });
}

/** Resolves after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
