import { probeTarget } from '../core/in-use.ts';
import { InvalidOptionError } from '../errors.ts';
import {
  ownOptions,
  validateHost,
  validateMilliseconds,
  validatePort,
  validateProtocol,
} from '../input.ts';
import { assertServer } from '../server/connections.ts';
import { DEFAULT_LOCK_PERIOD, type FindPortSettings, findPort } from '../server/find-free-port.ts';
import { type ListenSettings, listenAfterFreeing } from '../server/listen.ts';
import type { ServerAddress, ServerLike } from '../server/server-like.ts';
import { waitUntil } from '../server/wait-for-port.ts';
import type { Protocol } from '../types.ts';
import { callContext, forcedAdapter } from './common.ts';
import type { CommonOptions, FreeOptions } from './options.ts';
import { freeSettings } from './stop.ts';

/**
 * Options of {@link listenWhenFree}: how to free the port (as `ensurePortFree`), and how to listen.
 *
 * @example
 * ```ts
 * await listenWhenFree(server, 3000, {host: '127.0.0.1', maxWait: 5000});
 * ```
 */
export interface ListenWhenFreeOptions extends FreeOptions {
  /**
   * The address to listen on, as `server.listen({host})` takes it.
   * @default every address (`::`, dual-stack)
   */
  readonly host?: string;
  /** `server.listen({backlog})`. */
  readonly backlog?: number;
  /**
   * `server.listen({ipv6Only})`: with host `'::'`, do not also take IPv4.
   * @default false
   */
  readonly ipv6Only?: boolean;
  /**
   * `server.listen({exclusive})`: in a cluster worker, do not share the primary's handle.
   * @default false
   */
  readonly exclusive?: boolean;
}

/**
 * Options of {@link findFreePort}.
 *
 * @example
 * ```ts
 * await findFreePort({preferred: 3000, range: {from: 3001, to: 3100}});
 * ```
 */
export interface FindFreePortOptions extends CommonOptions {
  /** Ports to try first, in order. */
  readonly preferred?: number | string | Iterable<number | string>;
  /**
   * Ports to try next, in order, both ends included. With a range, nothing outside `preferred`
   * and the range is returned; without one, a port the OS picks is the last resort.
   */
  readonly range?: { readonly from: number | string; readonly to: number | string };
  /** Ports never to return. */
  readonly exclude?: Iterable<number | string>;
  /**
   * Only this address must be free (as `isPortInUse` takes it).
   * @default every address
   */
  readonly host?: string;
  /** @default 'tcp' */
  readonly protocol?: Protocol;
  /**
   * Milliseconds a port this process was handed stays off the list for later calls, so that two
   * callers that have not listened yet never get the same port; 0 turns it off.
   * @default 15000
   */
  readonly lockPeriod?: number;
}

/**
 * Options of {@link waitForPort}.
 *
 * @example
 * ```ts
 * await waitForPort(8080, {until: 'in-use', maxWait: 20000});
 * ```
 */
export interface WaitForPortOptions extends CommonOptions {
  /**
   * `'in-use'`: until something holds the port; `'free'`: until nothing does.
   * @default 'in-use'
   */
  readonly until?: 'free' | 'in-use';
  /**
   * Milliseconds to wait at most.
   * @default 15000
   */
  readonly maxWait?: number;
  /**
   * Only this address (as `isPortInUse` takes it).
   * @default every address `listen(port)` would use
   */
  readonly host?: string;
  /** @default 'tcp' */
  readonly protocol?: Protocol;
}

/**
 * How the server listens: the listen options of {@link listenWhenFree}, validated.
 *
 * @example
 * ```ts
 * listenSettings({host: '::1', backlog: 128}); // {host: '::1', backlog: 128}
 * ```
 */
function listenSettings(options: unknown): ListenSettings {
  const valid = ownOptions<ListenWhenFreeOptions>(options);
  const listen: { host?: string; backlog?: number; ipv6Only?: boolean; exclusive?: boolean } = {};
  const host = validateHost(valid.host);
  if (host !== undefined) listen.host = host;
  if (valid.backlog !== undefined) {
    if (!Number.isInteger(valid.backlog) || (valid.backlog as number) < 0) {
      throw new InvalidOptionError('backlog', 'backlog must be an integer >= 0');
    }
    listen.backlog = valid.backlog as number;
  }
  for (const name of ['ipv6Only', 'exclusive'] as const) {
    const value = valid[name];
    if (value === undefined) continue;
    if (typeof value !== 'boolean') {
      throw new InvalidOptionError(
        name,
        `Invalid ${name} ${String(value)}: expected true or false`,
      );
    }
    listen[name] = value;
  }
  return listen;
}

