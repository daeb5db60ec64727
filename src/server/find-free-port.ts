import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';
import { InvalidOptionError, PortUnavailableError, throwIfAborted } from '../errors.ts';
import { probePort } from '../in-use.ts';
import { createLogger } from '../log.ts';
import { type CommonOptions, contextFromOptions } from '../options.ts';
import { validateMilliseconds, validateOptions, validatePort, validateProtocol } from '../port.ts';
import { resolveAdapterName } from '../socket-table.ts';
import type { Protocol } from '../types.ts';

const debug = createLogger('portwarden:server');

/** Options of {@link findFreePort}. */
export interface FindFreePortOptions extends CommonOptions {
  /** Ports to try first, in order. */
  readonly preferred?: number | string | Iterable<number | string>;
  /**
   * Ports to try next, in order, inclusive. With a range, nothing outside `preferred` and the
   * range is returned; without one, a port the OS picks is the last resort.
   */
  readonly range?: { readonly from: number | string; readonly to: number | string };
  /** Ports never to return. */
  readonly exclude?: Iterable<number | string>;
  /** Only this address must be free (as `isPortInUse` takes it). Default: every address. */
  readonly host?: string;
  /** Default `'tcp'`. */
  readonly protocol?: Protocol;
  /**
   * Milliseconds a port this process was handed stays off the list for later calls, so that two
   * callers that have not listened yet never get the same port. Default 15000; 0 turns it off.
   */
  readonly lockFor?: number;
}

/**
 * Default milliseconds a port handed out by {@link findFreePort} is not handed out again.
 *
 * @example
 * ```ts
 * await findFreePort({lockFor: DEFAULT_LOCK_FOR * 2});
 * ```
 */
export const DEFAULT_LOCK_FOR = 15000;

/** port → `performance.now()` time until which it is not handed out again. */
const locked = new Map<number, number>();

function isLocked(port: number): boolean {
  const until = locked.get(port);
  if (until === undefined) return false;
  if (until > performance.now()) return true;
  locked.delete(port);
  return false;
}

function portList(value: unknown, name: string): number[] {
  if (value === undefined) return [];
  if (typeof value === 'number' || typeof value === 'string') return [validatePort(value)];
  if (typeof value !== 'object' || value === null || !(Symbol.iterator in value)) {
    throw new InvalidOptionError(name, `${name} must be a port or an iterable of ports`);
  }
  return [...(value as Iterable<unknown>)].map((port) => validatePort(port));
}

/** A port the OS picks for `listen(0)` / `bind(0)` on `host` (default `::`, else `0.0.0.0`). */
function osAssignedPort(protocol: Protocol, host: string | undefined): Promise<number> {
  const hosts = host === undefined ? ['::', '0.0.0.0'] : [host];
  const attempt = (address: string): Promise<number> =>
    new Promise((resolve, reject) => {
      if (protocol === 'udp') {
        const socket = createSocket(address.includes(':') ? 'udp6' : 'udp4');
        socket.once('error', (error) => {
          socket.close();
          reject(error);
        });
        socket.bind({ port: 0, address, exclusive: true }, () => {
          const { port } = socket.address();
          socket.close(() => resolve(port));
        });
        return;
      }
      const server = createServer();
      server.unref();
      server.once('error', reject);
      server.listen({ port: 0, host: address, exclusive: true }, () => {
        const info = server.address();
        server.close(() => resolve(typeof info === 'object' && info ? info.port : 0));
      });
    });
  return hosts.reduce<Promise<number>>(
    (previous, address) => previous.catch(() => attempt(address)),
    Promise.reject(new Error('no address tried')),
  );
}

/**
 * Finds a port a server can listen on — what get-port offers, decided by exclusive bind probes on
 * every address a server would use (`isPortInUse` saying `false`; a port refused with EACCES is
 * not free either). It tries the `preferred` ports in order, then the `range`; without a range
 * it falls back to a port the OS picks (checked the same way). Ports it handed out within the last
 * `lockFor` ms (default 15000) are not handed out again by this process, so concurrent callers
 * that have not listened yet never collide (get-port's "locked ports"). Rejects with
 * `ERR_NO_FREE_PORT` (a `PortUnavailableError`) when nothing in the range is free, and with
 * `ERR_INVALID_PORT` / `ERR_INVALID_OPTION` for bad input.
 *
 * @example
 * ```ts
 * import {findFreePort} from 'portwarden';
 *
 * const port = await findFreePort({preferred: 3000, range: {from: 3001, to: 3100}});
 * const anyPort = await findFreePort(); // e.g. 41873
 * ```
 */
export async function findFreePort(options?: FindFreePortOptions): Promise<number> {
  const valid = validateOptions<FindFreePortOptions>(options);
  const preferred = portList(valid.preferred, 'preferred');
  const exclude = new Set(portList(valid.exclude, 'exclude'));
  const protocol = validateProtocol(valid.protocol);
  const lockFor = validateMilliseconds('lockFor', valid.lockFor, DEFAULT_LOCK_FOR);
  let range: { from: number; to: number } | undefined;
  if (valid.range !== undefined) {
    if (typeof valid.range !== 'object' || valid.range === null) {
      throw new InvalidOptionError('range', 'range must be {from, to}');
    }
    range = { from: validatePort(valid.range.from), to: validatePort(valid.range.to) };
    if (range.from > range.to) {
      throw new InvalidOptionError(
        'range',
        `range.from ${range.from} is above range.to ${range.to}`,
      );
    }
  }
  if (valid.host !== undefined && (typeof valid.host !== 'string' || valid.host.trim() === '')) {
    throw new InvalidOptionError('host', 'host must be a non-empty string');
  }
  const context = contextFromOptions(valid);
  resolveAdapterName(valid.adapter, context.env);
  const probeOptions = { ...valid, protocol };

  const tryPort = async (port: number): Promise<boolean> => {
    if (exclude.has(port) || isLocked(port)) return false;
    // Reserved while probing, so a concurrent call does not probe and return it too.
    locked.set(port, Number.POSITIVE_INFINITY);
    let free = false;
    try {
      const probe = await probePort(port, probeOptions);
      free = !probe.inUse && !probe.denied;
    } finally {
      if (free && lockFor > 0) locked.set(port, performance.now() + lockFor);
      else locked.delete(port);
    }
    debug('findFreePort: %d %s', port, free ? 'free' : 'taken');
    return free;
  };

  for (const port of preferred) {
    if (await tryPort(port)) return port;
  }
  if (range) {
    for (let port = range.from; port <= range.to; port++) {
      throwIfAborted(valid.signal);
      if (preferred.includes(port)) continue;
      if (await tryPort(port)) return port;
    }
    throw new PortUnavailableError(
      'ERR_NO_FREE_PORT',
      null,
      'no-free-port',
      `No free port in ${preferred.length > 0 ? `${preferred.join(', ')} or ` : ''}${range.from}-${range.to}`,
    );
  }
  for (let attempt = 0; attempt < 20; attempt++) {
    throwIfAborted(valid.signal);
    const port = await osAssignedPort(protocol, valid.host);
    if (port > 0 && (await tryPort(port))) return port;
  }
  throw new PortUnavailableError(
    'ERR_NO_FREE_PORT',
    null,
    'no-free-port',
    'The operating system offered no port that is free on every address',
  );
}
