/**
 * Runs `task` once the event loop has polled for I/O at least once from now, so that bytes that
 * already reached this process's sockets (a request a client sent just before) have been read and
 * parsed before `task` decides a connection is idle. Two `setImmediate` hops: the first runs in
 * this loop iteration's check phase, the second in the next one's, after its poll phase. Returns
 * a function that cancels the task if it has not run yet.
 *
 * @example
 * ```ts
 * const cancel = afterPendingIo(() => server.closeIdleConnections());
 * ```
 */
export function afterPendingIo(task: () => void): () => void {
  let cancelled = false;
  let inner: NodeJS.Immediate | undefined;
  const outer = setImmediate(() => {
    inner = setImmediate(() => {
      if (!cancelled) task();
    });
  });
  return () => {
    cancelled = true;
    clearImmediate(outer);
    if (inner) clearImmediate(inner);
  };
}
