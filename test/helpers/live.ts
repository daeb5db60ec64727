/**
 * Real holder processes for live tests: node and python3 listeners on loopback (and interface)
 * addresses, forked parents and children sharing one socket, connected clients. Each helper
 * returns the pids it started; tests kill only those.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Holder {
  readonly pid: number;
  /** Extra pids (forked children), when any. */
  readonly pids: readonly number[];
  readonly child: ChildProcess;
  stop(): Promise<void>;
}

/** A port that was free a moment ago on every address (bound on `::` dual-stack, then released). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen({ port: 0, host: '::' }, () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

function waitForLine(child: ChildProcess, pattern: RegExp, timeout = 10_000): Promise<string> {
  return new Promise((resolve, reject) => {
    let buffer = '';
    let errors = '';
    const timer = setTimeout(
      () => reject(new Error(`holder not ready: ${buffer} ${errors}`)),
      timeout,
    );
    child.stderr?.on('data', (chunk: Buffer) => {
      errors += chunk.toString();
    });
    child.stdout?.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const match = pattern.exec(buffer);
      if (match) {
        clearTimeout(timer);
        resolve(match[0]);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`holder exited with ${code} before ready: ${buffer} ${errors}`));
    });
  });
}

async function stopChild(child: ChildProcess, extra: readonly number[] = []): Promise<void> {
  for (const pid of extra) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {}
  }
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

/** Node TCP or UDP listener on host:port. `ipv6Only` for an IPv6-only `::` listener. */
export async function startNodeHolder(options: {
  port: number;
  host: string;
  protocol?: 'tcp' | 'udp';
  ipv6Only?: boolean;
}): Promise<Holder> {
  const { port, host, protocol = 'tcp', ipv6Only = false } = options;
  const source =
    protocol === 'tcp'
      ? `require('net').createServer((s)=>s.on('error',()=>{})).listen({port:${port},host:${JSON.stringify(host)},ipv6Only:${ipv6Only}},()=>console.log('ready'))`
      : `const s=require('dgram').createSocket(${JSON.stringify(host.includes(':') ? 'udp6' : 'udp4')});s.bind(${port},${JSON.stringify(host)},()=>console.log('ready'))`;
  const child = spawn(process.execPath, ['-e', source], { stdio: ['ignore', 'pipe', 'pipe'] });
  await waitForLine(child, /ready/);
  return {
    pid: child.pid as number,
    pids: [child.pid as number],
    child,
    stop: () => stopChild(child),
  };
}

/** python3 TCP listener (plain socket, no SO_REUSEADDR) on host:port. */
export async function startPythonHolder(options: { port: number; host: string }): Promise<Holder> {
  const family = options.host.includes(':') ? 'AF_INET6' : 'AF_INET';
  const source = [
    'import socket, sys, time',
    `s = socket.socket(socket.${family}, socket.SOCK_STREAM)`,
    `s.bind((${JSON.stringify(options.host)}, ${options.port}))`,
    's.listen(8)',
    "print('ready', flush=True)",
    'time.sleep(600)',
  ].join('\n');
  const child = spawn('python3', ['-c', source], { stdio: ['ignore', 'pipe', 'pipe'] });
  await waitForLine(child, /ready/);
  return {
    pid: child.pid as number,
    pids: [child.pid as number],
    child,
    stop: () => stopChild(child),
  };
}

/** A node parent listening on host:port that forks two children sharing the same socket. */
export async function startForkedHolders(options: { port: number; host: string }): Promise<Holder> {
  const source = `
const { fork } = require('child_process');
if (process.argv[2] === 'child') {
  process.on('message', (m, server) => { if (m === 'server') { server.on('connection', (s) => s.end()); process.send('ok'); } });
} else {
  const server = require('net').createServer().listen(${options.port}, ${JSON.stringify(options.host)}, () => {
    const pids = []; let ok = 0;
    for (let i = 0; i < 2; i++) {
      const c = fork(__filename, ['child'], { stdio: 'inherit' });
      pids.push(c.pid);
      c.on('message', () => { if (++ok === 2) console.log('ready ' + pids.join(',')); });
      c.send('server', server);
    }
  });
}`;
  const dir = mkdtempSync(join(tmpdir(), 'pw-fork-'));
  const file = join(dir, 'fork.cjs');
  const { writeFileSync } = await import('node:fs');
  writeFileSync(file, source);
  const child = spawn(process.execPath, [file], { stdio: ['ignore', 'pipe', 'pipe'] });
  const line = await waitForLine(child, /ready [0-9,]+\n/);
  const children = line.trim().slice(6).split(',').map(Number);
  return {
    pid: child.pid as number,
    pids: [child.pid as number, ...children],
    child,
    stop: () => stopChild(child, children),
  };
}

/** A node process that connects to host:port and stays connected. */
export async function startClient(options: { port: number; host: string }): Promise<Holder> {
  const source = `const s=require('net').connect(${options.port},${JSON.stringify(options.host)},()=>console.log('ready'));s.on('error',()=>{});setInterval(()=>{},1e6)`;
  const child = spawn(process.execPath, ['-e', source], { stdio: ['ignore', 'pipe', 'pipe'] });
  await waitForLine(child, /ready/);
  return {
    pid: child.pid as number,
    pids: [child.pid as number],
    child,
    stop: () => stopChild(child),
  };
}

/**
 * Runs an ES module as the `nobody` user (setpriv), from a temp copy of the built package that
 * nobody may read (the checkout may sit under a private home directory). The module gets the
 * package's entry as `process.argv[2]`; resolves with its stdout and exit status.
 */
export async function runAsNobody(
  moduleSource: string,
  args: readonly string[] = [],
): Promise<{ stdout: string; stderr: string; code: number | null }> {
  const root = mkdtempSync(join(tmpdir(), 'pw-nobody-'));
  chmodSync(root, 0o755);
  const repo = new URL('../../', import.meta.url).pathname;
  cpSync(join(repo, 'dist'), join(root, 'dist'), { recursive: true });
  cpSync(join(repo, 'package.json'), join(root, 'package.json'));
  mkdirSync(join(root, 'node_modules'));
  for (const dependency of ['debug', 'ms']) {
    cpSync(join(repo, 'node_modules', dependency), join(root, 'node_modules', dependency), {
      recursive: true,
    });
  }
  const { writeFileSync } = await import('node:fs');
  writeFileSync(join(root, 'script.mjs'), moduleSource);
  const child = spawn(
    'setpriv',
    [
      '--reuid=65534',
      '--regid=65534',
      '--clear-groups',
      process.execPath,
      join(root, 'script.mjs'),
      join(root, 'dist', 'index.js'),
      ...args,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'], cwd: root },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
  return { stdout, stderr, code };
}
