/**
 * Real processes for the stop and server tests: port holders (node, with a chosen reaction to
 * SIGTERM and optional forked children sharing the socket; python3), connected clients, and
 * scripts run as another user. Every helper returns the pids it started; tests signal only those.
 *
 * @module
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  linkSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type Server } from 'node:net';
import { basename, join } from 'node:path';
import { after } from 'node:test';
import { fileURLToPath } from 'node:url';
import { makeTempDir, TEST_TMPDIR } from './temp.ts';

/** The repository root (where package.json is). */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** The library's TypeScript entry point. */
export const SRC_INDEX = join(REPO_ROOT, 'src', 'index.ts');

/**
 * Test options that skip a live test (real processes, this machine's /proc and socket table)
 * everywhere but Linux.
 *
 * @example
 * ```ts
 * describe('killProcessOnPort: escalation', LINUX_ONLY, () => {});
 * ```
 */
export const LINUX_ONLY = { skip: process.platform !== 'linux' && 'live Linux test' };

/** How a holder reacts to SIGTERM. */
type TermBehaviour =
  /** No handler: SIGTERM ends it at once. */
  | 'default'
  /** Exits (status 0) `exitDelay` ms after SIGTERM. */
  | 'exit'
  /** Ignores SIGTERM: only SIGKILL ends it. */
  | 'ignore';

/** Options of {@link startHolder}. */
export interface HolderOptions {
  readonly port: number;
  /**
   * Address to listen on, or several (one socket each: `['127.0.0.1', '::1']`). Default
   * `'127.0.0.1'`.
   */
  readonly host?: string | readonly string[];
  /** Default `'exit'`. */
  readonly onSigterm?: TermBehaviour;
  /** With `onSigterm: 'exit'`: ms between SIGTERM and the exit. Default 0. */
  readonly exitDelay?: number;
  /** Forked children that receive the listening socket and hold it too. Default 0. */
  readonly children?: number;
  /** Children react to SIGTERM like this. Default: like the parent. */
  readonly childrenOnSigterm?: TermBehaviour;
  /** `'udp'`: a bound `dgram` socket instead of a TCP listener (no children). Default `'tcp'`. */
  readonly protocol?: 'tcp' | 'udp';
  /** With host `'::'`: an IPv6-only listener (no dual stack). Default `false`. */
  readonly ipv6Only?: boolean;
  /** The node binary that runs the holder (another Node version). Default: this process's. */
  readonly node?: string;
  /**
   * `process.title` of the holder (not of its children): on Linux it becomes the thread name
   * (`/proc/<pid>/comm`, what ss and lsof print) and overwrites the command line. Default: none.
   */
  readonly title?: string;
}

/** A started process (a holder, a client) and how to get rid of it. */
export interface Holder {
  /** The main process. */
  readonly pid: number;
  /** Every pid it consists of: the main process first, then forked children. */
  readonly pids: readonly number[];
  readonly child: ChildProcess;
  /** Resolves when the main process has exited (how it ended). */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Whether `pid` still exists (not counting a zombie not yet reaped by us). */
  alive(pid?: number): boolean;
  /** SIGKILLs every pid of it that is still there and waits for the main process to exit. */
  stop(): Promise<void>;
}

/** What {@link trackHolders} returns: registers a starting holder, resolves with it. */
export type HoldFunction = <T extends Holder>(start: Promise<T>) => Promise<T>;

/**
 * Keeps the holders (clients, python holders...) a test file starts and stops them all in a
 * node:test `after` hook registered by this call (so call it at the top level of the file). A
 * start that fails is not tracked; one still starting when the file ends is awaited and stopped.
 *
 * @example
 * ```ts
 * const hold = trackHolders();
 * const holder = (options: HolderOptions) => hold(startHolder(options));
 * const client = await hold(startClient({port}));
 * ```
 */
