/**
 * Every error portwarden rejects with, in one place (as undici keeps its codes): a stable `code`
 * from {@link ErrorCode}, the underlying error as `cause`. This file is longer than the others on
 * purpose: the whole list of codes and classes reads best side by side. It imports only types.
 *
 * | code | class | when |
 * | --- | --- | --- |
 * | `ERR_INVALID_PORT` | {@link InvalidPortError} (TypeError) / {@link PortRangeError} (RangeError) | the port is not an integer 1–65535 or a string of decimal digits naming one |
 * | `ERR_INVALID_OPTION` | {@link InvalidOptionError} (TypeError) | an option has the wrong type or value |
 * | `ERR_ADAPTER_UNAVAILABLE` | {@link AdapterUnavailableError} | a forced adapter cannot run here (tool missing, wrong platform, failed) |
 * | `ERR_NO_ADAPTER` | {@link NoAdapterError} | no adapter could read the socket table on this machine |
 * | `ERR_UNSUPPORTED_PLATFORM` | {@link UnsupportedPlatformError} | nothing on this platform can answer |
 * | `ERR_COMMAND_NOT_FOUND` | {@link CommandNotFoundError} | a tool is not on PATH (seen as `cause`) |
 * | `ERR_COMMAND_TIMEOUT` | {@link CommandTimeoutError} | a tool did not finish in time (seen as `cause`) |
 * | `ERR_COMMAND_FAILED` | {@link CommandFailedError} | a tool exited with a status that does not mean "nothing found" (seen as `cause`) |
 * | `ERR_UNPARSEABLE_OUTPUT` | {@link UnparseableOutputError} | a tool's output is in no known layout (seen as `cause`) |
 * | `ERR_SPAWN_FAILED` | {@link SpawnFailedError} | a tool could not be started: not executable, out of file descriptors or processes (seen as `cause`) |
 * | `ERR_COMMAND_OUTPUT_TOO_LARGE` | {@link CommandOutputTooLargeError} | a tool wrote more than its output cap and was killed (seen as `cause`) |
 * | `ERR_PROBE_FAILED` | {@link ProbeFailedError} | a bind probe failed for a reason that says nothing about the port (the process is out of file descriptors: `EMFILE`) |
 * | `ERR_ABORTED` | {@link AbortError} | the caller's AbortSignal fired |
 * | `ERR_PORT_UNAVAILABLE` | {@link PortUnavailableError} | `listenWhenFree` could not free the port or listen on it within `maxWait` |
 * | `ERR_NO_FREE_PORT` | {@link PortUnavailableError} | `findFreePort` found no free port among the candidates |
 * | `ERR_CLOSE_TIMEOUT` | {@link PortwardenError} | `closeServer` could not find and end every connection (the port is released even then) |
 *
 * @module
 */

import type { FreeReport } from './reports.ts';

/**
 * Every `code` a portwarden error can have. Match on it, not on the class or the message: codes
 * never change within a major version, messages may.
 *
 * @example
 * ```ts
 * const code: ErrorCode = 'ERR_INVALID_PORT';
 * ```
 */
export type ErrorCode =
  | 'ERR_INVALID_PORT'
  | 'ERR_INVALID_OPTION'
  | 'ERR_ADAPTER_UNAVAILABLE'
  | 'ERR_NO_ADAPTER'
  | 'ERR_UNSUPPORTED_PLATFORM'
  | 'ERR_COMMAND_NOT_FOUND'
  | 'ERR_COMMAND_TIMEOUT'
  | 'ERR_COMMAND_FAILED'
  | 'ERR_UNPARSEABLE_OUTPUT'
  | 'ERR_SPAWN_FAILED'
  | 'ERR_COMMAND_OUTPUT_TOO_LARGE'
  | 'ERR_PROBE_FAILED'
  | 'ERR_ABORTED'
  | 'ERR_PORT_UNAVAILABLE'
  | 'ERR_NO_FREE_PORT'
  | 'ERR_CLOSE_TIMEOUT';

/** Marks every portwarden error, whichever built-in class it extends. */
const BRAND: unique symbol = Symbol.for('portwarden.error');

function brand(error: Error): void {
  Object.defineProperty(error, BRAND, { value: true });
}

/**
 * Base class of portwarden's errors; `error instanceof PortwardenError` is `true` for **every**
 * error the library rejects with, the bad-input errors included (they extend `TypeError` /
 * `RangeError`, as Node's own do). The underlying error, if any, is `cause`.
 *
 * @example
 * ```ts
 * import {getProcessesOnPort, PortwardenError} from 'portwarden';
 * try {
 *   await getProcessesOnPort(3000, {adapter: 'ss'});
 * } catch (error) {
 *   if (error instanceof PortwardenError && error.code === 'ERR_ADAPTER_UNAVAILABLE') {
 *     console.error('ss is not installed');
 *   }
 * }
 * ```
 */
