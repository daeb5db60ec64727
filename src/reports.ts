/**
 * The reports the public functions resolve with: plain, readonly data. Each yes/no function has a
 * detailed sibling that resolves with one of these (`isPortInUse` → {@link ProbeReport},
 * `getProcessesOnPort` → {@link PortReport}, `checkPortTimeWait` → {@link TimeWaitReport},
 * `ensurePortFree` → {@link FreeReport}; `killProcessOnPort` → {@link KillReport}). Longer than
 * ~250 lines because it is declarations only, most of them documentation: the public reports are
 * read together.
 *
 * @module
 */
import type { PortOwner, ProcessManager, Protocol, SocketState } from './types.ts';

/**
 * The outcome of one bind probe:
 * - `'free'`: the bind succeeded (and was released at once);
 * - `'in-use'`: EADDRINUSE;
 * - `'not-applicable'`: the address does not exist here or its family is off;
 * - `'denied'`: EACCES/EPERM — binding cannot tell (a privileged port, a Windows excluded range).
 *
 * @example
 * ```ts
 * const outcome: BindOutcome = 'in-use';
 * ```
 */
export type BindOutcome = 'free' | 'in-use' | 'not-applicable' | 'denied';

/**
 * One address's bind probe and its outcome.
 *
 * @example
 * ```ts
 * const probe: HostProbe = {host: '::', outcome: 'free'};
 * ```
 */
export interface HostProbe {
  readonly host: string;
  readonly outcome: BindOutcome;
}

/**
 * What `probePort` found: whether a Node server could listen now, and why.
 *
 * @example
 * ```ts
 * const report: ProbeReport = await probePort(80);
 * // as a non-root user: {inUse: true, decidedBy: 'socket-table', denied: false, ...}
 * ```
 */
export interface ProbeReport {
  readonly port: number;
  readonly protocol: Protocol;
  /** Whether a Node server could not listen right now because something holds the port. */
  readonly inUse: boolean;
  /** Each bind probe and its outcome, in order (stops at the first `'in-use'`). */
  readonly probes: readonly HostProbe[];
  /**
   * `'bind'`: the probes decided. `'socket-table'`: a probe was denied (EACCES) or the OS needs
   * the table (macOS), so the socket table decided.
   */
  readonly decidedBy: 'bind' | 'socket-table';
  /** Whether some bind was refused with EACCES/EPERM although nothing holds the port there. */
  readonly denied: boolean;
}

/**
 * Everything one read of the socket table says about a port — what `portwarden who` prints.
 *
 * @example
 * ```ts
 * const report: PortReport = await inspectPort(3000);
 * // {port: 3000, protocol: 'tcp', inUse: true, owners: [{pid: 4242, name: 'node', ...}],
 * //  connections: {ESTABLISHED: 2, TIME_WAIT: 12}, timeWait: 12, hidden: 0, privilegeHint: null,
 * //  adapter: 'procfs'}
 * ```
 */
export interface PortReport {
  readonly port: number;
  readonly protocol: Protocol;
  /** Whether a Node server could not listen on the port now (bind probes, as `isPortInUse`). */
  readonly inUse: boolean;
  /** The holders, as `getProcessesOnPort` returns them (`pid: null`: hidden owner). */
  readonly owners: readonly PortOwner[];
  /** TCP sockets on the port by state, holders excluded (`ESTABLISHED`, `TIME_WAIT`, ...). */
  readonly connections: Readonly<Partial<Record<SocketState, number>>>;
  /** TCP sockets in TIME_WAIT on the port (they own no process and never stop a Node server). */
  readonly timeWait: number;
  /** How many holders cannot be seen (another user's process, no privilege). */
  readonly hidden: number;
  /** What to do to see the hidden holders (`'run as root (sudo) or as postgres'`), or `null`. */
  readonly privilegeHint: string | null;
  /** The socket-table adapter that answered. */
  readonly adapter: string;
}

/**
 * Counts of the TCP sockets on a port that are closing or closed, and what they mean.
 *
 * @example
 * ```ts
 * const report: TimeWaitReport = await inspectTimeWait(8000);
 * report.blockedByTimeWait; // false: a Node server could listen anyway
 * ```
 */
