import type { PortReport } from '../reports.ts';
import type { SocketState } from '../types.ts';
import type { Context } from './context.ts';
import { probeTarget, probeTargetNow } from './in-use.ts';
import { type Inspection, inspect, type OwnerQuery } from './inspect.ts';

/**
 * Counts the TCP sockets on the port by state, holders (listeners) excluded.
 *
 * @example
 * ```ts
 * connectionsByState(inspection); // {ESTABLISHED: 2, TIME_WAIT: 12}
 * ```
 */
function connectionsByState(inspection: Inspection): Partial<Record<SocketState, number>> {
  const connections: Partial<Record<SocketState, number>> = {};
  for (const row of inspection.rows) {
    if (row.protocol !== 'tcp' || row.localPort !== inspection.port || row.state === 'LISTEN') {
      continue;
    }
    connections[row.state] = (connections[row.state] ?? 0) + 1;
  }
  return connections;
}

/**
 * Everything `portwarden who` prints about a port: the owners and connections of one read of the
 * socket table, a bind probe, how many owners are hidden and what to do about it.
 *
 * @example
 * ```ts
 * const report = await portReport({port: 3000, protocol: 'tcp', forcedAdapter: undefined}, context);
 * ```
 */
export async function portReport(question: OwnerQuery, context: Context): Promise<PortReport> {
  const inspection = await inspect(question, context);
  const probe = await probeTargetNow(await probeTarget(question, context), context);
  const connections = connectionsByState(inspection);
  const hiddenOwners = inspection.owners.filter((owner) => owner.pid === null);
  const users = [...new Set(hiddenOwners.map((owner) => owner.user))];
  return {
    port: question.port,
    protocol: question.protocol,
    inUse: probe.inUse || inspection.owners.length > 0,
    owners: inspection.owners,
    connections,
    timeWait: connections.TIME_WAIT ?? 0,
    hidden: hiddenOwners.length,
    privilegeHint:
      hiddenOwners.length === 0
        ? null
        : context.platform.privilegeHint(users.length === 1 ? (users[0] ?? null) : null),
    adapter: inspection.adapter,
  };
}
