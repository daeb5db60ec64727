/**
 * Transport protocol.
 *
 * @example
 * ```ts
 * const protocol: Protocol = 'udp';
 * ```
 */
export type Protocol = 'tcp' | 'udp';

/**
 * A signal name, as `kill -l` spells it with the `SIG` prefix (`'SIGTERM'`, `'SIGINT'`).
 *
 * @example
 * ```ts
 * const signal: SignalName = 'SIGINT';
 * ```
 */
export type SignalName = `SIG${string}`;

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
 * The `AbortSignal` type of the project that uses portwarden: the DOM library's or
 * `@types/node`'s where the project has one of them, else {@link AbortSignalLike}. Used where
 * portwarden hands a signal out (the `beforeExit` hook of `handleShutdownSignals`), so that a
 * project with those types can pass it on to `fetch` and the like, and one without them still
 * type-checks.
 *
 * @example
 * ```ts
 * handleShutdownSignals(server, {beforeExit: (_signal, abortSignal: HostAbortSignal) => flush({signal: abortSignal})});
 * ```
 */
export type HostAbortSignal = typeof globalThis extends {
  AbortSignal: { prototype: infer Signal };
}
  ? Signal
  : AbortSignalLike;

/**
 * Address family of a socket.
 *
 * @example
 * ```ts
 * const family: Family = 'IPv6';
 * ```
 */
export type Family = 'IPv4' | 'IPv6';

/**
 * A socket's state, in one vocabulary whatever the source (Linux names).
 * `'BOUND'` is an unconnected UDP socket (Linux `/proc` says CLOSE, ss UNCONN, PowerShell Bound);
 * `'UNKNOWN'` is a state the source printed that is not one of these (kept in `rawState`).
 *
 * @example
 * ```ts
 * const waiting = owners.filter((owner) => owner.state === 'TIME_WAIT').length;
 * ```
 */
export type SocketState =
  | 'LISTEN'
  | 'ESTABLISHED'
  | 'SYN_SENT'
  | 'SYN_RECV'
  | 'FIN_WAIT1'
  | 'FIN_WAIT2'
  | 'TIME_WAIT'
  | 'CLOSE'
  | 'CLOSE_WAIT'
  | 'LAST_ACK'
  | 'CLOSING'
  | 'BOUND'
  | 'UNKNOWN';

/**
 * A process that has a socket open, as a socket-table source reports it.
 *
 * @example
 * ```ts
 * const owner: RowOwner = {pid: 4242, name: 'node', startTime: '123456'};
 * ```
 */
export interface RowOwner {
  /** Process id. */
  readonly pid: number;
  /** Process name, when the source prints one (may be truncated by the tool). */
  readonly name?: string | null;
  /** The descriptor the source names for the socket (`ss -p`), to verify the claim by. */
  readonly fd?: number;
  /**
   * The process's start time, read while it was proven to hold the socket (Linux: between two
   * reads of its `/proc/<pid>/fd` link), so a pid reused later cannot take its place.
   */
  readonly startTime?: string | null;
}

/**
 * One socket, as every adapter reports it after parsing. Parsers are pure functions from a tool's
 * text to `SocketRow[]`.
 *
 * Addresses are normalised: no brackets, IPv4 wildcard `'0.0.0.0'`, IPv6 wildcard `'::'`; a
 * zone or interface scope (`%lo`, `%11`) is kept after the address.
 *
 * @example
 * ```ts
 * const row: SocketRow = {protocol: 'tcp', family: 'IPv4', localAddress: '127.0.0.1', localPort: 3000,
 *   remoteAddress: null, remotePort: null, state: 'LISTEN', owners: [{pid: 4242}], inode: 91234};
 * ```
 */
export interface SocketRow {
  readonly protocol: Protocol;
  readonly family: Family;
  readonly localAddress: string;
  readonly localPort: number;
  /** `null` when the source prints none (a listener, an unconnected UDP socket). */
  readonly remoteAddress: string | null;
  readonly remotePort: number | null;
  readonly state: SocketState;
  /** The state word as the source printed it, when it differs from `state` or is unknown. */
  readonly rawState?: string;
  /**
   * The processes that have this socket open. Empty when the source saw none: for a TIME_WAIT
   * row that means "no process", for a LISTEN or bound row it means "owner hidden".
   */
  readonly owners: readonly RowOwner[];
  /** The socket owner's uid, where the source prints it. */
  readonly uid?: number | null;
  /** The socket's inode, where the source prints it (Linux). */
  readonly inode?: number | null;
}

