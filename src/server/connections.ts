import { Server, Socket } from 'node:net';
import { InvalidOptionError } from '../errors.ts';
import { addSocket, followSessions, recordOf } from './registry.ts';
import type { ServerLike } from './server-like.ts';

/** The listener {@link trackConnections} added to each server, to remove on dispose. */
const trackers = new WeakMap<Server, () => void>();

/**
 * Checks that `server` is a `net.Server` (which `http`, `https`, `tls` and `http2` servers are).
 *
 * @example
 * ```ts
 * assertServer(http.createServer()); // ok
 * ```
 */
export function assertServer(server: unknown): asserts server is Server {
  if (!(server instanceof Server)) {
    throw new InvalidOptionError(
      'server',
      'server must be a net.Server (net, http, https, tls, http2)',
    );
  }
}

/**
 * Makes sure {@link closeServer} knows every connection and HTTP/2 session of `server` from now
 * on. Mostly optional: once portwarden is loaded it follows every server's connections, HTTP/1
 * requests and HTTP/2 sessions through Node's diagnostics channels (`net.server.socket`,
 * `http.server.request.start`), with or without this call. It matters for a plain-text HTTP/2
 * server (`http2.createServer`): without it, the session of the server's very first connection
 * is found only once it opens a stream, so a first client that stays connected without a request
 * keeps `closeServer` waiting until its timeout. It also follows the server's `'connection'`
 * events, which keeps working should a Node version stop publishing those channels. Call it
 * right after creating the server, before `listen()`. {@link handleShutdownSignals} follows its
 * server's HTTP/2 sessions the same way. Calling it twice is harmless. Returns a function that
 * stops following new connections (sessions stay followed: that only observes).
 *
 * Connections a server accepted before portwarden was loaded (a dynamic `import()` at shutdown)
 * are found only through Node's list of active handles, which misses unreferenced sockets: load
 * portwarden before the server starts.
 *
 * @example
 * ```ts
 * import {createServer} from 'node:http2';
 * import {trackConnections, closeServer} from 'portwarden';
 *
 * const server = createServer(onRequest);
 * trackConnections(server);
 * server.listen(4000);
 * // later
 * await closeServer(server, {timeout: 2000});
 * ```
 */
export function trackConnections(server: ServerLike): () => void {
  assertServer(server);
  followSessions(server);
  const existing = trackers.get(server);
  if (existing) return existing;
  const record = recordOf(server);
  const onConnection = (socket: Socket) => addSocket(record, socket);
  server.on('connection', onConnection);
  const dispose = () => {
    server.off('connection', onConnection);
    if (trackers.get(server) === dispose) trackers.delete(server);
  };
  trackers.set(server, dispose);
  return dispose;
}

/**
 * Every open connection of `server` that can be found: the TCP connections it accepted (see
 * {@link recordOf}), the sockets its HTTP/1 requests came on (TLS sockets for `https`), and,
 * where Node offers `process._getActiveHandles`, every referenced socket whose `server` is this
 * server — the fallback for connections accepted before portwarden was loaded.
 *
 * @example
 * ```ts
 * for (const socket of openConnections(server)) socket.destroy();
 * ```
 */
export function openConnections(server: Server): Set<Socket> {
  const record = recordOf(server);
  const sockets = new Set<Socket>([...record.sockets, ...record.exchanges.keys()]);
  const activeHandles = (process as unknown as { _getActiveHandles?: () => unknown[] })
    ._getActiveHandles;
  if (typeof activeHandles === 'function') {
    for (const handle of activeHandles.call(process)) {
      if (!(handle instanceof Socket)) continue;
      const owner = handle as Socket & { server?: unknown; _server?: unknown };
      if (owner.server === server || owner._server === server) sockets.add(owner);
    }
  }
  for (const socket of sockets) if (socket.destroyed) sockets.delete(socket);
  return sockets;
}