export class PortwardenError extends Error {
  /** `true` for every portwarden error (the class itself); subclasses test their own prototype. */
  static override [Symbol.hasInstance](value: unknown): boolean {
    // biome-ignore lint/complexity/noThisInStatic: a subclass answers by its own prototype chain
    if (this !== PortwardenError) return Function.prototype[Symbol.hasInstance].call(this, value);
    return typeof value === 'object' && value !== null && BRAND in value;
  }

  /** Stable, documented error code. */
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PortwardenError';
    this.code = code;
    brand(this);
  }
}

/**
 * The port has the wrong type (not a number or a string of digits). `code: 'ERR_INVALID_PORT'`.
 *
 * @example
 * ```ts
 * await isPortInUse('80; rm -rf /'); // rejects: InvalidPortError, code 'ERR_INVALID_PORT'
 * ```
 */
export class InvalidPortError extends TypeError {
  readonly code = 'ERR_INVALID_PORT' as const;
  /** The value that was passed. */
  readonly port: unknown;

  constructor(port: unknown, message: string) {
    super(message);
    this.name = 'InvalidPortError';
    this.port = port;
    brand(this);
  }
}

/**
 * The port is a number (or digits) but not from 1 to 65535, or not an integer.
 * `code: 'ERR_INVALID_PORT'`.
 *
 * @example
 * ```ts
 * await isPortInUse(70000); // rejects: PortRangeError, code 'ERR_INVALID_PORT'
 * ```
 */
export class PortRangeError extends RangeError {
  readonly code = 'ERR_INVALID_PORT' as const;
  /** The value that was passed. */
  readonly port: unknown;

  constructor(port: unknown, message: string) {
    super(message);
    this.name = 'PortRangeError';
    this.port = port;
    brand(this);
  }
}

/**
 * An option has the wrong type or value. `code: 'ERR_INVALID_OPTION'`.
 *
 * @example
 * ```ts
 * await getProcessesOnPort(80, {protocol: 'sctp'}); // rejects: code 'ERR_INVALID_OPTION'
 * ```
 */
export class InvalidOptionError extends TypeError {
  readonly code = 'ERR_INVALID_OPTION' as const;
  /** The option's name, e.g. `'protocol'`. */
  readonly option: string;

  constructor(option: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'InvalidOptionError';
    this.option = option;
    brand(this);
  }
}

/**
 * A forced adapter (option `adapter` or `PORTWARDEN_ADAPTER`) cannot run here.
 * `code: 'ERR_ADAPTER_UNAVAILABLE'`; `cause` says why (e.g. a {@link CommandNotFoundError}).
 *
 * @example
 * ```ts
 * await getProcessesOnPort(80, {adapter: 'lsof'}); // rejects when lsof is not installed
 * ```
 */
export class AdapterUnavailableError extends PortwardenError {
  /** The adapter's name. */
  readonly adapter: string;

  constructor(adapter: string, message: string, options?: { cause?: unknown }) {
    super('ERR_ADAPTER_UNAVAILABLE', message, options);
    this.name = 'AdapterUnavailableError';
    this.adapter = adapter;
  }
}

/**
 * No adapter could read the socket table. `code: 'ERR_NO_ADAPTER'`; `cause` is an
 * `AggregateError` of each adapter's failure.
 *
 * @example
 * ```ts
 * await getProcessesOnPort(80); // with no /proc and an empty PATH: code 'ERR_NO_ADAPTER'
 * ```
 */
export class NoAdapterError extends PortwardenError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('ERR_NO_ADAPTER', message, options);
    this.name = 'NoAdapterError';
  }
}

/**
 * Nothing on this platform can answer the question. `code: 'ERR_UNSUPPORTED_PLATFORM'`.
 *
 * @example
 * ```ts
 * await getProcessesOnPort(80); // on an OS with no adapter that works: ERR_UNSUPPORTED_PLATFORM
 * ```
 */
export class UnsupportedPlatformError extends PortwardenError {
  /** The platform's name. */
  readonly platform: string;

  constructor(platform: string, message?: string, options?: { cause?: unknown }) {
    super(
      'ERR_UNSUPPORTED_PLATFORM',
      message ?? `No socket-table adapter for platform ${platform}`,
      options,
    );
    this.name = 'UnsupportedPlatformError';
    this.platform = platform;
  }
}

