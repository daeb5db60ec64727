import { waitForPort } from '../../index.ts';
import { ExitCode, type ExitCodeValue } from '../exit-codes.ts';
import type { WaitInvocation } from '../invocation.ts';
import { type CliIO, formatMs, printError, styles, writeJson } from '../output.ts';

/**
 * `portwarden wait <port...> --until free|in-use --timeout <ms>`: waits until every port reaches
 * the state (a server came up, or went away). Exit status 0 when reached, 1 when the timeout ran
 * out, 130 on Ctrl-C (SIGINT aborts the wait). `--timeout 0` waits for ever.
 *
 * @example
 * ```ts
 * // package.json: "e2e": "portwarden wait 3000 --timeout 30s && playwright test"
 * const status = await runWait(parseCommandLine(['wait', '3000']) as WaitInvocation, io);
 * ```
 */
export async function runWait(invocation: WaitInvocation, io: CliIO): Promise<ExitCodeValue> {
  // Ctrl-C ends the wait with status 130 (through ERR_ABORTED), not with a signal death.
  const controller = new AbortController();
  const onSigint = () => controller.abort(new Error('Interrupted'));
  if (!io.signal) process.once('SIGINT', onSigint);
  const signal = io.signal ?? controller.signal;
  try {
    return await waitAll(invocation, io, signal);
  } finally {
    process.off('SIGINT', onSigint);
  }
}

async function waitAll(
  invocation: WaitInvocation,
  io: CliIO,
  signal: AbortSignal,
): Promise<ExitCodeValue> {
  const started = performance.now();
  const deadline =
    invocation.timeout === 0 ? Number.POSITIVE_INFINITY : started + invocation.timeout;
  const results = await Promise.all(
    invocation.ports.map(async (port) => {
      const remaining = deadline - performance.now();
      const reached = await waitForPort(port, {
        until: invocation.until,
        protocol: invocation.protocol,
        ...(invocation.adapter ? { adapter: invocation.adapter } : {}),
        maxWait: Number.isFinite(remaining) ? Math.max(0, Math.round(remaining)) : 2_147_483_647,
        ...(invocation.host ? { host: invocation.host } : {}),
        signal,
      });
      return {
        port,
        protocol: invocation.protocol,
        reached,
        elapsedMs: Math.round(performance.now() - started),
      };
    }),
  );
  const exitCode = results.every((result) => result.reached) ? ExitCode.OK : ExitCode.NOT_FREE;
  if (invocation.json) {
    writeJson(io.stdout, {
      command: 'wait',
      ok: exitCode === ExitCode.OK,
      exitCode,
      until: invocation.until,
      timeout: invocation.timeout,
      ports: results,
    });
    return exitCode;
  }
  const { out } = styles(io, false);
  for (const result of results) {
    if (result.reached) {
      if (invocation.quiet) continue;
      io.stdout.write(
        `${result.port}/${result.protocol}: ${out.green(invocation.until)} after ${formatMs(result.elapsedMs)}\n`,
      );
    } else {
      printError(
        io.stderr,
        'wait',
        `port ${result.port}/${result.protocol} was not ${invocation.until} after ${formatMs(invocation.timeout)}`,
      );
    }
  }
  return exitCode;
}
