import type { ServerResponse } from 'node:http';
import type { Server, Socket } from 'node:net';
import { afterPendingIo } from './after-io.ts';
import { type ExchangeWatcher, pendingResponses, recordOf } from './registry.ts';

/** How often idle keep-alive connections are looked for again while busy ones finish (ms). */
const SWEEP_EVERY = 50;

/**
 * A server that speaks HTTP/1 (`http`, `https`, or HTTP/2 with `allowHTTP1`).
 *
 * @example
 * ```ts
 * if (isHttp1Server(server)) server.closeIdleConnections();
 * ```
 */
export type Http1Server = Server & {
  closeIdleConnections(): void;
  closeAllConnections?: () => void;
};

/**
 * A close of an HTTP/1 server's connections in progress.
 *
 * @example
 * ```ts
 * const closing: Http1Closing = closeHttp1Connections(server);
 * setTimeout(() => closing.forceClose(), 5000);
 * ```
 */
export interface Http1Closing {
  /** At the deadline: ends every HTTP connection, busy or not. */
  forceClose(): void;
  /** Stops watching (the server has closed, or the close is over). */
  dispose(): void;
}

/**
 * Whether `server` speaks HTTP/1 (has Node's `closeIdleConnections`).
 *
 * @example
 * ```ts
 * isHttp1Server(http.createServer()); // true
 * ```
 */
export function isHttp1Server(server: Server): server is Http1Server {
  return typeof (server as Partial<Http1Server>).closeIdleConnections === 'function';
}

/**
 * Closes an HTTP/1 server's connections without cutting a request that reached it:
 * - on each connection, the last response not started yet (its headers not written) says
 *   `Connection: close`, so Node ends the connection right after it. Responses queued before it
 *   (pipelined requests) keep their `keep-alive` and are all sent; when another request arrives
 *   on that connection, the mark moves to its response if the previous one has not started;
 * - a connection whose last response had already sent `keep-alive` is closed as soon as it is
 *   idle;
 * - idle connections are closed after the event loop has read whatever already reached them
 *   (see {@link afterPendingIo}): a request sent just before is served, with `Connection: close`,
 *   instead of being reset. A client that sends on an idle connection after that races the
 *   close, as with any server.
 * Nothing busy is destroyed before {@link Http1Closing.forceClose}.
 *
 * @example
 * ```ts
 * const closing = closeHttp1Connections(server);
 * setTimeout(() => closing.forceClose(), 5000);
 * ```
 */
export function closeHttp1Connections(server: Http1Server): Http1Closing {
  const record = recordOf(server);
  /** The response on each connection that this close set to `Connection: close`. */
  const marked = new Map<Socket, ServerResponse>();
  let disposed = false;
  let cancelIdleClose: (() => void) | undefined;

  const closeIdleSoon = () => {
    if (disposed || cancelIdleClose) return;
    cancelIdleClose = afterPendingIo(() => {
      cancelIdleClose = undefined;
      if (!disposed) server.closeIdleConnections();
    });
  };
  const markLast = (socket: Socket, response: ServerResponse) => {
    const previous = marked.get(socket);
    if (previous && previous !== response && !previous.headersSent) {
      // More follows on this connection: the previous one must not end it.
      previous.shouldKeepAlive = true;
    }
    marked.delete(socket);
    if (!response.headersSent && response.shouldKeepAlive) {
      // Node then sends `Connection: close` and ends the connection after this response.
      response.shouldKeepAlive = false;
      marked.set(socket, response);
    }
    response.once('finish', closeIdleSoon);
  };
  const onRequest: ExchangeWatcher = (socket, response) => {
    if (!disposed) markLast(socket, response);
  };

  for (const [socket, responses] of pendingResponses(server)) {
    for (const response of responses.slice(0, -1)) response.once('finish', closeIdleSoon);
    markLast(socket, responses[responses.length - 1] as ServerResponse);
  }
  record.watchers.add(onRequest);
  closeIdleSoon();
  // Connections whose response portwarden could not see become idle when it finishes.
  const sweep = setInterval(closeIdleSoon, SWEEP_EVERY);
  sweep.unref();

  return {
    forceClose: () => server.closeAllConnections?.(),
    dispose: () => {
      if (disposed) return;
      disposed = true;
      clearInterval(sweep);
      cancelIdleClose?.();
      record.watchers.delete(onRequest);
    },
  };
}
