/**
 * Fake tools for the command-runner tests: small `#!/bin/sh` scripts written into a temporary
 * folder and run by path with an argument array, pid files they write, and node child processes
 * that run the real runner (optionally under `prlimit`). Everything a toolbox started or wrote is
 * killed and removed by {@link Toolbox.cleanup}, also when a test failed.
 *
 * @module
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './holders.ts';
import { makeTempDir } from './temp.ts';

/** The host script the child-process tests run (see its module comment). */
const RUNNER_CHILD = join(REPO_ROOT, 'test', 'helpers', 'runner-child.ts');

/** What a node child process did. */
export interface ChildOutcome {
  /** Exit status, `null` when a signal ended it. */
  readonly status: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  /** Milliseconds from spawn to exit. */
  readonly ms: number;
  /** Whether the test had to kill it because it outlived `deadline`. */
  readonly killedAtDeadline: boolean;
}

/** A temporary folder of fake tools, and the processes started from it. */
export interface Toolbox {
  readonly dir: string;
  /** Writes an executable `#!/bin/sh` script `name` with `body`; returns its path. */
  tool(name: string, body: string, mode?: number): string;
  /** A path in the toolbox for a pid file (or any file). */
  file(name: string): string;
  /** Registers a pid the test started (directly or through a tool) for killing at cleanup. */
  track(pid: number): void;
  /** Waits up to `ms` for the pid file at `path`, tracks and returns the pid. */
  readPid(path: string, ms?: number): Promise<number>;
  /**
   * Runs {@link RUNNER_CHILD} in a node child with tsx, `config` (JSON) as its argument; killed
   * (and reported so) if it outlives `deadline` ms. `prefix` runs it under another program (e.g.
   * `['prlimit', '--nofile=64:64', '--']`).
   */
  runNode(
    config: object,
    options: { deadline: number; prefix?: readonly string[] },
  ): Promise<ChildOutcome>;
  /** SIGKILLs every tracked pid still alive and removes the folder. */
  cleanup(): void;
}

/**
 * A new toolbox in a temporary folder.
 *
 * @example
 * ```ts
 * const box = createToolbox();
 * after(() => box.cleanup());
 * const hang = box.tool('hang', 'sleep 60');
 * ```
 */
export function createToolbox(): Toolbox {
  const dir = makeTempDir('pw-runner-');
  const pids = new Set<number>();
  const children = new Set<ChildProcess>();
  const track = (pid: number) => {
    pids.add(pid);
  };
  return {
    dir,
    tool(name, body, mode = 0o755) {
      const path = join(dir, name);
      writeFileSync(path, `#!/bin/sh\n${body}\n`);
      chmodSync(path, mode);
      return path;
    },
    file: (name) => join(dir, name),
    track,
    async readPid(path, ms = 5000) {
      const found = await waitFor(() => {
        if (!existsSync(path)) return false;
        return /^\d+\n/.test(readFileSync(path, 'utf8'));
      }, ms);
      if (!found) throw new Error(`no pid in ${path} after ${ms} ms`);
      const pid = Number.parseInt(readFileSync(path, 'utf8'), 10);
      track(pid);
      return pid;
    },
    runNode(config, { deadline, prefix = [] }) {
      const argv = [process.execPath, '--import', 'tsx', RUNNER_CHILD, JSON.stringify(config)];
      const [file, ...args] = [...prefix, ...argv];
      const started = performance.now();
      const child = spawn(file as string, args, {
        cwd: REPO_ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      children.add(child);
      if (child.pid !== undefined) track(child.pid);
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk;
      });
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk;
      });
      let killedAtDeadline = false;
      const timer = setTimeout(() => {
        killedAtDeadline = true;
        child.kill('SIGKILL');
      }, deadline);
      return new Promise((resolve, reject) => {
        child.on('error', reject);
        child.on('exit', (status, signal) => {
          const ms = Math.round(performance.now() - started);
          clearTimeout(timer);
          // Output may still be in the pipes; give it a moment, without waiting for grandchildren.
          setTimeout(() => {
            child.stdout.destroy();
            child.stderr.destroy();
            resolve({ status, signal, stdout, stderr, ms, killedAtDeadline });
          }, 200);
        });
      });
    },
    cleanup() {
      for (const pid of pids) {
        if (!isGone(pid)) killQuietly(pid);
      }
      for (const child of children) {
        child.stdout?.destroy();
        child.stderr?.destroy();
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Whether `pid` no longer runs: no such process, or a zombie (killed, not yet reaped — in a
 * container whose init does not reap, orphans stay zombies).
 *
 * @example
 * ```ts
 * assert.ok(await waitFor(() => isGone(pid), 2000));
 * ```
 */
export function isGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return true;
  }
}

/**
 * Polls `predicate` every 20 ms until it holds (true) or `ms` passed (false).
 *
 * @example
 * ```ts
 * await waitFor(() => existsSync(path), 5000);
 * ```
 */
export async function waitFor(predicate: () => boolean, ms: number): Promise<boolean> {
  const end = performance.now() + ms;
  for (;;) {
    if (predicate()) return true;
    if (performance.now() > end) return false;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function killQuietly(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // gone already
  }
}
