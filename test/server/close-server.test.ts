import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { closeServer, isPortInUse, trackConnections } from '../../src/index.ts';
import { startHolder, trackHolders } from '../helpers/holders.ts';
import { makeTempDir } from '../helpers/temp.ts';

const hold = trackHolders();

function listening<T extends net.Server>(server: T, host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve((server.address() as net.AddressInfo).port));
  });
}

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

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

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
    const holder = await hold(startHolder({ port, host: '127.0.0.1' }));
    assert.equal(holder.alive(), true);
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

  test("a connection it cannot find (unref'd, untracked) makes it reject ERR_CLOSE_TIMEOUT, not hang", async () => {
    let accepted: net.Socket | undefined;
    const server = net.createServer((socket) => {
      socket.on('error', () => {});
      socket.unref(); // not among the active handles any more
      accepted = socket;
    });
    const port = await listening(server);
    const client = net.connect(port, '127.0.0.1');
    client.on('error', () => {});
    await new Promise((resolve) => client.once('connect', resolve));
    await delay(50);
    const t0 = performance.now();
    await assert.rejects(closeServer(server, { timeout: 100 }), { code: 'ERR_CLOSE_TIMEOUT' });
    const elapsed = performance.now() - t0;
    assert.ok(elapsed >= 1000 && elapsed < 2500, `elapsed ${elapsed}`);
    assert.equal(
      await isPortInUse(port, { host: '127.0.0.1' }),
      false,
      'the port is released even so',
    );
    accepted?.destroy();
    client.destroy();
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

const hasOpenssl = spawnSync('openssl', ['version']).status === 0;

describe('closeServer (https)', { skip: !hasOpenssl && 'needs openssl' }, () => {
  test('idle keep-alive connections close at once, a request in flight completes', async () => {
    const dir = makeTempDir('pw-tls-');
    const made = spawnSync('openssl', [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=localhost',
      '-keyout',
      join(dir, 'key.pem'),
      '-out',
      join(dir, 'cert.pem'),
    ]);
    assert.equal(made.status, 0, made.stderr?.toString());
    let release: () => void = () => {};
    const server = https.createServer(
      { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) },
      (request, response) => {
        if (request.url === '/slow') {
          response.write('a');
          release = () => response.end('b');
        } else response.end('ok');
      },
    );
    const port = await listening(server);
    const agent = new https.Agent({ keepAlive: true, rejectUnauthorized: false, maxSockets: 2 });
    const fetch = (path: string) =>
      new Promise<string>((resolve, reject) => {
        https
          .get({ host: '127.0.0.1', port, path, agent }, (response) => {
            let body = '';
            response.on('data', (chunk) => {
              body += chunk;
            });
            response.on('end', () => resolve(body));
          })
          .on('error', reject);
      });
    await Promise.all([fetch('/'), fetch('/')]);
    const slow = fetch('/slow');
    await delay(100);
    const t0 = performance.now();
    const closing = closeServer(server, { timeout: 5000 });
    setTimeout(() => release(), 100);
    assert.equal(await slow, 'ab');
    await closing;
    assert.ok(performance.now() - t0 < 1500);
    agent.destroy();
  });
});
