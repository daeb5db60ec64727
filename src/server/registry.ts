/**
 * What portwarden knows about each server's connections, learnt through Node's public
 * diagnostics channels from the moment this module is loaded — so that `closeServer` can close a
 * server precisely even when `trackConnections` was never called, for `net`, `http`, `https` and
 * `http2` servers alike:
 *
 * - `net.server.socket` (published for every connection a `net.Server` accepts): the server's
 *   TCP connections (for TLS servers, the TCP socket under the TLS one), and the first sight of an
 *   HTTP/2 server, whose `'session'` and `'stream'` events are followed from then on;
 * - `http.server.request.start` (published for every HTTP/1 request of an `http`, `https` or
 *   `allowHTTP1` HTTP/2 server, before the `'request'` event): the responses in flight on each
 *   connection, in the order the requests arrived (pipelined ones too).
 *
 * Nothing is kept past a connection's or session's `'close'`; a server's record goes with the
 * server (a `WeakMap`). Subscribers never throw (a throwing subscriber would crash the host).
 *
 * @module
 */
import { subscribe } from 'node:diagnostics_channel';
import type { ServerResponse } from 'node:http';
import type { Http2Session, ServerHttp2Stream } from 'node:http2';
import { Server, Socket } from 'node:net';
import { createLogger } from '../log.ts';

const debug = createLogger('portwarden:server');

/**
 * A callback told of each new HTTP/1 request on a server (its connection and response).
 *
 * @example
 * ```ts
 * const watcher: ExchangeWatcher = (socket, response) => response.setHeader('connection', 'close');
 * ```
 */
export type ExchangeWatcher = (socket: Socket, response: ServerResponse) => void;

/**
 * What portwarden knows about one server.
 *
 * @example
 * ```ts
 * const record: ServerRecord = recordOf(server);
 * record.sockets.size; // open connections
 * ```
 */
export interface ServerRecord {
  /** Open connections the server accepted (TCP sockets). */
  readonly sockets: Set<Socket>;
  /**
   * HTTP/1 responses per connection (the socket HTTP uses: the TLS socket for `https`), in the
   * order of their requests. Finished ones are dropped lazily; see {@link pendingResponses}.
   */
  readonly exchanges: Map<Socket, ServerResponse[]>;
  /** HTTP/2 sessions not closed yet. */
  readonly sessions: Set<Http2Session>;
  /** Told of every new HTTP/1 request while a close is in progress. */
  readonly watchers: Set<ExchangeWatcher>;
  /** Whether the server's `'session'` and `'stream'` events are followed. */
  followsSessions: boolean;
}

const records = new WeakMap<Server, ServerRecord>();

/**
 * The record of `server` (created empty on first use).
 *
 * @example
 * ```ts
 * recordOf(server).sockets.size; // open connections seen
 * ```
 */
export function recordOf(server: Server): ServerRecord {
  let record = records.get(server);
  if (!record) {
    record = {
      sockets: new Set(),
      exchanges: new Map(),
      sessions: new Set(),
      watchers: new Set(),
      followsSessions: false,
    };
    records.set(server, record);
  }
  return record;
}

/**
 * Whether `server` is an HTTP/2 server (`http2.createServer` or `http2.createSecureServer`):
 * Node exports no class to test with `instanceof`, so the test is the method only they have.
 *
 * @example
 * ```ts
 * isHttp2Server(http2.createServer()); // true
 * ```
 */
export function isHttp2Server(server: Server): boolean {
  return typeof (server as { updateSettings?: unknown }).updateSettings === 'function';
}

/**
 * Remembers an accepted connection until it closes.
 *
 * @example
 * ```ts
 * server.on('connection', (socket) => addSocket(recordOf(server), socket));
 * ```
 */
export function addSocket(record: ServerRecord, socket: Socket): void {
  if (record.sockets.has(socket) || socket.destroyed) return;
  record.sockets.add(socket);
  socket.once('close', () => record.sockets.delete(socket));
}

/**
 * Remembers an HTTP/2 session until it closes.
 *
 * @example
 * ```ts
 * server.on('session', (session) => addSession(recordOf(server), session));
 * ```
 */
export function addSession(record: ServerRecord, session: Http2Session | undefined): void {
  if (!session || record.sessions.has(session) || session.destroyed) return;
  record.sessions.add(session);
  session.once('close', () => record.sessions.delete(session));
}

/**
 * Follows the sessions of an HTTP/2 server from now on: each new session (`'session'`), and the
 * session of each new stream (`'stream'`), which finds sessions that began before. Does nothing
 * for other servers, and nothing the second time. Only observes: no behaviour changes.
 *
 * @example
 * ```ts
 * followSessions(http2Server);
 * ```
 */
export function followSessions(server: Server): void {
  const record = recordOf(server);
  if (record.followsSessions || !isHttp2Server(server)) return;
  record.followsSessions = true;
  server.on('session', (session: Http2Session) => addSession(record, session));
  server.on('stream', (stream: ServerHttp2Stream) => addSession(record, stream.session));
}

/**
 * The HTTP/1 responses of `server` that are not finished, per connection, in request order.
 *
 * @example
 * ```ts
 * for (const [socket, responses] of pendingResponses(server)) console.log(responses.length);
 * ```
 */
export function pendingResponses(server: Server): Map<Socket, ServerResponse[]> {
  const pending = new Map<Socket, ServerResponse[]>();
  for (const [socket, responses] of recordOf(server).exchanges) {
    const open = responses.filter((response) => !isDone(response));
    if (open.length > 0) pending.set(socket, open);
  }
  return pending;
}

function isDone(response: ServerResponse): boolean {
  return response.writableFinished || response.destroyed;
}

function onServerSocket(message: unknown): void {
  try {
    const socket = (message as { socket?: unknown } | null)?.socket;
    if (!(socket instanceof Socket)) return;
    const server = (socket as Socket & { server?: unknown }).server;
    if (!(server instanceof Server)) return;
    addSocket(recordOf(server), socket);
    followSessions(server);
  } catch (error) {
    debug('net.server.socket: %O', error);
  }
}

function onRequestStart(message: unknown): void {
  try {
    const { response, socket, server } = (message ?? {}) as {
      response?: ServerResponse;
      socket?: unknown;
      server?: unknown;
    };
    if (!(server instanceof Server) || !(socket instanceof Socket) || !response) return;
    const record = recordOf(server);
    let responses = record.exchanges.get(socket);
    if (!responses) {
      const list: ServerResponse[] = [];
      responses = list;
      record.exchanges.set(socket, list);
      socket.once('close', () => {
        if (record.exchanges.get(socket) === list) record.exchanges.delete(socket);
      });
    }
    while (responses.length > 0 && isDone(responses[0] as ServerResponse)) responses.shift();
    responses.push(response);
    for (const watcher of record.watchers) watcher(socket, response);
  } catch (error) {
    debug('http.server.request.start: %O', error);
  }
}

subscribe('net.server.socket', onServerSocket);
subscribe('http.server.request.start', onRequestStart);
