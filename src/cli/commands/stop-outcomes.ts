/**
 * One port of `portwarden kill` / `free`: the stop, and what it says (the JSON entry, the summary
 * line, the reasons a port is still held); an interrupted stop from what its journal saw.
 *
 * @module
 */
import {
  type FreeOptions,
  type FreeReport,
  freePort,
  isPortInUse,
  type KillOptions,
  type KillReport,
  killProcessOnPort,
} from '../../index.ts';
import type { StopInvocation } from '../invocation.ts';
import type { Style } from '../output.ts';
import { interruptedText, type StopJournal } from '../stop-journal.ts';
import {
  dryRunLines,
  explainFree,
  explainKill,
  stoppedSummary,
  timeWaitNote,
} from '../stop-text.ts';

/**
 * Per port: did it end up free, the JSON, and the lines for people.
 *
 * @example
 * ```ts
 * const outcome: PortOutcome = {port: 3000, free: true, json: {port: 3000, free: true}, summary: '3000/tcp: free\n', problems: []};
 * ```
 */
export interface PortOutcome {
  readonly port: number;
  readonly free: boolean;
  /** Ctrl-C (or SIGTERM) ended the stop before its report. */
  readonly interrupted?: boolean;
  readonly json: Record<string, unknown>;
  readonly summary: string | undefined;
  readonly problems: readonly string[];
}

/**
 * What an interrupted stop had done; whether the port is free is not known then.
 *
 * @example
 * ```ts
 * interruptedOutcome(invocation, 3000, journal).json.abandoned; // [4242]: SIGTERM sent, not exited
 * ```
 */
export function interruptedOutcome(
  invocation: StopInvocation,
  port: number,
  journal: StopJournal,
): PortOutcome {
  return {
    port,
    free: false,
    interrupted: true,
    json: {
      port,
      protocol: invocation.protocol,
      interrupted: true,
      free: null,
      signalled: journal.signalled(),
      abandoned: journal.pending().map((process) => process.pid),
      message: `interrupted: ${interruptedText(journal)}`,
    },
    summary: undefined,
    problems: [interruptedText(journal)],
  };
}

/**
 * `kill` for one port: the stop, then a bind probe says whether the port ended up free.
 *
 * @example
 * ```ts
 * const outcome = await killPort(invocation, 3000, {protocol: 'tcp'}, style);
 * outcome.free; // true once nothing holds it
 * ```
 */
export async function killPort(
  invocation: StopInvocation,
  port: number,
  options: KillOptions,
  out: Style,
): Promise<PortOutcome> {
  const { protocol, adapter } = invocation;
  const report: KillReport = await killProcessOnPort(port, options);
  if (report.dryRun) {
    const free = report.owners.length === 0;
    return {
      port,
      free,
      json: { ...report, free },
      summary: dryRunLines(port, protocol, report, out),
      problems: [],
    };
  }
  const free = !(await isPortInUse(port, {
    protocol,
    ...(adapter ? { adapter } : {}),
    ...(invocation.host ? { host: invocation.host } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  }));
  const problems = free ? [] : explainKill(report);
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
}

/**
 * `free` for one port: `freePort`, and what its report says in words.
 *
 * @example
 * ```ts
 * const outcome = await freeOnePort(invocation, 3000, {maxWait: 10_000}, style);
 * outcome.problems; // [] when free, else one reason per line
 * ```
 */
export async function freeOnePort(
  invocation: StopInvocation,
  port: number,
  options: FreeOptions,
  out: Style,
): Promise<PortOutcome> {
  const { protocol } = invocation;
  const report: FreeReport = await freePort(port, options);
  if (invocation.dryRun) {
    return {
      port,
      free: report.free,
      json: { ...report },
      summary: report.kill
        ? dryRunLines(port, protocol, report.kill, out)
        : `${port}/${protocol}: ${report.free ? 'free, nothing to stop' : 'in use'}\n`,
      problems: [],
    };
  }
  const problems = report.free ? [] : explainFree(report);
  if (!report.free && problems.length === 0) problems.push(`still in use (${report.outcome})`);
  return {
    port,
    free: report.free,
    json: { ...report, ...(problems.length ? { message: problems.join('; ') } : {}) },
    summary: report.free
      ? `${port}/${protocol}: ${out.green('free')} (${stoppedSummary(report.kill)})\n${report.timeWait > 0 ? `${out.dim(timeWaitNote(report.timeWait))}\n` : ''}`
      : undefined,
    problems,
  };
}