/**
 * A command-line tool is not installed (not on PATH). `code: 'ERR_COMMAND_NOT_FOUND'`.
 *
 * @example
 * ```ts
 * error.cause instanceof CommandNotFoundError && error.cause.command === 'lsof';
 * ```
 */
export class CommandNotFoundError extends PortwardenError {
  /** The command that was looked for. */
  readonly command: string;

  constructor(command: string, options?: { cause?: unknown }) {
    super('ERR_COMMAND_NOT_FOUND', `Command not found: ${command}`, options);
    this.name = 'CommandNotFoundError';
    this.command = command;
  }
}

/**
 * A command-line tool did not finish in time and was killed. `code: 'ERR_COMMAND_TIMEOUT'`.
 *
 * @example
 * ```ts
 * error.cause instanceof CommandTimeoutError && error.cause.timeout; // ms
 * ```
 */
export class CommandTimeoutError extends PortwardenError {
  /** The command that hung. */
  readonly command: string;
  /** The time it was given, in milliseconds. */
  readonly timeout: number;

  constructor(command: string, timeout: number, options?: { cause?: unknown }) {
    super('ERR_COMMAND_TIMEOUT', `Command timed out after ${timeout} ms: ${command}`, options);
    this.name = 'CommandTimeoutError';
    this.command = command;
    this.timeout = timeout;
  }
}

/**
 * A command-line tool exited with a status that does not mean "nothing found".
 * `code: 'ERR_COMMAND_FAILED'`.
 *
 * @example
 * ```ts
 * error.cause instanceof CommandFailedError && error.cause.exitCode; // e.g. 2
 * ```
 */
export class CommandFailedError extends PortwardenError {
  /** The command. */
  readonly command: string;
  /** Its exit status, or `null` when a signal ended it. */
  readonly exitCode: number | null;
  /** The first part of what it wrote to stderr. */
  readonly stderr: string;

  constructor(command: string, exitCode: number | null, stderr: string) {
    const detail = stderr.trim().split('\n')[0] ?? '';
    super(
      'ERR_COMMAND_FAILED',
      `Command failed with exit status ${exitCode}: ${command}${detail ? ` (${detail})` : ''}`,
    );
    this.name = 'CommandFailedError';
    this.command = command;
    this.exitCode = exitCode;
    this.stderr = stderr.slice(0, 2000);
  }
}

/**
 * A tool's output is in no layout the parser knows. `code: 'ERR_UNPARSEABLE_OUTPUT'`.
 *
 * @example
 * ```ts
 * // Seen as the `cause` of a failed adapter (ERR_ADAPTER_UNAVAILABLE, ERR_NO_ADAPTER):
 * if (error.cause instanceof UnparseableOutputError) console.error(`${error.cause.source}: unknown layout`);
 * ```
 */
export class UnparseableOutputError extends PortwardenError {
  /** The parser or source that failed, e.g. `'ss'`. */
  readonly source: string;

  constructor(source: string, message: string, options?: { cause?: unknown }) {
    super('ERR_UNPARSEABLE_OUTPUT', `${source}: ${message}`, options);
    this.name = 'UnparseableOutputError';
    this.source = source;
  }
}

/**
 * A bind probe failed for a reason that says nothing about the port — the process is out of file
 * descriptors (`EMFILE`), or out of memory — so "in use" cannot be told. `code:
 * 'ERR_PROBE_FAILED'`; the system error is `cause`.
 *
 * @example
 * ```ts
 * if (error.code === 'ERR_PROBE_FAILED') console.error(error.cause); // EMFILE
 * ```
 */
export class ProbeFailedError extends PortwardenError {
  /** The address that was probed. */
  readonly host: string;
  readonly port: number;

  constructor(host: string, port: number, options?: { cause?: unknown }) {
    const code = (options?.cause as { code?: unknown } | undefined)?.code;
    super(
      'ERR_PROBE_FAILED',
      `Cannot probe ${host}:${port}${typeof code === 'string' ? ` (${code})` : ''}: whether the port is in use cannot be told`,
      options,
    );
    this.name = 'ProbeFailedError';
    this.host = host;
    this.port = port;
  }
}

/**
 * The caller's AbortSignal fired. `code: 'ERR_ABORTED'`; `cause` is the signal's reason.
 *
 * @example
 * ```ts
 * await ensurePortFree(3000, {signal: AbortSignal.timeout(100)}); // may reject with ERR_ABORTED
 * ```
 */
export class AbortError extends PortwardenError {
  constructor(message = 'The operation was aborted', options?: { cause?: unknown }) {
    super('ERR_ABORTED', message, options);
    this.name = 'AbortError';
  }
}

