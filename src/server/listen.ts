import type { AddressInfo, Server } from 'node:net';
import type { Context } from '../core/context.ts';
import { freeOwners } from '../core/stop/free.ts';
import type { FreeSettings } from '../core/stop/settings.ts';
import { PortUnavailableError } from '../errors.ts';
import { createLogger } from '../log.ts';
import type { FreeReport } from '../reports.ts';
import { backoff, sleep, throwIfAborted } from '../system/timing.ts';

const debug = createLogger('portwarden:server');

/**
 * How `listenWhenFree` calls `server.listen()`, validated.
 *
 * @example
 * ```ts
 * const listen: ListenSettings = {host: '127.0.0.1', backlog: 511};
 * ```
 */
export interface ListenSettings {
  readonly host?: string;
  readonly backlog?: number;
  readonly ipv6Only?: boolean;
  readonly exclusive?: boolean;
}

function listenOnce(
  server: Server,
  options: ListenSettings & { port: number },
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

function unavailable(port: number, report: FreeReport): PortUnavailableError {
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
 * `listenWhenFree` on validated settings: free the port (as `freePort`), listen; on EADDRINUSE
 * (another process won the race) free it again and retry, all within the context's deadline.
 *
 * @example
 * ```ts
 * const address = await listenAfterFreeing(server, settings, {host: '127.0.0.1'}, context);
 * ```
 */
export async function listenAfterFreeing(
  server: Server,
  settings: FreeSettings,
  listen: ListenSettings,
  context: Context,
): Promise<AddressInfo> {
  const started = performance.now();
  const delays = backoff(10, 200);
  for (let attempt = 1; ; attempt++) {
    const report = await freeOwners(settings, context, true);
    if (!report.free) throw unavailable(settings.port, report);
    throwIfAborted(context.signal);
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
      if (code !== 'EADDRINUSE' || performance.now() >= context.deadline) {
        throw new PortUnavailableError(
          'ERR_PORT_UNAVAILABLE',
          settings.port,
          code,
          `Cannot listen on port ${settings.port}${listen.host ? ` (host ${listen.host})` : ''}: ${(error as Error).message}`,
          { cause: error, report },
        );
      }
      await sleep(
        Math.min(delays.next(), Math.max(0, context.deadline - performance.now())),
        context.signal,
      );
    }
  }
}