export interface TimeWaitReport {
  readonly port: number;
  /** Sockets in TIME_WAIT whose local port is the port. */
  readonly timeWait: number;
  /** Sockets in CLOSE_WAIT (the peer closed, the local program has not: often a leak). */
  readonly closeWait: number;
  /** Sockets in FIN_WAIT1 or FIN_WAIT2. */
  readonly finWait: number;
  /** Sockets in CLOSING or LAST_ACK. */
  readonly closing: number;
  /** TIME_WAIT sockets whose local port is the port (this machine's end on the port closed first). */
  readonly serverSide: number;
  /** TIME_WAIT sockets of connections this machine made *to* the port elsewhere (remote port). */
  readonly clientSide: number;
  /** Whether a listening socket holds the port now. */
  readonly listening: boolean;
  /** Whether a Node server could listen on the port right now (a bind probe, not a guess). */
  readonly nodeCanListen: boolean;
  /** Whether TIME_WAIT is what stops a Node server: nothing listens, TIME_WAIT sits there, and the bind fails. */
  readonly blockedByTimeWait: boolean;
  /** The adapter that read the table. */
  readonly adapter: string;
}

/**
 * Why an owner of the port was not signalled:
 * `'self'` the calling process; `'ancestor'` a parent, grandparent, ... of it; `'system'` pid 0
 * or 1 (or 4, Windows' System); `'hidden'` the owner cannot be seen; `'connection'` it only has a
 * connection whose local end is the port (a client whose random local port happens to be it: it
 * does not listen, and stopping it would break something unrelated); `'time-wait'` a TIME_WAIT
 * socket, which no process owns and which ends by itself; `'other-address'` its socket does not
 * conflict with the `host` asked for; `'managed'` something runs it that would restart it or
 * depends on it (a container, a service manager, pm2: see `PortOwner.manager`; stopped only with
 * `managed: 'signal'`); `'filtered'` the `filter` or `names` option said no;
 * `'dry-run'`; `'blocked'` left alone because another owner that may not be stopped keeps the
 * port taken anyway.
 *
 * @example
 * ```ts
 * const reason: SkipReason = 'ancestor';
 * ```
 */
export type SkipReason =
  | 'self'
  | 'ancestor'
  | 'system'
  | 'hidden'
  | 'connection'
  | 'time-wait'
  | 'other-address'
  | 'managed'
  | 'filtered'
  | 'dry-run'
  | 'blocked';

/**
 * An owner that was left alone, and why.
 *
 * @example
 * ```ts
 * const skipped: SkippedOwner = {pid: 1, name: 'systemd', reason: 'system', message: 'pid 1 (systemd) is a system process and is never signalled'};
 * ```
 */
export interface SkippedOwner {
  readonly pid: number | null;
  readonly name: string | null;
  readonly reason: SkipReason;
  readonly message: string;
  /** What a person can do about it (`'run as root (sudo) or as postgres'`), where there is something. */
  readonly hint?: string;
  /** With `reason: 'dry-run'`: the first step a real run would take (`'SIGTERM'`, `'taskkill'`). */
  readonly wouldSend?: string;
}

/**
 * A process that could not be stopped. `code` is the errno code of the failed signal (`'EPERM'`:
 * another user's process) or one of: `'ETIMEDOUT'` (still alive after SIGKILL, or when `maxWait`
 * ran out), `'ERR_IDENTITY_UNVERIFIED'` (alive, but its start time can no longer be read, so it
 * cannot be told from a new process that reused the pid: not signalled again),
 * `'ERR_TASKKILL_FAILED'` (Windows: taskkill failed for another reason; its text is the message).
 *
 * @example
 * ```ts
 * const failure: StopFailure = {pid: 4242, code: 'EPERM', message: 'Cannot send SIGTERM to pid 4242: operation not permitted'};
 * ```
 */
export interface StopFailure {
  readonly pid: number;
  readonly code: string;
  readonly message: string;
  /** What a person can do about it (EPERM: `'run as root (sudo) or as postgres'`). */
  readonly hint?: string;
}

/**
 * What happened to one signalled process.
 *
 * @example
 * ```ts
 * const stopped: StoppedProcess = {pid: 4242, name: 'node', commandLine: 'node server.js', signals: ['SIGTERM'],
 *   signal: 'SIGTERM', elapsedMs: 212, pidReused: false, identityVerified: true};
 * ```
 */
export interface StoppedProcess {
  readonly pid: number;
  readonly name: string | null;
  readonly commandLine: string | null;
  /** The signals (Windows: taskkill steps) sent, in order. */
  readonly signals: readonly string[];
  /** The signal after which the process was gone, or `null` if it never left. */
  readonly signal: string | null;
  /** Milliseconds from the first signal until the process was seen gone. */
  readonly elapsedMs: number;
  /** `true` when the pid changed hands after a signal: the holder is gone, the new process was left alone. */
  readonly pidReused: boolean;
  /** Whether the process identity (start time) was checked before each signal. */
  readonly identityVerified: boolean;
}

