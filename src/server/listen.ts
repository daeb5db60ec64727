import type { AddressInfo, Server } from 'node:net';
import { InvalidOptionError, PortUnavailableError, throwIfAborted } from '../errors.ts';
import { createLogger } from '../log.ts';
import { validateOptions } from '../port.ts';
import { runFreePort } from '../stop/ensure-free.ts';
import { backoff, sleep } from '../stop/timing.ts';
import type { EnsureFreeOptions, FreePortReport } from '../stop/types.ts';
import { validateFreeOptions } from '../stop/validate.ts';
import { assertServer } from './connections.ts';

const debug = createLogger('portwarden:server');

// The helpers around listen() live in small modules of their own; this module gathers them.
export { DEFAULT_LOCK_FOR, type FindFreePortOptions, findFreePort } from './find-free-port.ts';
export {
  handleShutdownSignals,
  SHUTDOWN_SIGNALS,
  type ShutdownSignalsOptions,
} from './shutdown-signals.ts';
export { type WaitForPortOptions, waitForPort } from './wait-for-port.ts';

/** Options of {@link listenWhenFree}: how to free the port (as `ensurePortFree`), and how to listen. */
export interface ListenWhenFreeOptions extends EnsureFreeOptions {
  /** The address to listen on, as `server.listen({host})` takes it. Default: all addresses. */
  readonly host?: string;
  /** `server.listen({backlog})`. */
  readonly backlog?: number;
  /** `server.listen({ipv6Only})`: with host `'::'`, do not also take IPv4. */
  readonly ipv6Only?: boolean;
  /** `server.listen({exclusive})`: in a cluster worker, do not share the primary's handle. */
  readonly exclusive?: boolean;
}

function listenOnce(
  server: Server,
  options: {
    port: number;
    host?: string;
    backlog?: number;
    ipv6Only?: boolean;
    exclusive?: boolean;
  },
): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => {
      server.off('listening', onListening);
      reject(error);
    };
    const onListening = () => {
      server.off('error', onError);
      resolve(server.address() as AddressInfo);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    try {
      server.listen(options);
    } catch (error) {
      server.off('error', onError);
      server.off('listening', onListening);
      reject(error);
    }
  });
}

function validateListenOptions(options: unknown) {
  const valid = validateOptions<ListenWhenFreeOptions>(options);
  const listen: { host?: string; backlog?: number; ipv6Only?: boolean; exclusive?: boolean } = {};
  if (valid.host !== undefined) {
    if (typeof valid.host !== 'string' || valid.host.trim() === '') {
      throw new InvalidOptionError('host', 'host must be a non-empty string');
    }
    listen.host = valid.host;
  }
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

function unavailable(port: number, report: FreePortReport): PortUnavailableError {
  const holders = report.remaining
    .map((owner) =>
      owner.pid === null
        ? 'a hidden process'
        : `pid ${owner.pid}${owner.name ? ` (${owner.name})` : ''}`,
    )
    .join(', ');
  return new PortUnavailableError(
    'ERR_PORT_UNAVAILABLE',
    port,
    report.outcome,
    `Port ${port} could not be freed (${report.outcome})${holders ? `: held by ${holders}` : ''}`,
    { report },
  );
}

/**
 * Makes the port free (stopping its holders exactly as `ensurePortFree` does, with the same
 * options) and then has `server` listen on it; if another process grabs the port in between
 * (EADDRINUSE), frees it and tries again, all within `maxWait` (default 15000 ms). Resolves with
 * the address the server listens on. Rejects with a {@link PortUnavailableError}
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
  server: Server,
  port: number | string,
  options?: ListenWhenFreeOptions,
): Promise<AddressInfo> {
  assertServer(server);
  const settings = validateFreeOptions(port, options);
  const listen = validateListenOptions(options);
  if (server.listening) throw new InvalidOptionError('server', 'The server is already listening');
  const started = performance.now();
  const deadline = started + settings.maxWait;
  const delays = backoff(10, 200);
  for (let attempt = 1; ; attempt++) {
    const report = await runFreePort(
      { ...settings, maxWait: Math.max(0, deadline - performance.now()) },
      {},
      true,
    );
    if (!report.free) throw unavailable(settings.port, report);
    throwIfAborted(settings.signal);
    try {
      const address = await listenOnce(server, { port: settings.port, ...listen });
      debug(
        'listening on port %d after %d attempt(s), %d ms',
        settings.port,
        attempt,
        Math.round(performance.now() - started),
      );
      return address;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'ERR_LISTEN';
      debug('listen on port %d failed: %s', settings.port, code);
      if (code !== 'EADDRINUSE' || performance.now() >= deadline) {
        throw new PortUnavailableError(
          'ERR_PORT_UNAVAILABLE',
          settings.port,
          code,
          `Cannot listen on port ${settings.port}${listen.host ? ` (host ${listen.host})` : ''}: ${(error as Error).message}`,
          { cause: error, report },
        );
      }
      await sleep(
        Math.min(delays.next(), Math.max(0, deadline - performance.now())),
        settings.signal,
      );
    }
  }
}
