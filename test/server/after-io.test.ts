/**
 * src/server/after-io.ts: a task deferred until the event loop has polled for I/O once. Real
 * sockets on loopback: bytes a client wrote just before — already in the server's receive buffer
 * — have been read when the task runs, even when it is scheduled from an I/O callback (where one
 * `setImmediate` alone would run before the next poll). Cancelling stops a task that has not run.
 */
import assert from 'node:assert/strict';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { after, test } from 'node:test';
import { setImmediate as tick } from 'node:timers/promises';
import { afterPendingIo } from '../../src/server/after-io.ts';

const servers: Server[] = [];
const sockets: Socket[] = [];
after(() => {
  for (const socket of sockets) socket.destroy();
  for (const server of servers) server.close();
});

/** A connected pair on loopback: the server's side collects what it reads. */
async function pair(): Promise<{ client: Socket; received: () => string; peer: Socket }> {
  let text = '';
  const server = createServer();
  servers.push(server);
  const accepted = new Promise<Socket>((resolve) => server.once('connection', resolve));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  const client = connect(port, '127.0.0.1');
  sockets.push(client);
  await new Promise<void>((resolve) => client.once('connect', () => resolve()));
  const peer = await accepted;
  sockets.push(peer);
  peer.on('data', (chunk: Buffer) => {
    text += chunk.toString();
  });
  return { client, received: () => text, peer };
}

test('scheduled from an I/O callback, the task runs after bytes already sent are read', async () => {
  const { client, received, peer } = await pair();
  const seen = await new Promise<string>((resolve) => {
    // In the client's 'data' callback (the poll phase): write, then defer the task.
    client.once('data', () => {
      client.write('request');
      afterPendingIo(() => resolve(received()));
    });
    peer.write('go');
  });
  assert.equal(seen, 'request');
});

test('the task runs after an immediate scheduled at the same time, exactly once', async () => {
  const order: string[] = [];
  afterPendingIo(() => order.push('task'));
  setImmediate(() => order.push('immediate'));
  for (let i = 0; i < 5; i++) await tick();
  assert.deepEqual(order, ['immediate', 'task']);
});

test('cancelled before it ran, the task never runs (at once, or after the first hop)', async () => {
  let runs = 0;
  const cancelAtOnce = afterPendingIo(() => runs++);
  cancelAtOnce();
  const cancelLater = afterPendingIo(() => runs++);
  setImmediate(cancelLater); // runs after the first hop was scheduled, before the second
  for (let i = 0; i < 5; i++) await tick();
  assert.equal(runs, 0);
  const cancelAfter = afterPendingIo(() => runs++);
  for (let i = 0; i < 5; i++) await tick();
  cancelAfter(); // a no-op once the task ran
  assert.equal(runs, 1);
});