/**
 * Progress of a stop, for live status lines (the `onProgress` option).
 *
 * @example
 * ```ts
 * const onProgress = (event: StopProgress) => { if (event.type === 'exited') console.log(event.pid, event.elapsedMs); };
 * ```
 */
export type StopProgress =
  | {
      readonly type: 'signal';
      readonly pid: number;
      readonly signal: string;
      readonly owner: PortOwner;
    }
  | {
      readonly type: 'exited';
      readonly pid: number;
      readonly signal: string;
      readonly elapsedMs: number;
    }
  | {
      readonly type: 'failed';
      readonly pid: number;
      readonly code: string;
      readonly message: string;
    }
  | { readonly type: 'skipped'; readonly pid: number | null; readonly reason: SkipReason }
  | { readonly type: 'waiting'; readonly elapsedMs: number };

/**
 * What `killProcessOnPort` did.
 *
 * @example
 * ```ts
 * const report: KillReport = await killProcessOnPort(3000);
 * report.killed; // [4242]
 * ```
 */
export interface KillReport {
  readonly port: number;
  readonly protocol: Protocol;
  /** Pids that were signalled and are now gone. */
  readonly killed: readonly number[];
  /** Pids that could not be stopped, and why. */
  readonly failed: readonly StopFailure[];
  /** Owners left alone on purpose, and why. */
  readonly skipped: readonly SkippedOwner[];
  /** Owners that were gone before a signal reached them (exited, stopped by someone else, pid reused). */
  readonly gone: readonly number[];
  /** Per signalled process: signals sent, which one worked, how long it took. */
  readonly processes: readonly StoppedProcess[];
  /** The owners found before anything was signalled. */
  readonly owners: readonly PortOwner[];
  readonly dryRun: boolean;
  /** Milliseconds the whole call took. */
  readonly elapsedMs: number;
}

/**
 * Why a port is (or is not) free at the end of `freePort`: `'free'` a Node server can listen
 * now; `'unstoppable-owner'` an owner that may not be stopped (EPERM, filtered out, pid 1);
 * `'hidden-owner'` an owner that cannot be seen (or a socket no table shows); `'connection'`
 * only connections whose local end is the port keep it taken, and their owners are left alone;
 * `'self'` the calling process or an ancestor holds it; `'timeout'` `maxWait` ran out; `'denied'`
 * binding is refused (EACCES) though nothing holds the port; `'dry-run'`; `'managed'` an owner
 * something runs (a container, a service manager, pm2) holds it and `managed: 'signal'` was not
 * given; `'respawned'` a stopped holder was replaced at once by a new one from the same manager or
 * parent (or new holders kept taking the port after each stop): `respawnedBy` names who.
 *
 * @example
 * ```ts
 * const outcome: FreeOutcome = 'hidden-owner';
 * ```
 */
export type FreeOutcome =
  | 'free'
  | 'unstoppable-owner'
  | 'hidden-owner'
  | 'connection'
  | 'self'
  | 'timeout'
  | 'denied'
  | 'dry-run'
  | 'managed'
  | 'respawned';

/**
 * What `freePort` did and what is left.
 *
 * @example
 * ```ts
 * const report: FreeReport = await freePort(3000);
 * // {free: true, outcome: 'free', kill: {killed: [4242], ...}, remaining: [], timeWait: 3, ...}
 * ```
 */
export interface FreeReport {
  readonly port: number;
  readonly protocol: Protocol;
  /** `true` only when, at the end, a Node server could listen on the port. */
  readonly free: boolean;
  readonly outcome: FreeOutcome;
  /** The stop, or `null` when nothing was stopped (`waitOnly`, nothing held the port). */
  readonly kill: KillReport | null;
  /** Owners still holding the port at the end. */
  readonly remaining: readonly PortOwner[];
  /**
   * With `outcome: 'respawned'`: who starts the holder again — its manager, or its parent process
   * (`kind: 'parent'`) — and what to run instead; `null` when unknown or for other outcomes.
   */
  readonly respawnedBy: ProcessManager | null;
  /** TIME_WAIT sockets on the port at the end (they do not stop a Node server unless `free` is false). */
  readonly timeWait: number;
  /** Milliseconds the whole call took. */
  readonly elapsedMs: number;
}
