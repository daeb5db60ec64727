import { constants } from 'node:os';
import {
  type FreeReport,
  freePort,
  inspectPort,
  type StopProgress,
  waitForPort,
} from '../../index.ts';
import { debug } from '../debug.ts';
import { ExitCode } from '../exit-codes.ts';
import type { RunInvocation } from '../invocation.ts';
import { type CliIO, printable, printError, styles } from '../output.ts';
import {
  type CommandEnd,
  FORWARDED_SIGNALS,
  groupGone,
  PROCESS_GROUPS,
  type StartedCommand,
  startCommand,
} from '../process-group.ts';
import { interruptedText, StopJournal } from '../stop-journal.ts';
import { stopStatus } from '../stop-status.ts';
import { explainFree, stoppedSummary } from '../stop-text.ts';

/** Default ms between SIGTERM and SIGKILL, for the holders and for the command's group. */
const DEFAULT_GRACE = 5000;
/** Signals that end `run` while it frees the ports, before the command starts. */
const INTERRUPTS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
/** How long the ports may take to be released once the group is gone. */
const RELEASE_WAIT = 2000;

/** The exit status of the command, as a shell reports it (128 + signal number when killed). */
function exitStatus(end: CommandEnd): number {
  if ('error' in end) return end.error.code === 'ENOENT' ? 127 : 126;
  if (end.signal !== null) {
    return 128 + ((constants.signals as Record<string, number>)[end.signal] ?? 15);
  }
  return end.code ?? 1;
}

/**
 * Frees every port as `portwarden free` does; the reports of the ports that stay held, or
 * `'interrupted'` when a signal (Ctrl-C) ended the freeing (it is said on stderr).
 */
async function freePorts(
  invocation: RunInvocation,
  io: CliIO,
  signal: AbortSignal,
): Promise<FreeReport[] | 'interrupted'> {
  const { err } = styles(io, false);
  const status = stopStatus(io, invocation);
  const journals = new Map(invocation.ports.map((port) => [port, new StopJournal()]));
  const results = await Promise.all(
    invocation.ports.map((port) =>
      freePort(port, {
        signal,
        protocol: invocation.protocol,
        ...(invocation.adapter ? { adapter: invocation.adapter } : {}),
        ...(invocation.signal ? { killSignal: invocation.signal } : {}),
        ...(invocation.grace !== undefined ? { gracePeriod: invocation.grace } : {}),
        ...(invocation.maxWait !== undefined ? { maxWait: invocation.maxWait } : {}),
        force: invocation.force,
        ...(invocation.host ? { host: invocation.host } : {}),
        managed: invocation.managed,
        onProgress: (event: StopProgress) => {
          journals.get(port)?.record(event);
          status?.progress(port, event);
        },
      }).catch((error: { code?: unknown }) => {
        if (signal.aborted && error?.code === 'ERR_ABORTED') return undefined;
        throw error;
      }),
    ),
  );
  status?.finish();
  if (results.some((report) => report === undefined)) {
    for (const [port, journal] of journals) {
      printError(
        io.stderr,
        'run',
        `interrupted while freeing port ${port}/${invocation.protocol}: ${interruptedText(journal)}; ${printable(invocation.argv[0] ?? '')} was not started`,
      );
    }
    return 'interrupted';
  }
  const reports = results as FreeReport[];
  for (const report of reports) {
    if (!invocation.quiet && report.free && report.kill && report.kill.killed.length > 0) {
      io.stderr.write(
        `portwarden run: ${report.port}/${report.protocol} ${err.green('free')} (${stoppedSummary(report.kill)})\n`,
      );
    }
  }
  return reports.filter((report) => !report.free);
}

/** After the command: SIGTERM to what is left of its group, SIGKILL after the grace period. */
async function endGroup(command: StartedCommand, grace: number): Promise<string | undefined> {
  if (!command.alive()) return undefined;
  command.signal('SIGTERM');
  if (await groupGone(command, grace)) return 'SIGTERM';
  await command.kill();
  return (await groupGone(command, 2000)) ? 'SIGKILL' : 'SIGKILL (some processes did not exit)';
}

