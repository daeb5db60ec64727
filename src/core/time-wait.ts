import type { TimeWaitReport } from '../reports.ts';
import { readSocketTable, type SocketTable } from '../socket-table/read.ts';
import type { SocketRow } from '../types.ts';
import type { Context } from './context.ts';
import { probeTarget, probeTargetNow } from './in-use.ts';

/**
 * A validated TIME_WAIT question.
 *
 * @example
 * ```ts
 * const question: TimeWaitQuery = {port: 8000, forcedAdapter: undefined};
 * ```
 */
export interface TimeWaitQuery {
  readonly port: number;
  readonly forcedAdapter: string | undefined;
}

/**
 * Reads the TCP rows of the port from an adapter that lists sockets without a visible owner
 * (TIME_WAIT rows own no process), without looking for owners; with `includeRemote`, also the
 * connections this machine made to that port elsewhere.
 *
 * @example
 * ```ts
 * const {rows} = await readTcpRows({port: 8000, forcedAdapter: undefined}, false, context);
 * ```
 */
export function readTcpRows(
  question: TimeWaitQuery,
  includeRemote: boolean,
  context: Context,
): Promise<SocketTable> {
  return readSocketTable(
    {
      query: { port: question.port, protocol: 'tcp', includeRemote, withoutOwners: true },
      forced: question.forcedAdapter,
      unownedSockets: true,
    },
    context.platform,
    context,
  );
}

/**
 * How many rows on the port's local side are in one of `states`.
 *
 * @example
 * ```ts
 * countStates(rows, 8000, ['TIME_WAIT']); // 12
 * ```
 */
export function countStates(rows: readonly SocketRow[], port: number, states: readonly string[]) {
  return rows.filter((row) => row.localPort === port && states.includes(row.state)).length;
}

/**
 * Whether at least one TCP socket whose local port is the port is in TIME_WAIT.
 *
 * @example
 * ```ts
 * await hasTimeWait({port: 8000, forcedAdapter: undefined}, context); // true
 * ```
 */
export async function hasTimeWait(question: TimeWaitQuery, context: Context): Promise<boolean> {
  const { rows } = await readTcpRows(question, false, context);
  return countStates(rows, question.port, ['TIME_WAIT']) > 0;
}

/**
 * Counts the closing and closed TCP sockets on the port, which side they are on, and — by a real
 * bind probe — whether a Node server could listen anyway.
 *
 * @example
 * ```ts
 * const report = await timeWaitReport({port: 8000, forcedAdapter: undefined}, context);
 * report.blockedByTimeWait; // false
 * ```
 */
export async function timeWaitReport(
  question: TimeWaitQuery,
  context: Context,
): Promise<TimeWaitReport> {
  const { port } = question;
  const { rows, adapter } = await readTcpRows(question, true, context);
  const timeWait = countStates(rows, port, ['TIME_WAIT']);
  const listening = rows.some((row) => row.localPort === port && row.state === 'LISTEN');
  const target = await probeTarget({ ...question, protocol: 'tcp' }, context);
  const probe = await probeTargetNow(target, context);
  return {
    port,
    timeWait,
    closeWait: countStates(rows, port, ['CLOSE_WAIT']),
    finWait: countStates(rows, port, ['FIN_WAIT1', 'FIN_WAIT2']),
    closing: countStates(rows, port, ['CLOSING', 'LAST_ACK']),
    serverSide: timeWait,
    clientSide: rows.filter(
      (row) => row.remotePort === port && row.localPort !== port && row.state === 'TIME_WAIT',
    ).length,
    listening,
    nodeCanListen: !probe.inUse,
    blockedByTimeWait: !listening && timeWait > 0 && probe.inUse,
    adapter: adapter.name,
  };
}