/**
 * Makes the port free (stopping its holders exactly as `ensurePortFree` does, with the same
 * options) and then has `server` listen on it; if another process grabs the port in between
 * (EADDRINUSE), frees it and tries again, all within `maxWait` (default 15000 ms). Resolves with
 * the address the server listens on. Rejects with a `PortUnavailableError`
 * (`code: 'ERR_PORT_UNAVAILABLE'`, with `reason` and the `report`) when the port cannot be freed —
 * early, when nothing can change (see `freePort`) — or listening keeps failing; with
 * `ERR_INVALID_PORT` / `ERR_INVALID_OPTION` before anything runs for bad input (a server that is
 * already listening included).
 *
 * @example
 * ```ts
 * import {createServer} from 'node:http';
 * import {listenWhenFree, handleShutdownSignals} from 'portwarden';
 *
 * const server = createServer(handler);
 * const address = await listenWhenFree(server, process.env.PORT ?? 3000, {host: '127.0.0.1', gracePeriod: 2000});
 * handleShutdownSignals(server);
 * console.log(`listening on http://127.0.0.1:${address.port}`);
 * ```
 */
export async function listenWhenFree(
  server: ServerLike,
  port: number | string,
  options?: ListenWhenFreeOptions,
): Promise<ServerAddress> {
  assertServer(server);
  const settings = freeSettings(port, options);
  const listen = listenSettings(options);
  if (server.listening) throw new InvalidOptionError('server', 'The server is already listening');
  const context = callContext(ownOptions<ListenWhenFreeOptions>(options).signal, settings.maxWait);
  return listenAfterFreeing(server, settings, listen, context);
}

function portList(value: unknown, name: string): number[] {
  if (value === undefined) return [];
  if (typeof value === 'number' || typeof value === 'string') return [validatePort(value)];
  if (typeof value !== 'object' || value === null || !(Symbol.iterator in value)) {
    throw new InvalidOptionError(name, `${name} must be a port or an iterable of ports`);
  }
  return [...(value as Iterable<unknown>)].map((port) => validatePort(port));
}

/**
 * Validates the options of {@link findFreePort}.
 *
 * @example
 * ```ts
 * findPortSettings({range: {from: 3000, to: 3010}}).range; // {from: 3000, to: 3010}
 * ```
 */
function findPortSettings(options: unknown): FindPortSettings {
  const valid = ownOptions<FindFreePortOptions>(options);
  let range: FindPortSettings['range'];
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
  return {
    preferred: portList(valid.preferred, 'preferred'),
    range,
    exclude: new Set(portList(valid.exclude, 'exclude')),
    host: validateHost(valid.host),
    protocol: validateProtocol(valid.protocol),
    lockPeriod: validateMilliseconds('lockPeriod', valid.lockPeriod, DEFAULT_LOCK_PERIOD),
    forcedAdapter: forcedAdapter(valid.adapter),
  };
}

/**
 * Finds a port a server can listen on — what get-port offers, decided by exclusive bind probes on
 * every address a server would use (`isPortInUse` saying `false`; a port refused with EACCES is
 * not free either). It tries the `preferred` ports in order, then the `range` (`{from, to}`,
 * both ends included); without a range it falls back to a port the OS picks (checked the same
 * way). Ports it handed out within the last `lockPeriod` ms (default 15000) are not handed out
 * again by this process, so concurrent callers that have not listened yet never collide.
 * Rejects with `ERR_NO_FREE_PORT` (a `PortUnavailableError`) when nothing is free, and with
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
  const settings = findPortSettings(options);
  return findPort(settings, callContext(ownOptions<FindFreePortOptions>(options).signal));
}

/**
 * Waits until the port is in use (a server came up) or free (it went away), by exclusive bind
 * probes — not by connecting to 127.0.0.1, so a server on `::1`, IPv6-only `::` or an interface
 * address counts, and a server that accepts but does not answer does too. Probes back off from
 * 5 ms to 100 ms. Resolves `true` when the state was reached, `false` when `maxWait` (default
 * 15000 ms) ran out. Rejects with `ERR_ABORTED` when `signal` fires, and with
 * `ERR_INVALID_PORT` / `ERR_INVALID_OPTION` for bad input.
 *
 * @example
 * ```ts
 * import {spawn} from 'node:child_process';
 * import {waitForPort} from 'portwarden';
 *
 * const child = spawn('python3', ['-m', 'http.server', '8000']);
 * if (!(await waitForPort(8000, {until: 'in-use', maxWait: 10000}))) throw new Error('server did not start');
 * ```
 */
export async function waitForPort(
  port: number | string,
  options?: WaitForPortOptions,
): Promise<boolean> {
  const validPort = validatePort(port);
  const valid = ownOptions<WaitForPortOptions>(options);
  const until = valid.until ?? 'in-use';
  if (until !== 'free' && until !== 'in-use') {
    throw new InvalidOptionError(
      'until',
      `Invalid until ${String(until)}: expected 'free' or 'in-use'`,
    );
  }
  const maxWait = validateMilliseconds('maxWait', valid.maxWait, 15000);
  const question = {
    port: validPort,
    protocol: validateProtocol(valid.protocol),
    host: validateHost(valid.host),
    forcedAdapter: forcedAdapter(valid.adapter),
  };
  const context = callContext(valid.signal, maxWait);
  return waitUntil(await probeTarget(question, context), until, context);
}