export function trackHolders(): HoldFunction {
  const tracked: Promise<Holder | undefined>[] = [];
  after(async () => {
    await Promise.all(tracked.map(async (start) => (await start)?.stop()));
  });
  return (start) => {
    tracked.push(start.catch(() => undefined));
    return start;
  };
}

/**
 * Listens with a plain `net` server in this process on `host:port` (`ipv6Only` with `'::'`);
 * resolves with the server once it listens, rejects with the listen error (EADDRINUSE...).
 *
 * @example
 * ```ts
 * const server = await listen(port, '::1');
 * server.close();
 * ```
 */
export function listen(port: number, host = '127.0.0.1', ipv6Only = false): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen({ port, host, ipv6Only }, () => resolve(server));
  });
}

/**
 * Node source that ends the process when its stdin pipe closes: start the process with
 * {@link HOLDER_STDIO} and it dies with the test process that started it, however that one ends
 * (a failed test, a SIGKILL), and so never holds a port or an output pipe past it.
 *
 * @example
 * ```ts
 * spawn(process.execPath, ['-e', `${NODE_LIFELINE} require('net').createServer().listen(port)`], {stdio: HOLDER_STDIO});
 * ```
 */
export const NODE_LIFELINE = "process.stdin.on('end', () => process.exit(0)).resume();";

/**
 * Python lines that end the process when its stdin pipe closes (see {@link NODE_LIFELINE}). A
 * process made by `os.fork()` has no such thread: run the lines again in the child.
 *
 * @example
 * ```ts
 * spawn('python3', ['-c', [...PYTHON_LIFELINE, 'import time', 'time.sleep(600)'].join('\n')], {stdio: HOLDER_STDIO});
 * ```
 */
export const PYTHON_LIFELINE: readonly string[] = [
  'import os as _os, sys as _sys, threading as _threading',
  '_threading.Thread(target=lambda: (_sys.stdin.buffer.read(), _os._exit(0)), daemon=True).start()',
];

/** stdio of a holder: its stdin is the lifeline pipe, stdout and stderr are read by the test. */
export const HOLDER_STDIO: ['pipe', 'pipe', 'pipe'] = ['pipe', 'pipe', 'pipe'];

const HOLDER_SOURCE = `
import { fork } from 'node:child_process';
// Forked children share this stdin pipe: every one of them ends when the test process does.
${NODE_LIFELINE}
import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';
const config = JSON.parse(process.argv[2]);
if (config.title && config.role !== 'child') process.title = config.title;
const behave = (mode, delay) => {
  if (mode === 'exit') process.on('SIGTERM', () => setTimeout(() => process.exit(0), delay));
  else if (mode === 'ignore') process.on('SIGTERM', () => {});
};
const keep = (server) => server.on('connection', (socket) => socket.on('error', () => {}));
if (config.role === 'child') {
  behave(config.onSigterm, config.exitDelay);
  process.on('message', (message, server) => {
    if (message !== 'server') return;
    keep(server);
    process.send('ready');
  });
  process.on('disconnect', () => {});
} else {
  behave(config.onSigterm, config.exitDelay);
  const hosts = Array.isArray(config.host) ? config.host : [config.host];
  const servers = hosts.map((host) => {
    if (config.protocol === 'udp') {
      const socket = createSocket(host.includes(':') ? 'udp6' : 'udp4');
      return new Promise((resolve, reject) => {
        socket.once('error', reject);
        socket.bind(config.port, host, () => resolve(socket));
      });
    }
    const server = keep(createServer());
    const ipv6Only = host === '::' && (config.ipv6Only || hosts.length > 1);
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen({ port: config.port, host, ipv6Only }, () => resolve(server));
    });
  });
  const [server] = await Promise.all(servers);
  const pids = [];
  let ready = 0;
  const done = () => console.log(JSON.stringify({ ready: true, pid: process.pid, children: pids }));
  if (config.children === 0) done();
  for (let i = 0; i < config.children; i++) {
    const child = fork(process.argv[1], [JSON.stringify({ ...config, role: 'child', onSigterm: config.childrenOnSigterm })], { stdio: 'inherit' });
    pids.push(child.pid);
    child.on('message', () => { if (++ready === config.children) done(); });
    child.send('server', server);
  }
}
`;

