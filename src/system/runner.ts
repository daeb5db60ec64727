/**
 * The one way portwarden runs a tool: fixed argument arrays, never a shell, with a timeout, the
 * caller's AbortSignal, an output cap and (where the platform has them) a process group killed as
 * a whole. Slightly over ~250 lines: a child's whole life — spawn, output, timeout, abort, exit —
 * stays in one place so that no path can leak a child process.
 *
 * @module
 */
import { type ChildProcess, spawn } from 'node:child_process';
import {
  AbortError,
  CommandOutputTooLargeError,
  CommandTimeoutError,
  PortwardenError,
} from '../errors.ts';
import { createLogger } from '../log.ts';
import { OutputBuffer } from './output-buffer.ts';
import { killToolProcesses, trackProcessGroup } from './process-group.ts';
import { type CheckedRunOptions, readRunOptions } from './run-options.ts';
import { toSpawnError } from './spawn-errors.ts';

const debug = createLogger('portwarden:run');

/**
 * Milliseconds the runner keeps reading a tool's stdout and stderr after the tool exited, for the
 * last bytes still in the pipes. A grandchild that inherited the pipes and keeps them open cannot
 * hold the call longer than this: when it passes, the call settles with what the tool wrote, the
 * pipes are destroyed and the group is killed.
 *
 * @example
 * ```ts
 * // a tool that exits at once settles in well under a second, whatever its children do
 * const budget = toolExitTime + EXIT_DRAIN_WINDOW;
 * ```
 */
const EXIT_DRAIN_WINDOW = 100;

/**
 * What a finished command gave back. Output is raw bytes: decoding is the parser's business.
 *
 * @example
 * ```ts
 * const {stdout, exitCode}: CommandResult = await runCommand('ss', ['-H', '-tln'], {timeout: 5000});
 * ```
 */
export interface CommandResult {
  readonly stdout: Buffer;
  readonly stderr: Buffer;
  /** Exit status, or `null` when a signal ended the process. */
  readonly exitCode: number | null;
}

/**
 * Options for one command. Only the object's own properties are read.
 *
 * @example
 * ```ts
 * const options: RunOptions = {timeout: 5000, signal, env: {...process.env, LC_ALL: 'C'}};
 * ```
 */
export interface RunOptions {
  /**
   * Milliseconds before the command (its whole process group) is killed and
   * {@link CommandTimeoutError} is thrown. Zero or less rejects at once, without starting it.
   */
  readonly timeout: number;
  /** Aborting it kills the command (its whole process group) and rejects with {@link AbortError}. */
  readonly signal?: AbortSignal;
  /** Environment; defaults to `process.env`. */
  readonly env?: NodeJS.ProcessEnv;
  /**
   * Most bytes of output (stdout and stderr together) to accept; past it the command is killed
   * and {@link CommandOutputTooLargeError} is thrown. Default 32 MiB.
   */
  readonly maxOutput?: number;
  /**
   * Run the command in a process group of its own, killed as a whole on timeout, abort, output
   * cap and settlement (POSIX). The platform profile says where that exists: Windows has no
   * process groups a signal could reach, and passes `false` (then only the tool is killed).
   * @default true
   */
  readonly processGroup?: boolean;
}

/**
 * Runs one program with a fixed argument array, never through a shell. Throws
 * {@link CommandNotFoundError} when the program is missing, {@link SpawnFailedError} when it
 * cannot be started, {@link CommandTimeoutError} when it hangs, {@link CommandOutputTooLargeError}
 * when it writes too much, {@link AbortError} when the signal fires; a non-zero exit status is
 * *returned*, since some tools (lsof) exit 1 to say "nothing found". Replaceable in tests to
 * replay recorded output.
 *
 * @example
 * ```ts
 * const replay: CommandRunner = async (file, args) => ({
 *   stdout: readFileSync('test/fixtures/darwin/lsof.txt'), stderr: Buffer.alloc(0), exitCode: 0,
 * });
 * ```
 */
export type CommandRunner = (
  file: string,
  args: readonly string[],
  options: RunOptions,
) => Promise<CommandResult>;

/**
 * The default {@link CommandRunner}: `child_process.spawn` with `shell: false`, stdin ignored,
 * output collected as bytes up to `maxOutput`. It cannot take its host down:
 * - every failure is a typed rejection (a synchronous throw of `spawn` as well as its `'error'`
 *   event; `ENOENT` → {@link CommandNotFoundError}, `EACCES`, `EMFILE`, `E2BIG`… →
 *   {@link SpawnFailedError} with the raw error as `cause`), and every listener is attached before
 *   anything can fail, and stays attached, so no event is ever unhandled;
 * - on POSIX the tool runs in its own process group (`detached`), and on timeout, abort, output
 *   cap and settlement the whole group gets SIGKILL, the tool's children and grandchildren too
 *   (unless they left the group themselves); also when the host calls `process.exit()` mid-call;
 * - the call settles at most {@link EXIT_DRAIN_WINDOW} ms after the tool exited, even while a
 *   grandchild holds its stdout or stderr open, and then leaves nothing that keeps the event loop
 *   alive (timer cleared, pipes destroyed, child unreferenced);
 * - collected output takes at most about twice `maxOutput` bytes of memory (three times for a moment
 *   while a buffer grows), whatever and however the tool writes.
 *
 * Windows has no process groups a signal could reach: there the tool alone is terminated, and
 * children it started live on (the tools portwarden runs there, netstat, PowerShell, tasklist and
 * taskkill, start none that outlive them in normal operation). A tool in its own group no longer
 * receives the terminal's Ctrl-C: a host killed by a signal before a call settles leaves the
 * tool to end by itself.
 *
 * @example
 * ```ts
 * const {stdout, exitCode} = await runCommand('ss', ['-H', '-tlnp'], {timeout: 5000});
 * ```
 */
