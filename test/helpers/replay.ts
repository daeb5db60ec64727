/**
 * Platform emulation for the whole flow (`getProcessesOnPort`, `killProcessOnPort`,
 * `ensurePortFree`) on this machine: a stateful replay {@link CommandRunner} that answers as macOS
 * (`lsof`, `netstat -anv`, `ps`) or Windows (PowerShell, `netstat -ano`, `tasklist`, `taskkill`)
 * would, and records every (file, args) it was asked for.
 *
 * SAFETY: signals are real here (`process.kill` on this machine). So every pid in a replayed
 * answer is a process the test started itself (a real listener, a real client), substituted into
 * row layouts taken from the fixtures — except the Windows system pids 4 and 0, whose rows prove
 * that they are never stopped, and which {@link guardSignals} would refuse to signal anyway.
 *
 * Where the rows come from (see test/fixtures/SOURCES-other-os.md):
 * - macOS `lsof -F`: the process block of built/darwin/lsof-...-apple-no-TST.txt (built from the
 *   lsof facts: Apple's lsof prints no `TST=` field);
 * - macOS `netstat -anv`: title, header and a LISTEN row of the BUILT Tahoe (`process:pid`) and
 *   Sequoia (`rxbytes txbytes ... pid epid`) files;
 * - macOS `ps`: a line of the BUILT ps file (`lstart` in the C locale);
 * - Windows `netstat -ano` en-US: title, header and rows of the RECORDED jc capture (a LISTENING
 *   row, the System pid-4 row on 445) and a TIME_WAIT pid-0 row as in the recorded fr-FR capture;
 * - Windows `netstat -ano` de-DE: the BUILT CP850 file, bytes kept (`ABH\x99REN`);
 * - PowerShell JSON: the BUILT `Get-NetTCPConnection` and `Win32_Process` files (PowerShell 5.1:
 *   numeric states, `\/Date(ms)\/`, one object for one result);
 * - `tasklist /FO CSV /NH`: the BUILT file;
 * - taskkill texts: the en-US messages as quoted in public bug reports (kill-port#44,
 *   PowerShell#18738, fkill#47); the German ones are built from them and the German system
 *   message for ERROR_ACCESS_DENIED ("Zugriff verweigert"), not captured.
 *
 * @module
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, afterEach, before } from 'node:test';
import { CommandNotFoundError } from '../../src/errors.ts';
import type { CommandResult, CommandRunner, RunOptions } from '../../src/system/runner.ts';
import {
  type Holder,
  type HolderOptions,
  pidAlive,
  startClient,
  startHolder,
  trackHolders,
} from './holders.ts';

/**
 * The bytes of a file under test/fixtures.
 *
 * @example
 * ```ts
 * fixture('built/win32/netstat-ano-de-DE-cp850-crlf.bin').includes(0x99); // true (Ö of ABHÖREN)
 * ```
 */
const fixture = (name: string): Buffer =>
  readFileSync(new URL(`../fixtures/${name}`, import.meta.url));

/** One call the replay runner received. */
interface ReplayCall {
  readonly file: string;
  readonly args: readonly string[];
  readonly options: RunOptions;
}

/** What a replayed tool answers: output and exit status, or an error the runner throws. */
type ReplayAnswer =
  | {
      readonly stdout?: string | Buffer;
      readonly stderr?: string | Buffer;
      readonly exitCode?: number | null;
    }
  | Error;

/** A replayed tool: computes its answer when called, so it can depend on what is alive now. */
export type ReplayTool = (args: readonly string[]) => ReplayAnswer;

/** A replay runner and what it was asked. */
export interface Replay {
  readonly run: CommandRunner;
  /** Every call, in order. */
  readonly calls: ReplayCall[];
  /** The argument arrays of the calls to `file`, in order. */
  argsOf(file: string): string[][];
}

/**
 * A stateful replay {@link CommandRunner}: each tool in `tools` answers from what it computes at
 * call time; a program not in `tools` is not installed ({@link CommandNotFoundError}, as the real
 * runner throws for ENOENT). Every call is recorded, answered or not.
 *
 * @example
 * ```ts
 * const replay = createReplay({lsof: () => ({exitCode: 1})});
 * await getProcessesOnPort(3000, {context: {platform: 'darwin', run: replay.run}});
 * replay.argsOf('lsof'); // [['-n', '-P', '-w', '-FpcutdPnT', '-i', 'TCP:3000', '-sTCP:LISTEN']]
 * ```
 */
