import type { AdapterContext } from '../adapters/types.ts';

/** What can be learned about one live process. Fields are `null` where they cannot be seen. */
export interface ProcessInfo {
  readonly pid: number;
  /** Short name (`/proc/<pid>/comm`, `ps -o comm=`, the image name on Windows). */
  readonly name: string | null;
  /** The full command line, arguments joined by single spaces. */
  readonly commandLine: string | null;
  /** The arguments, where the source gives them separately. */
  readonly argv: readonly string[] | null;
  readonly uid: number | null;
  readonly user: string | null;
  /** Parent pid, where known. */
  readonly ppid: number | null;
  /**
   * Opaque token that changes when the pid is reused by another process (Linux: field 22 of
   * /proc/<pid>/stat; macOS: `ps -o lstart=`; Windows: CreationDate).
   */
  readonly startTime: string | null;
}

/**
 * Looks up several processes at once (one tool call for all pids where a tool is needed). Pids
 * that are gone are absent from the map. Never throws for a single unreadable process.
 */
export type ProcessInfoSource = (
  pids: readonly number[],
  context: AdapterContext,
) => Promise<Map<number, ProcessInfo>>;
