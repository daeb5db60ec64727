import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import http from 'node:http';
import net from 'node:net';
import { describe, test } from 'node:test';
import { closeServer, isPortInUse, trackConnections } from '../../src/index.ts';
import { SRC_INDEX } from '../helpers/holders.ts';
import { delay, listening } from './support.ts';

function get(
  port: number,
  path: string,
  agent: http.Agent | false,
): Promise<{ status: number; body: string; connection: string | undefined }> {
  return new Promise((resolve, reject) => {
    const request = http.get({ host: '127.0.0.1', port, path, agent }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk) => {
        body += chunk;
      });
      response.on('end', () =>
        resolve({
          status: response.statusCode ?? 0,
          body,
          connection: response.headers.connection,
        }),
      );
      response.on('error', reject);
    });
    request.on('error', reject);
  });
}

describe('closeServer (http)', () => {
  test('idle keep-alive connections are closed at once', async () => {
    const server = http.createServer((_request, response) => response.end('ok'));
    const port = await listening(server);
    const agent = new http.Agent({ keepAlive: true, maxSockets: 3 });
    await Promise.all([get(port, '/', agent), get(port, '/', agent), get(port, '/', agent)]);
    const idle = Object.values(agent.freeSockets).flat();
    assert.ok(idle.length >= 1, 'keep-alive sockets are idle in the agent');
    // The agent unrefs its idle sockets; ref them so the test waits for their 'close'.
    const closed = idle.map(
      (socket) => new Promise((resolve) => socket?.ref().once('close', resolve)),
    );
    const t0 = performance.now();
    await closeServer(server, { timeout: 5000 });
    assert.ok(performance.now() - t0 < 500, 'did not wait for the keep-alive timeout');
    await Promise.all(closed);
    agent.destroy();
  });

  test('a request in flight completes with its full response, then its connection ends', async () => {
    let release: () => void = () => {};
    const server = http.createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/plain' });
      response.write('first half, ');
      release = () => response.end('second half');
    });
    trackConnections(server);
    const port = await listening(server);
    const agent = new http.Agent({ keepAlive: true });
    const pending = get(port, '/slow', agent);
    await delay(100);
    const closing = closeServer(server, { timeout: 5000 });
    // Stops accepting at once: the port is released while the request is still in flight.
    await delay(20);
    assert.equal(await isPortInUse(port, { host: '127.0.0.1' }), false);
    setTimeout(() => release(), 200);
    const t0 = performance.now();
    const response = await pending;
    assert.equal(response.status, 200);
    assert.equal(response.body, 'first half, second half');
    await closing;
    assert.ok(
      performance.now() - t0 < 1000,
      'closed right after the response, not at the deadline',
    );
    agent.destroy();
  });

  test('a response not yet started when closing begins gets Connection: close', async () => {
    let respond: () => void = () => {};
    const server = http.createServer((_request, response) => {
      respond = () => response.end('late');
    });
    const port = await listening(server);
    const agent = new http.Agent({ keepAlive: true });
    const pending = get(port, '/', agent);
    await delay(100);
    const closing = closeServer(server, { timeout: 5000 });
    setTimeout(() => respond(), 100);
    const response = await pending;
    assert.equal(response.body, 'late');
    assert.equal(response.connection, 'close');
    await closing;
    agent.destroy();
  });

  test('a request that never completes is ended at the deadline', async () => {
    const server = http.createServer(() => {
      // never answers
    });
    const port = await listening(server);
    const pending = get(port, '/hang', false).then(
      () => 'answered',
      (error: NodeJS.ErrnoException) => error.code,
    );
    await delay(100);
    const t0 = performance.now();
    await closeServer(server, { timeout: 300 });
    const elapsed = performance.now() - t0;
    assert.ok(elapsed >= 280 && elapsed < 1500, `elapsed ${elapsed}`);
    assert.equal(await pending, 'ECONNRESET');
  });

  test('an upgraded (WebSocket-style) socket is ended at the deadline', async () => {
    const server = http.createServer();
    server.on('upgrade', (_request, socket: net.Socket) => {
      socket.write(
        'HTTP/1.1 101 Switching Protocols\r\nUpgrade: test\r\nConnection: Upgrade\r\n\r\n',
      );
      socket.on('data', (data) => socket.write(data)); // echo, never ends
    });
    const port = await listening(server);
    const upgraded = await new Promise<net.Socket>((resolve, reject) => {
      const request = http.request({
        host: '127.0.0.1',
        port,
        headers: { Connection: 'Upgrade', Upgrade: 'test' },
      });
      request.on('upgrade', (_response, socket) => resolve(socket));
      request.on('error', reject);
      request.end();
    });
    const closed = new Promise((resolve) => upgraded.once('close', resolve));
    upgraded.on('error', () => {});
    const t0 = performance.now();
    await closeServer(server, { timeout: 300 });
    const elapsed = performance.now() - t0;
    assert.ok(elapsed >= 280 && elapsed < 1500, `elapsed ${elapsed}`);
    await closed;
  });

  test('after it resolves another process can listen on the port at once', async () => {
    const server = http.createServer((_request, response) => response.end('ok'));
    const port = await listening(server, '127.0.0.1');
    const agent = new http.Agent({ keepAlive: true });
    await get(port, '/', agent);
    await closeServer(server);
    // Another process listens on the port and exits: its status says whether listen() worked.
    const other = spawnSync(
      process.execPath,
      [
        '-e',
        `require('node:net').createServer().once('error', (e) => { console.error(e.code); process.exit(1); })
          .listen(${port}, '127.0.0.1', function () { this.close(); });`,
      ],
      { encoding: 'utf8', timeout: 10_000 },
    );
    assert.equal(other.status, 0, other.stderr);
    agent.destroy();
  });

  test('a server that is not listening resolves at once; two concurrent calls both resolve', async () => {
    await closeServer(http.createServer());
    const server = http.createServer();
    await listening(server);
    await Promise.all([closeServer(server), closeServer(server)]);
    assert.equal(server.listening, false);
  });
});

