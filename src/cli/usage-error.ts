/**
 * The commands of the `portwarden` command line (`list` is an alias of `who`).
 *
 * @example
 * ```ts
 * const command: CommandName = 'free';
 * ```
 */
export type CommandName = 'who' | 'check' | 'kill' | 'free' | 'wait' | 'run';

/**
 * A usage error: a bad port, an unknown command or option, a bad option value. The CLI prints its
 * message as one line on stderr and exits with status 2, having done nothing.
 *
 * @example
 * ```ts
 * throw new UsageError("unknown option '--bogus'", 'who');
 * ```
 */
export class UsageError extends Error {
  /** Always `'ERR_CLI_USAGE'` (exit status 2). */
  readonly code = 'ERR_CLI_USAGE' as const;
  /** The command whose usage was wrong, for the "see --help" hint. */
  readonly command: CommandName | undefined;

  constructor(message: string, command?: CommandName) {
    super(message);
    this.name = 'UsageError';
    this.command = command;
  }
}
