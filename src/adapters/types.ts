import type { CommandRunner } from '../runner.ts';
import type { Protocol, SocketRow } from '../types.ts';

/**
 * What an adapter is asked: the sockets whose *local* port is `port`. Adapters may return more
 * rows than asked (the caller filters), never fewer.
 */
export interface SocketQuery {
  readonly port: number;
  /** Only this protocol; both when undefined. */
  readonly protocol?: Protocol;
  /**
   * Also rows whose *remote* port is `port` (connections this machine made to that port), for
   * the TIME_WAIT report. Adapters that cannot filter that way may ignore it.
   */
  readonly includeRemote?: boolean;
  /** Owners are not needed (TIME_WAIT counting): an adapter may skip finding them. */
  readonly withoutOwners?: boolean;
}

/** Everything an adapter may touch, injectable for tests (replayed commands, a fixture /proc). */
export interface AdapterContext {
  /** Runs tools with argument arrays and timeouts. */
  readonly run: CommandRunner;
  /** Root of the proc filesystem, `'/proc'` unless a test points it at a fixture tree. */
  readonly procRoot: string;
  /** The platform being served, `process.platform` unless a test emulates another. */
  readonly platform: NodeJS.Platform;
  /** Milliseconds a single tool may run. */
  readonly timeout: number;
  readonly signal?: AbortSignal;
  /** Environment for tools (PATH); `process.env` by default. */
  readonly env: NodeJS.ProcessEnv;
}

/**
 * One source of the socket table (a file tree or a tool) behind one interface. An adapter reads
 * its source and parses it with a pure parser; it knows nothing of killing or waiting.
 *
 * `read` throws (a `CommandNotFoundError`, `CommandTimeoutError`, `CommandFailedError`,
 * `UnparseableOutputError`, or a filesystem error) when the source cannot answer; the socket
 * table then falls through to the next adapter.
 */
export interface SocketTableAdapter {
  /** Short stable name, used by the `adapter` option and `PORTWARDEN_ADAPTER`. */
  readonly name: string;
  /**
   * `true` when the source lists sockets whose owner it cannot see (procfs, ss, netstat): an empty
   * answer then really means "nothing there". `false` for sources that list only the processes
   * they can inspect (lsof, pid-port): their empty answer is confirmed by a bind probe.
   */
  readonly listsHiddenSockets: boolean;
  read(query: SocketQuery, context: AdapterContext): Promise<SocketRow[]>;
}
