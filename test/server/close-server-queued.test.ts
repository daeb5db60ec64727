import assert from 'node:assert/strict';
import http from 'node:http';
import https from 'node:https';
import { describe, test } from 'node:test';
import { closeServer, trackConnections } from '../../src/index.ts';
import { delay, get, listening, rawClient, TLS, until } from './support.ts';

/**
 * A server whose `/slow` response sends its head and first byte at once and the rest on
 * `release()`, whose `/held/...` responses are not started until `release()`, and whose other
 * responses are sent at once.
 */
function makeServer(secure: boolean, tracked: boolean) {
  const seen: string[] = [];
  const pending: Array<() => void> = [];
  const handler: http.RequestListener = (request, response) => {
    const url = request.url ?? '';
    seen.push(url);
    if (url === '/slow') {
      response.writeHead(200, { 'content-type': 'text/plain' });
      response.write('a');
      pending.push(() => response.end('b'));
    } else if (url.startsWith('/held/')) {
      pending.push(() => response.end(url.slice('/held/'.length)));
    } else response.end(`now ${url}`);
  };
  const server = secure
    ? https.createServer({ key: TLS.key, cert: TLS.cert }, handler)
    : http.createServer(handler);
  if (tracked) trackConnections(server);
  /** Ends the held responses one by one, oldest first, 30 ms apart. */
  const release = async () => {
    while (pending.length > 0) {
      pending.shift()?.();
      await delay(30);
    }
  };
  return { server, seen, release };
}

for (const secure of [false, true]) {
  for (const tracked of [false, true]) {
    const mode = `${secure ? 'https' : 'http'}, ${tracked ? 'tracked' : 'untracked'}`;

    describe(`closeServer answers queued requests (${mode})`, () => {
      test('requests pipelined before closing began: each gets its full response, the last one Connection: close, then a clean end', async () => {
        const { server, seen, release } = makeServer(secure, tracked);
        const port = await listening(server);
        const client = await rawClient(port, secure);
        client.send(get('/slow') + get('/held/one') + get('/held/two'));
        await until(() => seen.length === 3);
        const t0 = performance.now();
        const closing = closeServer(server, { timeout: 5000 });
        await delay(50);
        await release();
        const { responses, ending } = await client.outcome;
        assert.deepEqual(
          {
            ending,
            responses: responses.map((response) => [response.body, response.headers.connection]),
          },
          {
            ending: 'eof', // the server ended the connection cleanly
            responses: [
              ['ab', 'keep-alive'],
              ['one', 'keep-alive'],
              ['two', 'close'],
            ],
          },
        );
        await closing;
        assert.ok(performance.now() - t0 < 2000, 'closed after the responses, not at the deadline');
      });

      test('a request pipelined after closing began, behind a response in flight, gets its response with Connection: close', async () => {
        const { server, seen, release } = makeServer(secure, tracked);
        const port = await listening(server);
        const client = await rawClient(port, secure);
        client.send(get('/slow'));
        await until(() => seen.length === 1);
        const closing = closeServer(server, { timeout: 5000 });
        await delay(50);
        client.send(get('/held/queued'));
        await until(() => seen.length === 2);
        await release();
        const { responses, ending } = await client.outcome;
        assert.deepEqual(
          {
            ending,
            responses: responses.map((response) => [response.body, response.headers.connection]),
          },
          {
            ending: 'eof',
            responses: [
              ['ab', 'keep-alive'],
              ['queued', 'close'],
            ],
          },
        );
        await closing;
      });

      test('a request sent on an idle keep-alive connection as closing begins is answered with Connection: close, not reset', async () => {
        const { server } = makeServer(secure, tracked);
        const port = await listening(server);
        const client = await rawClient(port, secure);
        client.send(get('/first'));
        await until(() => client.responses().length === 1);
        await delay(20);
        // Same tick: the request is on its way (in the server's receive buffer) when the close begins.
        client.send(get('/second'));
        const closing = closeServer(server, { timeout: 5000 });
        const { responses, ending } = await client.outcome;
        assert.deepEqual(
          {
            ending,
            responses: responses.map((response) => [response.body, response.headers.connection]),
          },
          {
            ending: 'eof',
            responses: [
              ['now /first', 'keep-alive'],
              ['now /second', 'close'],
            ],
          },
        );
        await closing;
      });
    });
  }
}
