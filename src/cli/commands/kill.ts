import { isPortInUse } from '../../in-use.ts';
import { resolveAdapterName } from '../../socket-table.ts';
import type {
  EnsureFreeOptions,
  FreePortReport,
  KillOptions,
  KillReport,
  StopProgress,
} from '../../stop/types.ts';
import type { PortOwner, Protocol } from '../../types.ts';
import type { StopInvocation } from '../args.ts';
import { ExitCode, type ExitCodeValue } from '../exit-codes.ts';
import {
  type CliIO,
  formatMs,
  printable,
  printError,
  privilegeHint,
  type Style,
  styles,
  writeJson,
} from '../output.ts';
import { createStatusReporter, skipReasonText } from '../status.ts';

/**
 * Whether an owner's process name is one of `names`: its short name (`/proc/<pid>/comm`) or the
 * base name of its program (`argv[0]`, since Linux cuts comm to 15 characters). Case-insensitive
 * on Windows and macOS, where `.exe` is ignored too.
 *
 * @example
 * ```ts
 * matchesFilter({name: 'node', argv: ['/usr/bin/node', 'server.js']} as PortOwner, ['node']); // true
 * ```
 */
export function matchesFilter(
  owner: Pick<PortOwner, 'name' | 'argv'>,
  names: readonly string[],
  platform: NodeJS.Platform = process.platform,
): boolean {
  const fold =
    platform === 'linux'
      ? (text: string) => text
      : (text: string) => text.toLowerCase().replace(/\.exe$/, '');
  const wanted = new Set(names.map(fold));
  const candidates = [owner.name, owner.argv?.[0]?.split(/[\\/]/).pop()];
  return candidates.some((candidate) => candidate && wanted.has(fold(candidate)));
}

function ownerLabel(
  owner: Pick<PortOwner, 'pid' | 'name'> | { pid: number | null; name: string | null },
): string {
  return `${owner.pid ?? 'hidden'}${owner.name ? ` ${printable(owner.name)}` : ''}`;
}

/** One line on why a port is still held, from what the stop reported. */
function explainKill(report: KillReport, platform: NodeJS.Platform): string[] {
  const reasons: string[] = [];
  const owners = new Map(report.owners.map((owner) => [owner.pid, owner]));
  for (const failure of report.failed) {
    const owner = owners.get(failure.pid);
    const label = ownerLabel({ pid: failure.pid, name: owner?.name ?? null });
    if (failure.code === 'EPERM' || failure.code === 'EACCES') {
      reasons.push(
        `not permitted to stop ${label}${owner?.user ? ` (user ${printable(owner.user)})` : ''}: ${privilegeHint(owner?.user ?? null, platform)}`,
      );
    } else if (failure.code === 'ETIMEDOUT') {
      reasons.push(`${label} did not exit (${printable(failure.message)})`);
    } else {
      reasons.push(`could not stop ${label}: ${failure.code} ${printable(failure.message)}`);
    }
  }
  for (const skipped of report.skipped) {
    if (skipped.reason === 'dry-run') continue;
    if (skipped.reason === 'hidden') {
      const hidden = report.owners.find((owner) => owner.pid === null);
      const user = hidden?.user ?? null;
      reasons.push(
        `held by a process of ${user ? `user ${user}` : 'another user'} that portwarden cannot see or stop: ${privilegeHint(user, platform)}`,
      );
    } else {
      reasons.push(`${ownerLabel(skipped)} ${skipReasonText(skipped.reason)}`);
    }
  }
  return reasons;
}

