/**
 * Server-side TIME_WAIT on a port, made for real: a server on the port that closes each accepted
 * connection first, so its side of every connection stays in TIME_WAIT (Linux: 60 s) after the
 * server itself has closed.
 */
import { connect, createServer } from 'node:net';

/**
 * Listens on `host:port`, lets `connections` clients connect one after the other, the server
 * ending each first, then closes the server: `connections` TIME_WAIT sockets remain on the port.
 *
 * @example
 * ```ts
 * await leaveServerTimeWait(port, {connections: 2});
 * await checkPortTimeWait(port); // true (Linux)
 * ```
 */
export async function leaveServerTimeWait(
  port: number,
  options: { readonly connections?: number; readonly host?: string } = {},
): Promise<void> {
  const host = options.host ?? '127.0.0.1';
  const server = createServer((socket) => socket.end());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  try {
    for (let i = 0; i < (options.connections ?? 1); i++) {
      await new Promise<void>((resolve, reject) => {
        const client = connect(port, host);
        client.on('error', reject);
        client.on('end', () => client.end());
        client.on('close', () => resolve());
        client.resume();
      });
    }
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
