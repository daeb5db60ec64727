/**
 * A busy process for the scale tests: node holding thousands of loopback connections (to a server
 * of its own, and optionally to a port under test), so that the socket table has thousands of rows
 * and one fd table thousands of descriptors. Its descriptor limit is raised with `prlimit` (fixed
 * argv) when the inherited one is too low and prlimit exists.
 *
 * @module
 */
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { type Holder, pidAlive, waitForLine } from './holders.ts';

const SOURCE = `
const net = require('node:net');
const { pairs, port, toPort } = JSON.parse(process.argv[1]);
const sockets = [];
const keep = (socket) => { socket.on('error', () => {}); sockets.push(socket); };
const open = (p) => new Promise((resolve, reject) => {
  const socket = net.connect({ port: p, host: '127.0.0.1' }, () => resolve(socket));
  socket.once('error', reject);
});
const server = net.createServer(keep);
server.listen(0, '127.0.0.1', async () => {
  const own = server.address().port;
  for (let done = 0; done < pairs; done += 200) {
    (await Promise.all(Array.from({ length: Math.min(200, pairs - done) }, () => open(own)))).forEach(keep);
  }
  for (let done = 0; done < toPort; done += 50) {
    (await Promise.all(Array.from({ length: Math.min(50, toPort - done) }, () => open(port)))).forEach(keep);
  }
  while (sockets.length < 2 * pairs + toPort) await new Promise((r) => setTimeout(r, 5));
  console.log('ready');
});
setInterval(() => {}, 1e6);
`;

/** The soft limit of open files this process has (what a child inherits). */
function softNofile(): number {
  const line = readFileSync('/proc/self/limits', 'utf8')
    .split('\n')
    .find((candidate) => candidate.startsWith('Max open files'));
  return Number(line?.trim().split(/\s+/)[3] ?? 0);
}

/**
 * Whether {@link startConnections} can open `descriptors` descriptors in one process here: the
 * inherited limit allows it, or `prlimit` can raise it.
 *
 * @example
 * ```ts
 * test('at scale', {skip: !canHold(9000) && 'descriptor limit too low'}, async () => {});
 * ```
 */
export function canHold(descriptors: number): boolean {
  if (softNofile() >= descriptors) return true;
  return spawnSync('prlimit', ['--version'], { stdio: 'ignore' }).status === 0;
}

/**
 * Starts node holding `pairs` loopback connection pairs to a server of its own (2 × `pairs`
 * sockets, one process) and `toPort` connections to `127.0.0.1:port`; resolves when all are up.
 *
 * @example
 * ```ts
 * const busy = await hold(startConnections({pairs: 2000, port, toPort: 300}));
 * ```
 */
export async function startConnections(options: {
  pairs: number;
  port?: number;
  toPort?: number;
}): Promise<Holder> {
  const config = JSON.stringify({
    pairs: options.pairs,
    port: options.port ?? 0,
    toPort: options.toPort ?? 0,
  });
  const needed = 2 * options.pairs + (options.toPort ?? 0) + 200;
  const [file, args] =
    softNofile() >= needed
      ? [process.execPath, ['-e', SOURCE, config]]
      : ['prlimit', [`--nofile=${needed}:${needed}`, process.execPath, '-e', SOURCE, config]];
  const child = spawn(file, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const pid = child.pid as number;
  const stop = async () => {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {}
    await exited;
  };
  try {
    await waitForLine(child, /^ready/, 60_000);
  } catch (error) {
    await stop();
    throw error;
  }
  return { pid, pids: [pid], child, exited, alive: (other = pid) => pidAlive(other), stop };
}
