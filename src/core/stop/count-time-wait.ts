import { createLogger } from '../../log.ts';
import type { Context } from '../context.ts';
import { countStates, readTcpRows } from '../time-wait.ts';

const debug = createLogger('portwarden:free');

/**
 * How many TIME_WAIT sockets sit on the port, for the end of a `freePort` report; 0 when no
 * adapter that sees them can answer (it is a detail, not the outcome).
 *
 * @example
 * ```ts
 * await countTimeWait({port: 3000, forcedAdapter: undefined}, context); // 3
 * ```
 */
export async function countTimeWait(
  question: { readonly port: number; readonly forcedAdapter: string | undefined },
  context: Context,
): Promise<number> {
  try {
    const { rows } = await readTcpRows(question, false, context);
    return countStates(rows, question.port, ['TIME_WAIT']);
  } catch (error) {
    debug('port %d: cannot count TIME_WAIT sockets: %O', question.port, error);
    return 0;
  }
}
