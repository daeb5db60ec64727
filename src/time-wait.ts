import { probePort } from './in-use.ts';
import { type CommonOptions, contextFromOptions } from './options.ts';
import { validateOptions, validatePort } from './port.ts';
import { readSocketTable, resolveAdapterName } from './socket-table.ts';
import type { SocketRow } from './types.ts';

/** Options of {@link checkPortTimeWait} and {@link getTimeWaitInfo}. */
export interface TimeWaitOptions extends CommonOptions {}

/** Counts of the TCP sockets on a port that are closing or closed, and what they mean. */
export interface TimeWaitInfo {
  readonly port: number;
  /** Sockets in TIME_WAIT whose local port is the port. */
  readonly timeWait: number;
  /** Sockets in CLOSE_WAIT (the peer closed, the local program has not: often a leak). */
  readonly closeWait: number;
  /** Sockets in FIN_WAIT1 or FIN_WAIT2. */
  readonly finWait: number;
  /** Sockets in CLOSING or LAST_ACK. */
  readonly closing: number;
  /**
   * TIME_WAIT sockets on the server side: their local port is the port (this machine's socket on
   * the port closed first). They own no process and never stop a Node server (SO_REUSEADDR).
   */
  readonly serverSide: number;
  /**
   * TIME_WAIT sockets on the client side: connections this machine made *to* the port elsewhere
   * (remote port is the port). They do not touch the local port.
   */
  readonly clientSide: number;
  /** Whether a listening socket holds the port now. */
  readonly listening: boolean;
  /** Whether a Node server could listen on the port right now (a bind probe, not a guess). */
  readonly nodeCanListen: boolean;
  /**
   * Whether TIME_WAIT is what stops a Node server: nothing listens, TIME_WAIT rows sit on the
   * port, and the bind probe fails (the port was the source port of an outgoing connection whose
   * socket had no SO_REUSEADDR).
   */
  readonly blockedByTimeWait: boolean;
  /** The adapter that read the table. */
  readonly adapter: string;
}

/**
 * Validates the call and reads the TCP rows of the port from an adapter that lists sockets
 * without a visible owner (TIME_WAIT rows own no process), without looking for owners.
 */
async function readTcpRows(port: unknown, options: unknown, includeRemote: boolean) {
  const validPort = validatePort(port);
  const valid = validateOptions<TimeWaitOptions>(options);
  const context = contextFromOptions(valid);
  const forcedAdapter = resolveAdapterName(valid.adapter, context.env);
  const { rows, adapter } = await readSocketTable(
    { port: validPort, protocol: 'tcp', includeRemote, withoutOwners: true },
    context,
    forcedAdapter,
    { unownedSockets: true },
  );
  return { validPort, valid, rows, adapter };
}

function count(rows: readonly SocketRow[], port: number, states: readonly string[]): number {
  return rows.filter((row) => row.localPort === port && states.includes(row.state)).length;
}

/**
 * Tells how many TCP sockets on the port are in TIME_WAIT, CLOSE_WAIT, FIN_WAIT and CLOSING,
 * which side they are on, and — by a real bind probe — whether a Node server could listen anyway.
 * macOS's netstat does not list TIME_WAIT sockets, so there the counts stay 0.
 *
 * @example
 * ```ts
 * import {getTimeWaitInfo} from 'portwarden';
 *
 * const info = await getTimeWaitInfo(8000);
 * // {timeWait: 12, serverSide: 12, clientSide: 0, listening: false, nodeCanListen: true,
 * //  blockedByTimeWait: false, ...}
 * ```
 */
export async function getTimeWaitInfo(
  port: number | string,
  options?: TimeWaitOptions,
): Promise<TimeWaitInfo> {
  const { validPort, valid, rows, adapter } = await readTcpRows(port, options, true);
  const timeWait = count(rows, validPort, ['TIME_WAIT']);
  const listening = rows.some((row) => row.localPort === validPort && row.state === 'LISTEN');
  const probe = await probePort(validPort, { ...valid, protocol: 'tcp' });
  return {
    port: validPort,
    timeWait,
    closeWait: count(rows, validPort, ['CLOSE_WAIT']),
    finWait: count(rows, validPort, ['FIN_WAIT1', 'FIN_WAIT2']),
    closing: count(rows, validPort, ['CLOSING', 'LAST_ACK']),
    serverSide: timeWait,
    clientSide: rows.filter(
      (row) =>
        row.remotePort === validPort && row.localPort !== validPort && row.state === 'TIME_WAIT',
    ).length,
    listening,
    nodeCanListen: !probe.inUse,
    blockedByTimeWait: !listening && timeWait > 0 && probe.inUse,
    adapter: adapter.name,
  };
}

/**
 * `true` when at least one TCP socket whose local port is `port` is in the TIME_WAIT state.
 * TIME_WAIT rarely explains "port already in use" for a Node server: see {@link getTimeWaitInfo}.
 *
 * @example
 * ```ts
 * import {checkPortTimeWait} from 'portwarden';
 *
 * await checkPortTimeWait(8000); // true right after the server closed its connections
 * ```
 */
export async function checkPortTimeWait(
  port: number | string,
  options?: TimeWaitOptions,
): Promise<boolean> {
  const { validPort, rows } = await readTcpRows(port, options, false);
  return rows.some((row) => row.localPort === validPort && row.state === 'TIME_WAIT');
}