export function createReplay(tools: Readonly<Record<string, ReplayTool>>): Replay {
  const calls: ReplayCall[] = [];
  const run: CommandRunner = async (file, args, options) => {
    calls.push({ file, args: [...args], options });
    const tool = Object.hasOwn(tools, file) ? tools[file] : undefined;
    if (!tool) throw new CommandNotFoundError(file);
    const answer = tool(args);
    if (answer instanceof Error) throw answer;
    const bytes = (value: string | Buffer | undefined) =>
      typeof value === 'string' ? Buffer.from(value, 'utf8') : (value ?? Buffer.alloc(0));
    const result: CommandResult = {
      stdout: bytes(answer.stdout),
      stderr: bytes(answer.stderr),
      exitCode: answer.exitCode === undefined ? 0 : answer.exitCode,
    };
    return result;
  };
  return {
    run,
    calls,
    argsOf: (file) => calls.filter((call) => call.file === file).map((call) => [...call.args]),
  };
}

/** A signal the guard let through or refused. */
interface GuardedSignal {
  readonly pid: number;
  readonly signal: string | number;
}

/** What {@link guardSignals} returns. */
interface SignalGuard {
  /** Signals (other than 0) sent to allowed pids, in order. */
  readonly sent: GuardedSignal[];
  /** Signals (other than 0) asked for a pid the test did not start: refused, never sent. */
  readonly refused: GuardedSignal[];
  /** Allows signals to these pids (processes the test started). */
  allow(...pids: number[]): void;
  /** Puts the real `process.kill` back. */
  restore(): void;
}

/**
 * Replaces `process.kill` for the duration of a test file so that only processes the test
 * started can receive a signal: signal 0 (a liveness check) passes for any pid, any other signal
 * to a pid not allowed is recorded in `refused` and fails with EPERM instead of being sent. Tests
 * assert that `refused` stays empty.
 *
 * @example
 * ```ts
 * const guard = guardSignals();
 * guard.allow(holder.pid);
 * after(() => guard.restore());
 * ```
 */
function guardSignals(): SignalGuard {
  const original = process.kill.bind(process);
  const allowed = new Set<number>();
  const sent: GuardedSignal[] = [];
  const refused: GuardedSignal[] = [];
  const guarded = (pid: number, signal?: string | number): true => {
    if (signal === 0) return original(pid, 0);
    const name = signal ?? 'SIGTERM';
    if (!allowed.has(pid)) {
      refused.push({ pid, signal: name });
      const error = new Error(
        `test guard: refused to send ${name} to pid ${pid}, which the test did not start`,
      ) as NodeJS.ErrnoException;
      error.code = 'EPERM';
      throw error;
    }
    sent.push({ pid, signal: name });
    return original(pid, name);
  };
  process.kill = guarded as typeof process.kill;
  return {
    sent,
    refused,
    allow: (...pids) => {
      for (const pid of pids) allowed.add(pid);
    },
    restore: () => {
      process.kill = original as typeof process.kill;
    },
  };
}

/**
 * Test options that skip a test needing a holder that ignores SIGTERM on Windows, where SIGTERM
 * cannot be ignored (`process.kill` terminates).
 */
export const SIGTERM_IGNORABLE = {
  skip: process.platform === 'win32' && 'SIGTERM cannot be ignored on Windows',
};

/** What {@link guardedHolders} returns. */
export interface GuardedHolders {
  /** The file's signal guard (installed in a `before` hook: use it inside tests). */
  readonly guard: SignalGuard;
  /** Starts a holder ({@link startHolder}) whose pids the guard lets signals reach. */
  holder(options: HolderOptions): Promise<Holder>;
  /** Starts a client connected to `port` ({@link startClient}) that the guard lets be signalled. */
  client(port: number): Promise<Holder>;
}

/**
 * The set-up of an emulation test file, registered as node:test hooks (call it at the top level
 * of the file): {@link guardSignals} before the tests, a check after each test that no signal was
 * refused, and after the file the real `process.kill` back, then every holder and client started
 * through the returned functions stopped.
 *
 * @example
 * ```ts
 * const { guard, holder, client } = guardedHolders();
 * test('...', async () => {
 *   const server = await holder({port});
 *   guard.sent; // [{pid: server.pid, signal: 'SIGTERM'}] after stopping it
 * });
 * ```
 */