/**
 * A port cannot be used: `listenWhenFree` could not free it or listen on it within `maxWait`
 * (`code: 'ERR_PORT_UNAVAILABLE'`), or `findFreePort` found no free port among the candidates
 * (`code: 'ERR_NO_FREE_PORT'`). `reason` says why (a {@link FreeReport} outcome such as `'self'`,
 * or the listen error's code such as `'EADDRINUSE'`); `report` is the last attempt to free the
 * port, when there was one.
 *
 * @example
 * ```ts
 * try {
 *   await listenWhenFree(server, 3000);
 * } catch (error) {
 *   if (error instanceof PortUnavailableError) console.error(error.reason, error.report?.remaining);
 * }
 * ```
 */
export class PortUnavailableError extends PortwardenError {
  /** The port, or `null` when several were tried. */
  readonly port: number | null;
  /** Why the port cannot be used. */
  readonly reason: string;
  /** The last report of freeing the port, when it was tried. */
  readonly report: FreeReport | undefined;

  constructor(
    code: 'ERR_PORT_UNAVAILABLE' | 'ERR_NO_FREE_PORT',
    port: number | null,
    reason: string,
    message: string,
    options?: { cause?: unknown; report?: FreeReport },
  ) {
    super(code, message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'PortUnavailableError';
    this.port = port;
    this.reason = reason;
    this.report = options?.report;
  }
}

/**
 * Why a tool could not be started, as {@link SpawnFailedError.reason} says:
 * - `'permission-denied'`: the file exists but may not be executed (`EACCES`, `EPERM`);
 * - `'out-of-resources'`: the machine or process is out of file descriptors, processes or memory
 *   (`EMFILE`, `ENFILE`, `EAGAIN`, `ENOMEM`); trying again later may work;
 * - `'invalid-arguments'`: the program name, arguments or environment were refused (`E2BIG`,
 *   `ENAMETOOLONG`, a null byte, a wrong type);
 * - `'other'`: any other reason; `cause` has it.
 *
 * @example
 * ```ts
 * const retryLater = (error as SpawnFailedError).reason === 'out-of-resources';
 * ```
 */
export type SpawnFailureReason =
  | 'permission-denied'
  | 'out-of-resources'
  | 'invalid-arguments'
  | 'other';

/**
 * A tool exists (or may) but could not be started: not executable, the machine out of file
 * descriptors or processes, arguments refused. `code: 'ERR_SPAWN_FAILED'`; `reason` classifies it
 * ({@link SpawnFailureReason}); the raw system error is `cause` and its code is `errno`. A missing
 * tool is a {@link CommandNotFoundError} instead. Adapters treat it like any failed tool: the next
 * adapter answers.
 *
 * @example
 * ```ts
 * if (error instanceof SpawnFailedError && error.reason === 'out-of-resources') {
 *   console.error(`could not start ${error.command}: ${error.errno}`); // e.g. EMFILE
 * }
 * ```
 */
export class SpawnFailedError extends PortwardenError {
  /** The command that could not be started. */
  readonly command: string;
  /** Why, in broad terms. */
  readonly reason: SpawnFailureReason;
  /** The system error's code, e.g. `'EMFILE'` or `'EACCES'`, when it had one. */
  readonly errno: string | undefined;

  constructor(
    command: string,
    reason: SpawnFailureReason,
    errno: string | undefined,
    options?: { cause?: unknown },
  ) {
    super(
      'ERR_SPAWN_FAILED',
      `Could not start ${command}: ${reason}${errno ? ` (${errno})` : ''}`,
      options,
    );
    this.name = 'SpawnFailedError';
    this.command = command;
    this.reason = reason;
    this.errno = errno;
  }
}

/**
 * A tool wrote more than its output cap (`maxOutput` bytes, stdout and stderr together) and was
 * killed, with its whole process group: output that large is no socket table we can trust, and
 * collecting it would let a runaway tool take the host's memory. `code:
 * 'ERR_COMMAND_OUTPUT_TOO_LARGE'`. Adapters treat it like any failed tool: the next adapter answers.
 *
 * @example
 * ```ts
 * error.cause instanceof CommandOutputTooLargeError && error.cause.maxOutput; // bytes
 * ```
 */
export class CommandOutputTooLargeError extends PortwardenError {
  /** The command that wrote too much. */
  readonly command: string;
  /** The cap in bytes that it passed. */
  readonly maxOutput: number;

  constructor(command: string, maxOutput: number, options?: { cause?: unknown }) {
    super(
      'ERR_COMMAND_OUTPUT_TOO_LARGE',
      `Command wrote more than ${maxOutput} bytes and was stopped: ${command}`,
      options,
    );
    this.name = 'CommandOutputTooLargeError';
    this.command = command;
    this.maxOutput = maxOutput;
  }
}
