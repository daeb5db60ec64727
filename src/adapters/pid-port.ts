import {
  AbortError,
  AdapterUnavailableError,
  CommandFailedError,
  CommandNotFoundError,
  CommandTimeoutError,
} from '../errors.ts';
import { createLogger } from '../log.ts';
import { familyOf, normalizeAddress } from '../parsers/address.ts';
import { throwIfAborted } from '../system/timing.ts';
import { type ToolContext, toolRunOptions } from '../system/tools.ts';
import type { Family, Protocol, SocketRow } from '../types.ts';
import type { SocketQuery, SocketTableAdapter } from './adapter.ts';

const debug = createLogger('portwarden:adapter:pid-port');

/** The part of pid-port's API this adapter uses (`portBindings` exists from pid-port 2.1). */
interface PidPortApi {
  portToPid(options: { port: number; host?: string }): Promise<number | undefined>;
  portBindings?(
    port: number,
    options?: { host?: string },
  ): Promise<{ host: string; pid: number }[]>;
}

/**
 * One holder as pid-port reports it: the host it printed (`'*'` when unknown) and the pid.
 *
 * @example
 * ```ts
 * const binding: PidPortBinding = {host: '127.0.0.1', pid: 4242};
 * ```
 */
export interface PidPortBinding {
  readonly host: string;
  readonly pid: number;
}

/**
 * The address pid-port says nothing reliable about. pid-port maps `::` to `*`, and `portToPid`
 * gives no address at all, so `'*'` is kept as is rather than turned into a wildcard of a family
 * nobody reported.
 *
 * @example
 * ```ts
 * rows.filter((row) => row.localAddress === UNKNOWN_ADDRESS); // rows whose address pid-port did not give
 * ```
 */
const UNKNOWN_ADDRESS = '*';

async function loadPidPort(): Promise<PidPortApi> {
  try {
    return (await import('pid-port')) as PidPortApi;
  } catch (error) {
    throw new AdapterUnavailableError('pid-port', 'The pid-port package cannot be loaded', {
      cause: error,
    });
  }
}

/**
 * Turns pid-port's answer into socket rows. pid-port tells neither the protocol nor the state
 * (it matches the local port in listener and connection rows alike), so each row says what was
 * asked: `protocol` from the query (`'tcp'` when both were asked), state `LISTEN` (TCP) or
 * `BOUND` (UDP). The address is the host pid-port printed, normalised when it is an IP address;
 * `'*'` (any address, or unknown) stays `'*'` with family `IPv4`, which then means nothing.
 *
 * @example
 * ```ts
 * pidPortRows([{host: '*', pid: 4242}], 3000, 'tcp');
 * // [{protocol: 'tcp', family: 'IPv4', localAddress: '*', localPort: 3000, remoteAddress: null,
 * //   remotePort: null, state: 'LISTEN', owners: [{pid: 4242}]}]
 * ```
 */
export function pidPortRows(
  bindings: readonly PidPortBinding[],
  port: number,
  protocol: Protocol,
): SocketRow[] {
  const seen = new Set<string>();
  const rows: SocketRow[] = [];
  for (const { host, pid } of bindings) {
    if (!Number.isInteger(pid) || pid <= 0) continue;
    const known = host !== UNKNOWN_ADDRESS && host !== '';
    const family: Family = known ? familyOf(host, 'IPv4') : 'IPv4';
    const localAddress = known ? normalizeAddress(host, family) : UNKNOWN_ADDRESS;
    const key = `${localAddress}|${pid}`;
    if (seen.has(key)) continue;
    seen.add(key);
    rows.push({
      protocol,
      family,
      localAddress,
      localPort: port,
      remoteAddress: null,
      remotePort: null,
      state: protocol === 'udp' ? 'BOUND' : 'LISTEN',
      owners: [{ pid }],
    });
  }
  return rows;
}

/** pid-port's way of saying "nothing uses that port". */
function isNothingFound(error: unknown): boolean {
  return (
    error instanceof Error && /^Could not find (?:a process|any processes)/.test(error.message)
  );
}

/** Translates what pid-port (execa) threw into portwarden's errors. */
function translate(error: unknown): Error {
  const detail = error as {
    code?: unknown;
    path?: unknown;
    command?: unknown;
    exitCode?: unknown;
    stderr?: unknown;
  };
  if (detail.code === 'ENOENT') {
    return new CommandNotFoundError(typeof detail.path === 'string' ? detail.path : 'pid-port', {
      cause: error,
    });
  }
  if (typeof detail.exitCode === 'number') {
    return new CommandFailedError(
      typeof detail.command === 'string' ? detail.command : 'pid-port',
      detail.exitCode,
      typeof detail.stderr === 'string' ? detail.stderr : '',
    );
  }
  return new AdapterUnavailableError(
    'pid-port',
    `pid-port failed: ${error instanceof Error ? error.message : String(error)}`,
    { cause: error },
  );
}

/** Settles with `promise`, or rejects at the tool timeout (never past the deadline) or abort. */
function withDeadline<T>(promise: Promise<T>, tools: ToolContext): Promise<T> {
  throwIfAborted(tools.signal);
  const { timeout } = toolRunOptions(tools);
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new CommandTimeoutError('pid-port', timeout)), timeout);
    const onAbort = () => reject(new AbortError(undefined, { cause: tools.signal?.reason }));
    tools.signal?.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => {
      clearTimeout(timer);
      tools.signal?.removeEventListener('abort', onAbort);
    });
  });
}

/**
 * The last-resort adapter for platforms without a dedicated one (FreeBSD, OpenBSD, ...): the
 * `pid-port` package, asked about every interface (`host: '*'`; by default it looks at loopback
 * only). It uses `portBindings` (every holder and its address) where pid-port has it, else
 * `portToPid` (one pid, no address). It sees only processes whose pid it can read, so its empty
 * answer is not proof (`listsHiddenSockets: false`), and rows carry only what pid-port knows — see
 * {@link pidPortRows}. It does not use the command runner: pid-port spawns its own tools
 * (ss, lsof, netstat), bounded here by the tool timeout and the call's deadline.
 *
 * @example
 * ```ts
 * await pidPortAdapter.read({port: 8080, protocol: 'tcp'}, createContext());
 * // [{localAddress: '*', localPort: 8080, state: 'LISTEN', owners: [{pid: 4242}], ...}]
 * ```
 */
export const pidPortAdapter: SocketTableAdapter = {
  name: 'pid-port',
  listsHiddenSockets: false,
  async read(query: SocketQuery, tools: ToolContext): Promise<SocketRow[]> {
    const pidPort = await loadPidPort();
    const protocol = query.protocol ?? 'tcp';
    let bindings: PidPortBinding[];
    try {
      if (typeof pidPort.portBindings === 'function') {
        bindings = await withDeadline(pidPort.portBindings(query.port, { host: '*' }), tools);
      } else {
        const pid = await withDeadline(pidPort.portToPid({ port: query.port, host: '*' }), tools);
        bindings = pid === undefined ? [] : [{ host: UNKNOWN_ADDRESS, pid }];
      }
    } catch (error) {
      if (isNothingFound(error)) {
        debug('port %d: nothing found', query.port);
        return [];
      }
      if (error instanceof AbortError || error instanceof CommandTimeoutError) throw error;
      throw translate(error);
    }
    const rows = pidPortRows(bindings, query.port, protocol);
    debug('port %d: %d rows', query.port, rows.length);
    return rows;
  },
};
