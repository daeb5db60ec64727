/**
 * The exit statuses of the `portwarden` command line. Scripts may rely on them: they never change
 * within a major version.
 *
 * | status | name | meaning |
 * | --- | --- | --- |
 * | 0 | `OK` | done: `check` — every port is free; `kill`/`free` — every port is free at the end; `wait` — every port reached the state; `who`, `--help`, `--version`, `--dry-run` — answered |
 * | 1 | `NOT_FREE` | `check` — a port is in use; `kill`/`free` — a port is still held at the end; `wait` — the timeout ran out |
 * | 2 | `USAGE` | bad usage (a bad port, an unknown command or option, a bad option value): a one-line error on stderr, nothing was done |
 * | 3 | `UNKNOWN` | the question could not be answered: no socket-table adapter works here, a forced adapter is unavailable, a tool failed, or an unexpected error |
 * | 130 | `INTERRUPTED` | `wait`, `kill` or `free` was interrupted (Ctrl-C: SIGINT; `kill`/`free` also SIGTERM) |
 *
 * When several ports give different answers, the most serious status wins: 3 over 1 over 0.
 *
 * @module
 */

/**
 * The documented exit statuses (see the module documentation).
 *
 * @example
 * ```ts
 * process.exitCode = inUse ? ExitCode.NOT_FREE : ExitCode.OK;
 * ```
 */
export const ExitCode = {
  /** Success: free / done / answered. */
  OK: 0,
  /** A port is in use (check), still held (kill, free), or did not reach the state (wait). */
  NOT_FREE: 1,
  /** Bad usage; nothing was done. */
  USAGE: 2,
  /** Could not determine: no adapter, tool failure, unexpected error. */
  UNKNOWN: 3,
  /** Interrupted by SIGINT. */
  INTERRUPTED: 130,
} as const;

/**
 * One of the {@link ExitCode} values.
 *
 * @example
 * ```ts
 * const status: ExitCodeValue = ExitCode.USAGE; // 2
 * ```
 */
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

const SEVERITY: Readonly<Record<number, number>> = { 0: 0, 1: 1, 3: 2, 2: 3, 130: 4 };

/**
 * The most serious of several exit statuses (130 > 2 > 3 > 1 > 0).
 *
 * @example
 * ```ts
 * worstExitCode([ExitCode.OK, ExitCode.NOT_FREE, ExitCode.UNKNOWN]); // 3
 * worstExitCode([]); // 0
 * ```
 */
export function worstExitCode(codes: readonly ExitCodeValue[]): ExitCodeValue {
  let worst: ExitCodeValue = ExitCode.OK;
  for (const code of codes) {
    if ((SEVERITY[code] ?? 0) > (SEVERITY[worst] ?? 0)) worst = code;
  }
  return worst;
}

/** Error codes that mean the caller asked for something invalid (exit status 2). */
const USAGE_ERROR_CODES = new Set(['ERR_INVALID_PORT', 'ERR_INVALID_OPTION', 'ERR_CLI_USAGE']);

/**
 * The exit status for an error: 2 for invalid input (`ERR_INVALID_PORT`, `ERR_INVALID_OPTION`,
 * a usage error), 130 for an abort by SIGINT, 3 for everything else (no adapter, a tool failed).
 *
 * @example
 * ```ts
 * exitCodeForError(Object.assign(new Error('x'), {code: 'ERR_NO_ADAPTER'})); // 3
 * ```
 */
export function exitCodeForError(error: unknown): ExitCodeValue {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && USAGE_ERROR_CODES.has(code)) return ExitCode.USAGE;
  if (code === 'ERR_ABORTED') return ExitCode.INTERRUPTED;
  return ExitCode.UNKNOWN;
}