function explainFree(report: FreePortReport, platform: NodeJS.Platform): string[] {
  const reasons = report.kill ? explainKill(report.kill, platform) : [];
  if (
    report.outcome === 'hidden-owner' &&
    !reasons.some((reason) => reason.includes('cannot see'))
  ) {
    const hidden = report.remaining.find((owner) => owner.pid === null);
    const user = hidden?.user ?? null;
    reasons.push(
      `held by a process of ${user ? `user ${user}` : 'another user'} that portwarden cannot see or stop: ${privilegeHint(user, platform)}`,
    );
  }
  if (report.outcome === 'denied') {
    reasons.push(
      'binding is refused (EACCES) though nothing holds the port: a privileged port (run as root) or an excluded port range',
    );
  }
  if (report.outcome === 'timeout') {
    const remaining = report.remaining.map(ownerLabel).join(', ');
    reasons.push(
      `still held after ${formatMs(report.elapsedMs)}${remaining ? ` by ${remaining}` : ''}`,
    );
  }
  if (report.outcome === 'respawning') {
    reasons.push('new processes kept taking the port after each stop (a supervisor restarts them)');
  }
  if (report.outcome === 'self' && reasons.length === 0) {
    reasons.push('held by portwarden itself or one of its parent processes');
  }
  if (reasons.length === 0 && report.remaining.length > 0) {
    reasons.push(`still held by ${report.remaining.map(ownerLabel).join(', ')}`);
  }
  return reasons;
}

function stoppedSummary(report: KillReport | null): string {
  if (!report || report.processes.length === 0) return 'nothing held it';
  const parts = report.processes
    .filter((process) => report.killed.includes(process.pid))
    .map(
      (process) =>
        `${process.pid}${process.name ? ` ${printable(process.name)}` : ''} (${process.signal ?? process.signals.join(', ')}, ${formatMs(process.elapsedMs)})`,
    );
  return parts.length > 0 ? `stopped ${parts.join(', ')}` : 'nothing was stopped';
}

function dryRunLines(
  port: number,
  protocol: Protocol,
  report: KillReport,
  signal: string,
  style: Style,
): string {
  const where = `${port}/${protocol}`;
  const skipped = new Map(report.skipped.map((entry) => [entry.pid, entry]));
  if (report.owners.length === 0) return `${where}: free, nothing to stop\n`;
  let out = '';
  const seen = new Set<number | null>();
  for (const owner of report.owners) {
    // One line per process: a process with an IPv4 and an IPv6 socket is one stop.
    if (owner.pid !== null && seen.has(owner.pid)) continue;
    seen.add(owner.pid);
    const skip = skipped.get(owner.pid);
    const what = printable(owner.commandLine ?? owner.name ?? '');
    if (skip && skip.reason !== 'dry-run') {
      out += `${where}: ${style.yellow('would skip')} ${ownerLabel(owner)}: ${skipReasonText(skip.reason)}\n`;
    } else {
      out += `${where}: would send ${style.bold(signal)} → ${owner.pid}${what ? ` ${what}` : ''}\n`;
    }
  }
  return out;
}

/** Per port: did it end up free, the report, and the lines for people. */
interface PortOutcome {
  readonly port: number;
  readonly free: boolean;
  readonly json: Record<string, unknown>;
  readonly summary: string | undefined;
  readonly problems: readonly string[];
}

/**
 * `portwarden kill <port...>` and `portwarden free <port...>`: stop the holders of every port
 * (in parallel), with a live status line on stderr, then say what happened. Exit status 0 only
 * when every port is free at the end (`--dry-run`: 0 once answered).
 *
 * @example
 * ```ts
 * const status = await runStop(parseCommandLine(['free', '3000']) as StopInvocation, io);
 * ```
 */
