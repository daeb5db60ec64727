import assert from 'node:assert/strict';
import http2 from 'node:http2';
import https from 'node:https';
import type { Server } from 'node:net';
import { describe, test } from 'node:test';
import { closeServer, isPortInUse, trackConnections } from '../../src/index.ts';
import { delay, listening, TLS, until } from './support.ts';

interface Kind {
  readonly name: string;
  readonly secure: boolean;
  readonly allowHTTP1: boolean;
  readonly tracked: boolean;
}

const KINDS: readonly Kind[] = [
  { name: 'http2.createServer', secure: false, allowHTTP1: false, tracked: false },
  { name: 'http2.createServer, tracked', secure: false, allowHTTP1: false, tracked: true },
  { name: 'http2.createSecureServer', secure: true, allowHTTP1: false, tracked: false },
  { name: 'http2.createSecureServer, allowHTTP1', secure: true, allowHTTP1: true, tracked: false },
  {
    name: 'http2.createSecureServer, allowHTTP1, tracked',
    secure: true,
    allowHTTP1: true,
    tracked: true,
  },
];

/**
 * An HTTP/2 server (compatibility API, so HTTP/1.1 requests work too with allowHTTP1) whose
 * `/slow` response sends its head and first byte at once and the rest on `release()`, whose
 * `/hang` response never ends, and whose other responses are sent at once.
 */
function makeServer(kind: Kind) {
  const pending: Array<() => void> = [];
  let requests = 0;
  const handler = (request: http2.Http2ServerRequest, response: http2.Http2ServerResponse) => {
    requests++;
    if (request.url === '/slow') {
      response.writeHead(200, { 'content-type': 'text/plain' });
      response.write('a');
      pending.push(() => response.end('b'));
    } else if (request.url === '/held') {
      pending.push(() => response.end('held'));
    } else if (request.url !== '/hang') response.end(`now ${request.url}`);
  };
  const server: Server = kind.secure
    ? http2.createSecureServer(
        { key: TLS.key, cert: TLS.cert, allowHTTP1: kind.allowHTTP1 },
        handler as never,
      )
    : http2.createServer(handler as never);
  if (kind.tracked) trackConnections(server);
  const release = () => {
    for (const end of pending.splice(0)) end();
  };
  return { server, release, requests: () => requests };
}

/** An HTTP/2 client session that records GOAWAY and its close. */
function connect(kind: Kind, port: number) {
  const session = kind.secure
    ? http2.connect(`https://127.0.0.1:${port}`, { ca: TLS.ca })
    : http2.connect(`http://127.0.0.1:${port}`);
  const events: string[] = [];
  session.on('goaway', () => events.push('goaway'));
  session.on('error', (error: NodeJS.ErrnoException) => events.push(`error ${error.code}`));
  const closed = new Promise<void>((resolve) => session.once('close', resolve));
  return { session, events, closed };
}

/** One GET over an HTTP/2 session: the status and body, or the error's code. */
function request(
  session: http2.ClientHttp2Session,
  path: string,
): Promise<{ status: number; body: string } | { error: string }> {
  return new Promise((resolve) => {
    const stream = session.request({ ':path': path });
    let status = 0;
    let body = '';
    stream.setEncoding('utf8');
    stream.on('response', (headers) => {
      status = Number(headers[':status']);
    });
    stream.on('data', (chunk: string) => {
      body += chunk;
    });
    stream.on('end', () => resolve({ status, body }));
    stream.on('error', (error: NodeJS.ErrnoException) => resolve({ error: error.code ?? 'error' }));
    stream.end();
  });
}

