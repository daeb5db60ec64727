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
import type { AbortSignalLike, PortOwner, Protocol, SignalName } from '../types.ts';

export type { AbortSignalLike, SignalName } from '../types.ts';

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
   * Only stop the holders whose sockets would make a server's `listen(port, host)` fail on this
   * operating system (an IP literal, `'localhost'`, or a host name that is resolved): a holder on
   * 127.0.0.2 is left alone for host 127.0.0.1; one on `0.0.0.0` or a dual-stack `::` is not.
   * With `ensurePortFree`, "free" then means free for that host.
   * @default every address: the port is freed for every address a server would use
   */
  readonly host?: string;
  /**
   * The polite first signal (POSIX; Windows asks politely with `taskkill`).
   * @default 'SIGTERM'
   */
  readonly killSignal?: SignalName;
  /**
   * Milliseconds between the polite signal and SIGKILL (`taskkill /F`). Within a `maxWait`
   * (`ensurePortFree`, `freePort`, `listenWhenFree`) it is shortened so that the forced stop goes
   * out in time: see `maxWait`.
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
   * What to do with an owner that something else runs and would restart or depends on (a
   * container's docker-proxy, a systemd service, a pm2 app, a launchd job, a Windows service: see
   * `PortOwner.manager`): `'skip'` leaves it alone and reports it (`reason: 'managed'`, with the
   * manager's hint); `'signal'` stops it like any other owner.
   * @default 'skip'
   */
  readonly managed?: 'skip' | 'signal';
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
   * Milliseconds the call may take in all — reading the socket table, every tool it runs,
   * stopping and waiting included. The rule: the forced stop (SIGKILL, `taskkill /F`) goes out
   * after `gracePeriod`, but at the latest a quarter of `maxWait` before it ends (at least 250 ms,
   * at most 1 s before), and nothing is signalled after it. So with the defaults a holder that
   * ignores SIGTERM is gone in time for any `maxWait >= 1000`. When one tool hangs, the others
   * share the time left.
   * @default 15000
   */
  readonly maxWait?: number;
  /**
   * Stop nothing: only wait for the port to become free.
   * @default false
   */
  readonly waitOnly?: boolean;
}