export function guardedHolders(): GuardedHolders {
  let installed: SignalGuard | undefined;
  const current = (): SignalGuard => {
    if (!installed)
      throw new Error('the signal guard is installed when the tests start (before hook)');
    return installed;
  };
  before(() => {
    installed = guardSignals();
  });
  afterEach(() => {
    assert.deepEqual(current().refused, [], 'a signal was asked for a pid this test did not start');
  });
  after(() => installed?.restore());
  // Registered after the hook above: the real process.kill is back before the holders are stopped.
  const hold = trackHolders();
  const guard: SignalGuard = {
    get sent() {
      return current().sent;
    },
    get refused() {
      return current().refused;
    },
    allow: (...pids) => current().allow(...pids),
    restore: () => current().restore(),
  };
  return {
    guard,
    async holder(options) {
      const started = await hold(startHolder(options));
      guard.allow(...started.pids);
      return started;
    },
    async client(port) {
      const started = await hold(startClient({ port }));
      guard.allow(started.pid);
      return started;
    },
  };
}

/**
 * Replaces `from` with `to` in a column-aligned line and keeps the columns after it in place
 * where the padding allows: a longer value eats spaces after it (at least one stays), a shorter
 * one adds them. Throws when `from` is not in the line (a fixture changed under the test).
 */
function swap(line: string, from: string, to: string): string {
  const at = line.indexOf(from);
  if (at < 0) throw new Error(`${JSON.stringify(from)} not in ${JSON.stringify(line)}`);
  const before = line.slice(0, at);
  let after = line.slice(at + from.length);
  const grow = to.length - from.length;
  const spaces = /^ */.exec(after)?.[0].length ?? 0;
  if (grow > 0 && spaces > 1) after = after.slice(Math.min(grow, spaces - 1));
  else if (grow < 0 && spaces > 0) after = ' '.repeat(-grow) + after;
  return before + to + after;
}

/** The first line of `text` that contains `parts` in this order. */
function lineWith(text: string, ...parts: string[]): string {
  const inOrder = (line: string) => {
    let from = 0;
    for (const part of parts) {
      const at = line.indexOf(part, from);
      if (at < 0) return false;
      from = at + part.length;
    }
    return true;
  };
  const line = text.split(/\r?\n/).find(inOrder);
  if (line === undefined) throw new Error(`no fixture line with ${parts.join(' … ')}`);
  return line;
}

/** A listening socket of an emulated machine. */
export interface EmulatedListener {
  readonly pid: number;
  readonly port: number;
  /** Local address, `'127.0.0.1'` or `'0.0.0.0'`. */
  readonly address: string;
  /** Whether the socket is still there (default: `pidAlive(pid)`). */
  readonly alive?: () => boolean;
}

/** A connection between a started client and a listener (both sides are rows). */
interface EmulatedConnection {
  /** The listener's pid (the server side of the connection). */
  readonly serverPid: number;
  readonly clientPid: number;
  readonly port: number;
  /** The client's local (ephemeral) port. */
  readonly clientPort: number;
}

const isAlive = (entry: { pid: number; alive?: () => boolean }) =>
  (entry.alive ?? (() => pidAlive(entry.pid)))();

// ---------------------------------------------------------------------------------------------
// macOS

/** A process as macOS `ps` would show it. */
export interface DarwinProcess {
  readonly pid: number;
  readonly ppid: number;
  /** `ps -o comm=`: argv[0]. */
  readonly comm: string;
  readonly args: string;
  /** `lstart` in the C locale, computed per call (so a test can change it between signals). */
  readonly lstart: () => string;
}

/**
 * Apple `lsof -F` output for the listeners on `port` that are alive: the process block of the
 * built Apple fixture (`p`, `c`, then one file set `f`, `t`, `P`, `n`, `TQR`, `TQS` — no `TST=`)
 * with the pid, command, address and port substituted. Apple's lsof prints the `u` uid asked for
 * by `-FpcutdPnT`; the built file has `L` (login) instead, which the parser ignores either way.
 *
 * @example
 * ```ts
 * darwinLsof([{pid: 4242, port: 3000, address: '127.0.0.1'}], 3000, () => 'node');
 * // 'p4242\ncnode\nu501\nf20\ntIPv4\nPTCP\nn127.0.0.1:3000\nTQR=0\nTQS=0\n'
 * ```
 */
function darwinLsof(
  listeners: readonly EmulatedListener[],
  port: number,
  nameOf: (pid: number) => string,
): string {
  const text = fixture('built/darwin/lsof-nP-iTCP-iUDP-F-pcLftPnT-apple-no-TST.txt').toString(
    'utf8',
  );
  const lines = text.split('\n');
  const start = lines.indexOf('p45121');
  const block = lines.slice(start, start + 9); // p c L f t P n TQR TQS
  const blocks = listeners
    .filter((listener) => listener.port === port && isAlive(listener))
    .map((listener) =>
      block
        .map((line) => {
          if (line === 'p45121') return `p${listener.pid}`;
          if (line === 'cnode') return `c${nameOf(listener.pid)}`;
          if (line === 'Lme') return 'u501';
          if (line === 'tIPv6') return listener.address.includes(':') ? 'tIPv6' : 'tIPv4';
          if (line === 'n*:3000') return `n${listener.address}:${listener.port}`;
          return line;
        })
        .join('\n'),
    );
  return blocks.map((entry) => `${entry}\n`).join('');
}

