import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';
import type { Context } from '../core/context.ts';
import { probeTarget, probeTargetNow } from '../core/in-use.ts';
import { InvalidOptionError, PortUnavailableError, ProbeFailedError } from '../errors.ts';
import { createLogger } from '../log.ts';
import { throwIfAborted } from '../system/timing.ts';
import type { Protocol } from '../types.ts';

const debug = createLogger('portwarden:server');

/**
 * Default milliseconds a port handed out by `findFreePort` is not handed out again.
 *
 * @example
 * ```ts
 * await findFreePort({lockPeriod: DEFAULT_LOCK_PERIOD * 2});
 * ```
 */
export const DEFAULT_LOCK_PERIOD = 15000;

/** port → `performance.now()` time until which it is not handed out again. */
const locked = new Map<number, number>();

function isLocked(port: number): boolean {
  const until = locked.get(port);
  if (until === undefined) return false;
  if (until > performance.now()) return true;
  locked.delete(port);
  return false;
}

/** A port the OS picks for `listen(0)` / `bind(0)` on `host` (default `::`, else `0.0.0.0`). */
function osAssignedPort(protocol: Protocol, host: string | undefined): Promise<number> {
  const hosts = host === undefined ? ['::', '0.0.0.0'] : [host];
  const attempt = (address: string): Promise<number> =>
    new Promise((resolve, reject) => {
      if (protocol === 'udp') {
        const socket = createSocket(address.includes(':') ? 'udp6' : 'udp4');
        socket.once('error', (error) => {
          try {
            socket.close();
          } catch {
            // never bound: nothing to close
          }
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
  return hosts
    .reduce<Promise<number>>(
      (previous, address) => previous.catch(() => attempt(address)),
      Promise.reject(new Error('no address tried')),
    )
    .catch((error: NodeJS.ErrnoException) => {
      // Raw OS errors never surface: an address this machine lacks is the caller's mistake.
      if (host !== undefined && (error.code === 'EADDRNOTAVAIL' || error.code === 'EAFNOSUPPORT')) {
        throw new InvalidOptionError(
          'host',
          `${host} is not an address of this machine: a server could not listen there`,
          { cause: error },
        );
      }
      throw new ProbeFailedError(host ?? '::', 0, { cause: error });
    });
}

/**
 * A validated `findFreePort` call.
 *
 * @example
 * ```ts
 * const settings: FindPortSettings = {preferred: [3000], range: undefined, exclude: new Set(),
 *   host: undefined, protocol: 'tcp', lockPeriod: 15000, forcedAdapter: undefined};
 * ```
 */
export interface FindPortSettings {
  readonly preferred: readonly number[];
  readonly range: { readonly from: number; readonly to: number } | undefined;
  readonly exclude: ReadonlySet<number>;
  readonly host: string | undefined;
  readonly protocol: Protocol;
  readonly lockPeriod: number;
  readonly forcedAdapter: string | undefined;
}

/**
 * `findFreePort` on validated settings: the preferred ports in order, then the range, else ports
 * the OS picks; each checked by the same probes as `isPortInUse` (a port refused with EACCES is
 * not free either) and locked for `lockPeriod` ms once handed out.
 *
 * @example
 * ```ts
 * const port = await findPort(settings, createContext());
 * ```
 */
export async function findPort(settings: FindPortSettings, context: Context): Promise<number> {
  const { preferred, range, exclude, protocol, lockPeriod } = settings;
  const tryPort = async (port: number): Promise<boolean> => {
    if (exclude.has(port) || isLocked(port)) return false;
    // Reserved while probing, so a concurrent call does not probe and return it too.
    locked.set(port, Number.POSITIVE_INFINITY);
    let free = false;
    try {
      const target = await probeTarget({ ...settings, port }, context);
      const probe = await probeTargetNow(target, context);
      free = !probe.inUse && !probe.denied;
    } finally {
      if (free && lockPeriod > 0) locked.set(port, performance.now() + lockPeriod);
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
      throwIfAborted(context.signal);
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
    throwIfAborted(context.signal);
    const port = await osAssignedPort(protocol, settings.host);
    if (port > 0 && (await tryPort(port))) return port;
  }
  throw new PortUnavailableError(
    'ERR_NO_FREE_PORT',
    null,
    'no-free-port',
    'The operating system offered no port that is free on every address',
  );
}
