/**
 * The options of the public functions. Durations are milliseconds and follow one rule:
 * `maxWait` bounds how long a call may wait in all (tool runs included); a `…Period` is a span
 * inside it (`gracePeriod` between the polite and the forced stop, `lockPeriod` for
 * `findFreePort`); `timeout` is how long `closeServer` lets requests finish before it ends their
 * connections.
 *
 * @module
 */
import type { StopProgress } from '../reports.ts';
import type { PortOwner, Protocol, SignalName } from '../types.ts';

export type { SignalName } from '../types.ts';

/**
 * An `AbortSignal` (`AbortSignal.timeout(2000)`, `controller.signal`), declared by its shape so
 * that portwarden's types need neither the DOM library nor `@types/node`. At run time the
 * `signal` option must be a real `AbortSignal` (else `ERR_INVALID_OPTION`).
 *
 * @example
 * ```ts
 * const signal: AbortSignalLike = AbortSignal.timeout(2000);
 * ```
 */
export interface AbortSignalLike {
  readonly aborted: boolean;
  readonly reason: unknown;
  addEventListener(type: 'abort', listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}

/**
 * Options every inspecting or stopping function takes.
 *
 * @example
 * ```ts
 * const options: CommonOptions = {adapter: 'ss', signal: AbortSignal.timeout(2000)};
 * ```
 */
export interface CommonOptions {
  /**
   * Force one socket-table adapter by name (`'procfs'`, `'ss'`, `'netstat'`, `'lsof'`,
   * `'powershell'`, `'pid-port'`).
   * @default `process.env.PORTWARDEN_ADAPTER`, else the first adapter that works here
   */
  readonly adapter?: string;
  /** Abort the call; the promise rejects with `code: 'ERR_ABORTED'`. */
  readonly signal?: AbortSignalLike;
}

/**
 * Options of `isPortInUse` and `probePort`.
 *
 * @example
 * ```ts
 * await isPortInUse(53, {protocol: 'udp', host: '127.0.0.53'});
 * ```
 */
export interface PortInUseOptions extends CommonOptions {
  /**
   * Only this address (an IP literal, `'localhost'`, or a host name that is resolved).
   * @default every address `listen(port)` or `listen(port, '127.0.0.1' | '::1' | '0.0.0.0' | '::')` would use
   */
  readonly host?: string;
  /** @default 'tcp' */
  readonly protocol?: Protocol;
}

/**
 * Options of `getProcessesOnPort` and `inspectPort`.
 *
 * @example
 * ```ts
 * await getProcessesOnPort(5353, {protocol: 'udp'});
 * ```
 */
export interface ProcessesOptions extends CommonOptions {
  /**
   * `'tcp'`: listening sockets; `'udp'`: bound UDP sockets.
   * @default 'tcp'
   */
  readonly protocol?: Protocol;
}

/**
 * Options of `checkPortTimeWait` and `inspectTimeWait`.
 *
 * @example
 * ```ts
 * await checkPortTimeWait(8000, {adapter: 'ss'});
 * ```
 */
export interface TimeWaitOptions extends CommonOptions {}

/**
 * Options of `killProcessOnPort`.
 *
 * @example
 * ```ts
 * await killProcessOnPort(3000, {gracePeriod: 2000, names: ['node']});
 * ```
 */
export interface KillOptions extends CommonOptions {
  /** @default 'tcp' */
  readonly protocol?: Protocol;
  /**
   * The polite first signal (POSIX; Windows asks politely with `taskkill`).
   * @default 'SIGTERM'
   */
  readonly killSignal?: SignalName;
  /**
   * Milliseconds between the polite signal and SIGKILL (`taskkill /F`).
   * @default 5000
   */
  readonly gracePeriod?: number;
  /**
   * SIGKILL (`taskkill /F`) at once.
   * @default false
   */
  readonly force?: boolean;
  /**
   * Only stop processes whose program has one of these names (`'node'`, `'python3'`): the
   * process name or the base name of `argv[0]`, compared as the OS compares program names
   * (case-insensitive and without `.exe` on Windows).
   * @default every owner
   */
  readonly names?: readonly string[];
  /**
   * Only stop the owners for which this returns `true`.
   * @default every owner
   */
  readonly filter?: (owner: PortOwner) => boolean;
  /**
   * Report what would be stopped, signal nothing.
   * @default false
   */
  readonly dryRun?: boolean;
  /**
   * Windows: end the whole process tree (`taskkill /T`).
   * @default false
   */
  readonly tree?: boolean;
  /** Called as the stop goes on (for live status lines); what it throws is ignored. */
  readonly onProgress?: (progress: StopProgress) => void;
}

/**
 * Options of `ensurePortFree`, `freePort` (and `listenWhenFree`).
 *
 * @example
 * ```ts
 * await ensurePortFree(3000, {maxWait: 5000});
 * ```
 */
export interface FreeOptions extends KillOptions {
  /**
   * Milliseconds the call may take in all, waiting for the port to become free.
   * @default 15000
   */
  readonly maxWait?: number;
  /**
   * Stop nothing: only wait for the port to become free.
   * @default false
   */
  readonly waitOnly?: boolean;
}
