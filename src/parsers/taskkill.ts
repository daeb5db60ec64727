/**
 * Pure functions for Windows `taskkill`: its fixed argument arrays, and what its exit status and
 * (decoded, localized) output mean.
 *
 * @module
 */

/**
 * The Windows system message for ERROR_ACCESS_DENIED, which taskkill prints as its "Reason:", in
 * common display languages. Only these make a failure `'EPERM'`; an access denial in a language
 * not listed is still a failure (`'ERR_TASKKILL_FAILED'`, with taskkill's text), never a success.
 */
const ACCESS_DENIED = [
  /access is denied/i, // en
  /zugriff verweigert/i, // de
  /acc[eè]s refus[eé]/i, // fr
  /acceso denegado/i, // es
  /accesso negato/i, // it
  /acesso negado/i, // pt
  /toegang is geweigerd/i, // nl
  /odmowa dost[eę]pu/i, // pl
  /отказано в доступе/i, // ru
  /拒绝访问/, // zh-CN
  /存取被拒/, // zh-TW
  /アクセスが拒否されました/, // ja
  /액세스가 거부되었습니다/, // ko
] as const;

/** taskkill's exit status when no process matched (`ERROR: The process "1234" not found.`). */
const EXIT_NOT_FOUND = 128;

/**
 * Options of {@link taskkillArguments} and {@link interpretTaskkill}.
 *
 * @example
 * ```ts
 * const options: TaskkillOptions = {force: true, tree: false}; // taskkill /PID <pid> /F
 * ```
 */
export interface TaskkillOptions {
  /** `/F`: terminate at once instead of asking the process to close. */
  readonly force?: boolean;
  /** `/T`: the process and every process it started. */
  readonly tree?: boolean;
}

/**
 * The fixed argument array of one taskkill call: `/PID <pid>`, then `/F` (force) and `/T`
 * (tree). The pid is checked to be a positive integer first; nothing else is variable.
 *
 * @example
 * ```ts
 * taskkillArguments(1234);                          // ['/PID', '1234']
 * taskkillArguments(1234, {force: true, tree: true}); // ['/PID', '1234', '/F', '/T']
 * ```
 */
export function taskkillArguments(pid: number, options: TaskkillOptions = {}): string[] {
  if (!Number.isSafeInteger(pid) || pid <= 0) throw new RangeError(`Invalid pid ${String(pid)}`);
  const args = ['/PID', String(pid)];
  if (options.force) args.push('/F');
  if (options.tree) args.push('/T');
  return args;
}

/**
 * What one taskkill call says about the process it was asked to stop.
 *
 * @example
 * ```ts
 * const verdict: TaskkillVerdict = {kind: 'failed', code: 'EPERM', message: 'Cannot stop pid 1234: access is denied ...'};
 * ```
 */
export type TaskkillVerdict =
  /** The request was delivered (polite) or the process was terminated (`/F`). */
  | { readonly kind: 'sent' }
  /** No such process (exit status 128): it exited before the request. */
  | { readonly kind: 'gone' }
  /**
   * A polite request that taskkill could not make ("This process can only be terminated forcefully
   * (with /F option)": a console process without a window): only `/F` can end it.
   */
  | { readonly kind: 'refused'; readonly message: string }
  /** taskkill failed: `'EPERM'` for an access denial, `'ERR_TASKKILL_FAILED'` for anything else. */
  | {
      readonly kind: 'failed';
      readonly code: 'EPERM' | 'ERR_TASKKILL_FAILED';
      readonly message: string;
    };

/** The first integer in a line (the pid a taskkill SUCCESS line is about). */
function firstNumber(line: string): number | undefined {
  const match = /\b([0-9]+)\b/.exec(line);
  return match ? Number(match[1]) : undefined;
}

/**
 * Decides truthfully what a finished taskkill call means for `pid`, from its exit status first
 * and its (decoded) output second. taskkill prints SUCCESS lines on stdout and ERROR lines on
 * stderr, in the display language; its exit status is 0 only when every process it was asked
 * about succeeded.
 *
 * - exit status 0 → `sent` (in any language — the status decides, not the word "SUCCESS");
 * - a non-zero status with failures on stderr, but a stdout (success) line whose first number is
 *   `pid` → `sent` (with `/T`, the process itself was handled and a process of its tree failed;
 *   the failure is logged);
 * - exit status 128 (`ERROR: The process "1234" not found.`) → `gone`;
 * - the access-denied reason (`Reason: Access is denied.`, `Ursache: Zugriff verweigert`, ...)
 *   → `failed` `'EPERM'`;
 * - without `/F` (`options.force`), a reason that names the `/F` option ("This process can only be terminated
 *   forcefully (with /F option).") → `refused`;
 * - anything else → `failed` `'ERR_TASKKILL_FAILED'`, with taskkill's text in the message.
 *
 * @example
 * ```ts
 * interpretTaskkill(1234, {}, {
 *   exitCode: 1,
 *   stdout: '',
 *   stderr: 'ERROR: The process with PID 1234 could not be terminated.\r\nReason: Access is denied.\r\n',
 * });
 * // {kind: 'failed', code: 'EPERM', message: 'Cannot stop pid 1234: access is denied ...'}
 * ```
 */
export function interpretTaskkill(
  pid: number,
  options: TaskkillOptions,
  result: { readonly exitCode: number | null; readonly stdout: string; readonly stderr: string },
): TaskkillVerdict {
  if (result.exitCode === 0) return { kind: 'sent' };
  const lines = (text: string) =>
    text
      .split(/\r?\n/)
      .map((line) => line.trim())
      .filter((line) => line !== '');
  // taskkill reports each process on its own line, successes on stdout and failures on stderr.
  const failures = lines(result.stderr);
  if (
    failures.length > 0 &&
    lines(result.stdout).some((line) => firstNumber(line) === pid && !failures.includes(line))
  ) {
    return { kind: 'sent' };
  }
  if (result.exitCode === EXIT_NOT_FOUND) return { kind: 'gone' };
  const said = [...lines(result.stderr), ...lines(result.stdout)].join(' ').slice(0, 500);
  const command = `taskkill ${taskkillArguments(pid, options).join(' ')}`;
  if (ACCESS_DENIED.some((pattern) => pattern.test(said))) {
    return {
      kind: 'failed',
      code: 'EPERM',
      message: `Cannot stop pid ${pid}: access is denied (a process of another user, a service or an elevated process; run as administrator) — ${command}: ${said}`,
    };
  }
  if (!options.force && /\/F\b/i.test(said)) {
    return { kind: 'refused', message: said };
  }
  return {
    kind: 'failed',
    code: 'ERR_TASKKILL_FAILED',
    message: `${command} failed with exit status ${result.exitCode}${said ? `: ${said}` : ''}`,
  };
}