export const runCommand: CommandRunner = (file, args, options) =>
  new Promise((resolve, reject) => {
    const read = readRunOptions(options);
    if (read instanceof Error) {
      reject(read);
      return;
    }
    if (read.signal?.aborted) {
      reject(new AbortError(undefined, { cause: read.signal.reason }));
      return;
    }
    if (read.timeout <= 0) {
      reject(new CommandTimeoutError(file, read.timeout));
      return;
    }
    runTool(file, args, read, (error, result) => {
      if (error) reject(error);
      else if (result) resolve(result);
    });
  });

type Settle = (error: PortwardenError | null, result?: CommandResult) => void;

function runTool(
  file: string,
  args: readonly string[],
  options: CheckedRunOptions,
  done: Settle,
): void {
  const { timeout, timer, signal, env, maxOutput, processGroup } = options;
  const started = performance.now();
  const stdout = new OutputBuffer(maxOutput);
  const stderr = new OutputBuffer(maxOutput);
  let child: ChildProcess | undefined;
  let settled = false;
  let exitCode: number | null | undefined;
  let openStreams = 2;
  let deadline: NodeJS.Timeout | undefined;
  let drain: NodeJS.Timeout | undefined;

  const settle = (error: PortwardenError | null) => {
    if (settled) return;
    settled = true;
    clearTimeout(deadline);
    clearTimeout(drain);
    signal?.removeEventListener('abort', onAbort);
    if (child) {
      child.stdout?.destroy();
      child.stderr?.destroy();
      killToolProcesses(child, processGroup);
      child.unref();
    }
    const ms = Math.round(performance.now() - started);
    if (error) {
      debug('%s %o failed after %d ms: %s', file, args, ms, error.message);
      done(error);
    } else {
      debug('%s %o exited %s in %d ms', file, args, exitCode, ms);
      done(null, { stdout: stdout.bytes(), stderr: stderr.bytes(), exitCode: exitCode ?? null });
    }
  };
  const onAbort = () => settle(new AbortError(undefined, { cause: signal?.reason }));
  const collect = (into: OutputBuffer) => (chunk: Buffer) => {
    if (settled) return;
    if (stdout.length + stderr.length + chunk.length > maxOutput) {
      settle(new CommandOutputTooLargeError(file, maxOutput));
    } else {
      into.append(chunk);
    }
  };
  const onStreamError = (error: Error) => {
    if (settled) debug('%s: stream error after settling: %s', file, error.message);
    else settle(readFailure(file, error));
  };
  const onStreamClose = () => {
    openStreams -= 1;
    if (openStreams === 0 && exitCode !== undefined) settle(null);
  };

  try {
    child = spawn(file, args, {
      shell: false,
      stdio: ['ignore', 'pipe', 'pipe'],
      env,
      windowsHide: true,
      detached: processGroup,
    });
  } catch (error) {
    settle(toSpawnError(file, error));
    return;
  }
  // Listeners first, before anything that could fail; they stay attached after settling.
  child.on('error', (error) => {
    // Before the tool ran (no pid) it is a spawn failure; later only a failed kill could emit one.
    if (settled || child?.pid !== undefined) debug('%s: %s', file, error.message);
    else settle(toSpawnError(file, error));
  });
  child.on('exit', (code) => {
    exitCode = code;
    if (settled) return;
    if (openStreams === 0) settle(null);
    // setImmediate: runs after the next poll phase, so bytes already in the pipes are read first
    // even when the event loop was blocked past the window.
    else drain = setTimeout(() => setImmediate(() => settle(null)), EXIT_DRAIN_WINDOW);
  });
  for (const [stream, into] of [
    [child.stdout, stdout],
    [child.stderr, stderr],
  ] as const) {
    if (!stream) {
      openStreams -= 1;
      continue;
    }
    stream.on('error', onStreamError);
    stream.on('data', collect(into));
    stream.on('close', onStreamClose);
  }
  if (processGroup) trackProcessGroup(child);
  signal?.addEventListener('abort', onAbort, { once: true });
  deadline = setTimeout(() => {
    // A tool that exited in time is not late because a grandchild holds its pipes.
    if (exitCode !== undefined) settle(null);
    else settle(new CommandTimeoutError(file, timeout));
  }, timer);
}

/** Reading a tool's stdout or stderr failed: its output is incomplete, so the call fails. */
function readFailure(file: string, cause: Error): PortwardenError {
  return new PortwardenError('ERR_COMMAND_FAILED', `Reading the output of ${file} failed`, {
    cause,
  });
}
