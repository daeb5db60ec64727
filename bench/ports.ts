/**
 * Ports and port holders for the benchmark: a free port below the ephemeral range, a bind probe,
 * and a `node` holder (registered for the final clean-up) that can drain for a while on SIGTERM.
 *
 * @module
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { forgetStarted, registerStarted, waitForLine } from './processes.ts';

const HOLDER_SOURCE = `
const net = require('node:net');
const config = JSON.parse(process.argv[1]);
if (config.exitDelay >= 0) process.on('SIGTERM', () => setTimeout(() => process.exit(0), config.exitDelay));
const server = net.createServer((socket) => socket.on('error', () => {}));
server.on('error', (error) => { console.error(error.message); process.exit(2); });
server.listen({ port: config.port, host: config.host }, () => console.log('ready ' + process.pid));
`;

/** A node process listening on a port, started by the benchmark. */
export interface Holder {
  readonly pid: number;
  readonly port: number;
  /** Resolves when it has exited. */
  readonly exited: Promise<void>;
  /** SIGKILLs it (if still there) and waits for the exit. */
  stop(): Promise<void>;
}

/**
 * Starts `node` listening on `host:port`; with `exitDelay`, it exits that many ms after SIGTERM
 * (otherwise SIGTERM ends it at once).
 *
 * @example
 * ```ts
 * const holder = await startHolder({ port: 41234, host: '::', exitDelay: 100 });
 * ```
 */
export async function startHolder(options: {
  port: number;
  host: string;
  exitDelay?: number;
}): Promise<Holder> {
  const config = { port: options.port, host: options.host, exitDelay: options.exitDelay ?? -1 };
  const child = spawn(process.execPath, ['-e', HOLDER_SOURCE, JSON.stringify(config)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  registerStarted(child.pid);
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
  void exited.then(() => forgetStarted(child.pid));
  const stop = async () => {
    try {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    } catch {}
    await exited;
  };
  try {
    await waitForLine(child, /^ready/, 15_000);
  } catch (error) {
    await stop();
    throw error;
  }
  return { pid: child.pid as number, port: options.port, exited, stop };
}

/** Whether a Node server can listen on `host:port` right now (listens and closes again). */
export function canBind(port: number, host = '::'): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

function ephemeralLow(): number {
  try {
    const low = Number(
      readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').split(/\s+/)[0],
    );
    return Number.isInteger(low) && low > 12_000 ? low : 32_768;
  } catch {
    return 32_768;
  }
}

const usedPorts = new Set<number>();

/**
 * A port that is free on every address, chosen at random below the ephemeral range (so that
 * neither `listen(0)` nor the load's 4,000 outgoing connections take it), never the same twice.
 */
export async function getBenchPort(): Promise<number> {
  const high = ephemeralLow() - 1;
  const low = high - 12_000;
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = low + Math.floor(Math.random() * (high - low + 1));
    if (usedPorts.has(port)) continue;
    usedPorts.add(port);
    if ((await canBind(port)) && (await canBind(port, '0.0.0.0'))) return port;
  }
  throw new Error('no free port found for the benchmark');
}
