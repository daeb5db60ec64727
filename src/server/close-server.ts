import { Server as NetServer, type Server } from 'node:net';
import { PortwardenError } from '../errors.ts';
import { ownOptions, validateMilliseconds } from '../input.ts';
import { createLogger } from '../log.ts';
import { closeHttp1Connections, type Http1Closing, isHttp1Server } from './close-http1.ts';
import { closeHttp2Sessions, type Http2Closing } from './close-http2.ts';
import { assertServer, openConnections } from './connections.ts';
import { isHttp2Server, recordOf } from './registry.ts';
import type { ServerLike } from './server-like.ts';

const debug = createLogger('portwarden:server');

/**
 * Options of {@link closeServer}.
 *
 * @example
 * ```ts
 * await closeServer(server, {timeout: 10_000});
 * ```
 */
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
/** How long after the deadline the 'close' event may take before the call rejects (ms). */
const AFTER_DEADLINE = 1000;

/**
 * Closes the listening socket (the port is released at once) without letting Node's HTTP
 * `close()` destroy idle keep-alive connections in the same breath (Node >= 19 does): a request
 * that already reached such a connection but was not read yet would be reset. The idle
 * connections are closed a moment later, once it has been read (see closeHttp1Connections).
 * `close()` finds `closeIdleConnections` on the server object, so an own property shadows it
 * for this one call; should Node call it otherwise, only that protection is lost.
 *
 * An HTTP/2 server's listening socket is closed with `net.Server`'s own `close()`: Node 24's
 * `Http2Server#close()` also sends GOAWAY to every session in the same breath (and the secure
 * one closes idle HTTP/1 connections), so a stream a client opened just before would be refused
 * unread. The sessions get their GOAWAY a moment later instead (see closeHttp2Sessions).
 */
function stopListening(server: Server): void {
  if (isHttp2Server(server)) {
    NetServer.prototype.close.call(server);
    return;
  }
  if (!isHttp1Server(server)) {
    server.close();
    return;
  }
  const own = Object.getOwnPropertyDescriptor(server, 'closeIdleConnections');
  if (own?.configurable === false || !Object.isExtensible(server)) {
    server.close(); // a frozen or sealed server: no shadow possible
    return;
  }
  Object.defineProperty(server, 'closeIdleConnections', {
    configurable: true,
    writable: true,
    value: () => {},
  });
  try {
    server.close();
  } finally {
    if (own) Object.defineProperty(server, 'closeIdleConnections', own);
    else delete (server as { closeIdleConnections?: unknown }).closeIdleConnections;
  }
}

/**
 * Closes a `net`, `http`, `https` or `http2` server gracefully and quickly, and resolves when the
 * server's `'close'` event has fired — its port is released from the start. Step by step:
 *
 * 1. It stops accepting at once: the listening socket is closed.
 * 2. HTTP/1 (`http`, `https`, HTTP/2 with `allowHTTP1`): every request that reached the server
 *    gets its complete response. On each connection the last response that has not started
 *    says `Connection: close` and Node ends the connection after it; responses queued before it
 *    (pipelined requests) are sent with `keep-alive` first; a request that arrives on a busy or
 *    just-idle connection while closing is answered with `Connection: close`. Idle keep-alive
 *    connections are closed at once — after the event loop has read what already reached
 *    them, so a request sent at that very moment is answered rather than reset — and a
 *    connection whose response had already sent `keep-alive` is closed when that response ends.
 * 3. HTTP/2: every session gets GOAWAY (`session.close()`, again after reading what already
 *    reached it): streams in flight finish, idle sessions end at once, and clients open no more
 *    streams on them.
 * 4. After `timeout` ms (default 5000) whatever is left is ended: HTTP connections
 *    (`closeAllConnections()`), HTTP/2 sessions (`session.destroy()`), upgraded sockets such as
 *    WebSockets, and the connections of a plain `net` server (which has no notion of "request
 *    done", so they may run until then unless they end on their own).
 *
 * Connections, requests and sessions are found through Node's diagnostics channels, which
 * portwarden follows from the moment it is loaded, so no tracking call is needed for `net`,
 * `http`, `https` or secure HTTP/2 servers (for plain-text HTTP/2 see {@link trackConnections}).
 *
 * Limits, as for any server: after a response that said `Connection: close` has been sent, a
 * request the client pipelined behind it is not answered (HTTP/1.1 lets the client retry it); a
 * response whose headers were written before the close began keeps the `keep-alive` it
 * announced, and its connection is closed once it is idle, so a client that sends its next
 * request right then races the close; streams an HTTP/2 client opens after it received GOAWAY
 * are refused, which HTTP/2 marks as safe to retry.
 *
 * Rejects with `ERR_INVALID_OPTION` for bad input, and with `code: 'ERR_CLOSE_TIMEOUT'` if some
 * connection could not be found and ended (possible only for connections accepted before
 * portwarden was loaded) so that `'close'` did not fire within a second after the deadline —
 * the port is released even then.
 *
 * @example
 * ```ts
 * import {createServer} from 'node:https';
 * import {closeServer} from 'portwarden';
 *
 * const server = createServer({key, cert}, handler).listen(3000);
 * process.once('SIGTERM', async () => {
 *   await closeServer(server, {timeout: 3000}); // in-flight requests finish, with Connection: close
 *   process.exit(0);
 * });
 * ```
 */
export async function closeServer(server: ServerLike, options?: CloseServerOptions): Promise<void> {
  assertServer(server);
  const valid = ownOptions<CloseServerOptions>(options);
  const timeout = validateMilliseconds('timeout', valid.timeout, DEFAULT_CLOSE_TIMEOUT);
  const record = recordOf(server);
  const started = performance.now();
  debug(
    'closing server: %d connections, %d HTTP/2 sessions, timeout %d ms',
    openConnections(server).size,
    record.sessions.size,
    timeout,
  );

  await new Promise<void>((resolve, reject) => {
    const timers: NodeJS.Timeout[] = [];
    let http1: Http1Closing | undefined;
    let http2: Http2Closing | undefined;
    const cleanup = () => {
      for (const timer of timers) clearTimeout(timer);
      http1?.dispose();
      http2?.dispose();
      server.off('close', onClose);
    };
    const onClose = () => {
      cleanup();
      debug('server closed after %d ms', Math.round(performance.now() - started));
      resolve();
    };
    server.once('close', onClose);
    stopListening(server);
    if (isHttp1Server(server)) http1 = closeHttp1Connections(server);
    if (isHttp2Server(server)) http2 = closeHttp2Sessions(server);
    const deadline = setTimeout(() => {
      const left = openConnections(server);
      debug('deadline: ending %d connections, %d sessions', left.size, record.sessions.size);
      http2?.forceClose();
      http1?.forceClose();
      for (const socket of left) socket.destroy();
      const guard = setTimeout(() => {
        cleanup();
        reject(
          new PortwardenError(
            'ERR_CLOSE_TIMEOUT',
            `The server released its port, but some of its connections could not be found and ended within ${timeout + AFTER_DEADLINE} ms (load portwarden, or call trackConnections(server), before the server accepts connections)`,
          ),
        );
      }, AFTER_DEADLINE);
      timers.push(guard);
    }, timeout);
    timers.push(deadline);
  });
}
