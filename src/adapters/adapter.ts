import type { ToolContext } from '../system/tools.ts';
import type { Protocol, SocketRow } from '../types.ts';

/**
 * What an adapter is asked: the sockets whose *local* port is `port`. Adapters may return more
 * rows than asked (the caller filters), never fewer.
 *
 * @example
 * ```ts
 * const query: SocketQuery = {port: 3000, protocol: 'tcp'};
 * ```
 */
export interface SocketQuery {
  readonly port: number;
  /** Only this protocol; both when undefined. */
  readonly protocol?: Protocol | undefined;
  /**
   * Also rows whose *remote* port is `port` (connections this machine made to that port), for
   * the TIME_WAIT report. Adapters that cannot filter that way may ignore it.
   */
  readonly includeRemote?: boolean | undefined;
  /** Owners are not needed (TIME_WAIT counting): an adapter may skip finding them. */
  readonly withoutOwners?: boolean | undefined;
}

/**
 * One source of the socket table (a file tree or a tool) behind one interface. An adapter reads
 * its source and parses it with a pure parser; it knows nothing of killing or waiting, nor of
 * which operating system it serves (the platform profile lists it where it belongs).
 *
 * `read` throws (a `CommandNotFoundError`, `CommandTimeoutError`, `CommandFailedError`,
 * `UnparseableOutputError`, or a filesystem error) when the source cannot answer; the socket
 * table then falls through to the next adapter.
 *
 * @example
 * ```ts
 * const rows = await ssAdapter.read({port: 3000, protocol: 'tcp'}, tools);
 * ```
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
  /**
   * Optional: whether this adapter is worth trying for `query` now, when no adapter is forced (a
   * cheap check, e.g. the size of the socket table). `false` passes it over without counting as a
   * failure; a forced adapter always runs.
   */
  readonly preferred?: (query: SocketQuery, tools: ToolContext) => boolean;
  read(query: SocketQuery, tools: ToolContext): Promise<SocketRow[]>;
}