describe('closeServer (net)', () => {
  test('connections of a plain net server are ended at the deadline (found without tracking)', async () => {
    const server = net.createServer((socket) => socket.on('error', () => {}));
    const port = await listening(server);
    const client = net.connect(port, '127.0.0.1');
    client.on('error', () => {});
    await new Promise((resolve) => client.once('connect', resolve));
    await delay(50);
    const closed = new Promise((resolve) => client.once('close', resolve));
    const t0 = performance.now();
    await closeServer(server, { timeout: 200 });
    const elapsed = performance.now() - t0;
    assert.ok(elapsed >= 190 && elapsed < 1500, `elapsed ${elapsed}`);
    await closed;
  });

  test('an unreferenced connection (not among the active handles) is still found and ended at the deadline', async () => {
    const server = net.createServer((socket) => {
      socket.on('error', () => {});
      socket.unref();
    });
    const port = await listening(server);
    const client = net.connect(port, '127.0.0.1');
    client.on('error', () => {});
    await new Promise((resolve) => client.once('connect', resolve));
    await delay(50);
    const closed = new Promise((resolve) => client.once('close', resolve));
    const t0 = performance.now();
    await closeServer(server, { timeout: 200 });
    const elapsed = performance.now() - t0;
    assert.ok(elapsed >= 190 && elapsed < 1500, `elapsed ${elapsed}`);
    await closed;
  });

  test('tracked connections that end on their own let it resolve before the deadline', async () => {
    const server = net.createServer((socket) => {
      socket.on('error', () => {});
      socket.on('data', () => socket.end('bye'));
    });
    trackConnections(server);
    const port = await listening(server);
    const client = net.connect(port, '127.0.0.1');
    await new Promise((resolve) => client.once('connect', resolve));
    const closing = closeServer(server, { timeout: 5000 });
    client.end('hello');
    const t0 = performance.now();
    await closing;
    assert.ok(performance.now() - t0 < 1000);
  });

  test('connections accepted before portwarden was loaded: found through the active handles and ended at the deadline; an unreferenced one makes it reject ERR_CLOSE_TIMEOUT, not hang', async () => {
    // A child process, so that portwarden (and its diagnostics-channel subscriptions) is loaded
    // only after the servers accepted their connections.
    const script = `
      import net from 'node:net';
      async function serve(unref) {
        const accepted = [];
        const server = net.createServer((socket) => {
          socket.on('error', () => {});
          if (unref) socket.unref();
          accepted.push(socket);
        });
        await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
        const port = server.address().port;
        const client = net.connect(port, '127.0.0.1');
        client.on('error', () => {});
        await new Promise((resolve) => client.once('connect', resolve));
        return { server, port, client, accepted };
      }
      const referenced = await serve(false);
      const unreferenced = await serve(true);
      await new Promise((resolve) => setTimeout(resolve, 50));
      const { closeServer, isPortInUse } = await import(process.env.PW_ENTRY);
      const outcome = async ({ server, port }) => {
        const t0 = performance.now();
        let code = 'resolved';
        try { await closeServer(server, { timeout: 100 }); } catch (error) { code = error.code; }
        const elapsed = Math.round(performance.now() - t0);
        return { code, elapsed, inUse: await isPortInUse(port, { host: '127.0.0.1' }) };
      };
      const results = await Promise.all([outcome(referenced), outcome(unreferenced)]);
      console.log(JSON.stringify(results));
      for (const { client, accepted } of [referenced, unreferenced]) {
        client.destroy();
        for (const socket of accepted) socket.destroy();
      }
    `;
    const child = spawnSync(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', script],
      { env: { ...process.env, PW_ENTRY: SRC_INDEX }, encoding: 'utf8', timeout: 30_000 },
    );
    assert.equal(child.status, 0, child.stderr);
    const [referenced, unreferenced] = JSON.parse(child.stdout) as Array<{
      code: string;
      elapsed: number;
      inUse: boolean;
    }>;
    assert.equal(referenced?.code, 'resolved');
    assert.ok((referenced?.elapsed ?? 0) >= 90 && (referenced?.elapsed ?? 0) < 1000);
    assert.equal(unreferenced?.code, 'ERR_CLOSE_TIMEOUT');
    assert.ok((unreferenced?.elapsed ?? 0) >= 1000 && (unreferenced?.elapsed ?? 0) < 2500);
    assert.equal(unreferenced?.inUse, false, 'the port is released even so');
    assert.equal(referenced?.inUse, false);
  });

  test('bad input rejects with ERR_INVALID_OPTION', async () => {
    await assert.rejects(closeServer({} as net.Server), { code: 'ERR_INVALID_OPTION' });
    await assert.rejects(closeServer(net.createServer(), { timeout: -1 }), {
      code: 'ERR_INVALID_OPTION',
    });
    await assert.rejects(closeServer(net.createServer(), { timeout: '5s' as never }), {
      code: 'ERR_INVALID_OPTION',
    });
  });
});