export async function runStop(invocation: StopInvocation, io: CliIO): Promise<ExitCodeValue> {
  const adapter = resolveAdapterName(invocation.adapter);
  const { out, err } = styles(io, invocation.json);
  const status = invocation.quiet
    ? undefined
    : createStatusReporter(io.stderr, {
        live: io.stderr.isTTY === true && io.env.TERM !== 'dumb',
        style: err,
        showPort: invocation.ports.length > 1,
        ...(io.stderr.columns ? { columns: io.stderr.columns } : {}),
      });
  const { filters } = invocation;
  const options = (port: number): KillOptions => ({
    protocol: invocation.protocol,
    ...(adapter ? { adapter } : {}),
    ...(invocation.signal ? { killSignal: invocation.signal } : {}),
    ...(invocation.grace !== undefined ? { gracePeriod: invocation.grace } : {}),
    force: invocation.force,
    dryRun: invocation.dryRun,
    ...(filters.length > 0
      ? { filter: (owner: PortOwner) => matchesFilter(owner, filters, io.platform) }
      : {}),
    ...(status ? { onProgress: (event: StopProgress) => status.progress(port, event) } : {}),
  });
  // What a dry run says it would send: signals on POSIX, taskkill's steps on Windows.
  const signal =
    io.platform === 'win32'
      ? invocation.force
        ? 'taskkill /F'
        : 'taskkill'
      : invocation.force
        ? 'SIGKILL'
        : (invocation.signal ?? 'SIGTERM');
  const protocol = invocation.protocol;

  let outcomes: PortOutcome[];
  if (invocation.command === 'kill') {
    const { killProcessOnPort } = await import('../../stop/kill.ts');
    outcomes = await Promise.all(
      invocation.ports.map(async (port): Promise<PortOutcome> => {
        const report = await killProcessOnPort(port, options(port));
        if (report.dryRun) {
          return {
            port,
            free: report.owners.length === 0,
            json: { ...report, free: report.owners.length === 0 },
            summary: dryRunLines(port, protocol, report, signal, out),
            problems: [],
          };
        }
        const free = !(await isPortInUse(port, { protocol, ...(adapter ? { adapter } : {}) }));
        const problems = free ? [] : explainKill(report, io.platform);
        if (!free && problems.length === 0) problems.push('still in use');
        return {
          port,
          free,
          json: { ...report, free, ...(problems.length ? { message: problems.join('; ') } : {}) },
          summary: free
            ? `${port}/${protocol}: ${out.green('free')} (${stoppedSummary(report)})\n`
            : undefined,
          problems,
        };
      }),
    );
  } else {
    const { freePort } = await import('../../stop/ensure-free.ts');
    outcomes = await Promise.all(
      invocation.ports.map(async (port): Promise<PortOutcome> => {
        const report = await freePort(port, {
          ...options(port),
          ...(invocation.maxWait !== undefined ? { maxWait: invocation.maxWait } : {}),
        } satisfies EnsureFreeOptions);
        if (invocation.dryRun) {
          const kill = report.kill;
          return {
            port,
            free: report.free,
            json: { ...report },
            summary: kill
              ? dryRunLines(port, protocol, kill, signal, out)
              : `${port}/${protocol}: ${report.free ? 'free, nothing to stop' : 'in use'}\n`,
            problems: [],
          };
        }
        const problems = report.free ? [] : explainFree(report, io.platform);
        if (!report.free && problems.length === 0)
          problems.push(`still in use (${report.outcome})`);
        return {
          port,
          free: report.free,
          json: { ...report, ...(problems.length ? { message: problems.join('; ') } : {}) },
          summary: report.free
            ? `${port}/${protocol}: ${out.green('free')} (${stoppedSummary(report.kill)})\n`
            : undefined,
          problems,
        };
      }),
    );
  }
  status?.finish();

  const exitCode =
    invocation.dryRun || outcomes.every((outcome) => outcome.free)
      ? ExitCode.OK
      : ExitCode.NOT_FREE;
  for (const outcome of outcomes) {
    if (outcome.problems.length > 0) {
      printError(
        io.stderr,
        invocation.command,
        `port ${outcome.port}/${protocol} is still in use: ${outcome.problems.join('; ')}`,
      );
    }
  }
  if (invocation.json) {
    writeJson(io.stdout, {
      command: invocation.command,
      ok: exitCode === ExitCode.OK,
      exitCode,
      dryRun: invocation.dryRun,
      ports: outcomes.map((outcome) => outcome.json),
    });
  } else {
    io.stdout.write(outcomes.map((outcome) => outcome.summary ?? '').join(''));
  }
  return exitCode;
}
