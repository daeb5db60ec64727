import type { Http2Session, ServerHttp2Stream } from 'node:http2';
import type { Server } from 'node:net';
import { afterPendingIo } from './after-io.ts';
import { addSession, recordOf } from './registry.ts';

/**
 * A close of an HTTP/2 server's sessions in progress.
 *
 * @example
 * ```ts
 * const closing: Http2Closing = closeHttp2Sessions(server);
 * setTimeout(() => closing.forceClose(), 5000);
 * ```
 */
export interface Http2Closing {
  /** At the deadline: destroys every session (and so its streams and connection). */
  forceClose(): void;
  /** Stops watching for new sessions and streams. */
  dispose(): void;
}

/**
 * Closes an HTTP/2 server's sessions gracefully: each gets `session.close()` — a GOAWAY that
 * tells the client to open no more streams — once the event loop has read whatever already
 * reached it (see {@link afterPendingIo}), so a stream the client opened just before is still
 * served. Streams in flight then finish; a session without streams (idle) ends at once, and a
 * busy one right after its last stream. A session that appears while closing (a TLS handshake
 * that was under way) or is first seen through a new stream gets the same. Nothing is destroyed
 * before {@link Http2Closing.forceClose}, which calls `session.destroy()`.
 *
 * @example
 * ```ts
 * const closing = closeHttp2Sessions(server);
 * setTimeout(() => closing.forceClose(), 5000);
 * ```
 */
export function closeHttp2Sessions(server: Server): Http2Closing {
  const record = recordOf(server);
  const cancels = new Set<() => void>();
  const scheduled = new WeakSet<Http2Session>();
  let disposed = false;

  const goAway = (session: Http2Session | undefined) => {
    if (disposed || !session || scheduled.has(session) || session.closed || session.destroyed) {
      return;
    }
    scheduled.add(session);
    addSession(record, session);
    const cancel = afterPendingIo(() => {
      cancels.delete(cancel);
      if (!session.closed && !session.destroyed) session.close();
    });
    cancels.add(cancel);
  };
  const onSession = (session: Http2Session) => goAway(session);
  const onStream = (stream: ServerHttp2Stream) => goAway(stream.session);

  for (const session of record.sessions) goAway(session);
  server.on('session', onSession);
  server.on('stream', onStream);

  return {
    forceClose: () => {
      for (const session of record.sessions) session.destroy();
    },
    dispose: () => {
      if (disposed) return;
      disposed = true;
      server.off('session', onSession);
      server.off('stream', onStream);
      for (const cancel of cancels) cancel();
      cancels.clear();
    },
  };
}