/** The built macOS netstat layouts the emulation can print. */
export type DarwinNetstatLayout = 'tahoe' | 'sequoia';

/** Per layout: the fixture, its template rows and the owner text in each, how an owner is printed. */
const DARWIN_NETSTAT = {
  // macOS 26: one `process:pid` column (the name may hold spaces and colons).
  tahoe: {
    file: 'built/darwin/netstat-anv-p-tcp-tahoe-26.txt',
    listen: { address: '127.0.0.1.8123', owner: 'uvicorn:app:31337' },
    server: { local: '127.0.0.1.3000', remote: '127.0.0.1.52310', owner: 'node:45121' },
    client: { owner: 'Google Chrome He:5120' },
    owner: (pid: number, name: string) => `${name}:${pid}`,
  },
  // macOS 15: `rxbytes txbytes rhiwat shiwat pid epid`, 45-character address columns (-l).
  sequoia: {
    file: 'built/darwin/netstat-anvl-p-tcp-sequoia-15.txt',
    listen: { address: '127.0.0.1.8080', owner: ' 77812 ' },
    server: { local: '127.0.0.1.8080', remote: '127.0.0.1.51788', owner: ' 77812 ' },
    client: { owner: ' 77990 ' },
    owner: (pid: number) => ` ${pid} `,
  },
} as const;

/**
 * macOS `netstat -anv(l) -p tcp` output in a built layout: the fixture's title and header, one
 * LISTEN row per live listener and two ESTABLISHED rows per live connection (server side, client
 * side), each a fixture row with addresses, ports and the owner substituted.
 *
 * @example
 * ```ts
 * darwinNetstat('tahoe', [{pid: 4242, port: 3000, address: '127.0.0.1'}], [], () => 'node');
 * ```
 */
function darwinNetstat(
  layout: DarwinNetstatLayout,
  listeners: readonly EmulatedListener[],
  connections: readonly EmulatedConnection[],
  nameOf: (pid: number) => string,
): string {
  const spec = DARWIN_NETSTAT[layout];
  const text = fixture(spec.file).toString('utf8');
  const [title = '', header = ''] = text.split('\n');
  const { local, remote } = spec.server;
  const listenRow = lineWith(text, `${spec.listen.address} `, 'LISTEN');
  const serverRow = lineWith(text, `${local} `, `${remote} `);
  const clientRow = lineWith(text, `${remote} `, `${local} `);
  const owned = (row: string, template: string, pid: number) =>
    swap(row, template, spec.owner(pid, nameOf(pid)));
  const rows: string[] = [];
  for (const listener of listeners) {
    if (!isAlive(listener)) continue;
    const row = swap(listenRow, spec.listen.address, `${listener.address}.${listener.port}`);
    rows.push(owned(row, spec.listen.owner, listener.pid));
  }
  for (const connection of connections) {
    const server = `127.0.0.1.${connection.port}`;
    const client = `127.0.0.1.${connection.clientPort}`;
    if (pidAlive(connection.serverPid)) {
      const row = swap(swap(serverRow, `${local} `, `${server} `), `${remote} `, `${client} `);
      rows.push(owned(row, spec.server.owner, connection.serverPid));
    }
    if (pidAlive(connection.clientPid)) {
      const row = swap(swap(clientRow, `${remote} `, `${client} `), `${local} `, `${server} `);
      rows.push(owned(row, spec.client.owner, connection.clientPid));
    }
  }
  return [title, header, ...rows, ''].join('\n');
}

/**
 * macOS `ps -ww -o pid=,ppid=,uid=,user=,lstart=,comm=,args= -p <pids>` output for the asked pids
 * that are alive, each line the built ps fixture's `node server.js` line with the values
 * substituted. Exit status 1 when some pid is not there, as ps does.
 *
 * @example
 * ```ts
 * darwinPs(darwinPsArguments([4242]), [{pid: 4242, ppid: 1, comm: 'node', args: 'node x.js', lstart: () => 'Tue Jan  7 18:40:55 2025'}]);
 * ```
 */
