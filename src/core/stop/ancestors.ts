import { createLogger } from '../../log.ts';
import type { Context } from '../context.ts';

const debug = createLogger('portwarden:kill');

/** Deepest process tree walked; a longer chain is a loop in stale data. */
const MAX_DEPTH = 128;

/**
 * The pids of the calling process's ancestors — parent, grandparent, ... up to (not including)
 * pid 1 — read through the platform's process-info source (`/proc/<pid>/stat` on Linux, no
 * subprocess). A parent that cannot be read ends the walk; what was found so far is returned.
 *
 * @example
 * ```ts
 * const ancestors = await ancestorPids(context);
 * ancestors.has(process.ppid); // true
 * ```
 */
export async function ancestorPids(context: Context): Promise<Set<number>> {
  const source = context.platform.processInfo;
  const ancestors = new Set<number>();
  let pid: number | null = process.ppid;
  while (pid !== null && pid > 1 && !ancestors.has(pid) && ancestors.size < MAX_DEPTH) {
    ancestors.add(pid);
    let info: Awaited<ReturnType<typeof source>> | undefined;
    try {
      info = await source([pid], context);
    } catch (error) {
      debug('cannot read process %d while walking ancestors: %O', pid, error);
      break;
    }
    pid = info.get(pid)?.ppid ?? null;
  }
  return ancestors;
}