let holderScript: string | undefined;

/**
 * Writes the holder program once into a world-readable temp folder (removed when this process
 * exits); returns its path.
 */
function holderScriptPath(): string {
  if (holderScript && existsSync(holderScript)) return holderScript;
  const dir = makeTempDir('pw-holder-', 0o755);
  holderScript = join(dir, 'holder.mjs');
  writeFileSync(holderScript, HOLDER_SOURCE, { mode: 0o644 });
  return holderScript;
}

/** The first port of the OS's ephemeral range (the ports `listen(0)` and outgoing connections use). */
function ephemeralLow(): number {
  try {
    const [low] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8')
      .trim()
      .split(/\s+/);
    const value = Number(low);
    return Number.isInteger(value) && value > 12_000 ? value : 32_768;
  } catch {
    return process.platform === 'win32' || process.platform === 'darwin' ? 49_152 : 32_768;
  }
}

const usedTestPorts = new Set<number>();

/** Listens on `host:port` in this process and closes again: the listen error, or undefined. */
function listenError(port: number, host: string): Promise<NodeJS.ErrnoException | undefined> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', resolve);
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(undefined)));
  });
}

/**
 * Whether a Node server in this process can listen on `host:port` right now (it listens and closes
 * again). Default host `'::'`: on a dual-stack machine, every address.
 *
 * @example
 * ```ts
 * await canListen(port, '127.0.0.1'); // false while a holder listens there
 * ```
 */
export async function canListen(port: number, host = '::'): Promise<boolean> {
  return (await listenError(port, host)) === undefined;
}

/** Whether a Node server can listen on `port` on `::` (or `0.0.0.0` without IPv6) right now. */
async function bindable(port: number): Promise<boolean> {
  const error = await listenError(port, '::');
  if (error?.code === 'EAFNOSUPPORT' || error?.code === 'EADDRNOTAVAIL') {
    return canListen(port, '0.0.0.0');
  }
  return error === undefined;
}

/**
 * A port that was free a moment ago on every address, chosen at random just *below* the OS's
 * ephemeral range: the kernel never hands it to `listen(0)` or to an outgoing connection, so tests
 * running in parallel (and their HTTP clients) do not take it between the test's steps. Never the
 * same port twice in one process.
 *
 * @example
 * ```ts
 * const port = await getTestPort();
 * ```
 */
export async function getTestPort(): Promise<number> {
  const high = ephemeralLow() - 1;
  const low = high - 12_000;
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = low + Math.floor(Math.random() * (high - low + 1));
    if (usedTestPorts.has(port)) continue;
    usedTestPorts.add(port);
    if ((await bindable(port)) && (await bindable(port))) return port;
  }
  throw new Error('no free test port found');
}

/**
 * Whether `pid` exists (a zombie counts as gone: its state letter in /proc is Z).
 *
 * @example
 * ```ts
 * pidAlive(holder.pid); // true
 * ```
 */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    const state = stat.charAt(stat.lastIndexOf(')') + 2);
    return state !== 'Z' && state !== 'X';
  } catch {
    return existsSync(`/proc/${pid}`) || !existsSync('/proc/self');
  }
}

