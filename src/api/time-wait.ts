import { hasTimeWait, timeWaitReport } from '../core/time-wait.ts';
import { ownOptions, validatePort } from '../input.ts';
import type { TimeWaitReport } from '../reports.ts';
import { callContext, forcedAdapter } from './common.ts';
import type { TimeWaitOptions } from './options.ts';

function timeWaitQuestion(port: unknown, options: unknown) {
  const validPort = validatePort(port);
  const valid = ownOptions<TimeWaitOptions>(options);
  return {
    question: { port: validPort, forcedAdapter: forcedAdapter(valid.adapter) },
    context: callContext(valid.signal),
  };
}

/**
 * Tells how many TCP sockets on the port are in TIME_WAIT, CLOSE_WAIT, FIN_WAIT and CLOSING,
 * which side they are on, and — by a real bind probe — whether a Node server could listen anyway.
 * macOS's netstat does not list TIME_WAIT sockets, so there the counts stay 0.
 *
 * @example
 * ```ts
 * import {inspectTimeWait} from 'portwarden';
 *
 * const report = await inspectTimeWait(8000);
 * // {timeWait: 12, serverSide: 12, clientSide: 0, listening: false, nodeCanListen: true,
 * //  blockedByTimeWait: false, ...}
 * ```
 */
export async function inspectTimeWait(
  port: number | string,
  options?: TimeWaitOptions,
): Promise<TimeWaitReport> {
  const { question, context } = timeWaitQuestion(port, options);
  return timeWaitReport(question, context);
}

/**
 * `true` when at least one TCP socket whose local port is `port` is in the TIME_WAIT state.
 * TIME_WAIT rarely explains "port already in use" for a Node server: see {@link inspectTimeWait}.
 *
 * @example
 * ```ts
 * import {checkPortTimeWait} from 'portwarden';
 *
 * await checkPortTimeWait(8000); // true right after the server closed its connections
 * ```
 */
export async function checkPortTimeWait(
  port: number | string,
  options?: TimeWaitOptions,
): Promise<boolean> {
  const { question, context } = timeWaitQuestion(port, options);
  return hasTimeWait(question, context);
}
