import type { Server as HttpServer, IncomingMessage, ServerResponse } from 'node:http';
import type { Server } from 'node:net';
import { PortwardenError } from '../errors.ts';
import { ownOptions, validateMilliseconds } from '../input.ts';
import { createLogger } from '../log.ts';
import { assertServer, openConnections, responsesInFlight } from './connections.ts';
import type { ServerLike } from './server-like.ts';

const debug = createLogger('portwarden:server');

/** Options of {@link closeServer}. */
export interface CloseServerOptions {
  /**
   * Milliseconds requests in flight may take before whatever is still open is ended.
   * @default 5000
   */
  readonly timeout?: number;
}

/**
 * Default milliseconds {@link closeServer} lets requests in flight finish.
 *
 * @example
 * ```ts
 * await closeServer(server, {timeout: DEFAULT_CLOSE_TIMEOUT * 2});
 * ```
 */
export const DEFAULT_CLOSE_TIMEOUT = 5000;
/** How often idle keep-alive connections are closed again while busy ones finish (ms). */
const SWEEP_EVERY = 25;
/** How long after the deadline the 'close' event may take before the call rejects (ms). */
const AFTER_DEADLINE = 1000;

type HttpLike = Server & Partial<Pick<HttpServer, 'closeIdleConnections' | 'closeAllConnections'>>;

/** Ends the response's connection once the response is complete (never cuts it short). */
function closeAfter(response: ServerResponse): void {
  if (!response.headersSent) {
    // Node then sends `Connection: close` and ends the socket after the response.
    response.shouldKeepAlive = false;
    return;
  }
  const socket = response.socket;
  if (!socket) return;
  const end = () =>
    setImmediate(() => {
      if (!socket.destroyed) socket.destroy();
    });
  if (response.writableFinished) end();
  else response.once('finish', end);
}

/**
 * Closes a `net`, `http` or `https` server gracefully and quickly. It stops accepting at once
 * (the listening socket is closed, so the port is released at once), closes idle keep-alive
 * connections now, lets each request in flight finish and then closes its connection (a response
 * whose headers are not sent yet gets `Connection: close`), and after `timeout` ms (default
 * 5000) ends whatever is left: `closeAllConnections()` for HTTP, and every other socket the server
 * accepted — upgraded ones such as WebSockets, which `closeAllConnections` does not end, and the
 * connections of a plain `net` server (which has no notion of "request done", so they are left
 * to finish until the deadline). Resolves when the server's `'close'` event has fired.
 *
 * Connections are found through {@link trackConnections} when it was called, and otherwise
 * through Node's list of active handles and HTTP's own connection list. Rejects with
 * `ERR_INVALID_OPTION` for bad input, and with `code: 'ERR_CLOSE_TIMEOUT'` if some connection
 * could not be found and ended (an unreferenced socket of an untracked `net` server) so that
 * `'close'` did not fire within a second after the deadline — the port is released even then.
 *
 * @example
 * ```ts
 * import {createServer} from 'node:http';
 * import {closeServer} from 'portwarden';
 *
 * const server = createServer(handler).listen(3000);
 * process.once('SIGTERM', async () => {
 *   await closeServer(server, {timeout: 3000});
 *   process.exit(0);
 * });
 * ```
 */
export async function closeServer(server: ServerLike, options?: CloseServerOptions): Promise<void> {
  assertServer(server);
  const valid = ownOptions<CloseServerOptions>(options);
  const timeout = validateMilliseconds('timeout', valid.timeout, DEFAULT_CLOSE_TIMEOUT);
  const target = server as HttpLike;
  const closeIdle = target.closeIdleConnections?.bind(target);
  const closeAll = target.closeAllConnections?.bind(target);
  const isHttp = typeof closeIdle === 'function' && typeof closeAll === 'function';
  const sockets = openConnections(server);
  const started = performance.now();
  debug('closing server: %d open connections, timeout %d ms', sockets.size, timeout);

  await new Promise<void>((resolve, reject) => {
    const timers: NodeJS.Timeout[] = [];
    const onRequest = (_request: IncomingMessage, response: ServerResponse) => closeAfter(response);
    const cleanup = () => {
      for (const timer of timers) clearTimeout(timer);
      server.off('request', onRequest);
      server.off('close', onClose);
    };
    const onClose = () => {
      cleanup();
      debug('server closed after %d ms', Math.round(performance.now() - started));
      resolve();
    };
    server.once('close', onClose);
    // A request that arrives on a kept-alive connection while closing is served, then its
    // connection ends. Prepended so it runs before handlers that answer synchronously.
    if (isHttp) server.prependListener('request', onRequest);
    server.close();
    if (isHttp) {
      closeIdle();
      for (const response of responsesInFlight(server, sockets)) closeAfter(response);
      // Busy connections whose response could not be seen become idle when it finishes.
      const sweep = setInterval(closeIdle, SWEEP_EVERY);
      sweep.unref();
      timers.push(sweep);
    }
    const deadline = setTimeout(() => {
      const left = new Set([...sockets, ...openConnections(server)]);
      debug('deadline: ending %d connections', left.size);
      if (isHttp) closeAll();
      for (const socket of left) socket.destroy();
      const guard = setTimeout(() => {
        cleanup();
        reject(
          new PortwardenError(
            'ERR_CLOSE_TIMEOUT',
            `The server released its port, but some of its connections could not be found and ended within ${timeout + AFTER_DEADLINE} ms (call trackConnections(server) before listen())`,
          ),
        );
      }, AFTER_DEADLINE);
      timers.push(guard);
    }, timeout);
    timers.push(deadline);
  });
}