for (const kind of KINDS) {
  describe(`closeServer (${kind.name})`, () => {
    test('idle sessions get GOAWAY and close at once; a stream in flight completes; it resolves right after', async () => {
      const { server, release } = makeServer(kind);
      const port = await listening(server);
      const idle = connect(kind, port);
      const busy = connect(kind, port);
      try {
        assert.deepEqual(await request(idle.session, '/quick'), {
          status: 200,
          body: 'now /quick',
        });
        const slow = request(busy.session, '/slow');
        await delay(100);
        const t0 = performance.now();
        const closing = closeServer(server, { timeout: 5000 });
        await idle.closed;
        assert.ok(performance.now() - t0 < 1000, 'the idle session was closed at once');
        // GOAWAY (Node may send a second one as the session ends), never an error.
        assert.deepEqual([...new Set(idle.events)], ['goaway']);
        assert.equal(await isPortInUse(port, { host: '127.0.0.1' }), false, 'port released');
        assert.equal(busy.session.closed, true, 'the busy session got GOAWAY too');
        setTimeout(release, 100);
        assert.deepEqual(await slow, { status: 200, body: 'ab' });
        await closing;
        assert.ok(performance.now() - t0 < 1500, 'resolved after the stream, not at the deadline');
        await busy.closed;
      } finally {
        idle.session.destroy();
        busy.session.destroy();
      }
    });

    test('a stream that never ends is cut at the deadline', async () => {
      const { server, requests } = makeServer(kind);
      const port = await listening(server);
      const client = connect(kind, port);
      try {
        const hanging = request(client.session, '/hang');
        await until(() => requests() === 1);
        const t0 = performance.now();
        await closeServer(server, { timeout: 300 });
        const elapsed = performance.now() - t0;
        assert.ok(elapsed >= 280 && elapsed < 1500, `elapsed ${elapsed}`);
        const outcome = await hanging;
        assert.ok(
          !('status' in outcome) || outcome.status === 0,
          `the stream was cut, not answered: ${JSON.stringify(outcome)}`,
        );
        await client.closed;
      } finally {
        client.session.destroy();
      }
    });

    // Regression on Node 24, whose Http2Server#close() sent GOAWAY to every session at once: the
    // cleartext server refused this stream (the client got ERR_HTTP2_STREAM_ERROR).
    test('a request sent as closing begins is answered, not refused', async () => {
      const { server } = makeServer(kind);
      const port = await listening(server);
      const client = connect(kind, port);
      try {
        assert.deepEqual(await request(client.session, '/first'), {
          status: 200,
          body: 'now /first',
        });
        const second = request(client.session, '/second');
        // Let the client write the request's frames; the server has not read them yet.
        await new Promise((resolve) => setImmediate(resolve));
        const closing = closeServer(server, { timeout: 5000 });
        assert.deepEqual(await second, { status: 200, body: 'now /second' });
        await closing;
      } finally {
        client.session.destroy();
      }
    });

    if (kind.allowHTTP1) {
      test('HTTP/1.1 clients of the same server: idle connections close at once, a response not started gets Connection: close', async () => {
        const { server, release, requests } = makeServer(kind);
        const port = await listening(server);
        const agent = new https.Agent({ keepAlive: true, ca: TLS.ca, maxSockets: 1 });
        const idleAgent = new https.Agent({ keepAlive: true, ca: TLS.ca });
        const fetch = (via: https.Agent, path: string) =>
          new Promise<{ body: string; connection: string | undefined }>((resolve, reject) => {
            https
              .get({ host: '127.0.0.1', port, path, agent: via, ca: TLS.ca }, (response) => {
                let body = '';
                response.on('data', (chunk) => {
                  body += chunk;
                });
                response.on('end', () =>
                  resolve({ body, connection: response.headers.connection }),
                );
              })
              .on('error', reject);
          });
        try {
          await fetch(idleAgent, '/quick');
          const idleSocket = Object.values(idleAgent.freeSockets).flat()[0];
          assert.ok(idleSocket, 'an idle HTTP/1.1 keep-alive connection');
          const idleClosed = new Promise((resolve) => idleSocket.ref().once('close', resolve));
          const held = fetch(agent, '/held');
          await until(() => requests() === 2);
          const t0 = performance.now();
          const closing = closeServer(server, { timeout: 5000 });
          await idleClosed;
          assert.ok(performance.now() - t0 < 1000, 'the idle connection was closed at once');
          setTimeout(release, 50);
          assert.deepEqual(await held, { body: 'held', connection: 'close' });
          await closing;
          assert.ok(performance.now() - t0 < 1500, 'resolved after the response, not the deadline');
        } finally {
          agent.destroy();
          idleAgent.destroy();
        }
      });
    }
  });
}

describe('closeServer (http2.createServer): sessions that never opened a stream', () => {
  /** Connects `count` clients that open no stream; resolves with their recorders. */
  async function silentClients(port: number, count: number) {
    const kind = KINDS[0] as Kind;
    const clients = Array.from({ length: count }, () => connect(kind, port));
    await Promise.all(
      clients.map(({ session }) => new Promise((resolve) => session.once('connect', resolve))),
    );
    await delay(50);
    return clients;
  }

  test('with trackConnections, even the first connection gets GOAWAY at once', async () => {
    const server = http2.createServer(() => {});
    trackConnections(server);
    const port = await listening(server);
    const clients = await silentClients(port, 2);
    try {
      const t0 = performance.now();
      await closeServer(server, { timeout: 5000 });
      assert.ok(performance.now() - t0 < 1000, 'did not wait for the deadline');
      for (const client of clients) {
        await client.closed;
        assert.deepEqual([...new Set(client.events)], ['goaway']);
      }
    } finally {
      for (const client of clients) client.session.destroy();
    }
  });

  test('without it, sessions after the first connection get GOAWAY at once too', async () => {
    const server = http2.createServer((_request, response) => response.end('ok'));
    const port = await listening(server);
    const first = connect(KINDS[0] as Kind, port);
    try {
      // The server's first connection is seen only after its session began: found by its stream.
      assert.deepEqual(await request(first.session, '/'), { status: 200, body: 'ok' });
      const [silent] = await silentClients(port, 1);
      assert.ok(silent);
      const t0 = performance.now();
      await closeServer(server, { timeout: 5000 });
      assert.ok(performance.now() - t0 < 1000, 'did not wait for the deadline');
      await silent.closed;
      assert.deepEqual([...new Set(silent.events)], ['goaway']);
      silent.session.destroy();
    } finally {
      first.session.destroy();
    }
  });
});