function darwinPs(args: readonly string[], processes: readonly DarwinProcess[]): ReplayAnswer {
  // `ps -A ...` (the manager facts): every emulated process; `ps ... -p 1,2`: those pids.
  const pids = args.includes('-A')
    ? processes.map((info) => info.pid)
    : (args[args.length - 1] ?? '').split(',').map(Number);
  const template = lineWith(
    fixture('built/darwin/ps-ww-o-pid-ppid-uid-user-lstart-comm-args.txt').toString('utf8'),
    '45121 45100',
  );
  const lines: string[] = [];
  for (const pid of pids) {
    const info = processes.find((candidate) => candidate.pid === pid);
    if (!info || !pidAlive(pid)) continue;
    let line = swap(
      template,
      '45121 45100',
      `${String(pid).padStart(5)} ${String(info.ppid).padStart(5)}`,
    );
    line = swap(line, 'Tue Jan  7 18:40:55 2025', info.lstart());
    line = swap(line, 'node server.js --port 3000', info.args);
    line = swap(line, ' node ', ` ${info.comm} `); // the comm column comes before args
    lines.push(line);
  }
  return {
    stdout: lines.map((line) => `${line}\n`).join(''),
    exitCode: lines.length === pids.length ? 0 : 1,
  };
}

/** The tools of an emulated Mac. */
export interface DarwinMachine {
  /** Whether lsof is installed. */
  readonly lsof: boolean;
  /** The layout `netstat -anv` prints. */
  readonly netstat: DarwinNetstatLayout;
  readonly listeners: readonly EmulatedListener[];
  readonly connections?: readonly EmulatedConnection[];
  readonly processes: readonly DarwinProcess[];
}

/**
 * The replay tools of an emulated Mac: `lsof` (unless missing; exit 1 with no output when nothing
 * matches), `netstat` (`-anvl -p tcp` / `-p udp`), `ps`. Answers depend on what is alive at
 * call time, so a stopped holder disappears from every tool.
 *
 * @example
 * ```ts
 * const replay = createReplay(darwinTools({lsof: true, netstat: 'tahoe', listeners, processes}));
 * ```
 */
export function darwinTools(machine: DarwinMachine): Record<string, ReplayTool> {
  const nameOf = (pid: number) => {
    const comm = machine.processes.find((info) => info.pid === pid)?.comm ?? '?';
    return comm.slice(comm.lastIndexOf('/') + 1);
  };
  const tools: Record<string, ReplayTool> = {
    netstat: (args) => {
      if (args[2] !== 'tcp') return { stdout: 'Active Internet connections (including servers)\n' };
      return {
        stdout: darwinNetstat(
          machine.netstat,
          machine.listeners,
          machine.connections ?? [],
          nameOf,
        ),
      };
    },
    ps: (args) => darwinPs(args, machine.processes),
  };
  if (machine.lsof) {
    tools.lsof = (args) => {
      const selection = args[args.indexOf('-i') + 1] ?? '';
      const port = Number(selection.replace(/^TCP:/, ''));
      const stdout = selection.startsWith('TCP:')
        ? darwinLsof(machine.listeners, port, nameOf)
        : '';
      return stdout === '' ? { exitCode: 1 } : { stdout };
    };
  }
  return tools;
}

// ---------------------------------------------------------------------------------------------
// Windows

/** A process as Windows shows it (CIM `Win32_Process`, tasklist). */
export interface Win32Process {
  readonly pid: number;
  readonly ppid: number;
  readonly name: string;
  readonly commandLine: string | null;
  /** CreationDate in ms since the epoch, computed per call (a test may change it). */
  readonly created: () => number;
  /** Whether it exists (default `pidAlive(pid)`). */
  readonly alive?: () => boolean;
}

/** The languages the emulated Windows speaks. */
type WindowsLocale = 'en-US' | 'de-DE';

/**
 * `netstat -ano` output: en-US from the recorded jc capture (title, header, the row layouts of a
 * LISTENING row, the System pid-4 row, a TIME_WAIT pid-0 row as in the recorded fr-FR capture), or
 * de-DE from the built CP850 bytes (`ABH\x99REN`, `HERGESTELLT`, `WARTEND`), as bytes.
 *
 * @example
 * ```ts
 * win32Netstat('de-DE', [{pid: 4242, port: 3000, address: '127.0.0.1'}], [], {timeWaitPort: 3000});
 * ```
 */