/** Resolves with the first line of `child`'s stdout that matches; rejects on exit or timeout. */
export function waitForLine(
  child: ChildProcess,
  pattern: RegExp,
  timeout = 15_000,
): Promise<string> {
  return new Promise((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`no line matching ${pattern} within ${timeout} ms: ${stdout} ${stderr}`));
    }, timeout);
    const onStdout = (chunk: Buffer) => {
      stdout += chunk.toString();
      for (const line of stdout.split('\n')) {
        if (pattern.test(line)) {
          cleanup();
          resolve(line);
          return;
        }
      }
    };
    const onStderr = (chunk: Buffer) => {
      stderr += chunk.toString();
    };
    const onExit = (code: number | null) => {
      cleanup();
      reject(new Error(`process exited (${code}) before printing ${pattern}: ${stdout} ${stderr}`));
    };
    const cleanup = () => {
      clearTimeout(timer);
      child.stdout?.off('data', onStdout);
      child.stderr?.off('data', onStderr);
      child.off('exit', onExit);
    };
    child.stdout?.on('data', onStdout);
    child.stderr?.on('data', onStderr);
    child.once('exit', onExit);
  });
}

function exitedPromise(child: ChildProcess): Holder['exited'] {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) {
      resolve({ code: child.exitCode, signal: child.signalCode });
      return;
    }
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
}

function makeHolder(child: ChildProcess, pids: readonly number[]): Holder {
  const exited = exitedPromise(child);
  return {
    pid: child.pid as number,
    pids,
    child,
    exited,
    alive: (pid = child.pid as number) => pidAlive(pid),
    async stop() {
      for (const pid of [...pids].reverse()) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {}
      }
      await exited;
    },
  };
}

/**
 * Starts a node process listening on `host:port` (TCP, or a bound UDP socket with
 * `protocol: 'udp'`) and resolves once it (and its forked children, which hold the same socket)
 * are ready. `onSigterm` chooses how it reacts to SIGTERM.
 *
 * @example
 * ```ts
 * const holder = await startHolder({port, onSigterm: 'exit', exitDelay: 200, children: 2});
 * holder.pids; // [parent, child1, child2]
 * ```
 */
export async function startHolder(options: HolderOptions): Promise<Holder> {
  const config = {
    port: options.port,
    host: options.host ?? '127.0.0.1',
    onSigterm: options.onSigterm ?? 'exit',
    exitDelay: options.exitDelay ?? 0,
    children: options.children ?? 0,
    childrenOnSigterm: options.childrenOnSigterm ?? options.onSigterm ?? 'exit',
    protocol: options.protocol ?? 'tcp',
    ipv6Only: options.ipv6Only ?? false,
    ...(options.title === undefined ? {} : { title: options.title }),
  };
  const child = spawn(
    options.node ?? process.execPath,
    [holderScriptPath(), JSON.stringify(config)],
    {
      stdio: HOLDER_STDIO,
    },
  );
  const line = await waitForLine(child, /"ready":true/);
  const { children } = JSON.parse(line) as { children: number[] };
  return makeHolder(child, [child.pid as number, ...children]);
}

/** Whether `python3` can be run here. */
export const hasPython = spawnSync('python3', ['--version']).status === 0;

/**
 * Starts python3 listening on `host:port` with a plain socket (no SO_REUSEADDR); SIGTERM ends it
 * at once (Python's default).
 *
 * @example
 * ```ts
 * if (hasPython) await startPythonHolder({port});
 * ```
 */
export async function startPythonHolder(options: { port: number; host?: string }): Promise<Holder> {
  const host = options.host ?? '127.0.0.1';
  const source = [
    'import socket, time',
    `s = socket.socket(socket.${host.includes(':') ? 'AF_INET6' : 'AF_INET'}, socket.SOCK_STREAM)`,
    `s.bind((${JSON.stringify(host)}, ${options.port}))`,
    's.listen(8)',
    ...PYTHON_LIFELINE,
    "print('ready', flush=True)",
    'time.sleep(600)',
  ].join('\n');
  const child = spawn('python3', ['-c', source], { stdio: HOLDER_STDIO });
  await waitForLine(child, /^ready/);
  return makeHolder(child, [child.pid as number]);
}

/**
 * Starts a node process that connects to `host:port` and stays connected (it survives the server
 * going away: errors are ignored and it keeps running).
 *
 * @example
 * ```ts
 * const client = await startClient({port});
 * ```
 */
