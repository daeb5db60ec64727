import { constants } from 'node:buffer';
import { InvalidOptionError } from '../errors.ts';

/**
 * Default output cap of the runner: 32 MiB, stdout and stderr together. The largest output
 * portwarden asks for is a whole socket table (Windows `netstat -ano`, `ss`/`netstat` without a
 * port filter, `lsof -i`) or process list: about 100–200 bytes a line, so 32 MiB is well over
 * 150 000 sockets, more than a very busy server has, while a runaway tool costs the host at most
 * about 64 MiB (the buffer may be up to twice its content while it grows).
 *
 * @example
 * ```ts
 * await runCommand('netstat', ['-ano'], {timeout: 5000, maxOutput: 64 * 1024 * 1024});
 * ```
 */
const DEFAULT_MAX_OUTPUT = 32 * 1024 * 1024;

/** Longest delay `setTimeout` honours (about 24.8 days); longer ones would fire at once. */
const MAX_TIMER_DELAY = 2 ** 31 - 1;

/**
 * Run options after checking, read from the caller's own properties only.
 *
 * @example
 * ```ts
 * const checked: CheckedRunOptions | InvalidOptionError = readRunOptions({timeout: 5000});
 * ```
 */
export interface CheckedRunOptions {
  /** The timeout as given (for the error message). */
  readonly timeout: number;
  /** The timeout as a `setTimeout` delay (clamped to what it can wait). */
  readonly timer: number;
  readonly signal: AbortSignal | undefined;
  readonly env: NodeJS.ProcessEnv;
  readonly maxOutput: number;
  readonly processGroup: boolean;
}

/**
 * Reads and checks a runner's options, from the object's own properties only (so a polluted
 * `Object.prototype.env` cannot inject an environment): an {@link InvalidOptionError} when
 * `timeout` is not a number, `maxOutput` is not a positive integer a `Buffer` can hold, or
 * `signal` is not an `AbortSignal`.
 *
 * @example
 * ```ts
 * const read = readRunOptions({timeout: 5000});
 * if (!(read instanceof Error)) read.maxOutput; // DEFAULT_MAX_OUTPUT
 * ```
 */
export function readRunOptions(options: unknown): CheckedRunOptions | InvalidOptionError {
  if (typeof options !== 'object' || options === null) {
    return new InvalidOptionError('options', 'Run options must be an object');
  }
  const timeout = own(options, 'timeout');
  if (typeof timeout !== 'number' || Number.isNaN(timeout)) {
    return new InvalidOptionError('timeout', `timeout must be a number of ms, got ${timeout}`);
  }
  const maxOutput = own(options, 'maxOutput') ?? DEFAULT_MAX_OUTPUT;
  if (
    typeof maxOutput !== 'number' ||
    !Number.isSafeInteger(maxOutput) ||
    maxOutput < 1 ||
    maxOutput > constants.MAX_LENGTH
  ) {
    return new InvalidOptionError(
      'maxOutput',
      `maxOutput must be a positive integer number of bytes up to ${constants.MAX_LENGTH}, got ${maxOutput}`,
    );
  }
  const signal = own(options, 'signal');
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    return new InvalidOptionError('signal', 'signal must be an AbortSignal');
  }
  const env = own(options, 'env') ?? process.env;
  if (typeof env !== 'object' || env === null) {
    return new InvalidOptionError('env', 'env must be an object');
  }
  const processGroup = own(options, 'processGroup') ?? true;
  if (typeof processGroup !== 'boolean') {
    return new InvalidOptionError('processGroup', 'processGroup must be true or false');
  }
  return {
    timeout,
    timer: Math.min(timeout, MAX_TIMER_DELAY),
    signal,
    env: env as NodeJS.ProcessEnv,
    maxOutput,
    processGroup,
  };
}

function own(object: object, key: string): unknown {
  return Object.hasOwn(object, key) ? (object as Record<string, unknown>)[key] : undefined;
}
