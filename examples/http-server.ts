/**
 * A small HTTP server that always manages to start and always stops cleanly.
 *
 * - Starting: `listenWhenFree` stops whatever still holds the port (an old copy of this server
 *   that did not exit, an orphaned child), then listens — retrying if someone grabs the port in
 *   between.
 * - Stopping: Ctrl+C, `kill`, or nodemon's SIGUSR2 close it gracefully (requests in flight may
 *   finish for 3 s); a second Ctrl+C exits at once. `GET /shutdown` does the same from a browser.
 *
 * Run:   node --import tsx examples/http-server.ts [port]          (default 3000, or $PORT)
 * Try:   curl localhost:3000/   curl localhost:3000/slow   curl localhost:3000/shutdown
 *
 * In your own project, import from 'portwarden' instead of '../src/index.ts'.
 */
import { createServer } from 'node:http';
import {
  closeServer,
  handleShutdownSignals,
  listenWhenFree,
  PortUnavailableError,
  trackConnections,
} from '../src/index.ts';

const port = Number(process.argv[2] ?? process.env.PORT ?? 3000);

const server = createServer((request, response) => {
  switch (request.url) {
    case '/':
      response.end(`hello from pid ${process.pid}\n`);
      break;
    case '/slow':
      setTimeout(() => response.end('slow answer\n'), 1000);
      break;
    case '/shutdown':
      response.end('shutting down\n');
      closeServer(server, { timeout: 3000 }).then(
        () => process.exit(0),
        () => process.exit(1),
      );
      break;
    default:
      response.statusCode = 404;
      response.end('not found\n');
  }
});
trackConnections(server);

try {
  const address = await listenWhenFree(server, port, {
    host: '127.0.0.1',
    gracePeriod: 2000,
    maxWait: 10_000,
  });
  handleShutdownSignals(server, { timeout: 3000 });
  console.log(`listening on http://127.0.0.1:${address.port} (pid ${process.pid})`);
} catch (error) {
  if (error instanceof PortUnavailableError) {
    console.error(`cannot start: ${error.message}`);
    process.exit(1);
  }
  throw error;
}