export async function startClient(options: { port: number; host?: string }): Promise<Holder> {
  const source = `${NODE_LIFELINE} const s = require('net').connect(${options.port}, ${JSON.stringify(options.host ?? '127.0.0.1')}, () => console.log('ready')); s.on('error', () => {}); setInterval(() => {}, 1e6);`;
  const child = spawn(process.execPath, ['-e', source], { stdio: HOLDER_STDIO });
  await waitForLine(child, /^ready/);
  return makeHolder(child, [child.pid as number]);
}

/** The result of a finished script. */
export interface ScriptResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Collects a child's output and resolves when it has exited. */
export function collect(child: ChildProcess): Promise<ScriptResult> {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  return new Promise((resolve) => {
    child.once('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

/** Whether this process may run scripts as another user (root, with setpriv installed). */
export const canSwitchUser =
  process.getuid?.() === 0 && spawnSync('setpriv', ['--version']).status === 0;

/** setpriv's arguments that run the rest of its command line as `nobody` (uid/gid 65534). */
export const AS_NOBODY: readonly string[] = ['--reuid=65534', '--regid=65534', '--clear-groups'];

/**
 * Whether the `nobody` user can read every file of `paths` (and so reach them). Needs
 * {@link canSwitchUser}.
 *
 * @example
 * ```ts
 * nobodyCanRead([SRC_INDEX]); // false when the checkout sits under a private home folder
 * ```
 */
function nobodyCanRead(paths: readonly string[]): boolean {
  const probe = spawnSync(
    'setpriv',
    [
      ...AS_NOBODY,
      process.execPath,
      '-e',
      'for (const p of process.argv.slice(1)) require("fs").accessSync(p, require("fs").constants.R_OK)',
      ...paths,
    ],
    { cwd: '/' },
  );
  return probe.status === 0;
}

/**
 * Links (or, when it cannot be linked or is not world-readable, copies readable) `source` to
 * `target`, folders recursively; names for which `skip` is true are left out.
 */
function linkTree(source: string, target: string, skip: (name: string) => boolean = () => false) {
  const stat = lstatSync(source);
  if (stat.isSymbolicLink()) {
    symlinkSync(readlinkSync(source), target);
  } else if (stat.isDirectory()) {
    mkdirSync(target);
    chmodSync(target, 0o755);
    for (const name of readdirSync(source)) {
      if (!skip(name)) linkTree(join(source, name), join(target, name));
    }
  } else {
    // A hard link shares the file's mode: only a world-readable file can be linked.
    if ((stat.mode & 0o004) !== 0) {
      try {
        linkSync(source, target);
        return;
      } catch {}
    }
    copyFileSync(source, target);
    chmodSync(target, (stat.mode & 0o111) !== 0 ? 0o755 : 0o644);
  }
}

/** A checkout that the `nobody` user can read, and a node binary that it can run. */
export interface NobodyCheckout {
  /** Holds src/, dist/, package.json, tsconfig.json and node_modules/ (without the dev tools). */
  readonly root: string;
  /** The node binary to run (the running one, linked where nobody can reach it). */
  readonly node: string;
  /** A folder nobody may write to (its TMPDIR and HOME: tsx's cache goes there). */
  readonly tmp: string;
}

let nobodyCheckout: NobodyCheckout | undefined;

/**
 * The checkout and node binary as the `nobody` user can reach them: this checkout when nobody can
 * read it, else one hard-linked view of it (no copy where the files are world-readable and on one
 * file system) made once per test run under the run's folder, which scripts/run-tests.mjs
 * removes, or once per test process and removed at its exit. Needs {@link canSwitchUser}.
 *
 * @example
 * ```ts
 * const {root, node} = checkoutForNobody();
 * ```
 */
export function checkoutForNobody(): NobodyCheckout {
  if (nobodyCheckout) return nobodyCheckout;
  const needed = [
    SRC_INDEX,
    join(REPO_ROOT, 'package.json'),
    join(REPO_ROOT, 'node_modules', 'tsx', 'package.json'),
    join(REPO_ROOT, 'node_modules', 'debug', 'package.json'),
    join(REPO_ROOT, 'node_modules', 'ms', 'package.json'),
  ];
  // Probed with the running node binary itself: it fails too when nobody cannot run that.
  if (nobodyCanRead(needed)) {
    const tmp = makeTempDir('pw-nobody-tmp-', 0o1777);
    nobodyCheckout = { root: REPO_ROOT, node: process.execPath, tmp };
    return nobodyCheckout;
  }
  const shared = process.env.PORTWARDEN_TEST_TMPDIR
    ? join(TEST_TMPDIR, 'pw-nobody-checkout')
    : undefined;
  let root = shared && existsSync(shared) ? shared : undefined;
  if (!root) {
    const dir = makeTempDir('pw-nobody-', 0o755);
    for (const entry of ['src', 'dist', 'package.json', 'tsconfig.json']) {
      if (existsSync(join(REPO_ROOT, entry))) linkTree(join(REPO_ROOT, entry), join(dir, entry));
    }
    const devTools = new Set(['typescript', '@typescript', '@biomejs']);
    linkTree(join(REPO_ROOT, 'node_modules'), join(dir, 'node_modules'), (name) =>
      devTools.has(name),
    );
    mkdirSync(join(dir, 'bin'));
    chmodSync(join(dir, 'bin'), 0o755);
    linkTree(process.execPath, join(dir, 'bin', basename(process.execPath)));
    mkdirSync(join(dir, 'tmp'));
    chmodSync(join(dir, 'tmp'), 0o1777);
    root = dir;
    // Complete before it is visible: another test file of the run may be making its own.
    if (shared) {
      try {
        renameSync(dir, shared);
      } catch {
        rmSync(dir, { recursive: true, force: true });
      }
      root = shared;
    }
  }
  nobodyCheckout = {
    root,
    node: join(root, 'bin', basename(process.execPath)),
    tmp: join(root, 'tmp'),
  };
  return nobodyCheckout;
}

/**
 * Runs an ES module `source` with tsx as the `nobody` user (uid/gid 65534, no groups), optionally
 * with extra capabilities (`['sys_ptrace', 'dac_read_search']` lets it see other users' sockets
 * but not signal them). The library's entry is in `process.env.PW_ENTRY`. Needs
 * {@link canSwitchUser}.
 *
 * @example
 * ```ts
 * const result = await runAsNobody(`const pw = await import(process.env.PW_ENTRY); ...`, {PW_PORT: '3000'});
 * ```
 */
export function runAsNobody(
  source: string,
  env: Record<string, string> = {},
  capabilities: readonly string[] = [],
): Promise<ScriptResult> {
  const { root, node, tmp } = checkoutForNobody();
  const caps =
    capabilities.length > 0
      ? [
          `--inh-caps=${capabilities.map((cap) => `+${cap}`).join(',')}`,
          `--ambient-caps=${capabilities.map((cap) => `+${cap}`).join(',')}`,
        ]
      : [];
  const child = spawn(
    'setpriv',
    [...AS_NOBODY, ...caps, node, '--import', 'tsx', '--input-type=module', '-e', source],
    {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        ...env,
        PW_ENTRY: join(root, 'src', 'index.ts'),
        HOME: tmp,
        TMPDIR: tmp,
      },
    },
  );
  return collect(child);
}

/**
 * Spawns a TypeScript file of this repository with tsx (`node --import tsx file args...`),
 * stdout and stderr piped.
 *
 * @example
 * ```ts
 * const child = spawnTs('examples/http-server.ts', [String(port)]);
 * ```
 */
export function spawnTs(
  file: string,
  args: readonly string[] = [],
  env: NodeJS.ProcessEnv = {},
): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, file), ...args], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
}
