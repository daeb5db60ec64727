import type { IncomingMessage, ServerResponse } from 'node:http';
import { Server, Socket } from 'node:net';
import { InvalidOptionError } from '../errors.ts';
import type { ServerLike } from './server-like.ts';

/** What {@link trackConnections} keeps for one server. */
interface Tracking {
  /** Open connections (raw TCP sockets) accepted since tracking began. */
  readonly sockets: Set<Socket>;
  /** HTTP responses in flight (request seen, response not finished). */
  readonly responses: Set<ServerResponse>;
  readonly dispose: () => void;
}

const tracked = new WeakMap<Server, Tracking>();

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
    throw new InvalidOptionError('server', 'server must be a net.Server (net, http, https, tls)');
  }
}

/**
 * Keeps track of a server's connections and in-flight HTTP responses, so that
 * {@link closeServer} can end them precisely: idle keep-alive connections at once, busy ones
 * right after their response, the rest (upgraded sockets, raw `net` connections) at the
 * deadline. Call it right after creating the server, before `listen()`. Optional: without it
 * `closeServer` finds a server's open connections through Node's list of active handles (it
 * sees every referenced socket the server accepted), and HTTP servers' own connection list.
 * Calling it twice is harmless. Returns a function that stops tracking.
 *
 * @example
 * ```ts
 * import {createServer} from 'node:net';
 * import {trackConnections, closeServer} from 'portwarden';
 *
 * const server = createServer(onConnection);
 * trackConnections(server);
 * server.listen(4000);
 * // later
 * await closeServer(server, {timeout: 2000});
 * ```
 */
export function trackConnections(server: ServerLike): () => void {
  assertServer(server);
  const existing = tracked.get(server);
  if (existing) return existing.dispose;
  const sockets = new Set<Socket>();
  const responses = new Set<ServerResponse>();
  const onConnection = (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  };
  const onRequest = (_request: IncomingMessage, response: ServerResponse) => {
    responses.add(response);
    const done = () => responses.delete(response);
    response.once('finish', done);
    response.once('close', done);
  };
  server.on('connection', onConnection);
  server.on('request', onRequest);
  const dispose = () => {
    server.off('connection', onConnection);
    server.off('request', onRequest);
    tracked.delete(server);
  };
  tracked.set(server, { sockets, responses, dispose });
  return dispose;
}

/**
 * Every open connection of `server` that can be found: the tracked ones (see
 * {@link trackConnections}) and, where Node offers `process._getActiveHandles`, every referenced
 * socket whose `server` is this server (also upgraded ones, which HTTP servers stop counting).
 *
 * @example
 * ```ts
 * openConnections(server).size; // 3
 * ```
 */
export function openConnections(server: Server): Set<Socket> {
  const sockets = new Set<Socket>(tracked.get(server)?.sockets ?? []);
  const activeHandles = (process as unknown as { _getActiveHandles?: () => unknown[] })
    ._getActiveHandles;
  if (typeof activeHandles === 'function') {
    for (const handle of activeHandles.call(process)) {
      if (!(handle instanceof Socket)) continue;
      const owner = handle as Socket & { server?: unknown; _server?: unknown };
      if ((owner.server === server || owner._server === server) && !owner.destroyed) {
        sockets.add(owner);
      }
    }
  }
  return sockets;
}

/**
 * HTTP responses in flight on `server`: the tracked ones, plus the response each open socket is
 * serving now (`socket._httpMessage`, which Node sets while a response is assigned to a socket).
 *
 * @example
 * ```ts
 * for (const response of responsesInFlight(server, openConnections(server))) response.shouldKeepAlive = false;
 * ```
 */
export function responsesInFlight(server: Server, sockets: Iterable<Socket>): Set<ServerResponse> {
  const responses = new Set<ServerResponse>(tracked.get(server)?.responses ?? []);
  for (const socket of sockets) {
    const message = (socket as Socket & { _httpMessage?: unknown })._httpMessage;
    if (message && typeof message === 'object' && 'writableFinished' in message) {
      responses.add(message as ServerResponse);
    }
  }
  for (const response of responses) {
    if (response.writableFinished) responses.delete(response);
  }
  return responses;
}
