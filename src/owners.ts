import type { AdapterContext, SocketTableAdapter } from './adapters/types.ts';
import { throwIfAborted } from './errors.ts';
import { createLogger } from './log.ts';
import { type CommonOptions, contextFromOptions } from './options.ts';
import { platformProfile } from './platforms.ts';
import { validateOptions, validatePort, validateProtocol } from './port.ts';
import { probeHosts } from './probe.ts';
import { probeProfile } from './probe-profiles.ts';
import { lookupUserName } from './process/users.ts';
import { holdsPort } from './rows.ts';
import { readSocketTable, resolveAdapterName } from './socket-table.ts';
import type { PortOwner, Protocol, SocketRow } from './types.ts';

const debug = createLogger('portwarden:owners');

/** Options of {@link getProcessesOnPort}. */
export interface GetProcessesOptions extends CommonOptions {
  /** `'tcp'` (default): listening sockets; `'udp'`: bound UDP sockets. */
  readonly protocol?: Protocol;
}

/** Everything one read of the socket table says about a port (used by kill, free and the CLI). */
export interface PortInspection {
  readonly port: number;
  readonly protocol: Protocol;
  readonly owners: readonly PortOwner[];
  /** Every row the adapter returned for the port (TIME_WAIT, clients, ...). */
  readonly rows: readonly SocketRow[];
  readonly adapter: string;
}

/**
 * Reads the socket table once and turns the holding rows into {@link PortOwner}s with names,
 * command lines and users. Internal building block of the public functions; expects validated
 * input.
 *
 * @example
 * ```ts
 * const inspection = await inspectPort(3000, 'tcp', createContext());
 * ```
 */
export async function inspectPort(
  port: number,
  protocol: Protocol,
  context: AdapterContext,
  forcedAdapter?: string,
): Promise<PortInspection> {
  throwIfAborted(context.signal);
  const { rows, adapter } = await readSocketTable({ port, protocol }, context, forcedAdapter);
  const holding = rows.filter((row) => holdsPort(row, port, protocol));
  const owners = await describeOwners(holding, adapter, context);
  if (owners.length === 0 && !adapter.listsHiddenSockets) {
    // lsof and pid-port list only the processes they may inspect: an empty answer is not "free"
    // until a bind probe agrees.
    const hidden = await probeForHiddenOwner(port, protocol, context, adapter);
    if (hidden) owners.push(hidden);
  }
  return { port, protocol, owners, rows, adapter: adapter.name };
}

async function describeOwners(
  rows: readonly SocketRow[],
  adapter: SocketTableAdapter,
  context: AdapterContext,
): Promise<PortOwner[]> {
  const pids = [...new Set(rows.flatMap((row) => row.owners.map((owner) => owner.pid)))];
  const infos =
    pids.length > 0
      ? await platformProfile(context.platform).processInfo(pids, context)
      : new Map();
  const seen = new Set<string>();
  const owners: PortOwner[] = [];
  const add = (owner: PortOwner) => {
    const key = `${owner.pid}|${owner.protocol}|${owner.family}|${owner.address}|${owner.port}|${owner.state}`;
    if (seen.has(key)) return;
    seen.add(key);
    owners.push(owner);
  };
  for (const row of rows) {
    const base = {
      protocol: row.protocol,
      state: row.state,
      family: row.family,
      address: row.localAddress,
      port: row.localPort,
      adapter: adapter.name,
    };
    if (row.owners.length === 0) {
      const uid = row.uid ?? null;
      add({
        ...base,
        pid: null,
        name: null,
        commandLine: null,
        argv: null,
        uid,
        user: uid === null || context.platform !== 'linux' ? null : lookupUserName(uid),
        startTime: null,
      });
      continue;
    }
    for (const rowOwner of row.owners) {
      const info = infos.get(rowOwner.pid);
      add({
        ...base,
        pid: rowOwner.pid,
        name: info?.name ?? rowOwner.name ?? null,
        commandLine: info?.commandLine ?? null,
        argv: info?.argv ?? null,
        uid: info?.uid ?? row.uid ?? null,
        user: info?.user ?? null,
        startTime: info?.startTime ?? null,
      });
    }
  }
  return owners.sort(compareOwners);
}

function compareOwners(a: PortOwner, b: PortOwner): number {
  if (a.pid !== b.pid) {
    if (a.pid === null) return 1;
    if (b.pid === null) return -1;
    return a.pid - b.pid;
  }
  if (a.family !== b.family) return a.family === 'IPv4' ? -1 : 1;
  return a.address.localeCompare(b.address);
}

async function probeForHiddenOwner(
  port: number,
  protocol: Protocol,
  context: AdapterContext,
  adapter: SocketTableAdapter,
): Promise<PortOwner | undefined> {
  const results = await probeHosts(port, probeProfile(context.platform).hosts, protocol);
  const busy = results.find((result) => result.outcome === 'in-use');
  if (!busy) return undefined;
  debug(
    'adapter %s saw no owner of port %d but %s is in use: hidden owner',
    adapter.name,
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
    adapter: adapter.name,
  };
}

/**
 * Lists every process that holds `port`: one entry per owning process and socket. Listening TCP
 * sockets by default, bound UDP sockets with `protocol: 'udp'`. A socket shared by a parent and its
 * forked children lists each of them; a connected client of the port is never listed; a socket
 * whose owner cannot be seen (another user's process, no privilege) is an entry with
 * `pid: null` — an empty array really means that nothing holds the port.
 *
 * On Linux it reads `/proc` directly (no subprocess); elsewhere it runs the platform's tools.
 *
 * @example
 * ```ts
 * import {getProcessesOnPort} from 'portwarden';
 *
 * for (const owner of await getProcessesOnPort(3000)) {
 *   console.log(owner.pid ?? 'hidden', owner.name, owner.commandLine, `${owner.address}:${owner.port}`);
 * }
 * // 4242 node node server.js :::3000
 * ```
 */
export async function getProcessesOnPort(
  port: number | string,
  options?: GetProcessesOptions,
): Promise<PortOwner[]> {
  const validPort = validatePort(port);
  const valid = validateOptions<GetProcessesOptions>(options);
  const protocol = validateProtocol(valid.protocol);
  const context = contextFromOptions(valid);
  const adapter = resolveAdapterName(valid.adapter, context.env);
  const inspection = await inspectPort(validPort, protocol, context, adapter);
  return [...inspection.owners];
}
