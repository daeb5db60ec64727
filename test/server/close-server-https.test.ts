import assert from 'node:assert/strict';
import type { IncomingHttpHeaders } from 'node:http';
import https from 'node:https';
import { describe, test } from 'node:test';
import { closeServer, isPortInUse, trackConnections } from '../../src/index.ts';
import { delay, listening, TLS, until } from './support.ts';

function fetchOver(
  agent: https.Agent,
  port: number,
  path: string,
): Promise<{ body: string; headers: IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    https
      .get({ host: '127.0.0.1', port, path, agent, ca: TLS.ca }, (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk) => {
          body += chunk;
        });
        response.on('end', () => resolve({ body, headers: response.headers }));
        response.on('error', reject);
      })
      .on('error', reject);
  });
}

for (const tracked of [false, true]) {
  const mode = tracked ? 'with trackConnections' : 'without trackConnections';

  describe(`closeServer (https, ${mode})`, () => {
    test('a response not started when closing begins gets Connection: close', async () => {
      const respond: Array<() => void> = [];
      const server = https.createServer({ key: TLS.key, cert: TLS.cert }, (_request, response) => {
        respond.push(() => response.end('late'));
      });
      if (tracked) trackConnections(server);
      const port = await listening(server);
      const agent = new https.Agent({ keepAlive: true, ca: TLS.ca });
      try {
        const pending = fetchOver(agent, port, '/');
        await until(() => respond.length === 1);
        const closing = closeServer(server, { timeout: 5000 });
        await delay(50);
        respond[0]?.();
        const t0 = performance.now();
        const response = await pending;
        assert.equal(response.body, 'late');
        assert.equal(response.headers.connection, 'close');
        await closing;
        assert.ok(performance.now() - t0 < 1500, 'closed after the response, not at the deadline');
      } finally {
        agent.destroy();
      }
    });

    test('idle keep-alive connections close at once; a streaming response completes, then its connection ends', async () => {
      let release: () => void = () => {};
      const server = https.createServer({ key: TLS.key, cert: TLS.cert }, (request, response) => {
        if (request.url === '/slow') {
          response.write('a');
          release = () => response.end('b');
        } else response.end('ok');
      });
      if (tracked) trackConnections(server);
      const port = await listening(server);
      const agent = new https.Agent({ keepAlive: true, ca: TLS.ca, maxSockets: 2 });
      const busyAgent = new https.Agent({ keepAlive: true, ca: TLS.ca });
      try {
        await Promise.all([fetchOver(agent, port, '/'), fetchOver(agent, port, '/')]);
        const idle = Object.values(agent.freeSockets).flat();
        assert.ok(idle.length >= 1, 'keep-alive sockets are idle in the agent');
        const idleClosed = idle.map(
          (socket) => new Promise((resolve) => socket?.ref().once('close', resolve)),
        );
        const slow = fetchOver(busyAgent, port, '/slow');
        await delay(100);
        const t0 = performance.now();
        const closing = closeServer(server, { timeout: 5000 });
        await Promise.all(idleClosed);
        assert.ok(performance.now() - t0 < 1000, 'idle connections were closed at once');
        assert.equal(await isPortInUse(port, { host: '127.0.0.1' }), false, 'port released');
        setTimeout(() => release(), 100);
        assert.equal((await slow).body, 'ab');
        await closing;
        assert.ok(performance.now() - t0 < 1500, 'closed after the response, not at the deadline');
      } finally {
        agent.destroy();
        busyAgent.destroy();
      }
    });
  });
}
