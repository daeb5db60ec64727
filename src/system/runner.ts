import { spawn } from 'node:child_process';
import { AbortError, CommandNotFoundError, CommandTimeoutError } from '../errors.ts';
import { createLogger } from '../log.ts';

const debug = createLogger('portwarden:run');

/** What a finished command gave back. Output is raw bytes: decoding is the parser's business. */
export interface CommandResult {
  readonly stdout: Buffer;
  readonly stderr: Buffer;
  /** Exit status, or `null` when a signal ended the process. */
  readonly exitCode: number | null;
}

/** Options for one command. */
export interface RunOptions {
  /** Milliseconds before the command is killed and {@link CommandTimeoutError} is thrown. */
  readonly timeout: number;
  readonly signal?: AbortSignal;
  /** Environment; defaults to `process.env`. */
  readonly env?: NodeJS.ProcessEnv;
}

/**
 * Runs one program with a fixed argument array, never through a shell. Throws
 * {@link CommandNotFoundError} when the program is missing, {@link CommandTimeoutError} when it
 * hangs, {@link AbortError} when the signal fires; a non-zero exit status is *returned*, since
 * some tools (lsof) exit 1 to say "nothing found". Replaceable in tests to replay recorded output.
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
 * output collected as bytes, killed with SIGKILL at the timeout.
 *
 * @example
 * ```ts
 * const {stdout, exitCode} = await runCommand('ss', ['-H', '-tlnp'], {timeout: 5000});
 * ```
 */
export const runCommand: CommandRunner = (file, args, options) =>
  new Promise((resolve, reject) => {
    if (options.signal?.aborted) {
      reject(new AbortError(undefined, { cause: options.signal.reason }));
      return;
    }
    const started = performance.now();
    const child = spawn(file, args, {
      shell: false,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: options.env ?? process.env,
      windowsHide: true,
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let settled = false;
    const finish = (error: Error | null, result?: CommandResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      if (error) {
        debug(
          '%s %o failed after %d ms: %s',
          file,
          args,
          Math.round(performance.now() - started),
          error.message,
        );
        reject(error);
      } else if (result) {
        debug(
          '%s %o exited %s in %d ms',
          file,
          args,
          result.exitCode,
          Math.round(performance.now() - started),
        );
        resolve(result);
      }
    };
    const onAbort = () => {
      child.kill('SIGKILL');
      finish(new AbortError(undefined, { cause: options.signal?.reason }));
    };
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      finish(new CommandTimeoutError(file, options.timeout));
    }, options.timeout);
    options.signal?.addEventListener('abort', onAbort, { once: true });
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') finish(new CommandNotFoundError(file, { cause: error }));
      else finish(error);
    });
    child.on('close', (exitCode) => {
      finish(null, { stdout: Buffer.concat(stdout), stderr: Buffer.concat(stderr), exitCode });
    });
  });
