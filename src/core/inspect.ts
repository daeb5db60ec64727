import { createLogger } from '../log.ts';
import { readSocketTable } from '../socket-table/read.ts';
import { holdsPort } from '../socket-table/rows.ts';
import { throwIfAborted } from '../system/timing.ts';
import type { PortOwner, Protocol, SocketRow } from '../types.ts';
import type { Context } from './context.ts';
import { describeOwners } from './owners.ts';
import { probeHosts } from './probe.ts';

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
 * Reads the socket table once and turns the holding rows into owners. Where the adapter lists
 * only the processes it may inspect (lsof, pid-port), an empty answer is confirmed by a bind
 * probe: a port that is bound by somebody unseen gets a `pid: null` owner, never `[]`.
 *
 * @example
 * ```ts
 * const inspection = await inspect({port: 3000, protocol: 'tcp', forcedAdapter: undefined}, context);
 * ```
 */
export async function inspect(question: OwnerQuery, context: Context): Promise<Inspection> {
  throwIfAborted(context.signal);
  const { port, protocol } = question;
  const { rows, adapter } = await readSocketTable(
    { query: { port, protocol }, forced: question.forcedAdapter },
    context.platform,
    context,
  );
  const holding = rows.filter((row) => holdsPort(row, port, protocol));
  const owners = await describeOwners(holding, adapter, context);
  if (owners.length === 0 && !adapter.listsHiddenSockets) {
    const hidden = await probeForHiddenOwner(question, adapter.name, context);
    if (hidden) owners.push(hidden);
  }
  return { port, protocol, owners, rows, adapter: adapter.name };
}

async function probeForHiddenOwner(
  question: OwnerQuery,
  adapter: string,
  context: Context,
): Promise<PortOwner | undefined> {
  const { port, protocol } = question;
  const results = await probeHosts(port, context.platform.probe.hosts, protocol);
  const busy = results.find((result) => result.outcome === 'in-use');
  if (!busy) return undefined;
  debug(
    'adapter %s saw no owner of port %d but %s is in use: hidden owner',
    adapter,
    port,
    busy.host,
  );
  return {
    pid: null,
    name: null,
    protocol,
    state: protocol === 'tcp' ? 'LISTEN' : 'BOUND',
    family: busy.host.includes(':') ? 'IPv6' : 'IPv4',
    address: '*',
    port,
    commandLine: null,
    argv: null,
    uid: null,
    user: null,
    startTime: null,
    adapter,
    manager: null,
  };
}