function win32Netstat(
  locale: WindowsLocale,
  listeners: readonly EmulatedListener[],
  connections: readonly EmulatedConnection[],
  options: { readonly timeWaitPort?: number } = {},
): Buffer {
  const german = locale === 'de-DE';
  // latin1 keeps every byte as one char, so the CP850 bytes survive the round trip untouched.
  const text = german
    ? fixture('built/win32/netstat-ano-de-DE-cp850-crlf.bin').toString('latin1')
    : fixture('win32/netstat-ano/en-US-win10-jc-aon-crlf.txt').toString('latin1');
  const head = text.split('\r\n').slice(0, 4); // empty line, title, empty line, header
  // Template rows and the addresses in them that are replaced.
  const t = german
    ? {
        listen: lineWith(text, '0.0.0.0:3000 ', 'ABH'),
        listenLocal: '0.0.0.0:3000',
        system: lineWith(text, '0.0.0.0:445 ', 'ABH'),
        server: lineWith(text, '127.0.0.1:3000 ', '127.0.0.1:51544 '),
        client: lineWith(text, '127.0.0.1:51544 ', '127.0.0.1:3000 '),
        serverAddress: '127.0.0.1:3000',
        clientAddress: '127.0.0.1:51544',
      }
    : {
        listen: lineWith(text, '0.0.0.0:443 ', 'LISTENING'),
        listenLocal: '0.0.0.0:443',
        system: lineWith(text, '0.0.0.0:445 ', 'LISTENING'),
        server: lineWith(text, '127.0.0.1:1031 ', '127.0.0.1:1032 '),
        client: lineWith(text, '127.0.0.1:1032 ', '127.0.0.1:1031 '),
        serverAddress: '127.0.0.1:1031',
        clientAddress: '127.0.0.1:1032',
      };
  // The PID column is the last one, left-aligned after the padded state.
  const setPid = (line: string, pid: number) => line.replace(/[0-9]+$/, String(pid));
  const endpoints = (line: string, local: [string, string], remote: [string, string]) =>
    swap(swap(line, `${local[0]} `, `${local[1]} `), `${remote[0]} `, `${remote[1]} `);
  const rows: string[] = [];
  for (const listener of listeners) {
    if (!isAlive(listener)) continue;
    const local = `${listener.address}:${listener.port}`;
    // The System row is taken as recorded (PID 4), only its port changes.
    if (listener.pid === 4) rows.push(swap(t.system, '0.0.0.0:445', local));
    else rows.push(setPid(swap(t.listen, t.listenLocal, local), listener.pid));
  }
  for (const connection of connections) {
    const server = `127.0.0.1:${connection.port}`;
    const client = `127.0.0.1:${connection.clientPort}`;
    if (pidAlive(connection.serverPid)) {
      const row = endpoints(t.server, [t.serverAddress, server], [t.clientAddress, client]);
      rows.push(setPid(row, connection.serverPid));
    }
    if (pidAlive(connection.clientPid)) {
      const row = endpoints(t.client, [t.clientAddress, client], [t.serverAddress, server]);
      rows.push(setPid(row, connection.clientPid));
    }
  }
  if (options.timeWaitPort !== undefined) {
    // A server-side TIME_WAIT row, owned by PID 0 (no process): German from the built file,
    // en-US in the layout of the recorded fr-FR capture (whose states are English), turned round.
    const local = `127.0.0.1:${options.timeWaitPort}`;
    if (german) {
      rows.push(swap(lineWith(text, 'WARTEND'), '127.0.0.1:3000', local));
    } else {
      const fr = fixture('win32/netstat-ano/fr-FR-win10-1909-no-pid-header.txt').toString('latin1');
      const row = lineWith(fr, '127.0.0.1:51114 ', 'TIME_WAIT').replace(/\r$/, '');
      rows.push(endpoints(row, ['127.0.0.1:51114', local], ['127.0.0.1:49350', '127.0.0.1:51114']));
    }
  }
  return Buffer.from([...head, ...rows, ''].join('\r\n'), 'latin1');
}

/** `[...]` for several records, the object itself for one, nothing for none (ConvertTo-Json). */
function convertToJson(records: readonly object[]): string {
  if (records.length === 0) return '';
  const json = JSON.stringify(records.length === 1 ? records[0] : records);
  // Windows PowerShell 5.1 writes DateTime as "\/Date(ms)\/".
  return json.replace(/"\/Date\(([0-9]+)\)\/"/g, '"\\/Date($1)\\/"');
}

/**
 * The stdout of the `powershell` adapter's script: the `#portwarden-tcp` / `#portwarden-udp`
 * marker lines the script prints, each followed by `Get-NetTCPConnection` JSON in the built
 * fixtures' shape (numeric `State` 2 = Listen, 11 = TimeWait with `OwningProcess` 0), CRLF.
 *
 * @example
 * ```ts
 * win32PowerShellSockets(script, [{pid: 4242, port: 3000, address: '127.0.0.1'}]);
 * ```
 */
