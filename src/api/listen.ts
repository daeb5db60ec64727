/**
 * `listenWhenFree`: the public entry, its options validated once.
 *
 * @module
 */
import { InvalidOptionError } from '../errors.ts';
import { ownOptions, validateHost } from '../input.ts';
import { assertServer } from '../server/connections.ts';
import { type ListenSettings, listenAfterFreeing } from '../server/listen.ts';
import type { ServerAddress, ServerLike } from '../server/server-like.ts';
import { callContext } from './common.ts';
import type { FreeOptions } from './options.ts';
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