/**
 * A process (or a hidden owner) holding a port: the result of `getProcessesOnPort`. Usually a
 * listening TCP socket (`state: 'LISTEN'`) or a bound UDP socket (`'BOUND'`); when nothing
 * listens but a bind still fails, the sockets that block it: a connection whose local end is the
 * port (`'ESTABLISHED'`, ...), a TIME_WAIT socket (no process: `pid: null`), or a socket no table
 * here can show (`pid: null`, `state: 'UNKNOWN'`, with a `reason`).
 *
 * @example
 * ```ts
 * const [owner] = await getProcessesOnPort(3000);
 * // {pid: 4242, name: 'node', commandLine: 'node server.js', user: 'me', protocol: 'tcp',
 * //  state: 'LISTEN', family: 'IPv6', address: '::', port: 3000, ...}
 * ```
 */
export interface PortOwner {
  /**
   * `null`: a socket holds the port, but its owner cannot be seen (another user's process), or it
   * has none (TIME_WAIT); `reason` says which.
   */
  readonly pid: number | null;
  /** The program's short name (`node`, `python3`), where it can be seen. */
  readonly name: string | null;
  readonly protocol: Protocol;
  /**
   * `'LISTEN'` for a listening TCP socket, `'BOUND'` for a bound UDP socket (or a TCP socket bound
   * without listening, where the system shows those); a TCP state name for a connection whose
   * local end is the port; `'UNKNOWN'` for a socket a bind probe met but no table shows.
   */
  readonly state: string;
  readonly family: Family;
  /** The local address the socket is bound to (`'0.0.0.0'`, `'::'`, `'127.0.0.1'`, ...). */
  readonly address: string;
  readonly port: number;
  /** The full command line, arguments joined by spaces, where it can be seen. */
  readonly commandLine: string | null;
  /** The command line as an argument array, where it can be seen (Linux `/proc/<pid>/cmdline`). */
  readonly argv: readonly string[] | null;
  /** The user name of the process (or of the socket, for a hidden owner), where known. */
  readonly user: string | null;
  /** The uid of the process (or of the socket), where known. */
  readonly uid: number | null;
  /** The parent process, where known. */
  readonly ppid: number | null;
  /**
   * An opaque token that identifies the process across pid reuse (Linux: start time in clock
   * ticks since boot), where known.
   */
  readonly startTime: string | null;
  /** The adapter that read the socket table. */
  readonly adapter: string;
  /** The socket's inode (Linux), where the source shows it. */
  readonly inode: number | null;
  /**
   * Why this entry has no process, in words (`pid: null`): its owner is another user's process
   * that cannot be seen, it is a TIME_WAIT socket no process owns, or no socket table here shows
   * the socket that a bind probe met. `null` for an owner that was seen.
   */
  readonly reason: string | null;
  /**
   * What runs this process and would restart it or depends on it (a container, a service
   * manager, a process manager), or `null`. A managed owner is not signalled by default.
   */
  readonly manager: ProcessManager | null;
}

/**
 * What runs a process that holds a port, when something does: stopping the process itself would
 * be undone (a restart) or break something (a container's published port).
 *
 * @example
 * ```ts
 * const manager: ProcessManager = {kind: 'pm2', name: 'api', hint: 'pm2 stop api'};
 * ```
 */
export interface ProcessManager {
  /** `'docker'`, `'systemd'`, `'pm2'`, `'launchd'`, `'windows-service'`, or another documented kind. */
  readonly kind: string;
  /** The container, unit, app or service name, where known. */
  readonly name: string | null;
  /** The command a person runs to stop it properly (`systemctl stop web.socket web.service`). */
  readonly hint: string;
  /**
   * For a well-known holder (macOS's AirPlay Receiver, Windows' http.sys, docker-proxy, ...),
   * what is going on, in one sentence; otherwise `null`.
   */
  readonly explanation?: string | null;
}
