/**
 * The busy machine: one helper process that opens `pairs` loopback TCP connections to a server of
 * its own on an unrelated port (2 × `pairs` sockets in the socket table, all held by the helper)
 * and starts `idle` sleeping processes. The helper leads its own process group (the sleepers are
 * in it), so the benchmark removes everything with one SIGKILL to the group; and the helper
 * cleans up by itself when the benchmark's pipe to it closes (the benchmark died) or after a
 * maximum lifetime, resetting its connections (RST: they leave no TIME_WAIT rows behind). Its descriptor limit is raised with `prlimit` (fixed argv) when present.
 *
 * @module
 */
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { forgetStarted, registerStarted, sleep, waitForLine } from './processes.ts';

const HELPER_SOURCE = `
const net = require('node:net');
const { spawn } = require('node:child_process');
const { pairs, idle, lifetime } = JSON.parse(process.argv[1]);
const sleepers = [];
const sockets = [];
let quitting = false;
const quit = async () => {
  if (quitting) return;
  quitting = true;
  // RST instead of FIN: no 8,000 TIME_WAIT rows left to slow down the next run's quiet machine.
  for (const socket of sockets) { try { socket.resetAndDestroy(); } catch {} }
  server.close();
  const gone = sleepers.map((child) => child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve() : new Promise((resolve) => child.once('exit', resolve)));
  for (const child of sleepers) { try { child.kill('SIGKILL'); } catch {} }
  await Promise.race([Promise.all(gone), new Promise((resolve) => setTimeout(resolve, 3000))]);
  process.exit(0);
};
process.stdin.on('end', quit);
process.stdin.on('error', quit);
process.stdin.resume();
setTimeout(quit, lifetime).unref();
const server = net.createServer((socket) => { socket.on('error', () => {}); sockets.push(socket); });
server.on('error', (error) => { console.error('load helper: ' + error.message); quit(); });
server.listen(0, '127.0.0.1', async () => {
  const port = server.address().port;
  const open = () => new Promise((resolve, reject) => {
    const socket = net.connect({ port, host: '127.0.0.1' }, () => resolve(socket));
    socket.once('error', reject);
  });
  try {
    for (let done = 0; done < pairs; ) {
      const batch = Math.min(200, pairs - done);
      const opened = await Promise.all(Array.from({ length: batch }, open));
      for (const socket of opened) { socket.on('error', () => {}); sockets.push(socket); }
      done += batch;
    }
    while (sockets.length < 2 * pairs) await new Promise((resolve) => setTimeout(resolve, 5));
  } catch (error) {
    console.error('load helper: ' + error.message);
    quit();
    return;
  }
  for (let i = 0; i < idle; i++) {
    const child = spawn('sleep', [String(Math.ceil(lifetime / 1000))], { stdio: 'ignore' });
    child.on('error', () => {});
    sleepers.push(child);
  }
  console.log(JSON.stringify({ ready: true, port, sockets: sockets.length, sleepers: sleepers.map((c) => c.pid) }));
});
`;

/** The running load. */
export interface Load {
  /** The helper's pid (also its process group id). */
  readonly pid: number;
  /** The helper's own server port (the connections' port). */
  readonly port: number;
  readonly sockets: number;
  readonly sleepers: readonly number[];
  /** How the descriptor limit was raised. */
  readonly limit: string;
  /**
   * Closes the pipe (the helper SIGKILLs and reaps its sleepers, then exits), waits for that, and
   * SIGKILLs the helper's whole process group as a fallback.
   */
  stop(): Promise<void>;
}

function hardNofile(): number {
  try {
    const line = readFileSync('/proc/self/limits', 'utf8')
      .split('\n')
      .find((candidate) => candidate.startsWith('Max open files'));
    const hard = Number(line?.trim().split(/\s+/)[4]);
    return Number.isFinite(hard) ? hard : 0;
  } catch {
    return 0;
  }
}

/**
 * Starts the load and resolves once every connection is established and the sleepers run.
 *
 * @example
 * ```ts
 * const load = await startLoad({ pairs: 4000, idle: 300 });
 * try { ... } finally { await load.stop(); }
 * ```
 */
export async function startLoad(options: {
  pairs: number;
  idle: number;
  lifetimeMs: number;
}): Promise<Load> {
  const config = JSON.stringify({
    pairs: options.pairs,
    idle: options.idle,
    lifetime: options.lifetimeMs,
  });
  const nofile = Math.max(2 * options.pairs + options.idle + 1024, hardNofile());
  const hasPrlimit = spawnSync('prlimit', ['--version'], { stdio: 'ignore' }).status === 0;
  const [file, args, limit] = hasPrlimit
    ? [
        'prlimit',
        [`--nofile=${nofile}:${nofile}`, process.execPath, '-e', HELPER_SOURCE, config],
        `prlimit --nofile=${nofile}`,
      ]
    : [process.execPath, ['-e', HELPER_SOURCE, config], 'inherited (no prlimit)'];
  const child = spawn(file, args, { detached: true, stdio: ['pipe', 'pipe', 'inherit'] });
  registerStarted(child.pid, true);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    child.stdin?.end();
    await Promise.race([exited, sleep(5_000)]);
    // A clean exit (status 0) means the helper reaped every sleeper: the group is empty.
    try {
      if (child.pid !== undefined && child.exitCode !== 0) process.kill(-child.pid, 'SIGKILL');
    } catch {}
    await Promise.race([exited, sleep(5_000)]);
    forgetStarted(child.pid);
  };
  try {
    const line = await waitForLine(child, /"ready":true/, 60_000);
    const ready = JSON.parse(line) as { port: number; sockets: number; sleepers: number[] };
    return { pid: child.pid as number, ...ready, limit, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