function win32PowerShellSockets(
  script: string,
  listeners: readonly EmulatedListener[],
  options: { readonly timeWaitPort?: number } = {},
): string {
  const port = Number(/-LocalPort ([0-9]+)/.exec(script)?.[1]);
  const tcp = listeners
    .filter((listener) => listener.port === port && isAlive(listener))
    .map((listener) => ({
      LocalAddress: listener.address,
      LocalPort: listener.port,
      RemoteAddress: listener.address.includes(':') ? '::' : '0.0.0.0',
      RemotePort: 0,
      State: 2,
      OwningProcess: listener.pid,
    }));
  if (options.timeWaitPort === port) {
    tcp.push({
      LocalAddress: '127.0.0.1',
      LocalPort: port,
      RemoteAddress: '127.0.0.1',
      RemotePort: 51002,
      State: 11,
      OwningProcess: 0,
    });
  }
  const out: string[] = [];
  if (script.includes("'#portwarden-tcp'")) out.push('#portwarden-tcp', convertToJson(tcp));
  if (script.includes("'#portwarden-udp'")) out.push('#portwarden-udp', '');
  return `${out.join('\r\n')}\r\n`;
}

/**
 * `Get-CimInstance Win32_Process -Filter 'ProcessId=1 OR ...' | Select-Object ... |
 * ConvertTo-Json -Compress` output for the pids the script names that exist, in the built
 * PowerShell 5.1 shape (`\/Date(ms)\/`; System with a null command line).
 *
 * @example
 * ```ts
 * win32CimProcesses(script, [{pid: 4242, ppid: 1, name: 'node.exe', commandLine: 'node x.js', created: () => 0}]);
 * ```
 */
function win32CimProcesses(script: string, processes: readonly Win32Process[]): string {
  const pids = [...script.matchAll(/ProcessId=([0-9]+)/g)].map((match) => Number(match[1]));
  const records = pids.flatMap((pid) => {
    const info = processes.find((candidate) => candidate.pid === pid);
    if (!info || !isAlive(info)) return [];
    return [
      {
        ProcessId: info.pid,
        ParentProcessId: info.ppid,
        Name: info.name,
        CommandLine: info.commandLine,
        CreationDate: `/Date(${info.created()})/`,
      },
    ];
  });
  const json = convertToJson(records);
  return json === '' ? '' : `${json}\r\n`;
}

/**
 * `tasklist /FO CSV /NH`: the built file's row layout, one row per process that exists.
 *
 * @example
 * ```ts
 * win32Tasklist([{pid: 4242, ppid: 1, name: 'node.exe', commandLine: null, created: () => 0}]);
 * // '"node.exe","4242","Console","1","45,120 K"\r\n'
 * ```
 */
function win32Tasklist(processes: readonly Win32Process[]): string {
  const template = lineWith(
    fixture('built/win32/tasklist-fo-csv-nh.txt').toString('utf8'),
    '"node.exe","7316"',
  );
  return processes
    .filter((info) => isAlive(info))
    .map((info) => `${template.replace('"node.exe","7316"', `"${info.name}","${info.pid}"`)}\r\n`)
    .join('');
}

/** How the emulated taskkill behaves. */
type TaskkillBehaviour =
  /** Does what it is asked: SIGTERM for a polite request, SIGKILL for `/F`. */
  | 'obey'
  /** Access denied, signals nothing. */
  | 'deny'
  /** A console process without a window: refuses a polite request, obeys `/F`. */
  | 'console';

const TASKKILL_TEXT = {
  'en-US': {
    polite: (pid: number) => `SUCCESS: Sent termination signal to the process with PID ${pid}.\r\n`,
    forced: (pid: number) => `SUCCESS: The process with PID ${pid} has been terminated.\r\n`,
    notFound: (pid: number) => `ERROR: The process "${pid}" not found.\r\n`,
    failed: (pid: number, reason: string) =>
      `ERROR: The process with PID ${pid} could not be terminated.\r\nReason: ${reason}\r\n`,
    denied: 'Access is denied.',
    consoleOnly: 'This process can only be terminated forcefully (with /F option).',
  },
  'de-DE': {
    polite: (pid: number) =>
      `ERFOLGREICH: Ein Beendigungssignal wurde an den Prozess mit der PID ${pid} gesendet.\r\n`,
    forced: (pid: number) => `ERFOLGREICH: Der Prozess mit der PID ${pid} wurde beendet.\r\n`,
    notFound: (pid: number) => `FEHLER: Der Prozess "${pid}" wurde nicht gefunden.\r\n`,
    failed: (pid: number, reason: string) =>
      `FEHLER: Der Prozess mit der PID ${pid} konnte nicht beendet werden.\r\nUrsache: ${reason}\r\n`,
    denied: 'Zugriff verweigert',
    consoleOnly: 'Dieser Prozess kann nur zwangsweise beendet werden (mit der Option /F).',
  },
} as const;

