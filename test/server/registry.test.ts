import assert from 'node:assert/strict';
import http from 'node:http';
import http2 from 'node:http2';
import { describe, test } from 'node:test';
import { closeServer } from '../../src/index.ts';
import { isHttp2Server, recordOf } from '../../src/server/registry.ts';
import { listening, until } from './support.ts';

describe('the connection registry (what closeServer knows without trackConnections)', () => {
  test('it sees every connection and request, and forgets them when they close (no leak)', async () => {
    const server = http.createServer((_request, response) => response.end('ok'));
    const port = await listening(server);
    const record = recordOf(server);
    const agent = new http.Agent({ keepAlive: true, maxSockets: 5 });
    const fetchOnce = () =>
      new Promise<void>((resolve, reject) => {
        http
          .get({ host: '127.0.0.1', port, agent }, (response) => {
            response.resume();
            response.on('end', resolve);
          })
          .on('error', reject);
      });
    await Promise.all(Array.from({ length: 40 }, fetchOnce));
    assert.equal(record.sockets.size, 5, 'five keep-alive connections');
    assert.equal(record.exchanges.size, 5);
    const kept = [...record.exchanges.values()].reduce((sum, list) => sum + list.length, 0);
    assert.ok(kept <= 10, `finished responses are dropped as new ones come (kept ${kept})`);
    agent.destroy();
    await until(() => record.sockets.size === 0 && record.exchanges.size === 0);
    await closeServer(server);
  });

  test('HTTP/2 sessions are followed and forgotten when they close', async () => {
    const server = http2.createServer((_request, response) => response.end('ok'));
    assert.equal(isHttp2Server(server), true);
    assert.equal(isHttp2Server(http.createServer()), false);
    const port = await listening(server);
    const record = recordOf(server);
    const clients = [1, 2, 3].map(() => http2.connect(`http://127.0.0.1:${port}`));
    await Promise.all(
      clients.map(
        (client) =>
          new Promise((resolve) => {
            const stream = client.request({ ':path': '/' });
            stream.resume();
            stream.on('end', resolve);
            stream.end();
          }),
      ),
    );
    assert.equal(record.sessions.size, 3);
    for (const client of clients) client.close();
    await until(() => record.sessions.size === 0 && record.sockets.size === 0);
    await closeServer(server);
  });
});