/** Waits for the ports to be released; one line per port still held, and by whom. */
async function reportHeldPorts(invocation: RunInvocation, io: CliIO): Promise<void> {
  const options = {
    protocol: invocation.protocol,
    ...(invocation.adapter ? { adapter: invocation.adapter } : {}),
  };
  await Promise.all(
    invocation.ports.map(async (port) => {
      if (await waitForPort(port, { ...options, until: 'free', maxWait: RELEASE_WAIT })) return;
      const report = await inspectPort(port, options);
      const holders = report.owners
        .map((owner) => `${owner.pid ?? 'hidden'}${owner.name ? ` ${printable(owner.name)}` : ''}`)
        .join(', ');
      printError(
        io.stderr,
        'run',
        `port ${port}/${invocation.protocol} is still in use after the command ended${holders ? `, held by ${holders} (outside its process group)` : ''}: portwarden who ${port}`,
      );
    }),
  );
}

/**
 * `portwarden run --port <port>... -- <command> [args...]`: frees the ports (as `free`), starts
 * the command — a fixed argument array, never a shell — in a process group of its own, passes
 * SIGINT, SIGTERM, SIGHUP (a closed terminal), SIGQUIT and SIGUSR2 on to the group, and once the
 * command has exited (or portwarden was told to stop) ends whatever is left of the group
 * (SIGTERM, SIGKILL after the grace period) and checks by bind probes that the ports were
 * released. The orphan that causes the next "port already in use" is never left behind.
 * Resolves with the command's exit status (128 + the signal number when a signal ended it); 1
 * without starting it when a port cannot be freed; 127 (126) when it cannot be found (run).
 *
 * @example
 * ```ts
 * // package.json: "dev": "portwarden run --port 3000 -- vite --port 3000 --strictPort"
 * process.exitCode = await runRun(parseCommandLine(['run', '-p', '3000', '--', 'node', 'server.js']) as RunInvocation, io);
 * ```
 */
export async function runRun(invocation: RunInvocation, io: CliIO): Promise<number> {
  // Ctrl-C while the ports are being freed: no further signal to their holders, nothing started.
  const controller = new AbortController();
  const onEarlySignal = () => controller.abort(new Error('Interrupted'));
  for (const name of INTERRUPTS) process.on(name, onEarlySignal);
  let held: FreeReport[] | 'interrupted';
  try {
    held = await freePorts(invocation, io, io.signal ?? controller.signal);
  } finally {
    for (const name of INTERRUPTS) process.off(name, onEarlySignal);
  }
  if (held === 'interrupted') return ExitCode.INTERRUPTED;
  if (held.length > 0) {
    for (const report of held) {
      const reasons = explainFree(report);
      printError(
        io.stderr,
        'run',
        `port ${report.port}/${report.protocol} is still in use${reasons.length ? `: ${reasons.join('; ')}` : ` (${report.outcome})`}; ${printable(invocation.argv[0] ?? '')} was not started`,
      );
    }
    return ExitCode.NOT_FREE;
  }

  const grace = invocation.grace ?? DEFAULT_GRACE;
  /** SIGHUP: the terminal is gone, nothing more is written to it. */
  let hungUp = false;
  let forceTimer: NodeJS.Timeout | undefined;
  // Handlers first, then the start, in one synchronous step: no signal can fall in between.
  let command: StartedCommand | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    debug('run: %s received, passing it on to the group', signal);
    if (signal === 'SIGHUP') hungUp = true;
    command?.signal(signal);
    forceTimer ??= setTimeout(() => {
      debug('run: the group outlived the grace period: SIGKILL');
      void command?.kill();
    }, grace);
  };
  for (const name of FORWARDED_SIGNALS) process.on(name, onSignal);
  let end: CommandEnd;
  let ended: string | undefined;
  try {
    command = startCommand(invocation.argv);
    debug('run: started %o as pid %d', invocation.argv, command.pid);
    end = await command.ended;
    debug('run: the command ended: %o', end);
    ended = await endGroup(command, grace);
  } finally {
    for (const name of FORWARDED_SIGNALS) process.off(name, onSignal);
    if (forceTimer) clearTimeout(forceTimer);
  }
  if (hungUp) return exitStatus(end);
  if ('error' in end) {
    printError(
      io.stderr,
      'run',
      `cannot start ${printable(invocation.argv[0] ?? '')}: ${end.error.code ?? end.error.message}${
        end.error.code === 'ENOENT' && !PROCESS_GROUPS
          ? ' (a .cmd or .bat program such as npm needs a shell, which portwarden does not use: start node or the .exe itself)'
          : ''
      }`,
    );
    return exitStatus(end);
  }
  if (ended && !invocation.quiet) {
    const { err } = styles(io, false);
    io.stderr.write(
      `portwarden run: ${err.dim(`stopped what the command left running (${ended})`)}\n`,
    );
  }
  await reportHeldPorts(invocation, io);
  return exitStatus(end);
}
