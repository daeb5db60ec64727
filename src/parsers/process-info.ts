/**
 * What can be learned about one live process. Fields are `null` where they cannot be seen. The
 * process parsers produce it; the process-info sources (src/process) return it.
 *
 * @example
 * ```ts
 * const info: ProcessInfo = {pid: 4242, name: 'node', commandLine: 'node server.js',
 *   argv: ['node', 'server.js'], uid: 1000, user: 'me', ppid: 1, startTime: '123456'};
 * ```
 */
export interface ProcessInfo {
  readonly pid: number;
  /**
   * The program's short name: the executable's base name (Linux `/proc/<pid>/exe`, else argv[0]),
   * `ps -o comm=`, the image name on Windows.
   */
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
