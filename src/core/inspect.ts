import { createLogger } from '../log.ts';
import { readSocketTable } from '../socket-table/read.ts';
import { holdsPort, usesPortLocally } from '../socket-table/rows.ts';
import { throwIfAborted } from '../system/timing.ts';
import type { PortOwner, Protocol, SocketRow } from '../types.ts';
import type { Context } from './context.ts';
import { bindProbes, probeTarget } from './in-use.ts';
import { attachManagers } from './managers.ts';
import { describeOwners } from './owners.ts';
import { asRead } from './port-lock.ts';

const debug = createLogger('portwarden:owners');

/**
 * A validated "who holds this port?" question.
 *
 * @example
 * ```ts
 * const question: OwnerQuery = {port: 3000, protocol: 'tcp', forcedAdapter: undefined};
 * ```
 */
export interface OwnerQuery {
  readonly port: number;
  readonly protocol: Protocol;
  readonly forcedAdapter: string | undefined;
}

/**
 * Everything one read of the socket table says about a port.
 *
 * @example
 * ```ts
 * const {owners, rows, adapter}: Inspection = await inspect(question, context);
 * ```
 */
export interface Inspection {
  readonly port: number;
  readonly protocol: Protocol;
  readonly owners: readonly PortOwner[];
  /** Every row the adapter returned for the port (TIME_WAIT, clients, ...). */
  readonly rows: readonly SocketRow[];
  readonly adapter: string;
}

/**
 * Reads the socket table once and tells who holds the port: the owners of its listening (TCP) or
 * bound (UDP) sockets — one entry per process and socket, a busy server's connections left out.
 * When nothing listens or is bound, a bind probe says whether something else still blocks the
 * port, and then the answer is what blocks it: the owners of connections whose local end is the
 * port, TIME_WAIT sockets (`pid: null`), or — when no row shows it, whatever the adapter — one
 * `pid: null` entry that says a socket the table cannot show holds the port. So "in use" never
 * comes with an empty answer.
 *
 * @example
 * ```ts
 * const inspection = await inspect({port: 3000, protocol: 'tcp', forcedAdapter: undefined}, context);
 * ```
 */
export async function inspect(question: OwnerQuery, context: Context): Promise<Inspection> {
  throwIfAborted(context.signal);
  const { port, protocol } = question;
  // Not while this process probes the port: its probe socket would look like an owner.
  const {
    rows,
    adapter,
    owners: described,
  } = await asRead(`${protocol}:${port}`, async () => {
    const table = await readSocketTable(
      { query: { port, protocol }, forced: question.forcedAdapter },
      context.platform,
      context,
    );
    const holding = table.rows.filter((row) => holdsPort(row, port, protocol));
    return { ...table, owners: await describeOwners(holding, table.adapter, context) };
  });
  let owners = described;
  if (owners.length === 0 && (await blocked(question, context))) {
    const blocking = rows.filter((row) => usesPortLocally(row, port, protocol));
    owners =
      blocking.length > 0
        ? await describeOwners(blocking, adapter, context)
        : [unseenOwner(question, adapter.name)];
    debug('port %d: nothing listens, yet a bind fails: %d blocking entries', port, owners.length);
  }
  return {
    port,
    protocol,
    owners: await attachManagers(owners, context),
    rows,
    adapter: adapter.name,
  };
}

/** Whether a bind on the port fails now (on any address a server would use). */
async function blocked(question: OwnerQuery, context: Context): Promise<boolean> {
  const probes = await bindProbes(await probeTarget(question, context), context);
  return probes.some((probe) => probe.outcome === 'in-use');
}

function unseenOwner(question: OwnerQuery, adapter: string): PortOwner {
  const { port, protocol } = question;
  return {
    pid: null,
    name: null,
    protocol,
    state: 'UNKNOWN',
    family: 'IPv4',
    address: '*',
    port,
    commandLine: null,
    argv: null,
    uid: null,
    user: null,
    ppid: null,
    startTime: null,
    adapter,
    inode: null,
    reason: `a bind to port ${port} fails, but the ${adapter} socket table shows no socket on it: a socket bound without listening (on Linux no /proc/net file lists those), or one of a process this table cannot see`,
    manager: null,
  };
}
