import type { KillOptions, StopProgress } from '../../index.ts';
import { ExitCode, type ExitCodeValue } from '../exit-codes.ts';
import type { StopInvocation } from '../invocation.ts';
import { type CliIO, printError, styles, writeJson } from '../output.ts';
import { StopJournal } from '../stop-journal.ts';
import { stopStatus } from '../stop-status.ts';
import { freeOnePort, interruptedOutcome, killPort } from './stop-outcomes.ts';

function stopOptions(
  invocation: StopInvocation,
  onProgress: (event: StopProgress) => void,
  signal: AbortSignal,
): KillOptions {
  return {
    protocol: invocation.protocol,
    signal,
    ...(invocation.adapter ? { adapter: invocation.adapter } : {}),
    ...(invocation.signal ? { killSignal: invocation.signal } : {}),
    ...(invocation.grace !== undefined ? { gracePeriod: invocation.grace } : {}),
    force: invocation.force,
    dryRun: invocation.dryRun,
    names: invocation.filters,
    ...(invocation.host ? { host: invocation.host } : {}),
    managed: invocation.managed,
    onProgress,
  };
}

function isAbort(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === 'ERR_ABORTED';
}

/**
 * `portwarden kill <port...>` and `portwarden free <port...>`: stop the holders of every port
 * (in parallel), with a live status line on stderr, then say what happened. Exit status 0 only
 * when every port is free at the end (`--dry-run`: 0 once answered). Ctrl-C (SIGINT) or SIGTERM
 * ends the stop: no further signal is sent, what was done is printed (valid JSON under
 * `--json`), and the exit status is 130.
 *
 * @example
 * ```ts
 * const status = await runStop(parseCommandLine(['free', '3000']) as StopInvocation, io);
 * ```
 */
export async function runStop(invocation: StopInvocation, io: CliIO): Promise<ExitCodeValue> {
  const controller = new AbortController();
  const onSignal = () => controller.abort(new Error('Interrupted'));
  if (!io.signal) {
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  }
  try {
    return await stopAll(invocation, io, io.signal ?? controller.signal);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

async function stopAll(
  invocation: StopInvocation,
  io: CliIO,
  signal: AbortSignal,
): Promise<ExitCodeValue> {
  const { out } = styles(io, invocation.json);
  // -q: errors only (and the JSON document, when asked for).
  const status = stopStatus(io, invocation);
  const outcomes = await Promise.all(
    invocation.ports.map(async (port) => {
      const journal = new StopJournal();
      const options = stopOptions(
        invocation,
        (event) => {
          journal.record(event);
          status?.progress(port, event);
        },
        signal,
      );
      try {
        return invocation.command === 'kill'
          ? await killPort(invocation, port, options, out)
          : await freeOnePort(
              invocation,
              port,
              {
                ...options,
                ...(invocation.maxWait !== undefined ? { maxWait: invocation.maxWait } : {}),
              },
              out,
            );
      } catch (error) {
        if (signal.aborted && isAbort(error)) return interruptedOutcome(invocation, port, journal);
        throw error;
      }
    }),
  );
  status?.finish();
  const interrupted = outcomes.some((outcome) => outcome.interrupted);
  const exitCode = interrupted
    ? ExitCode.INTERRUPTED
    : invocation.dryRun || outcomes.every((outcome) => outcome.free)
      ? ExitCode.OK
      : ExitCode.NOT_FREE;
  for (const outcome of outcomes) {
    if (outcome.interrupted) {
      printError(
        io.stderr,
        invocation.command,
        `interrupted: port ${outcome.port}/${invocation.protocol}: ${outcome.problems.join('; ')}`,
      );
    } else if (outcome.problems.length > 0) {
      printError(
        io.stderr,
        invocation.command,
        `port ${outcome.port}/${invocation.protocol} is still in use: ${outcome.problems.join('; ')}`,
      );
    }
  }
  if (invocation.json) {
    writeJson(io.stdout, {
      command: invocation.command,
      ok: exitCode === ExitCode.OK,
      exitCode,
      dryRun: invocation.dryRun,
      ...(interrupted ? { interrupted: true } : {}),
      ports: outcomes.map((outcome) => outcome.json),
    });
  } else if (!invocation.quiet) {
    io.stdout.write(outcomes.map((outcome) => outcome.summary ?? '').join(''));
  }
  return exitCode;
}