/**
 * An emulated `taskkill /PID <pid> [/F] [/T]`: exit 128 "not found" when the pid is gone, else per
 * `behaviour`; an obeyed request really signals the process (`process.kill`, through the test's
 * signal guard) — with `/T` every pid of `tree(pid)` too.
 *
 * @example
 * ```ts
 * createReplay({taskkill: taskkillTool('console', 'en-US')});
 * ```
 */
function taskkillTool(
  behaviour: TaskkillBehaviour,
  locale: WindowsLocale = 'en-US',
  tree: (pid: number) => readonly number[] = (pid) => [pid],
): ReplayTool {
  const text = TASKKILL_TEXT[locale];
  return (args) => {
    const pid = Number(args[args.indexOf('/PID') + 1]);
    const force = args.includes('/F');
    if (!pidAlive(pid)) return { stderr: text.notFound(pid), exitCode: 128 };
    if (behaviour === 'deny') return { stderr: text.failed(pid, text.denied), exitCode: 1 };
    if (behaviour === 'console' && !force)
      return { stderr: text.failed(pid, text.consoleOnly), exitCode: 1 };
    const pids = args.includes('/T') ? tree(pid) : [pid];
    for (const target of [...pids].reverse()) process.kill(target, force ? 'SIGKILL' : 'SIGTERM');
    return { stdout: force ? text.forced(pid) : text.polite(pid), exitCode: 0 };
  };
}

/** The tools of an emulated Windows machine. */
export interface Win32Machine {
  /**
   * `'full'`: PowerShell with NetTCPIP; `'no-nettcpip'`: PowerShell whose socket script exits 3
   * (module missing) but CIM works; `'missing'`: neither powershell.exe nor pwsh.exe.
   */
  readonly powershell: 'full' | 'no-nettcpip' | 'missing';
  /** The language of netstat and taskkill. */
  readonly locale: WindowsLocale;
  readonly listeners: readonly EmulatedListener[];
  readonly connections?: readonly EmulatedConnection[];
  readonly processes: readonly Win32Process[];
  /** A server-side TIME_WAIT row (PID 0) on this port. */
  readonly timeWaitPort?: number;
  readonly taskkill: TaskkillBehaviour;
  /** The pids `/T` ends for a pid. */
  readonly tree?: (pid: number) => readonly number[];
}

/**
 * The replay tools of an emulated Windows machine: `powershell.exe` (the socket script and the
 * CIM script), `netstat -ano`, `tasklist /FO CSV /NH`, `taskkill`.
 *
 * @example
 * ```ts
 * const replay = createReplay(win32Tools({powershell: 'missing', locale: 'de-DE', listeners, processes, taskkill: 'obey'}));
 * ```
 */
export function win32Tools(machine: Win32Machine): Record<string, ReplayTool> {
  const tools: Record<string, ReplayTool> = {
    netstat: (args) => {
      if (args.length !== 1 || args[0] !== '-ano')
        return { stderr: 'unexpected netstat arguments', exitCode: 1 };
      return {
        stdout: win32Netstat(machine.locale, machine.listeners, machine.connections ?? [], machine),
      };
    },
    // `/svc`: image, pid, hosted services (BUILT in the layout of `tasklist /svc /FO CSV /NH`;
    // none of the emulated processes hosts a service).
    tasklist: (args) => ({
      stdout: args.includes('/svc')
        ? machine.processes
            .filter((info) => isAlive(info))
            .map((info) => `"${info.name}","${info.pid}","N/A"\r\n`)
            .join('')
        : win32Tasklist(machine.processes),
    }),
    taskkill: taskkillTool(machine.taskkill, machine.locale, machine.tree),
  };
  if (machine.powershell !== 'missing') {
    tools['powershell.exe'] = (args) => {
      const script = args[args.indexOf('-Command') + 1] ?? '';
      if (script.includes('Win32_Process'))
        return { stdout: win32CimProcesses(script, machine.processes) };
      if (script.includes('Get-NetTCPConnection')) {
        if (machine.powershell === 'no-nettcpip') return { exitCode: 3 };
        return { stdout: win32PowerShellSockets(script, machine.listeners, machine) };
      }
      return { stderr: 'unexpected script', exitCode: 1 };
    };
  }
  return tools;
}
